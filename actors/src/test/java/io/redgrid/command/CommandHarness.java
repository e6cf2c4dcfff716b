package io.redgrid.command;

import io.redgrid.config.ServerConfig;
import io.redgrid.keyspace.Clock;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.keyspace.ShardMap;
import io.redgrid.protocol.Reply;
import io.redgrid.protocol.RespWriter;
import io.redgrid.server.ClientSession;
import io.redgrid.server.ServerContext;
import io.redgrid.server.ServerStats;
import io.redgrid.shard.ShardEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Runs commands like a redis-cli session against an in-memory keyspace of several shards, with
 * a manual clock; records the effects each write persists and can replay them into a fresh
 * keyspace to prove they rebuild the same data.
 */
public final class CommandHarness {
  /** A clock that only moves when told. */
  public static final class ManualClock implements Clock {
    private long now = 1_700_000_000_000L;

    @Override
    public long millis() {
      return now;
    }

    public void advance(long millis) {
      now += millis;
    }

    public void set(long millis) {
      now = millis;
    }
  }

  public final ManualClock clock = new ManualClock();
  public final CommandTable table;
  public final ShardMap shardMap;
  public final ServerConfig config = ServerConfig.defaults();
  public final ServerStats stats = new ServerStats();
  public final ClientSession session = new ClientSession(1, "127.0.0.1:50000", "127.0.0.1:6379", 0);
  private final Keyspace[] keyspaces;
  private final List<ShardEvent>[] effects;
  public boolean shutdownRequested;

  public CommandHarness() {
    this(Commands.standardTable(), 4, 16);
  }

  @SuppressWarnings("unchecked")
  public CommandHarness(CommandTable table, int shards, int databases) {
    this.table = table;
    this.shardMap = new ShardMap(shards);
    this.keyspaces = new Keyspace[shards];
    this.effects = new List[shards];
    for (int i = 0; i < shards; i++) {
      keyspaces[i] = new Keyspace(i, databases);
      effects[i] = new ArrayList<>();
      stats.memory.register(keyspaces[i]);
    }
    stats.memory.bind(config);
  }

  private final ShardAccess access = new ShardAccess() {
    @Override
    public Keyspace keyspaceFor(byte[] key) {
      return keyspaces[shardMap.shardOf(key)];
    }

    @Override
    public List<Keyspace> all() {
      return List.of(keyspaces);
    }
  };

  /** Clients CLIENT LIST / KILL see: the harness session first; tests may add others. */
  public final List<ClientSession> clients = new ArrayList<>(List.of(session));

  public final io.redgrid.pubsub.PubSubRegistry pubsub = new io.redgrid.pubsub.PubSubRegistry();

  /** Keyspace notifications, following CONFIG SET notify-keyspace-events like a node. */
  public final io.redgrid.pubsub.KeyspaceEvents keyspaceEvents = keyspaceEvents();

  private io.redgrid.pubsub.KeyspaceEvents keyspaceEvents() {
    io.redgrid.pubsub.KeyspaceEvents events = new io.redgrid.pubsub.KeyspaceEvents(pubsub);
    config.onChange(changes -> {
      if (changes.containsKey("notify-keyspace-events")) {
        events.configure(config.given("notify-keyspace-events"));
      }
    });
    return events;
  }

  /** Client-side caching; REDIRECT targets are looked up in {@link #clients}. */
  public final io.redgrid.tracking.Tracking tracking = new io.redgrid.tracking.Tracking(
      id -> clients.stream().filter(c -> c.id() == id).findFirst().orElse(null));

  /** The node's function libraries (FUNCTION, FCALL). */
  public final io.redgrid.scripting.functions.FunctionRegistry functions =
      new io.redgrid.scripting.functions.FunctionRegistry();

  public final ServerContext server = new ServerContext() {
    @Override
    public io.redgrid.scripting.functions.FunctionRegistry functions() {
      return functions;
    }

    @Override
    public io.redgrid.tracking.Tracking tracking() {
      return tracking;
    }

    @Override
    public io.redgrid.pubsub.PubSubRegistry pubsub() {
      return pubsub;
    }

    @Override
    public ServerConfig config() {
      return config;
    }

    @Override
    public Collection<ClientSession> clients() {
      return clients;
    }

    @Override
    public ServerStats stats() {
      return stats;
    }

    @Override
    public long startedAt() {
      return clock.millis();
    }

    @Override
    public int port() {
      return 6379;
    }

    @Override
    public void shutdown(boolean save) {
      shutdownRequested = true;
    }

    @Override
    public io.redgrid.acl.Acl acl() {
      return CommandHarness.this.acl();
    }

    @Override
    public io.redgrid.scripting.ScriptRunner scripts() {
      return scripts; // only once a test started it (INFO and MEMORY STATS must not start one)
    }
  };

