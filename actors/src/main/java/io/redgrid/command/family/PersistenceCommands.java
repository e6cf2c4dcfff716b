package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.ADMIN;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.NOSCRIPT;
import static io.redgrid.command.Flag.NO_ASYNC_LOADING;
import static io.redgrid.command.Flag.NO_MULTI;
import static io.redgrid.command.Flag.STALE;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.protocol.Reply;
import io.redgrid.server.PersistenceControl;
import java.util.List;

/** SAVE, BGSAVE, LASTSAVE and BGREWRITEAOF: the node's persistence does the work. */
public final class PersistenceCommands implements CommandFamily {
  @Override
  public List<CommandSpec> commands() {
    return List.of(
        // SAVE holds every shard until the snapshot is written: it blocks all clients, as Redis.
        command("save").arity(exactly(1)).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING, NO_MULTI)
            .group("server").since("1.0.0").complexity("O(N) where N is the total number of keys in all databases")
            .summary("Synchronously saves the database(s) to disk.")
            .allShards().runs(this::save),
        command("bgsave").arity(atLeast(1)).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING)
            .group("server").since("1.0.0").complexity("O(1)")
            .summary("Asynchronously saves the database(s) to disk.").runs(this::bgsave),
        command("bgrewriteaof").arity(exactly(1)).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING)
            .group("server").since("1.0.0").complexity("O(1)")
            .summary("Asynchronously rewrites the append-only file to disk.").runs(this::bgrewriteaof),
        command("lastsave").arity(exactly(1)).flags(LOADING, STALE, FAST)
            .group("server").since("1.0.0").complexity("O(1)").acl("admin", "dangerous")
            .tips("nondeterministic_output")
            .summary("Returns the Unix timestamp of the last successful save to disk.")
            .runs(call -> Reply.integer(persistence(call).lastSave())));
  }

  private Reply save(Call call) {
    call.replyLater(persistence(call).save(call.holdToken()));
    return null;
  }

  /** BGSAVE [SCHEDULE] */
  private Reply bgsave(Call call) {
    if (call.argc() > 2 || (call.argc() == 2 && !call.is(1, "SCHEDULE"))) {
      throw new CommandError(Errors.SYNTAX);
    }
    return persistence(call).bgsave(call.argc() == 2);
  }

  private Reply bgrewriteaof(Call call) {
    return persistence(call).bgrewriteaof();
  }

  static PersistenceControl persistence(Call call) {
    PersistenceControl persistence = call.server() == null ? null : call.server().persistence();
    if (persistence == null) {
      throw new CommandError("ERR persistence is not available in this context");
    }
    return persistence;
  }
}
