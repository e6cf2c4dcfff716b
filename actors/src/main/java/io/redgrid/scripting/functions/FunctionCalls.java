package io.redgrid.scripting.functions;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.Flag;
import io.redgrid.command.Numbers;
import io.redgrid.protocol.Reply;
import io.redgrid.scripting.LuaEngine;
import io.redgrid.scripting.ScriptFlags;
import io.redgrid.scripting.ScriptRunner;
import java.util.List;

/**
 * FCALL and FCALL_RO plugged into the {@link ScriptRunner}: it takes their shards, applies their
 * flags and runs them like EVAL; this class finds the function and applies Redis 7.0's checks
 * (fcallCommandGeneric then scriptPrepareForRun, in that order and with their texts).
 */
public final class FunctionCalls {
  private FunctionCalls() {}

  /** Registers FCALL and FCALL_RO with a node's (or a test's) script runner. */
  public static void register(ScriptRunner runner) {
    runner.register("fcall", FunctionCalls::resolve);
    runner.register("fcall_ro", FunctionCalls::resolve);
  }

  /** A function as the runner's target: its callback runs in the functions' own engine. */
  record FunctionTarget(LibraryFunction called, FunctionRegistry registry) implements ScriptRunner.Target {
    @Override
    public String name() {
      return called.name();
    }

    @Override
    public ScriptFlags flags() {
      return new ScriptFlags(true, called.has(FunctionFlag.NO_WRITES), called.has(FunctionFlag.ALLOW_OOM),
          called.has(FunctionFlag.ALLOW_STALE), 0);
    }

    @Override
    public Reply invoke(LuaEngine scripts, List<byte[]> keys, List<byte[]> args, LuaEngine.Host host) {
      return registry.engine().callFunction(called.callback(), keys, args, host, called.name());
    }

    @Override
    public boolean function() {
      return true;
    }
  }

  static ScriptRunner.Target resolve(Call call) {
    FunctionRegistry registry = call.functions();
    LibraryFunction function = registry == null ? null : registry.function(call.text(1));
    if (function == null) {
      throw new CommandError("ERR Function not found");
    }
    Long numkeys = Numbers.parseLongOrNull(call.arg(2));
    if (numkeys == null) {
      throw new CommandError("ERR Bad number of keys provided");
    }
    if (numkeys > call.argc() - 3) {
      throw new CommandError("ERR Number of keys can't be greater than number of args");
    }
    if (numkeys < 0) {
      throw new CommandError("ERR Number of keys can't be negative");
    }
    boolean noWrites = function.has(FunctionFlag.NO_WRITES);
    if (!function.has(FunctionFlag.ALLOW_OOM) && !noWrites && call.stats().memory.fullWithoutEviction()) {
      throw new CommandError("OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'");
    }
    if (!noWrites && call.spec().has(Flag.READONLY)) {
      throw new CommandError("ERR Can not execute a script with write flag using *_ro command.");
    }
    return new FunctionTarget(function, registry);
  }

}
