package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.READONLY;
import static io.redgrid.command.Flag.WRITE;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.command.Numbers;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.protocol.Reply;
import java.util.List;

/**
 * Commands on whole databases: sizes, flushes and swaps. They run on every shard at once (each
 * shard holds its slice of every database) and record their effect on every shard.
 */
public final class DatabaseCommands implements CommandFamily {
  private static final byte[] FLUSHDB = StringCommands.bytes("FLUSHDB");
  private static final byte[] FLUSHALL = StringCommands.bytes("FLUSHALL");
  private static final byte[] SWAPDB = StringCommands.bytes("SWAPDB");

  private static final String INVALID_FIRST = "ERR invalid first DB index";
  private static final String INVALID_SECOND = "ERR invalid second DB index";

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("dbsize").arity(exactly(1)).flags(READONLY, FAST).allShards().group("server").since("1.0.0").acl("keyspace")
            .summary("Return the number of keys in the selected database").runs(this::dbsize),
        command("flushdb").arity(atLeast(1)).flags(WRITE).allShards().group("server").since("1.0.0").acl("keyspace", "dangerous")
            .summary("Remove all keys from the current database").runs(this::flushdb),
        command("flushall").arity(atLeast(1)).flags(WRITE).allShards().group("server").since("1.0.0").acl("keyspace", "dangerous")
            .summary("Remove all keys from all databases").runs(this::flushall),
        command("swapdb").arity(exactly(3)).flags(WRITE, FAST).allShards().group("server").since("4.0.0").acl("keyspace", "dangerous")
            .summary("Swaps two Redis databases").runs(this::swapdb));
  }

  /** DBSIZE: like Redis' dictSize, logically expired keys not yet deleted are counted. */
  private Reply dbsize(Call call) {
    long keys = 0;
    for (Keyspace keyspace : call.shards()) {
      keys += keyspace.database(call.db()).size();
    }
    return Reply.integer(keys);
  }

  /** FLUSHDB [ASYNC | SYNC]: ASYNC frees memory in the background in Redis; here both are immediate. */
  private Reply flushdb(Call call) {
    checkFlushMode(call);
    call.touchWatchedDb(call.db(), -1);
    for (Keyspace keyspace : call.shards()) {
      keyspace.database(call.db()).clear();
    }
    call.propagateToAll(FLUSHDB);
    return Reply.OK;
  }

  /** FLUSHALL [ASYNC | SYNC] */
  private Reply flushall(Call call) {
    checkFlushMode(call);
    for (int db = 0; db < call.shards().get(0).databaseCount(); db++) {
      call.touchWatchedDb(db, -1);
    }
    for (Keyspace keyspace : call.shards()) {
      keyspace.flushAll();
    }
    call.propagateToAll(FLUSHALL);
    if (call.server() != null && call.server().persistence() != null) {
      call.server().persistence().flushedAll();
    }
    return Reply.OK;
  }

  /** Redis' getFlushCommandFlags: nothing, or exactly one of SYNC / ASYNC. */
  private static void checkFlushMode(Call call) {
    if (call.argc() == 1 || (call.argc() == 2 && (call.is(1, "SYNC") || call.is(1, "ASYNC")))) {
      return;
    }
    throw new CommandError(Errors.SYNTAX);
  }

  /** SWAPDB index1 index2 */
  private Reply swapdb(Call call) {
    int first = intArg(call, 1, INVALID_FIRST);
    int second = intArg(call, 2, INVALID_SECOND);
    List<Keyspace> shards = call.shards();
    // call.server() is null inside a shard; every keyspace has the configured database count.
    int databases = shards.get(0).databaseCount();
    if (first < 0 || first >= databases || second < 0 || second >= databases) {
      throw new CommandError(Errors.DB_OUT_OF_RANGE);
    }
    if (first == second) {
      return Reply.OK;
    }
    call.touchWatchedDb(first, second);
    call.touchWatchedDb(second, first);
    for (Keyspace keyspace : shards) {
      keyspace.swap(first, second);
    }
    call.propagateToAll(SWAPDB, Numbers.toBytes(first), Numbers.toBytes(second));
    return Reply.OK;
  }

  /** Redis' getIntFromObjectOrReply: a canonical integer within 32 bits, else {@code error}. */
  private static int intArg(Call call, int index, String error) {
    Long value = Numbers.parseLongOrNull(call.arg(index));
    if (value == null || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new CommandError(error);
    }
    return value.intValue();
  }
}
