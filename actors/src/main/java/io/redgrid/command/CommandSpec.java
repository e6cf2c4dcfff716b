package io.redgrid.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything about one command in one place: name, arity, flags, key positions, where it runs
 * and its code. COMMAND, routing and argument checks all read it from here.
 */
public final class CommandSpec {
  private final String name;
  private final String fullName;
  private final byte[] upperName;
  private final Arity arity;
  private final Set<Flag> flags;
  private final KeySpec keys;
  private final Route route;
  private final String group;
  private final String summary;
  private final String since;
  private final Handler handler;
  private final List<CommandSpec> subcommands;
  private final List<String> aclCategories;
  private final List<String> tips;
  private final List<String> keyFlags;
  private final String complexity;

  private CommandSpec(Builder b, String parent) {
    this.name = b.name;
    this.fullName = parent == null ? b.name : parent + "|" + b.name;
    this.upperName = b.name.toUpperCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    this.arity = b.arity;
    this.flags = Collections.unmodifiableSet(b.flags.isEmpty() ? EnumSet.noneOf(Flag.class) : EnumSet.copyOf(b.flags));
    this.keys = b.keys;
    this.route = b.route;
    this.group = b.group;
    this.summary = b.summary;
    this.since = b.since;
    this.handler = b.handler;
    List<CommandSpec> subs = new ArrayList<>();
    for (CommandSpec sub : b.subcommands) {
      subs.add(new CommandSpec(sub.source, b.name));
    }
    this.subcommands = List.copyOf(subs);
    this.aclCategories = AclCategories.of(b.flags, b.group, b.handler != null, b.acl);
    this.tips = List.copyOf(b.tips);
    this.keyFlags = b.keyFlags != null ? List.copyOf(b.keyFlags)
        : b.flags.contains(Flag.WRITE) ? List.of("RW", "update") : List.of("RO", "access");
    this.complexity = b.complexity;
    this.source = b;
  }

  private final Builder source;

  /** Starts the declaration of a command; the name is as Redis reports it, lower case. */
  public static Builder command(String name) {
    return new Builder(name.toLowerCase(Locale.ROOT));
  }

  /** Lower-case name as COMMAND reports it, e.g. {@code get} or {@code list} for CLIENT LIST. */
  public String name() {
    return name;
  }

  /** Name as Redis' error texts and COMMAND INFO use it, e.g. {@code client|list}. */
  public String fullName() {
    return fullName;
  }

  byte[] upperName() {
    return upperName;
  }

  public Arity arity() {
    return arity;
  }

  public Set<Flag> flags() {
    return flags;
  }

  public boolean has(Flag flag) {
    return flags.contains(flag);
  }

  public boolean isWrite() {
    return flags.contains(Flag.WRITE);
  }

  public KeySpec keys() {
    return keys;
  }

  public Route route() {
    return route;
  }

  public String group() {
    return group;
  }

  public String summary() {
    return summary;
  }

  public String since() {
    return since;
  }

  public Handler handler() {
    return handler;
  }

  public List<CommandSpec> subcommands() {
    return subcommands;
  }

  /** ACL categories as COMMAND INFO lists them, e.g. {@code @read @string @fast}. */
  public List<String> aclCategories() {
    return aclCategories;
  }

  /** Command tips such as {@code nondeterministic_output}. */
  public List<String> tips() {
    return tips;
  }

  /** Flags of the key spec COMMAND INFO reports, e.g. {@code RO access}. */
  public List<String> keyFlags() {
    return keyFlags;
  }

  /** Time complexity for COMMAND DOCS, or null when not declared. */
  public String complexity() {
    return complexity;
  }

  /** The subcommand named by {@code argv[1]}, or null. */
  public CommandSpec subcommand(byte[] name) {
    for (CommandSpec sub : subcommands) {
      if (Call.equalsIgnoreCase(name, sub.upperName)) {
        return sub;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return fullName;
  }

  // stats: a dense index given by CommandTable.register, so per-command counters are array slots.
  private int id = -1;

  /** This command's index in its table (subcommands included), or -1 before registration. */
  public int id() {
    return id;
  }

  void id(int id) {
    this.id = id;
  }

  /** Fluent declaration; {@link #runs} finishes it. */
  public static final class Builder {
    private final String name;
    private Arity arity = Arity.atLeast(1);
    private final EnumSet<Flag> flags = EnumSet.noneOf(Flag.class);
    private KeySpec keys = KeySpec.NONE;
    private Route route = Route.CONNECTION;
    private String group = "generic";
    private String summary = "";
    private String since = "1.0.0";
    private Handler handler;
    private final List<CommandSpec> subcommands = new ArrayList<>();
    private final List<String> acl = new ArrayList<>();
    private final List<String> tips = new ArrayList<>();
    private List<String> keyFlags;
    private String complexity;

    private Builder(String name) {
      this.name = name;
    }

    public Builder arity(Arity arity) {
      this.arity = arity;
      return this;
    }

    public Builder flags(Flag... flags) {
      this.flags.addAll(List.of(flags));
      return this;
    }

    /** Declares the key positions; the command then runs on the shards owning them. */
    public Builder keys(KeySpec keys) {
      this.keys = keys;
      this.route = Route.KEYS;
      return this;
    }

    /**
     * Runs with the connection although {@link #keys} declared key positions: Pub/Sub shard
     * channels are keys for cluster routing only.
     */
    public Builder onConnection() {
      this.route = Route.CONNECTION;
      return this;
    }

    /** Runs on the node's script thread, which takes the shards of the declared keys itself. */
    public Builder onScriptThread() {
      this.route = Route.SCRIPT;
      return this;
    }

    /** The command needs every shard at once (whole-keyspace commands). */
    public Builder allShards() {
      this.route = Route.ALL_SHARDS;
      return this;
    }

    public Builder group(String group) {
      this.group = group;
      return this;
    }

    public Builder summary(String summary) {
      this.summary = summary;
      return this;
    }

    public Builder since(String since) {
      this.since = since;
      return this;
    }

    /**
     * ACL categories beyond those implied by the flags and the group (e.g. {@code "dangerous"}
     * for INFO); without the {@code @}.
     */
    public Builder acl(String... categories) {
      this.acl.addAll(List.of(categories));
      return this;
    }

    /** Command tips as Redis 7 reports them ({@code nondeterministic_output} ...). */
    public Builder tips(String... tips) {
      this.tips.addAll(List.of(tips));
      return this;
    }

    /** Key spec flags ({@code "RW", "access", "delete"}); default RO access / RW update by the flags. */
    public Builder keyFlags(String... flags) {
      this.keyFlags = List.of(flags);
      return this;
    }

    public Builder complexity(String complexity) {
      this.complexity = complexity;
      return this;
    }

    /**
     * Declares subcommands for a command that also runs by itself without arguments (COMMAND);
     * finish with {@link #runs}.
     */
    public Builder withSubcommands(CommandSpec... subs) {
      for (CommandSpec sub : subs) {
        sub.source.group = group;
        subcommands.add(sub);
      }
      return this;
    }

    /**
     * Finishes a container command (CLIENT, CONFIG, OBJECT ...) whose subcommands are declared
     * like commands; the table dispatches on the second argument.
     */
    public CommandSpec subcommands(CommandSpec... subs) {
      for (CommandSpec sub : subs) {
        sub.source.group = group;
        subcommands.add(sub);
      }
      return new CommandSpec(this, null);
    }

    public CommandSpec runs(Handler handler) {
      this.handler = handler;
      return new CommandSpec(this, null);
    }
  }
}