  private io.redgrid.scripting.ScriptRunner scripts;

  /** The script thread and Lua VM, started by the first call (before EVAL, SCRIPT); {@link #close} stops it. */
  public synchronized io.redgrid.scripting.ScriptRunner scripts() {
    if (scripts == null) {
      scripts = new io.redgrid.scripting.ScriptRunner(table, config);
      io.redgrid.scripting.functions.FunctionCalls.register(scripts);
    }
    return scripts;
  }

  /** Stops the script thread if one was started. */
  public void close() {
    if (scripts != null) {
      scripts.close();
    }
  }

  private io.redgrid.acl.Acl acl;

  /** The ACL users of this harness' server, created on first use (after CONFIG SET / user lines). */
  public io.redgrid.acl.Acl acl() {
    if (acl == null) {
      try {
        acl = new io.redgrid.acl.Acl(config, table);
      } catch (io.redgrid.config.ConfigException e) {
        throw new IllegalStateException(e);
      }
    }
    return acl;
  }

  /** The shards' keyspaces, for tests that inspect storage (memory accounting). */
  public List<Keyspace> keyspaces() {
    return List.of(keyspaces);
  }

  private long subscriberIds = 1000;

  /**
   * Subscribes a client to the pattern and returns the list its pmessages land in, each as
   * "channel message" text (keyspace notification tests).
   */
  public List<String> psubscribe(String pattern) {
    List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.redgrid.server.ClientSession subscriber = new io.redgrid.server.ClientSession(
        subscriberIds++, "127.0.0.1:50001", "127.0.0.1:6379", 0);
    subscriber.onPush(push -> {
      List<Reply> items = ((Reply.Push) push).items();
      received.add(new String(((Reply.Bulk) items.get(2)).value(), StandardCharsets.UTF_8) + " "
          + new String(((Reply.Bulk) items.get(3)).value(), StandardCharsets.UTF_8));
    });
    pubsub.subscribe(subscriber, io.redgrid.pubsub.Subscriptions.Kind.PATTERN, pattern.getBytes(StandardCharsets.UTF_8));
    return received;
  }

  /** Runs one command with text arguments and returns its reply. */
  public Reply run(String... args) {
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    return run(argv);
  }

  public Reply run(byte[]... argv) {
    Reply reply = table.execute(argv, context());
    tracking.flushBroadcast(); // as a shard at the end of its round
    session.replyWritten(); // like the connection: the client's own invalidations follow its reply
    return reply;
  }

  /** The context {@link #run} uses, for tests that prepare a call themselves (deferrals). */
  public Call.Context context() {
    return new Call.Context()
        .db(session.db())
        .protocol(session.protocol())
        .shards(access)
        .clock(clock)
        .stats(stats)
        .session(session)
        .server(server)
        .events(keyspaceEvents)
        .tracking(tracking)
        .functions(functions)
        .client(session.id(), false)
        .effects((shard, db, command) -> effects[shard].add(new ShardEvent(db, command)));
  }

  /** The reply rendered as redis-cli shows it: {@code OK}, {@code (integer) 1}, {@code "v"}, {@code (nil)}. */
  public String cli(String... args) {
    return render(run(args), "");
  }

  /** The reply's exact bytes in the connection's protocol, as text. */
  public String wire(String... args) {
    return new String(RespWriter.encode(run(args), session.protocol()), StandardCharsets.UTF_8);
  }

