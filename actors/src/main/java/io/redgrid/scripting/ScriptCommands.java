package io.redgrid.scripting;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.ALLOW_BUSY;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.NOSCRIPT;
import static io.redgrid.command.Flag.NO_MANDATORY_KEYS;
import static io.redgrid.command.Flag.READONLY;
import static io.redgrid.command.Flag.SKIP_MONITOR;
import static io.redgrid.command.Flag.STALE;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.KeySpec;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * EVAL, EVALSHA, their read-only forms and SCRIPT. A connection hands script commands to the
 * node's {@link ScriptRunner} (route SCRIPT), which runs them on the script thread holding their
 * shards; the handlers here are what runs there (and inside EXEC).
 */
public final class ScriptCommands implements CommandFamily {
  private static final List<Reply> SCRIPT_HELP = help(
      "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.",
      "HELP",
      "    Prints this help.");

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        eval("eval", "Execute a Lua script server side", "2.6.0",
            "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"),
        eval("evalsha", "Execute a Lua script server side", "2.6.0", null),
        eval("eval_ro", "Execute a read-only Lua script server side", "7.0.0",
            "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS", READONLY),
        eval("evalsha_ro", "Execute a read-only Lua script server side", "7.0.0", null, READONLY),
        command("script").arity(atLeast(2)).group("scripting").since("2.6.0")
            .summary("A container for Lua scripts management commands").complexity("Depends on subcommand.")
            .subcommands(
                command("flush").arity(atLeast(2)).flags(NOSCRIPT).since("2.6.0")
                    .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                    .summary("Remove all the scripts from the script cache.")
                    .complexity("O(N) with N being the number of scripts in cache").runs(this::flush),
                command("exists").arity(atLeast(3)).flags(NOSCRIPT).since("2.6.0")
                    .tips("request_policy:all_shards", "response_policy:agg_logical_and")
                    .summary("Check existence of scripts in the script cache.")
                    .complexity("O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).")
                    .runs(this::exists),
                command("load").arity(exactly(3)).flags(NOSCRIPT, STALE).since("2.6.0")
                    .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                    .summary("Load the specified Lua script into the script cache.")
                    .complexity("O(N) with N being the length in bytes of the script body.").runs(this::load),
                command("debug").arity(exactly(3)).flags(NOSCRIPT).since("3.2.0")
                    .summary("Set the debug mode for executed scripts.").complexity("O(1)")
                    .runs(this::debug),
                command("kill").arity(exactly(2)).flags(NOSCRIPT, ALLOW_BUSY).since("2.6.0")
                    .tips("request_policy:all_shards", "response_policy:one_succeeded")
                    .summary("Kill the script currently in execution.").complexity("O(1)").runs(this::kill),
                command("help").arity(exactly(2)).flags(LOADING, STALE).since("5.0.0")
                    .summary("Show helpful text about the different subcommands").complexity("O(1)")
                    .runs(call -> Reply.array(SCRIPT_HELP))));
  }

  /** EVAL-like: script (or sha) numkeys key... arg...; keys found by numkeys, run on the script thread. */
  private CommandSpec eval(String name, String summary, String since, String keyNotes,
      io.redgrid.command.Flag... extra) {
    CommandSpec.Builder builder = command(name).arity(atLeast(3))
        .flags(NOSCRIPT, SKIP_MONITOR, NO_MANDATORY_KEYS, STALE).flags(extra)
        .keys(KeySpec.keynum(2, keyNotes))
        .onScriptThread().group("scripting").since(since).summary(summary)
        .complexity("Depends on the script that is executed.");
    if (extra.length == 0) {
      builder.keyFlags("RW", "access", "update");
    }
    return builder.runs(this::evalHandler);
  }

  private static ScriptRunner runner(Call call) {
    ScriptRunner runner = call.server() == null ? null : call.server().scripts();
    if (runner == null) {
      throw new CommandError("ERR scripting is not available here");
    }
    return runner;
  }

  private Reply evalHandler(Call call) {
    return runner(call).evalHere(call);
  }

  /** SCRIPT LOAD script: compiles on the script thread, replies with the sha. */
  private Reply load(Call call) {
    ScriptRunner runner = runner(call);
    byte[] body = call.arg(2);
    return later(call, runner, () -> {
      try {
        return Reply.bulk(runner.load(body).sha());
      } catch (CommandError e) {
        return Reply.error(e.getMessage());
      }
    });
  }

  /** Runs on the script thread; a connection gets the reply later, anything else waits for it. */
  private static Reply later(Call call, ScriptRunner runner, java.util.function.Supplier<Reply> work) {
    if (runner.onScriptThread()) {
      return work.get();
    }
    if (call.session() != null && call.shardAccess() == null) {
      call.replyLater(runner.submit(work));
      return null;
    }
    return runner.submit(work).join();
  }

  private Reply exists(Call call) {
    ScriptRunner runner = runner(call);
    List<Reply> found = new ArrayList<>(call.argc() - 2);
    for (int i = 2; i < call.argc(); i++) {
      found.add(Reply.integer(runner.exists(new String(call.arg(i), StandardCharsets.ISO_8859_1)) ? 1 : 0));
    }
    return Reply.array(found);
  }

  private Reply flush(Call call) {
    if (call.argc() > 3 || (call.argc() == 3 && !call.is(2, "SYNC") && !call.is(2, "ASYNC"))) {
      throw new CommandError("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    }
    ScriptRunner runner = runner(call);
    return later(call, runner, () -> {
      runner.flush();
      return Reply.OK;
    });
  }

  private Reply kill(Call call) {
    String error = runner(call).kill();
    if (error != null) {
      throw new CommandError(error);
    }
    return Reply.OK;
  }

  private Reply debug(Call call) {
    if (call.is(2, "NO")) {
      return Reply.OK;
    }
    if (call.is(2, "YES") || call.is(2, "SYNC")) {
      throw new CommandError("ERR SCRIPT DEBUG is not supported by RedGrid");
    }
    throw new CommandError("ERR Use SCRIPT DEBUG YES/SYNC/NO");
  }

  private static List<Reply> help(String... lines) {
    List<Reply> replies = new ArrayList<>();
    for (String line : lines) {
      replies.add(Reply.simple(line));
    }
    return List.copyOf(replies);
  }
}
