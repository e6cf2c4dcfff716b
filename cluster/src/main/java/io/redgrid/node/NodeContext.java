package io.redgrid.node;

import io.redgrid.blocking.BlockedClients;
import io.redgrid.command.CommandTable;
import io.redgrid.config.ServerConfig;
import io.redgrid.coordinator.Coordinator;
import io.redgrid.keyspace.Clock;
import io.redgrid.keyspace.ShardMap;
import io.redgrid.pubsub.KeyspaceEvents;
import io.redgrid.pubsub.PubSubRegistry;
import io.redgrid.server.ClientSession;
import io.redgrid.server.ServerContext;
import io.redgrid.server.ServerStats;
import io.redgrid.shard.ShardRouter;
import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Everything a connection needs from its node, and what server commands see of it. */
final class NodeContext implements ServerContext {
  private final ServerConfig config;
  private final CommandTable table;
  private final ShardMap shardMap;
  private final ShardRouter router;
  private final Coordinator coordinator;
  private final Executor executor;
  private final Clock clock;
  private final ServerStats stats;
  private final long startedAt = System.currentTimeMillis();
  private final ConcurrentSkipListMap<Long, ClientSession> clients = new ConcurrentSkipListMap<>();
  private final AtomicLong clientIds = new AtomicLong();
  private final Consumer<Boolean> shutdown;
  private volatile int port;
  private final BlockedClients blocked;
  private final PubSubRegistry pubsub = new PubSubRegistry();
  private volatile KeyspaceEvents keyspaceEvents = KeyspaceEvents.NONE;
  private volatile OutputLimits pubsubLimits;
  private volatile OutputLimits normalLimits;
  private volatile io.redgrid.tracking.Tracking tracking = new io.redgrid.tracking.Tracking(id -> null);
  private volatile io.redgrid.server.PersistenceControl persistence;
  private volatile io.redgrid.shard.ShardInbox inbox;
  private volatile java.util.function.BooleanSupplier loading = () -> false;
  private volatile io.redgrid.scripting.functions.FunctionRegistry functions =
      new io.redgrid.scripting.functions.FunctionRegistry();

  @Override
  public io.redgrid.scripting.functions.FunctionRegistry functions() {
    return functions;
  }

  /** The registry the shards persist (shard 0) and replay into. */
  void functions(io.redgrid.scripting.functions.FunctionRegistry functions) {
    this.functions = functions;
  }

  NodeContext(ServerConfig config, CommandTable table, ShardMap shardMap, ShardRouter router,
      Coordinator coordinator, Executor executor, Clock clock, ServerStats stats,
      BlockedClients blocked, Consumer<Boolean> shutdown) {
    this.blocked = blocked;
    this.config = config;
    this.table = table;
    this.shardMap = shardMap;
    this.router = router;
    this.coordinator = coordinator;
    this.executor = executor;
    this.clock = clock;
    this.stats = stats;
    this.shutdown = shutdown;
    this.acl = newAcl(config, table);
    this.scripts = new io.redgrid.scripting.ScriptRunner(table, config);
    scripts.shardMap(shardMap);
    io.redgrid.scripting.functions.FunctionCalls.register(scripts);
    this.scriptShards = io.redgrid.scripting.ScriptRunner.coordinated(coordinator);
    readOutputLimits();
    config.onChange(changes -> {
      if (changes.containsKey("client-output-buffer-limit")) {
        readOutputLimits();
      }
    });
  }

  ClientSession connect(String address, String localAddress) {
    ClientSession session = new ClientSession(clientIds.incrementAndGet(), address, localAddress,
        System.currentTimeMillis());
    acl.connected(session);
    clients.put(session.id(), session);
    stats.connectionsReceived.increment();
    return session;
  }

  void disconnect(ClientSession session) {
    blocked.disconnected(session.id());
    session.transaction().discard(); // its WATCHed keys leave the node's registry
    pubsub.removeAll(session);
    tracking.disable(session.id());
    clients.remove(session.id());
    monitors.remove(session);
  }

  /** Client-side caching shared with the shards; REDIRECT targets are this node's clients. */
  void tracking(io.redgrid.tracking.Tracking tracking) {
    tracking.lookup(clients::get);
    this.tracking = tracking;
  }

