package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.ADMIN;
import static io.redgrid.command.Flag.ALLOW_BUSY;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.NOSCRIPT;
import static io.redgrid.command.Flag.NO_ASYNC_LOADING;
import static io.redgrid.command.Flag.NO_MULTI;
import static io.redgrid.command.Flag.STALE;
import static io.redgrid.command.family.ConnectionCommands.help;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.CommandTable;
import io.redgrid.command.Errors;
import io.redgrid.command.Flag;
import io.redgrid.config.ConfigException;
import io.redgrid.config.Directive;
import io.redgrid.config.ServerConfig;
import io.redgrid.keyspace.Glob;
import io.redgrid.keyspace.Slots;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Commands about the server: introspection, configuration, the command table. */
public final class ServerCommands implements CommandFamily {
  private static final String CLUSTER_DISABLED = "ERR This instance has cluster support disabled";

  private static final List<String> CONFIG_HELP = List.of(
      "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET <pattern>",
      "    Return parameters matching the glob-like <pattern> and their values.",
      "SET <directive> <value>",
      "    Set the configuration <directive> to <value>.",
      "RESETSTAT",
      "    Reset statistics reported by the INFO command.",
      "REWRITE",
      "    Rewrite the configuration file.",
      "HELP",
      "    Prints this help.");

  private static final List<String> COMMAND_HELP = List.of(
      "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "(no subcommand)",
      "    Return details about all Redis commands.",
      "COUNT",
      "    Return the total number of commands in this Redis server.",
      "LIST",
      "    Return a list of all commands in this Redis server.",
      "INFO [<command-name> ...]",
      "    Return details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "DOCS [<command-name> ...]",
      "    Return documentation details about multiple Redis commands.",
      "    If no command names are given, documentation details for all",
      "    commands are returned.",
      "GETKEYS <full-command>",
      "    Return the keys from a full Redis command.",
      "GETKEYSANDFLAGS <full-command>",
      "    Return the keys and the access flags from a full Redis command.",
      "HELP",
      "    Prints this help.");

  private static final List<String> DEBUG_HELP = List.of(
      "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "LOADAOF",
      "    Flush the AOF buffers on disk and reload the AOF in memory.",
      "OBJECT <key>",
      "    Show low level info about `key` and associated value.",
      "RELOAD",
      "    Save the RDB on disk and reload it back to memory.",
      "SET-ACTIVE-EXPIRE <0|1>",
      "    Setting it to 0 disables expiring keys in background when they are not",
      "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
      "    default.",
      "SLEEP <seconds>",
      "    Stop the server for <seconds>. Decimals allowed.",
      "HELP",
      "    Prints this help.");

  private final CommandTable table;

