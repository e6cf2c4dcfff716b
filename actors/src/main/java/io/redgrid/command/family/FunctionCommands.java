package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.ALLOW_BUSY;
import static io.redgrid.command.Flag.DENYOOM;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.NOSCRIPT;
import static io.redgrid.command.Flag.NO_MANDATORY_KEYS;
import static io.redgrid.command.Flag.READONLY;
import static io.redgrid.command.Flag.SKIP_MONITOR;
import static io.redgrid.command.Flag.STALE;
import static io.redgrid.command.Flag.WRITE;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.KeySpec;
import io.redgrid.keyspace.Glob;
import io.redgrid.protocol.Reply;
import io.redgrid.scripting.ScriptRunner;
import io.redgrid.scripting.functions.FunctionFlag;
import io.redgrid.scripting.functions.FunctionLibrary;
import io.redgrid.scripting.functions.FunctionRegistry;
import io.redgrid.scripting.functions.LibraryFunction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * FCALL / FCALL_RO and FUNCTION LOAD / DELETE / FLUSH / RESTORE / LIST / DUMP / STATS / KILL /
 * HELP (Redis 7.0).
 *
 * <p>Why the changing subcommands run on the script thread holding shard 0: the functions Lua
 * state is touched only there (FCALL runs there too), and shard 0 persists them as sent
 * (deterministic, like Redis' AOF propagation of FUNCTION commands) and replays them through
 * this code on recovery, when nothing else runs; shard 0's snapshot carries the libraries (RDB
 * opcode 245), so the AOF rewrite and SAVE keep them. The node-wide {@link FunctionRegistry}
 * holds them. FCALL takes its declared keys' shards like EVAL ({@link ScriptRunner}).
 */
public final class FunctionCommands implements CommandFamily {
  private static final List<Reply> HELP = help(
      "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LOAD [REPLACE] <FUNCTION CODE>",
      "    Create a new library with the given library name and code.",
      "DELETE <LIBRARY NAME>",
      "    Delete the given library.",
      "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
      "    Return general information on all the libraries:",
      "    * Library name",
      "    * The engine used to run the Library",
      "    * Library description",
      "    * Functions list",
      "    * Library code (if WITHCODE is given)",
      "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
      "STATS",
      "    Return information about the current function running:",
      "    * Function name",
      "    * Command used to run the function",
      "    * Duration in MS that the function is running",
      "    If no function is running, return nil",
      "    In addition, returns a list of available engines.",
      "KILL",
      "    Kill the current running function.",
      "FLUSH [ASYNC|SYNC]",
      "    Delete all the libraries.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the libraries.",
      "    * SYNC: Synchronously flush the libraries.",
      "DUMP",
      "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
      "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
      "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
      "    control how to handle existing libraries (default APPEND):",
      "    * FLUSH: delete all existing libraries.",
      "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
      "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
      "      libraries with the new libraries (notice that even on this option there is a chance of failure",
      "      in case of functions name collision with another library).",
      "HELP",
      "    Prints this help.");

