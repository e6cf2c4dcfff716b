package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.ALLOW_BUSY;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.NOSCRIPT;
import static io.redgrid.command.Flag.SKIP_SLOWLOG;
import static io.redgrid.command.Flag.STALE;
import static io.redgrid.command.KeySpec.every;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.protocol.Reply;
import io.redgrid.transaction.Transaction;
import java.util.List;

/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH. Queueing and EXEC's run under the shards of its
 * commands live in the connection (Redis' processCommand); these are the parts that need no more
 * than the client's session: EXEC here only answers the "without MULTI" case.
 */
public final class TransactionCommands implements CommandFamily {
  static final String EXEC_WITHOUT_MULTI = "ERR EXEC without MULTI";
  private static final String DISCARD_WITHOUT_MULTI = "ERR DISCARD without MULTI";
  private static final String NESTED = "ERR MULTI calls can not be nested";
  private static final String WATCH_INSIDE_MULTI = "ERR WATCH inside MULTI is not allowed";

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("multi").arity(exactly(1)).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY)
            .group("transactions").since("1.2.0").complexity("O(1)")
            .summary("Start a transaction block").runs(this::multi),
        command("exec").arity(exactly(1)).flags(NOSCRIPT, LOADING, STALE, SKIP_SLOWLOG)
            .group("transactions").since("1.2.0").complexity("Depends on commands in the transaction")
            .summary("Execute all commands issued after MULTI").runs(this::exec),
        command("discard").arity(exactly(1)).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY)
            .group("transactions").since("2.0.0").complexity("O(N), when N is the number of queued commands")
            .summary("Discard all commands issued after MULTI").runs(this::discard),
        // WATCH names keys (COMMAND INFO 1 -1 1): the connection runs it holding their shards,
        // so whether a key is already expired is read exactly.
        command("watch").arity(atLeast(2)).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY)
            .keys(every(1, -1, 1)).keyFlags("RO").group("transactions").since("2.2.0")
            .complexity("O(1) for every key.")
            .summary("Watch the given keys to determine execution of the MULTI/EXEC block").runs(this::watch),
        command("unwatch").arity(exactly(1)).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY)
            .group("transactions").since("2.2.0").complexity("O(1)")
            .summary("Forget about all watched keys").runs(this::unwatch));
  }

  private static Transaction transaction(Call call) {
    if (call.session() == null) {
      throw new CommandError("ERR transactions need a client connection");
    }
    return call.session().transaction();
  }

  private Reply multi(Call call) {
    Transaction transaction = transaction(call);
    if (transaction.active()) {
      throw new CommandError(NESTED);
    }
    transaction.begin();
    return Reply.OK;
  }

  private Reply exec(Call call) {
    if (!transaction(call).active()) {
      throw new CommandError(EXEC_WITHOUT_MULTI);
    }
    throw new IllegalStateException("EXEC runs in the connection");
  }

  private Reply discard(Call call) {
    Transaction transaction = transaction(call);
    if (!transaction.active()) {
      throw new CommandError(DISCARD_WITHOUT_MULTI);
    }
    transaction.discard();
    return Reply.OK;
  }

  private Reply watch(Call call) {
    Transaction transaction = transaction(call);
    if (transaction.active()) {
      throw new CommandError(WATCH_INSIDE_MULTI);
    }
    for (int i = 1; i < call.argc(); i++) {
      byte[] key = call.arg(i);
      KeyEntry entry = call.database(key).get(key);
      // Redis 7.0: a key already expired when watched is not dirtied by its expiry deletion.
      boolean expired = entry != null && entry.isExpired(call.now());
      transaction.watch(call.stats().watchedKeys, call.db(), key, expired);
    }
    return Reply.OK;
  }

  private Reply unwatch(Call call) {
    transaction(call).unwatch();
    return Reply.OK;
  }
}