  /** {@code table} is the table this family is registered in, which COMMAND describes. */
  public ServerCommands(CommandTable table) {
    this.table = table;
  }

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("time").arity(exactly(1)).flags(LOADING, STALE, FAST).group("server")
            .tips("nondeterministic_output").since("2.6.0").complexity("O(1)")
            .summary("Returns the server time.").runs(this::time),
        command("info").arity(atLeast(1)).flags(LOADING, STALE).group("server").acl("dangerous")
            .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
            .summary("Returns information and statistics about the server.").complexity("O(1)")
            .allShards().runs(this::info),
        command("config").arity(atLeast(2)).group("server")
            .summary("A container for server configuration commands.").since("2.0.0")
            .complexity("Depends on subcommand.")
            .subcommands(
                command("get").arity(atLeast(3)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Returns the effective values of configuration parameters.").since("2.0.0")
                    .complexity("O(N) when N is the number of configuration parameters provided")
                    .runs(this::configGet),
                command("set").arity(atLeast(4)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                    .summary("Sets configuration parameters in-flight.").since("2.0.0")
                    .complexity("O(N) when N is the number of configuration parameters provided")
                    .runs(this::configSet),
                command("resetstat").arity(exactly(2)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Resets the server's statistics.").since("2.0.0").complexity("O(1)")
                    .runs(this::configResetStat),
                command("rewrite").arity(exactly(2)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Persists the effective configuration to file.").since("2.8.0").complexity("O(1)")
                    .runs(this::configRewrite),
                command("help").arity(exactly(2)).flags(LOADING, STALE)
                    .summary("Returns helpful text about the different subcommands.").since("5.0.0")
                    .complexity("O(1)").runs(call -> help(CONFIG_HELP))),
        command("shutdown").arity(atLeast(1))
            .flags(ADMIN, NOSCRIPT, LOADING, STALE, NO_MULTI, ALLOW_BUSY).group("server")
            .summary("Synchronously saves the database(s) to disk and shuts down the Redis server.")
            .complexity("O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)")
            .runs(this::shutdown),
        command("debug").arity(atLeast(2)).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
            .summary("A container for debugging commands.").complexity("Depends on subcommand.")
            .allShards().runs(this::debug),
        command("command").arity(atLeast(1)).flags(LOADING, STALE).group("server").acl("connection")
            .tips("nondeterministic_output_order").since("2.8.13")
            .complexity("O(N) where N is the total number of Redis commands")
            .summary("Returns detailed information about all commands.")
            .withSubcommands(
                command("count").arity(exactly(2)).flags(LOADING, STALE).acl("connection")
                    .summary("Returns a count of commands.").since("2.8.13").complexity("O(1)")
                    .runs(call -> Reply.integer(table.size())),
                command("info").arity(atLeast(2)).flags(LOADING, STALE).acl("connection")
                    .tips("nondeterministic_output_order")
                    .summary("Returns information about one, multiple or all commands.").since("2.8.13")
                    .complexity("O(N) where N is the number of commands to look up")
                    .runs(this::commandInfo),
                command("docs").arity(atLeast(2)).flags(LOADING, STALE).acl("connection")
                    .tips("nondeterministic_output_order")
                    .summary("Returns documentary information about one, multiple or all commands.")
                    .since("7.0.0").complexity("O(N) where N is the number of commands to look up")
                    .runs(this::commandDocs),
                command("list").arity(atLeast(2)).flags(LOADING, STALE).acl("connection")
                    .tips("nondeterministic_output_order")
                    .summary("Returns a list of command names.").since("7.0.0")
                    .complexity("O(N) where N is the total number of Redis commands")
                    .runs(this::commandList),
                command("getkeys").arity(atLeast(4)).flags(LOADING, STALE).acl("connection")
                    .summary("Extracts the key names from an arbitrary command.").since("2.8.13")
                    .complexity("O(N) where N is the number of arguments to the command")
                    .runs(call -> commandGetKeys(call, false)),
                command("getkeysandflags").arity(atLeast(4)).flags(LOADING, STALE).acl("connection")
                    .summary("Extracts the key names and access flags for an arbitrary command.")
                    .since("7.0.0").complexity("O(N) where N is the number of arguments to the command")
                    .runs(call -> commandGetKeys(call, true)),
                command("help").arity(exactly(2)).flags(LOADING, STALE).acl("connection")
                    .summary("Returns helpful text about the different subcommands.").since("5.0.0")
                    .complexity("O(1)").runs(call -> help(COMMAND_HELP)))
            .runs(this::commandAll),
        cluster());
  }

  /** CLUSTER: KEYSLOT works (RedGrid maps keys by slot); the rest answers as non-cluster Redis. */
  private CommandSpec cluster() {
    List<CommandSpec> subs = new ArrayList<>();
    subs.add(command("keyslot").arity(exactly(3)).flags(STALE)
        .summary("Returns the hash slot for a key.").since("3.0.0")
        .complexity("O(N) where N is the number of bytes in the key")
        .runs(call -> Reply.integer(Slots.slot(call.arg(2)))));
    Object[][] disabled = {
        {"addslots", -3, true}, {"addslotsrange", -4, true}, {"bumpepoch", 2, true},
        {"count-failure-reports", 3, true}, {"countkeysinslot", 3, false}, {"delslots", -3, true},
        {"delslotsrange", -4, true}, {"failover", -2, true}, {"flushslots", 2, true},
        {"forget", 3, true}, {"getkeysinslot", 4, false}, {"help", 2, false}, {"info", 2, false},
        {"links", 2, false}, {"meet", -4, true}, {"myid", 2, false}, {"nodes", 2, false},
        {"replicas", 3, true}, {"replicate", 3, true}, {"reset", -2, true}, {"saveconfig", 2, true},
        {"set-config-epoch", 3, true}, {"setslot", -4, true}, {"shards", 2, false},
        {"slaves", 3, true}, {"slots", 2, false}};
    for (Object[] d : disabled) {
      int arity = (Integer) d[1];
      CommandSpec.Builder b = command((String) d[0])
          .arity(arity < 0 ? atLeast(-arity) : exactly(arity)).flags(STALE)
          .summary("Not available: cluster support is disabled.").since("3.0.0");
      if ((Boolean) d[2]) {
        b.flags(ADMIN, NO_ASYNC_LOADING);
      }
      subs.add(b.runs(call -> {
        throw new CommandError(CLUSTER_DISABLED);
      }));
    }
    return command("cluster").arity(atLeast(2)).group("cluster")
        .summary("A container for Redis Cluster commands.").since("3.0.0")
        .complexity("Depends on subcommand.").subcommands(subs.toArray(new CommandSpec[0]));
  }

  /** TIME: seconds and microseconds of the keyspace clock (millisecond resolution). */
  private Reply time(Call call) {
    long now = call.now();
    return Reply.array(
        Reply.bulk(Long.toString(Math.floorDiv(now, 1000))),
        Reply.bulk(Long.toString(Math.floorMod(now, 1000) * 1000)));
  }

  /** INFO [section ...] */
  private Reply info(Call call) {
    return Reply.verbatim("txt", InfoSections.report(call, table).getBytes(StandardCharsets.UTF_8));
  }

  /** CONFIG GET parameter [parameter ...]: glob patterns, matched case-insensitively. */
  private Reply configGet(Call call) {
    List<byte[]> patterns = new ArrayList<>();
    for (int i = 2; i < call.argc(); i++) {
      patterns.add(call.arg(i));
    }
    List<Map.Entry<String, String>> matches = call.server().config().matching(name -> {
      byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
      for (byte[] pattern : patterns) {
        if (Glob.matchesIgnoreCase(pattern, bytes)) {
          return true;
        }
      }
      return false;
    });
    List<Reply> pairs = new ArrayList<>(matches.size() * 2);
    for (Map.Entry<String, String> match : matches) {
      pairs.add(Reply.bulk(match.getKey()));
      pairs.add(Reply.bulk(match.getValue()));
    }
    return Reply.map(pairs);
  }

  /**
   * CONFIG SET name value [name value ...]: all or nothing. Errors come in Redis' priority: an
   * unknown name anywhere first, then the first immutable or repeated name, then a bad value;
   * they quote the name as the client wrote it.
   */
  private Reply configSet(Call call) {
    if ((call.argc() & 1) != 0) {
      throw Errors.wrongArity("config|set");
    }
    Map<String, Directive> directives = ServerConfig.directives();
    for (int i = 2; i < call.argc(); i += 2) {
      if (!directives.containsKey(call.text(i).toLowerCase(Locale.ROOT))) {
        throw new CommandError("ERR Unknown option or number of arguments for CONFIG SET - '" + call.text(i) + "'");
      }
    }
    Map<String, String> changes = new LinkedHashMap<>();
    for (int i = 2; i < call.argc(); i += 2) {
      String name = call.text(i).toLowerCase(Locale.ROOT);
      if (!directives.get(name).mutable()) {
        throw configSetFailed(call.text(i), "can't set immutable config");
      }
      if (changes.putIfAbsent(name, call.text(i + 1)) != null) {
        throw configSetFailed(call.text(i), "duplicate parameter");
      }
    }
    for (int i = 2; i < call.argc(); i += 2) {
      try {
        directives.get(call.text(i).toLowerCase(Locale.ROOT)).validator().normalize(call.text(i + 1));
      } catch (IllegalArgumentException e) {
        throw configSetFailed(call.text(i), e.getMessage());
      }
    }
    try {
      call.server().config().set(changes);
    } catch (ConfigException e) {
      throw new CommandError(e.getMessage());
    }
    return Reply.OK;
  }

  private static CommandError configSetFailed(String name, String reason) {
    return new CommandError("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + reason);
  }

  /** CONFIG REWRITE: the current configuration into the file the node started with. */
  private Reply configRewrite(Call call) {
    try {
      io.redgrid.acl.Acl acl = call.server().acl();
      call.server().config().rewrite(acl == null ? null : acl.aclFile() != null ? List.of() : acl.describeAll());
    } catch (ConfigException e) {
      throw new CommandError(e.getMessage());
    }
    return Reply.OK;
  }

  /** CONFIG RESETSTAT */
  private Reply configResetStat(Call call) {
    call.server().stats().reset();
    return Reply.OK;
  }

  /**
   * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. On success there is no reply: the node stops
   * and the connection closes, as with Redis. Saving unless NOSAVE is left to persistence;
   * NOW and FORCE change nothing since RedGrid neither waits for replicas nor fails to save.
   */
  private Reply shutdown(Call call) {
    boolean nosave = false;
    boolean save = false;
    boolean other = false;
    boolean abort = false;
    for (int i = 1; i < call.argc(); i++) {
      if (call.is(i, "NOSAVE")) {
        nosave = true;
      } else if (call.is(i, "SAVE")) {
        save = true;
      } else if (call.is(i, "NOW") || call.is(i, "FORCE")) {
        other = true;
      } else if (call.is(i, "ABORT")) {
        abort = true;
      } else {
        throw new CommandError(Errors.SYNTAX);
      }
    }
    if ((abort && (nosave || save || other)) || (nosave && save)) {
      throw new CommandError(Errors.SYNTAX);
    }
    if (abort) {
      throw new CommandError("ERR No shutdown in progress.");
    }
    io.redgrid.scripting.ScriptRunner scripts = call.server().scripts();
    if (!nosave && scripts != null && scripts.running()) {
      // As Redis: while a script runs only SHUTDOWN NOSAVE may stop the server.
      throw new CommandError(io.redgrid.scripting.ScriptRunner.BUSY);
    }
    call.session().requestClose();
    // As Redis: save when asked to, or when save rules exist and NOSAVE was not given.
    call.server().shutdown(save || (!nosave && call.server().config().saveRules().length > 0));
    return null;
  }

  /**
   * DEBUG SLEEP seconds | DEBUG HELP. DEBUG holds every shard, like Redis' single thread, and
   * SLEEP keeps them held for the time given without blocking a thread.
   */
  private Reply debug(Call call) {
    if (call.is(1, "HELP") && call.argc() == 2) {
      return help(DEBUG_HELP);
    }
    if (call.is(1, "SLEEP") && call.argc() == 3) {
      long micros = sleepMicros(call.text(2));
      if (micros > 0) {
        CompletableFuture<Void> slept = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(micros, TimeUnit.MICROSECONDS, call.server().executor())
            .execute(() -> slept.complete(null));
        call.deferUntil(slept);
      }
      return Reply.OK;
    }
    if (call.is(1, "OBJECT") && call.argc() == 3) {
      return DebugExtras.object(call);
    }
    if (call.is(1, "SET-ACTIVE-EXPIRE") && call.argc() == 3) {
      return DebugExtras.setActiveExpire(call);
    }
    if (call.is(1, "RELOAD") && call.argc() == 2) {
      call.replyLater(PersistenceCommands.persistence(call).debugReload(call.holdToken(), call.shards()));
      return null;
    }
    if (call.is(1, "LOADAOF") && call.argc() == 2) {
      call.replyLater(PersistenceCommands.persistence(call).debugLoadAof(call.holdToken(), call.shards()));
      return null;
    }
    throw new CommandError("ERR unknown subcommand or wrong number of arguments for '" + call.text(1)
        + "'. Try DEBUG HELP.");
  }

  private static final java.util.regex.Pattern STRTOD =
      java.util.regex.Pattern.compile("\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  /** Like Redis' unchecked strtod: the numeric prefix, 0 if none; negative or not finite sleeps 0. */
  static long sleepMicros(String text) {
    java.util.regex.Matcher number = STRTOD.matcher(text);
    if (!number.lookingAt()) {
      return 0;
    }
    double seconds = Double.parseDouble(number.group().strip());
    return Double.isFinite(seconds) && seconds > 0 ? (long) (seconds * 1_000_000) : 0;
  }

  /** COMMAND: every command's COMMAND INFO entry. */
  private Reply commandAll(Call call) {
    List<Reply> all = new ArrayList<>();
    for (CommandSpec spec : table.all()) {
      all.add(CommandIntrospection.info(spec));
    }
    return Reply.array(all);
  }

  /** COMMAND INFO [name ...]: nil for unknown names. */
  private Reply commandInfo(Call call) {
    if (call.argc() == 2) {
      return commandAll(call);
    }
    List<Reply> out = new ArrayList<>();
    for (int i = 2; i < call.argc(); i++) {
      CommandSpec spec = CommandIntrospection.find(table, call.text(i));
      out.add(spec == null ? Reply.NULL : CommandIntrospection.info(spec));
    }
    return Reply.array(out);
  }

  /** COMMAND DOCS [name ...]: a map by name; unknown names are left out. */
  private Reply commandDocs(Call call) {
    List<Reply> out = new ArrayList<>();
    if (call.argc() == 2) {
      for (CommandSpec spec : table.all()) {
        out.add(Reply.bulk(spec.fullName()));
        out.add(CommandIntrospection.docs(spec));
      }
    }
    for (int i = 2; i < call.argc(); i++) {
      CommandSpec spec = CommandIntrospection.find(table, call.text(i));
      if (spec != null) {
        out.add(Reply.bulk(spec.fullName()));
        out.add(CommandIntrospection.docs(spec));
      }
    }
    return Reply.map(out);
  }

  /** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern] */
  private Reply commandList(Call call) {
    java.util.function.Predicate<CommandSpec> filter;
    if (call.argc() == 2) {
      filter = spec -> true;
    } else if (call.argc() == 5 && call.is(2, "FILTERBY")) {
      if (call.is(3, "MODULE")) {
        filter = spec -> false; // no modules
      } else if (call.is(3, "ACLCAT")) {
        String category = "@" + call.text(4).toLowerCase(Locale.ROOT);
        filter = spec -> spec.aclCategories().contains(category);
      } else if (call.is(3, "PATTERN")) {
        byte[] pattern = call.arg(4);
        filter = spec -> Glob.matchesIgnoreCase(pattern, spec.fullName().getBytes(StandardCharsets.UTF_8));
      } else {
        throw new CommandError(Errors.SYNTAX);
      }
    } else {
      throw new CommandError(Errors.SYNTAX);
    }
    List<Reply> names = new ArrayList<>();
    for (CommandSpec spec : table.all()) {
      if (filter.test(spec)) {
        names.add(Reply.bulk(spec.fullName()));
      }
      for (CommandSpec sub : spec.subcommands()) {
        if (filter.test(sub)) {
          names.add(Reply.bulk(sub.fullName()));
        }
      }
    }
    return Reply.array(names);
  }

  /** COMMAND GETKEYS command [arg ...] and GETKEYSANDFLAGS. */
  private Reply commandGetKeys(Call call, boolean withFlags) {
    byte[][] argv = java.util.Arrays.copyOfRange(call.argv(), 2, call.argc());
    CommandSpec spec = table.lookup(argv[0]);
    if (spec != null && !spec.subcommands().isEmpty() && (spec.handler() == null || argv.length > 1)) {
      spec = argv.length > 1 ? spec.subcommand(argv[1]) : null;
    }
    if (spec == null) {
      throw new CommandError("ERR Invalid command specified");
    }
    // Shard channels (not_key specs) are keys for routing only; Redis does not report them.
    if (!spec.keys().hasKeys() || spec.keyFlags().contains("not_key")) {
      throw new CommandError("ERR The command has no key arguments");
    }
    if (!spec.arity().accepts(argv.length)) {
      throw new CommandError("ERR Invalid number of arguments specified for command");
    }
    int[] positions = spec.keys().positions(argv);
    if (positions.length == 0) {
      if (spec.has(Flag.NO_MANDATORY_KEYS)) {
        return Reply.EMPTY_ARRAY;
      }
      throw new CommandError("ERR Invalid arguments specified for command");
    }
    List<Reply> keys = new ArrayList<>(positions.length);
    for (int position : positions) {
      Reply key = Reply.bulk(argv[position]);
      keys.add(withFlags ? Reply.array(key, Reply.set(CommandIntrospection.keyFlags(spec))) : key);
    }
    return Reply.array(keys);
  }
}
