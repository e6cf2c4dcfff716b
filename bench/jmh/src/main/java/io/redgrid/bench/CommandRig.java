package io.redgrid.bench;

import io.redgrid.command.Call;
import io.redgrid.command.CommandTable;
import io.redgrid.command.Commands;
import io.redgrid.command.ShardAccess;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;

/**
 * One shard's keyspace behind the standard command table, called directly (no actors, no
 * connection): the minimal part of the unit tests' CommandHarness that a shard uses per command.
 */
final class CommandRig {
  /** A fixed clock, so nothing expires and time is not measured. */
  static final long NOW = 1_700_000_000_000L;

  final CommandTable table = Commands.standardTable();
  final Keyspace keyspace = new Keyspace(0, 16);
  /** Effects the commands recorded; counted so the work to build them is not dead code. */
  long effects;
  final Call.Context context = new Call.Context()
      .db(0)
      .protocol(2)
      .shards(ShardAccess.of(keyspace))
      .clock(() -> NOW)
      .effects((shard, db, argv) -> effects += argv.length);

  /** Resolves and runs one command, as a shard does for each routed request. */
  Reply run(byte[][] argv) {
    return table.execute(argv, context);
  }

  /** Runs a command given as text, failing on an error reply; for setup only. */
  Reply must(String... args) {
    Reply reply = run(argv(args));
    if (reply instanceof Reply.Error error) {
      throw new IllegalStateException(String.join(" ", args) + ": " + error.message());
    }
    return reply;
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[][] argv(String... args) {
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = bytes(args[i]);
    }
    return argv;
  }

  /** Keys {@code prefix0 .. prefix(count-1)}, built once so the benchmark does not format them. */
  static byte[][] keys(String prefix, int count) {
    byte[][] keys = new byte[count][];
    for (int i = 0; i < count; i++) {
      keys[i] = bytes(prefix + i);
    }
    return keys;
  }

  /** A fast xorshift step for picking random keys without ThreadLocalRandom's overhead. */
  static long nextRandom(long x) {
    x ^= x << 13;
    x ^= x >>> 7;
    x ^= x << 17;
    return x;
  }
}