  private static final String ALL_SHARDS = "request_policy:all_shards";

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        fcall("fcall", "Invoke a function",
            "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE"),
        fcall("fcall_ro", "Invoke a read-only function",
            "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS", READONLY),
        command("function").arity(atLeast(2)).group("scripting").since("7.0.0")
            .summary("A container for function commands").subcommands(
                command("load").arity(atLeast(3)).flags(WRITE, DENYOOM, NOSCRIPT).onScriptThread()
                    .since("7.0.0").tips(ALL_SHARDS, "response_policy:all_succeeded")
                    .summary("Creates a library.").complexity("O(1) (considering compilation time is redundant)")
                    .runs(this::load),
                command("restore").arity(atLeast(3)).flags(WRITE, DENYOOM, NOSCRIPT).onScriptThread()
                    .since("7.0.0").tips(ALL_SHARDS, "response_policy:all_succeeded")
                    .summary("Restores all libraries from a payload.")
                    .complexity("O(N) where N is the number of functions on the payload").runs(this::restore),
                command("delete").arity(exactly(3)).flags(WRITE, NOSCRIPT).onScriptThread().since("7.0.0")
                    .tips(ALL_SHARDS, "response_policy:all_succeeded")
                    .summary("Deletes a library and its functions.").complexity("O(1)").runs(this::delete),
                command("flush").arity(atLeast(2)).flags(WRITE, NOSCRIPT).onScriptThread().since("7.0.0")
                    .tips(ALL_SHARDS, "response_policy:all_succeeded")
                    .summary("Deletes all libraries and functions.")
                    .complexity("O(N) where N is the number of functions deleted").runs(this::flush),
                command("list").arity(atLeast(2)).flags(NOSCRIPT).since("7.0.0")
                    .tips("nondeterministic_output_order")
                    .summary("Returns information about all libraries.")
                    .complexity("O(N) where N is the number of functions").runs(this::list),
                command("dump").arity(exactly(2)).flags(NOSCRIPT).since("7.0.0")
                    .summary("Dumps all libraries into a serialized binary payload.")
                    .complexity("O(N) where N is the number of functions").runs(this::dump),
                command("stats").arity(exactly(2)).flags(NOSCRIPT, ALLOW_BUSY).since("7.0.0")
                    .tips("nondeterministic_output", ALL_SHARDS, "response_policy:special")
                    .summary("Returns information about a function during execution.")
                    .complexity("O(1)").runs(this::stats),
                command("kill").arity(exactly(2)).flags(NOSCRIPT, ALLOW_BUSY).since("7.0.0")
                    .tips(ALL_SHARDS, "response_policy:one_succeeded")
                    .summary("Terminates a function during execution.").complexity("O(1)").runs(this::kill),
                command("help").arity(exactly(2)).flags(LOADING, STALE).since("7.0.0")
                    .summary("Returns helpful text about the different subcommands.").complexity("O(1)")
                    .runs(call -> Reply.array(HELP))));
  }

  /** FCALL-like: function numkeys key... arg...; keys found by numkeys, run on the script thread. */
  private CommandSpec fcall(String name, String summary, String keyNotes, io.redgrid.command.Flag... extra) {
    CommandSpec.Builder builder = command(name).arity(atLeast(3))
        .flags(NOSCRIPT, SKIP_MONITOR, NO_MANDATORY_KEYS, STALE).flags(extra)
        .keys(KeySpec.keynum(2, keyNotes))
        .onScriptThread().group("scripting").since("7.0.0").summary(summary)
        .complexity("Depends on the function that is executed.");
    if (extra.length == 0) {
      builder.keyFlags("RW", "access", "update");
    }
    return builder.runs(call -> runner(call).evalHere(call));
  }

  private static ScriptRunner runner(Call call) {
    ScriptRunner runner = call.server() == null ? null : call.server().scripts();
    if (runner == null) {
      throw new CommandError("ERR scripting is not available here");
    }
    return runner;
  }

  // ---- changing the libraries (script thread, shard 0, persisted as sent) ------------------

  /** FUNCTION LOAD [REPLACE] function-code */
  private Reply load(Call call) {
    boolean replace = false;
    int argument = 2;
    for (; argument < call.argc() - 1; argument++) {
      if (call.is(argument, "REPLACE")) {
        replace = true;
      } else {
        throw new CommandError("ERR Unknown option given: " + call.text(argument));
      }
    }
    if (argument != call.argc() - 1) {
      throw new CommandError("ERR Function code is missing");
    }
    String name = registry(call).load(call.arg(argument), replace);
    call.propagateKeyless(call.argv());
    return Reply.bulk(name);
  }

  /** FUNCTION DELETE library-name */
  private Reply delete(Call call) {
    registry(call).delete(call.text(2));
    call.propagateKeyless(call.argv());
    return Reply.OK;
  }

  /** FUNCTION FLUSH [ASYNC | SYNC]: both free at once here (no lazy-free thread). */
  private Reply flush(Call call) {
    if (call.argc() > 3) {
      throw subcommandSyntax(call);
    }
    if (call.argc() == 3 && !call.is(2, "ASYNC") && !call.is(2, "SYNC")) {
      throw new CommandError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    }
    registry(call).flush();
    call.propagateKeyless(call.argv());
    return Reply.OK;
  }

  /** FUNCTION RESTORE serialized-value [FLUSH | APPEND | REPLACE] */
  private Reply restore(Call call) {
    if (call.argc() > 4) {
      throw subcommandSyntax(call);
    }
    FunctionRegistry.RestorePolicy policy = FunctionRegistry.RestorePolicy.APPEND;
    if (call.argc() == 4) {
      if (call.is(3, "APPEND")) {
        policy = FunctionRegistry.RestorePolicy.APPEND;
      } else if (call.is(3, "REPLACE")) {
        policy = FunctionRegistry.RestorePolicy.REPLACE;
      } else if (call.is(3, "FLUSH")) {
        policy = FunctionRegistry.RestorePolicy.FLUSH;
      } else {
        throw new CommandError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
      }
    }
    registry(call).restore(call.arg(2), policy);
    call.propagateKeyless(call.argv());
    return Reply.OK;
  }

  // ---- reading them (with the connection) ---------------------------------------------------

  /** FUNCTION LIST [LIBRARYNAME library-name-pattern] [WITHCODE] */
  private Reply list(Call call) {
    boolean withCode = false;
    byte[] pattern = null;
    for (int i = 2; i < call.argc(); i++) {
      if (!withCode && call.is(i, "WITHCODE")) {
        withCode = true;
        continue;
      }
      if (pattern == null && call.is(i, "LIBRARYNAME")) {
        if (i >= call.argc() - 1) {
          throw new CommandError("ERR library name argument was not given");
        }
        pattern = call.arg(++i);
        continue;
      }
      throw new CommandError("ERR Unknown argument " + call.text(i));
    }
    List<Reply> libraries = new ArrayList<>();
    for (FunctionLibrary library : registry(call).libraries()) {
      byte[] name = library.name().getBytes(StandardCharsets.UTF_8);
      if (pattern != null && !Glob.matchesIgnoreCase(pattern, name)) {
        continue;
      }
      List<Reply> functions = new ArrayList<>(library.functions().size());
      for (LibraryFunction function : library.functions().values()) {
        List<Reply> flags = new ArrayList<>();
        for (FunctionFlag flag : function.flags()) {
          flags.add(Reply.simple(flag.redisName()));
        }
        functions.add(Reply.map(List.of(
            Reply.bulk("name"), Reply.bulk(function.name()),
            Reply.bulk("description"), function.description() == null ? Reply.NULL : Reply.bulk(function.description()),
            Reply.bulk("flags"), Reply.set(flags))));
      }
      List<Reply> fields = new ArrayList<>(8);
      fields.add(Reply.bulk("library_name"));
      fields.add(Reply.bulk(name));
      fields.add(Reply.bulk("engine"));
      fields.add(Reply.bulk(library.engine()));
      fields.add(Reply.bulk("functions"));
      fields.add(Reply.array(functions));
      if (withCode) {
        fields.add(Reply.bulk("library_code"));
        fields.add(Reply.bulk(library.code()));
      }
      libraries.add(Reply.map(fields));
    }
    return Reply.array(libraries);
  }

  /** FUNCTION DUMP */
  private Reply dump(Call call) {
    return Reply.bulk(registry(call).dump());
  }

  /** FUNCTION STATS: the running function and the engines; BUSY while an EVAL script runs. */
  private Reply stats(Call call) {
    FunctionRegistry registry = registry(call);
    ScriptRunner runner = call.server() == null ? null : call.server().scripts();
    if (runner != null && runner.evalRunning()) {
      throw new CommandError(ScriptRunner.BUSY);
    }
    ScriptRunner.RunningFunction running = runner == null ? null : runner.runningFunction();
    Reply script = Reply.NULL;
    if (running != null) {
      List<Reply> command = new ArrayList<>(running.command().length);
      for (byte[] arg : running.command()) {
        command.add(Reply.bulk(arg));
      }
      script = Reply.map(List.of(
          Reply.bulk("name"), Reply.bulk(running.name()),
          Reply.bulk("command"), Reply.array(command),
          Reply.bulk("duration_ms"), Reply.integer(running.durationMillis())));
    }
    Reply engine = Reply.map(List.of(
        Reply.bulk("libraries_count"), Reply.integer(registry.libraryCount()),
        Reply.bulk("functions_count"), Reply.integer(registry.functionCount())));
    return Reply.map(List.of(
        Reply.bulk("running_script"), script,
        Reply.bulk("engines"), Reply.map(List.of(Reply.bulk(FunctionRegistry.ENGINE), engine))));
  }

  /** FUNCTION KILL: stops a function that has not written yet (NOTBUSY / UNKILLABLE / BUSY otherwise). */
  private Reply kill(Call call) {
    ScriptRunner runner = call.server() == null ? null : call.server().scripts();
    String error = runner == null ? ScriptRunner.NOTBUSY : runner.kill(true);
    if (error != null) {
      throw new CommandError(error);
    }
    return Reply.OK;
  }

  /** Redis' addReplySubcommandSyntaxError. */
  private static CommandError subcommandSyntax(Call call) {
    return new CommandError("ERR unknown subcommand or wrong number of arguments for '" + call.text(1)
        + "'. Try FUNCTION HELP.");
  }

  private static FunctionRegistry registry(Call call) {
    FunctionRegistry registry = call.functions();
    if (registry == null) {
      throw new IllegalStateException("no function registry in this call's context");
    }
    return registry;
  }

  private static List<Reply> help(String... lines) {
    List<Reply> replies = new ArrayList<>(lines.length);
    for (String line : lines) {
      replies.add(Reply.simple(line));
    }
    return List.copyOf(replies);
  }
}
