package io.redgrid.command.family;

import io.redgrid.command.CommandHarness;

/** Reaches BlockingCommands' timeout parsing through a real call. */
final class BlockingCommandsTestAccess {
  private BlockingCommandsTestAccess() {}

  static long timeout(CommandHarness h, String timeout) {
    long[] result = new long[1];
    io.redgrid.command.CommandSpec probe = io.redgrid.command.CommandSpec.command("probe")
        .arity(io.redgrid.command.Arity.exactly(2))
        .runs(call -> {
          result[0] = BlockingCommands.timeoutMillis(call, 1);
          return io.redgrid.protocol.Reply.OK;
        });
    h.table.execute(probe, new byte[][] {"probe".getBytes(), timeout.getBytes()}, h.context());
    return result[0];
  }
}