  @Override
  public io.redgrid.tracking.Tracking tracking() {
    return tracking;
  }

  @Override
  public ServerConfig config() {
    return config;
  }

  @Override
  public Collection<ClientSession> clients() {
    return Collections.unmodifiableCollection(clients.values());
  }

  @Override
  public PubSubRegistry pubsub() {
    return pubsub;
  }

  @Override
  public KeyspaceEvents keyspaceEvents() {
    return keyspaceEvents;
  }

  @Override
  public io.redgrid.server.PersistenceControl persistence() {
    return persistence;
  }

  /** Where connections queue their batches for the shards. */
  io.redgrid.shard.ShardInbox inbox() {
    return inbox;
  }

  void inbox(io.redgrid.shard.ShardInbox inbox) {
    this.inbox = inbox;
  }

  void persistence(io.redgrid.server.PersistenceControl persistence) {
    this.persistence = persistence;
  }

  @Override
  public boolean loading() {
    return loading.getAsBoolean();
  }

  void loading(java.util.function.BooleanSupplier loading) {
    this.loading = loading;
  }

  void keyspaceEvents(KeyspaceEvents events) {
    this.keyspaceEvents = events;
  }

  /** client-output-buffer-limit of clients with subscriptions. */
  OutputLimits pubsubLimits() {
    return pubsubLimits;
  }

  /** client-output-buffer-limit of other clients. */
  OutputLimits normalLimits() {
    return normalLimits;
  }

  /** Reads client-output-buffer-limit again: CONFIG SET applies to every client at once, as in Redis. */
  private void readOutputLimits() {
    pubsubLimits = OutputLimits.of(config.outputBufferLimit("pubsub"));
    normalLimits = OutputLimits.of(config.outputBufferLimit("normal"));
  }

  @Override
  public BlockedClients blocked() {
    return blocked;
  }

  @Override
  public ServerStats stats() {
    return stats;
  }

  @Override
  public long startedAt() {
    return startedAt;
  }

  @Override
  public int port() {
    return port;
  }

  void port(int port) {
    this.port = port;
  }

  @Override
  public void shutdown(boolean save) {
    // A running script stops at once and its unreleased effects are never persisted.
    scripts.close();
    shutdown.accept(save);
  }

  private final io.redgrid.scripting.ScriptRunner scripts;
  private final io.redgrid.scripting.ScriptRunner.ShardSource scriptShards;

  @Override
  public io.redgrid.scripting.ScriptRunner scripts() {
    return scripts;
  }

  /** Where scripts take their shards: this node's coordinator. */
  io.redgrid.scripting.ScriptRunner.ShardSource scriptShards() {
    return scriptShards;
  }

  CommandTable table() {
    return table;
  }

  ShardMap shardMap() {
    return shardMap;
  }

  ShardRouter router() {
    return router;
  }

  Coordinator coordinator() {
    return coordinator;
  }

  @Override
  public Executor executor() {
    return executor;
  }

  Clock clock() {
    return clock;
  }

  private final io.redgrid.acl.Acl acl;

  /** The ACL users; a bad user line or aclfile stops start-up like a bad directive. */
  private static io.redgrid.acl.Acl newAcl(ServerConfig config, CommandTable table) {
    try {
      return new io.redgrid.acl.Acl(config, table);
    } catch (io.redgrid.config.ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  @Override
  public io.redgrid.acl.Acl acl() {
    return acl;
  }

  // ---- netadmin ------------------------------------------------------------------------

  private final io.redgrid.server.Monitors monitors = new io.redgrid.server.Monitors();
  private volatile io.redgrid.server.ClientPause clientPause;

  @Override
  public io.redgrid.server.Monitors monitors() {
    return monitors;
  }

  @Override
  public io.redgrid.server.ClientPause clientPause() {
    io.redgrid.server.ClientPause pause = clientPause;
    if (pause == null) {
      synchronized (this) {
        if (clientPause == null) {
          clientPause = new io.redgrid.server.ClientPause(executor, System::currentTimeMillis, stats);
        }
        pause = clientPause;
      }
    }
    return pause;
  }

  /** A connected client by id, or null (SLOWLOG names the client of a command run in a shard). */
  ClientSession client(long id) {
    return clients.get(id);
  }
}
