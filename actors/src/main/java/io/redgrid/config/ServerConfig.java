package io.redgrid.config;

import io.redgrid.pubsub.KeyspaceEvents;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The Redis-style directives of a node, read like redis-server reads them: an optional
 * {@code redis.conf}, then {@code --name value} arguments, then CONFIG SET at run time. Only
 * directives RedGrid honours exist; any other name stops start-up with a message naming it.
 */
public final class ServerConfig {
  private static final Map<String, Directive> DIRECTIVES = new LinkedHashMap<>();
  /** Directives that are two names of one value (Redis' alias configs): setting one sets both. */
  private static final Map<String, String> ALIASES = Map.of(
      "busy-reply-threshold", "lua-time-limit", "lua-time-limit", "busy-reply-threshold");

  static {
    for (Directive d : List.of(
        Directive.integer("port", 6379, 0, 65535, false),
        Directive.text("bind", "127.0.0.1 -::1", false),
        Directive.text("dir", ".", false),
        Directive.integer("databases", 16, 1, 1_000_000, false),
        // scripting: lua-time-limit is Redis 7.0's alias of busy-reply-threshold (one value, two names)
        Directive.integer("busy-reply-threshold", 5000, 0, Long.MAX_VALUE, true),
        Directive.integer("lua-time-limit", 5000, 0, Long.MAX_VALUE, true),
        Directive.integer("hz", 10, 1, 500, true),
        Directive.oneOf("loglevel", "notice", true, List.of("debug", "verbose", "notice", "warning", "nothing")),
        Directive.text("logfile", "", false),
        Directive.memory("proto-max-bulk-len", 512L * 1024 * 1024, 1024 * 1024, Long.MAX_VALUE, true),
        Directive.integer("keyspace-shards", 16, 1, 16384, false),
        Directive.integer("tracking-table-max-keys", 1_000_000, 0, Long.MAX_VALUE, true),
        new Directive("client-output-buffer-limit", OutputBufferLimits.DEFAULT, true, OutputBufferLimits::normalize,
            OutputBufferLimits::merge),
        new Directive("save", "3600 1 300 100 60 10000", true, ServerConfig::saveRules),
        Directive.text("dbfilename", "dump.rdb", true),
        Directive.bool("rdbcompression", true, true),
        Directive.bool("rdbchecksum", true, false),
        Directive.bool("appendonly", false, true),
        Directive.oneOf("appendfsync", "everysec", true, List.of("everysec", "always", "no")),
        Directive.text("appendfilename", "appendonly.aof", false),
        Directive.text("appenddirname", "appendonlydir", false),
        Directive.bool("aof-load-truncated", true, true),
        Directive.integer("auto-aof-rewrite-percentage", 100, 0, Integer.MAX_VALUE, true),
        Directive.memory("auto-aof-rewrite-min-size", 64L * 1024 * 1024, 0, Long.MAX_VALUE, true),
        new Directive("notify-keyspace-events", "", true,
            value -> KeyspaceEvents.format(KeyspaceEvents.parse(value))),
        // acl
        Directive.text("requirepass", "", true),
        Directive.text("aclfile", "", false),
        Directive.integer("acllog-max-len", 128, 0, Long.MAX_VALUE, true),
        Directive.oneOf("acl-pubsub-default", "resetchannels", true, List.of("allchannels", "resetchannels")),
        // netadmin
        Directive.bool("protected-mode", true, true),
        Directive.integer("maxclients", 10000, 1, 4294967295L, true),
        Directive.integer("timeout", 0, 0, Integer.MAX_VALUE, true),
        Directive.integer("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true),
        // memory
        Directive.memory("maxmemory", 0, 0, Long.MAX_VALUE, true),
        Directive.oneOf("maxmemory-policy", "noeviction", true, List.of("volatile-lru", "volatile-lfu",
            "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction")),
        Directive.integer("maxmemory-samples", 5, 1, Integer.MAX_VALUE, true),
        Directive.integer("maxmemory-eviction-tenacity", 10, 0, 100, true),
        Directive.integer("lfu-log-factor", 10, 0, Integer.MAX_VALUE, true),
        Directive.integer("lfu-decay-time", 1, 0, Integer.MAX_VALUE, true))) {
      DIRECTIVES.put(d.name(), d);
    }
    // stats
    for (Directive d : io.redgrid.stats.StatsDirectives.all()) {
      DIRECTIVES.put(d.name(), d);
    }
  }

  /** Every directive redis-server 7.0 knows, for a clearer refusal of the ones not implemented. */
  private static final Set<String> REDIS_DIRECTIVES = redisDirectives();

  private final Map<String, String> values = new ConcurrentHashMap<>();
  /** Values as given, for directives whose normal form loses information (notify-keyspace-events' 'n' under 'A'). */
  private final Map<String, String> given = new ConcurrentHashMap<>();
  private final List<Consumer<Map<String, String>>> listeners = new CopyOnWriteArrayList<>();
  private final Path configFile;
  private final List<List<String>> userLines = new CopyOnWriteArrayList<>();

  private ServerConfig(Path configFile) {
    this.configFile = configFile;
    for (Directive d : DIRECTIVES.values()) {
      values.put(d.name(), d.defaultValue());
    }
  }

  /** Defaults only. */
  public static ServerConfig defaults() {
    return new ServerConfig(null);
  }

  /** Reads {@code [path/to/redis.conf] [--name value ...]} as redis-server does. */
  public static ServerConfig fromArgs(String[] args) throws ConfigException {
    int first = 0;
    Path file = null;
    if (args.length > 0 && !args[0].startsWith("--")) {
      file = Path.of(args[0]);
      first = 1;
    }
    ServerConfig config = new ServerConfig(file);
    if (file != null) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigException("Fatal error, can't open config file '" + file + "': " + e.getMessage());
      }
      config.load(text, file.toString());
    }
    StringBuilder fromArgs = new StringBuilder();
    for (int i = first; i < args.length; i++) {
      String arg = args[i];
      if (arg.startsWith("--")) {
        if (fromArgs.length() > 0) {
          fromArgs.append('\n');
        }
        fromArgs.append(arg.substring(2));
      } else {
        fromArgs.append(' ').append(quote(arg));
      }
    }
    config.load(fromArgs.toString(), "command line");
    return config;
  }

  private static String quote(String arg) {
    if (arg.isEmpty() || arg.chars().anyMatch(c -> c == ' ' || c == '"' || c == '\'')) {
      return '"' + arg.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
    return arg;
  }

  /** Applies config-file text: one directive per line, {@code #} comments, quoted arguments. */
  public void load(String text, String source) throws ConfigException {
    String[] lines = text.split("\n");
    boolean saveSeen = false;
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      List<String> words = ConfigLine.split(line);
      if (words == null) {
        throw new ConfigException(error(source, n, line, "Unbalanced quotes in configuration line"));
      }
      String name = words.get(0).toLowerCase(Locale.ROOT);
      if (name.equals("user")) { // acl: one line per user, applied by io.redgrid.acl.Acl
        userLines.add(List.copyOf(words.subList(1, words.size())));
        continue;
      }
      Directive directive = DIRECTIVES.get(name);
      if (directive == null) {
        throw new ConfigException(error(source, n, line, REDIS_DIRECTIVES.contains(name)
            ? "Directive '" + name + "' is a Redis directive that RedGrid does not implement yet"
                + " (the README lists the ones it does)"
            : "Bad directive or wrong number of arguments"));
      }
      String value = String.join(" ", words.subList(1, words.size()));
      if (name.equals("save")) {
        // As redis.conf: the first save line replaces the defaults, later ones add rules.
        if (saveSeen && !value.isBlank() && !values.get("save").isEmpty()) {
          value = values.get("save") + " " + value;
        }
        saveSeen = true;
      }
      try {
        values.put(name, directive.merge().apply(values.get(name), directive.validator().normalize(value)));
        given.put(name, value);
        String alias = ALIASES.get(name);
        if (alias != null) {
          values.put(alias, values.get(name));
          given.put(alias, value);
        }
      } catch (IllegalArgumentException e) {
        throw new ConfigException(error(source, n, line, "Invalid '" + name + "' value: " + e.getMessage()));
      }
    }
  }

  private static String error(String source, int lineIndex, String line, String reason) {
    return "*** FATAL CONFIG FILE ERROR (" + source + ") ***\n"
        + "Reading the configuration file, at line " + (lineIndex + 1) + "\n"
        + ">>> '" + line + "'\n" + reason;
  }

  /** The config file the node started with, or null. */
  public Path configFile() {
    return configFile;
  }

  public static Map<String, Directive> directives() {
    return DIRECTIVES;
  }

  public String get(String name) {
    return values.get(name.toLowerCase(Locale.ROOT));
  }

  /**
   * The value as last given (config file, argument or CONFIG SET) rather than its normal form:
   * Redis keeps notify-keyspace-events' 'n' although CONFIG GET shows "AKE" for "KEAn".
   */
  public String given(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    return given.getOrDefault(key, values.get(key));
  }

  public long getLong(String name) {
    return Long.parseLong(get(name));
  }

  /** Directives whose names match the glob, with their values, in declaration order. */
  public List<Map.Entry<String, String>> matching(java.util.function.Predicate<String> matches) {
    List<Map.Entry<String, String>> result = new ArrayList<>();
    for (String name : DIRECTIVES.keySet()) {
      if (matches.test(name)) {
        result.add(Map.entry(name, values.get(name)));
      }
    }
    return result;
  }

  /**
   * Sets several directives at once, all or nothing, as CONFIG SET does; throws with Redis'
   * message for the first bad one.
   */
  public synchronized void set(Map<String, String> changes) throws ConfigException {
    Map<String, String> normalized = new LinkedHashMap<>();
    for (Map.Entry<String, String> change : changes.entrySet()) {
      String name = change.getKey().toLowerCase(Locale.ROOT);
      Directive directive = DIRECTIVES.get(name);
      if (directive == null) {
        throw new ConfigException("ERR Unknown option or number of arguments for CONFIG SET - '" + change.getKey() + "'");
      }
      if (!directive.mutable()) {
        throw new ConfigException("ERR CONFIG SET failed (possibly related to argument '" + name + "') - can't set immutable config");
      }
      try {
        normalized.put(name, directive.merge().apply(values.get(name), directive.validator().normalize(change.getValue())));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + e.getMessage());
      }
    }
    // stats: what to restore if applying fails, as Redis restores the old values.
    Map<String, String> previous = new LinkedHashMap<>();
    Map<String, String> previousGiven = new LinkedHashMap<>();
    for (String name : normalized.keySet()) {
      previous.put(name, values.get(name));
      previousGiven.put(name, given.get(name));
    }
    for (Map.Entry<String, String> change : List.copyOf(normalized.entrySet())) {
      String alias = ALIASES.get(change.getKey());
      if (alias != null && !normalized.containsKey(alias)) {
        normalized.put(alias, change.getValue());
        previous.put(alias, values.get(alias));
        previousGiven.put(alias, given.get(alias));
        changes = new LinkedHashMap<>(changes);
        changes.put(alias, changes.entrySet().stream()
            .filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(change.getKey())).findFirst().orElseThrow().getValue());
      }
    }
    values.putAll(normalized);
    for (String name : normalized.keySet()) {
      given.put(name, changes.entrySet().stream()
          .filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(name)).findFirst().orElseThrow().getValue());
    }
    try {
      for (Consumer<Map<String, String>> listener : listeners) {
        listener.accept(normalized);
      }
    } catch (RuntimeException e) {
      rollBack(previous, previousGiven);
      throw new ConfigException("ERR CONFIG SET failed (possibly related to argument '"
          + normalized.keySet().iterator().next() + "') - " + e.getMessage());
    }
  }

  /** Puts back the values before a CONFIG SET whose application failed, and applies them again. */
  private void rollBack(Map<String, String> previous, Map<String, String> previousGiven) {
    values.putAll(previous);
    previousGiven.forEach((name, value) -> {
      if (value == null) {
        given.remove(name);
      } else {
        given.put(name, value);
      }
    });
    for (Consumer<Map<String, String>> listener : listeners) {
      try {
        listener.accept(previous);
      } catch (RuntimeException ignored) {
        // the old values were in force before: re-applying them is best effort, as in Redis
      }
    }
  }

  /** Calls {@code listener} with the directives each successful CONFIG SET changed. */
  public void onChange(Consumer<Map<String, String>> listener) {
    listeners.add(listener);
  }

  public int port() {
    return (int) getLong("port");
  }

  public String bind() {
    return get("bind");
  }

  public Path dir() {
    return Path.of(get("dir"));
  }

  public int databases() {
    return (int) getLong("databases");
  }

  public int hz() {
    return (int) getLong("hz");
  }

  public int keyspaceShards() {
    return (int) getLong("keyspace-shards");
  }

  /** The client-output-buffer-limit of a client class: normal, slave or pubsub. */
  public OutputBufferLimits.Limit outputBufferLimit(String clientClass) {
    return OutputBufferLimits.of(get("client-output-buffer-limit"), clientClass);
  }

  public long protoMaxBulkLength() {
    return getLong("proto-max-bulk-len");
  }

  /** The {@code save} rules: pairs of seconds and changes, or none. */
  public long[] saveRules() {
    String rules = get("save");
    if (rules.isEmpty()) {
      return new long[0];
    }
    String[] words = rules.split(" ");
    long[] parsed = new long[words.length];
    for (int i = 0; i < words.length; i++) {
      parsed[i] = Long.parseLong(words[i]);
    }
    return parsed;
  }

  /** Validates {@code save} as Redis: an even number of non-negative integers, or "" for none. */
  private static String saveRules(String value) {
    String trimmed = value.strip();
    if (trimmed.isEmpty() || trimmed.equals("\"\"")) {
      return "";
    }
    String[] words = trimmed.split("\\s+");
    if (words.length % 2 != 0) {
      throw new IllegalArgumentException("Invalid save parameters");
    }
    StringBuilder normal = new StringBuilder();
    for (String word : words) {
      long parsed;
      try {
        parsed = Long.parseLong(word);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Invalid save parameters");
      }
      if (parsed < 0 || parsed > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("Invalid save parameters");
      }
      if (normal.length() > 0) {
        normal.append(' ');
      }
      normal.append(parsed);
    }
    return normal.toString();
  }

  private static Set<String> redisDirectives() {
    try (InputStream in = ServerConfig.class.getResourceAsStream("redis-directives.txt")) {
      if (in == null) {
        return Set.of();
      }
      Set<String> names = new HashSet<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          names.add(line.strip());
        }
      }
      return Set.copyOf(names);
    } catch (IOException e) {
      return Set.of();
    }
  }

  /** The {@code user} lines of the config file and arguments (ACL rules), each as its words. */
  public List<List<String>> userLines() {
    return userLines;
  }

  // ---- stats -------------------------------------------------------------------------------

  /**
   * CONFIG REWRITE: writes the current values into the file the node started with (see
   * {@link ConfigRewrite}); throws with Redis' error text.
   */
  public synchronized void rewrite() throws ConfigException {
    rewrite(null);
  }

  /**
   * CONFIG REWRITE with the ACL users: {@code userLines} ("user name rules...") replace the file's
   * {@code user} lines, as Redis' rewriteConfigUserOption (an empty list drops them: the users
   * live in the aclfile then); null leaves them alone.
   */
  public synchronized void rewrite(List<String> userLines) throws ConfigException {
    if (configFile == null) {
      throw new ConfigException("ERR The server is running without a config file");
    }
    try {
      String old = Files.exists(configFile) ? Files.readString(configFile, StandardCharsets.UTF_8) : "";
      ConfigRewrite.writeAtomically(configFile, ConfigRewrite.rewrite(old, DIRECTIVES, values, userLines));
    } catch (IOException e) {
      throw new ConfigException("ERR Rewriting config file: " + e.getMessage());
    }
  }
}