  public static String render(Reply reply, String indent) {
    if (reply instanceof Reply.Simple s) {
      return s.text();
    } else if (reply instanceof Reply.Error e) {
      return "(error) " + e.message();
    } else if (reply instanceof Reply.Int i) {
      return "(integer) " + i.value();
    } else if (reply instanceof Reply.Bulk b) {
      return '"' + new String(b.value(), StandardCharsets.UTF_8) + '"';
    } else if (reply == Reply.NULL || reply == Reply.NULL_ARRAY) {
      return "(nil)";
    } else if (reply instanceof Reply.Double d) {
      return "(double) " + Reply.formatDouble(d.value());
    } else if (reply instanceof Reply.Bool b) {
      return b.value() ? "(true)" : "(false)";
    } else if (reply instanceof Reply.BigNumber n) {
      return "(big number) " + n.value();
    } else if (reply instanceof Reply.Verbatim v) {
      return '"' + new String(v.text(), StandardCharsets.UTF_8) + '"';
    }
    List<Reply> items;
    if (reply instanceof Reply.Array a) {
      items = a.items();
    } else if (reply instanceof Reply.MapReply m) {
      items = m.keysAndValues();
    } else if (reply instanceof Reply.SetReply s) {
      items = s.items();
    } else if (reply instanceof Reply.Push p) {
      items = p.items();
    } else {
      return String.valueOf(reply);
    }
    if (items.isEmpty()) {
      return "(empty array)";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        out.append('\n').append(indent);
      }
      String prefix = (i + 1) + ") ";
      out.append(prefix).append(render(items.get(i), indent + " ".repeat(prefix.length())));
    }
    return out.toString();
  }

  public void select(int db) {
    session.select(db);
  }

  public Keyspace keyspace(int shard) {
    return keyspaces[shard];
  }

  public int shardOf(String key) {
    return shardMap.shardOf(key.getBytes(StandardCharsets.UTF_8));
  }

  /** Every effect recorded so far, in order per shard, rendered as {@code "SET k v PXAT 123"}. */
  public List<String> effects() {
    List<String> rendered = new ArrayList<>();
    for (List<ShardEvent> shardEffects : effects) {
      for (ShardEvent event : shardEffects) {
        StringBuilder line = new StringBuilder();
        if (event.db() != 0) {
          line.append("[db").append(event.db()).append("] ");
        }
        for (int i = 0; i < event.command().length; i++) {
          if (i > 0) {
            line.append(' ');
          }
          line.append(new String(event.command()[i], StandardCharsets.UTF_8));
        }
        rendered.add(line.toString());
      }
    }
    return rendered;
  }

  public void clearEffects() {
    for (List<ShardEvent> shardEffects : effects) {
      shardEffects.clear();
    }
  }

  /**
   * A fresh harness whose keyspace is rebuilt by replaying this one's effects, as recovery does;
   * compare with {@link #dump()} to prove the effects are complete and deterministic.
   */
  public CommandHarness replayed() {
    CommandHarness copy = new CommandHarness(table, keyspaces.length, keyspaces[0].databaseCount());
    copy.clock.set(clock.millis());
    for (int shard = 0; shard < keyspaces.length; shard++) {
      for (ShardEvent event : effects[shard]) {
        Call.Context context = new Call.Context()
            .db(event.db())
            .shards(ShardAccess.of(copy.keyspaces[shard]))
            .clock(copy.clock)
            .functions(copy.functions)
            .replaying(true);
        Reply reply = table.execute(event.command(), context);
        if (reply instanceof Reply.Error error) {
          throw new AssertionError("replay failed: " + error.message());
        }
      }
    }
    return copy;
  }

  /** Every key of every db with type-independent rendering of value and expiry, sorted. */
  public List<String> dump() {
    List<String> lines = new ArrayList<>();
    for (Keyspace keyspace : keyspaces) {
      for (int db = 0; db < keyspace.databaseCount(); db++) {
        int index = db;
        keyspace.database(db).forEach(entry -> lines.add(index + " "
            + new String(entry.key(), StandardCharsets.UTF_8) + " = " + describe(entry.value())
            + (entry.hasExpiry() ? " @" + entry.expireAt() : "")));
      }
    }
    lines.sort(null);
    return lines;
  }

  private static String describe(Object value) {
    if (value instanceof byte[] bytes) {
      return '"' + new String(bytes, StandardCharsets.UTF_8) + '"';
    }
    return String.valueOf(value);
  }

  private List<String> marked = List.of();

  /** Remembers the effects recorded so far; {@link #newEffects} lists the ones recorded since. */
  public void mark() {
    marked = effects();
  }

  /** Effects recorded since {@link #mark}, shard by shard as {@link #effects} lists them. */
  public List<String> newEffects() {
    List<String> added = new ArrayList<>(effects());
    for (String old : marked) {
      added.remove(old);
    }
    return added;
  }

  /** Replaying every recorded effect into an empty keyspace rebuilds exactly this keyspace. */
  public void assertReplays() {
    org.junit.jupiter.api.Assertions.assertEquals(dump(), replayed().dump());
  }

}
