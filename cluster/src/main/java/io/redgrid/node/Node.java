package io.redgrid.node;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.typed.Cluster;
import akka.cluster.typed.Join;
import akka.NotUsed;
import akka.japi.Pair;
import akka.stream.BoundedSourceQueue;
import akka.stream.KillSwitches;
import akka.stream.UniqueKillSwitch;
import akka.stream.javadsl.Flow;
import akka.stream.javadsl.Keep;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import akka.stream.javadsl.Tcp;
import akka.util.ByteString;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.redgrid.blocking.BlockedClients;
import io.redgrid.blocking.Waiter;
import io.redgrid.command.Call;
import io.redgrid.pubsub.KeyspaceEvents;
import io.redgrid.command.CommandTable;
import io.redgrid.command.Commands;
import io.redgrid.config.ServerConfig;
import io.redgrid.coordinator.Coordinator;
import io.redgrid.persistence.PersistencePlugins;
import io.redgrid.persistence.aof.AppendOnlyFile;
import io.redgrid.persistence.aof.FsyncPolicy;
import io.redgrid.persistence.control.DumpImport;
import io.redgrid.persistence.control.NodePersistence;
import io.redgrid.persistence.rdb.SnapshotFiles;
import io.redgrid.rdb.RdbOptions;
import io.redgrid.keyspace.Clock;
import io.redgrid.keyspace.ShardMap;
import io.redgrid.protocol.Reply;
import io.redgrid.server.ClientSession;
import io.redgrid.server.ServerStats;
import io.redgrid.shard.KeyspaceShard;
import io.redgrid.shard.ShardDirectory;
import io.redgrid.shard.ShardInbox;
import io.redgrid.shard.ShardMessage;
import io.redgrid.shard.ShardRouter;
import io.redgrid.shard.ShardRuntime;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running RedGrid node: the actor system (a one-node Akka cluster that joins itself), the
 * keyspace shard entities, and the RESP gateway on the configured port.
 */
public final class Node implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Node.class);
  /** Outputs a connection may queue; far above what the byte limits let a subscriber reach. */
  private static final int OUTPUT_QUEUE_CAPACITY = 1 << 20;

  private final ActorSystem<Void> system;
  private final NodeContext context;
  private final List<Tcp.ServerBinding> bindings;
  private final NodePersistence persistence;
  /** Where the shards' RDB snapshots live, under {@code dir}. */
  static final String SNAPSHOT_DIR = "snapshots";
  private final CompletableFuture<Boolean> shutdownRequested = new CompletableFuture<>();
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private Node(ActorSystem<Void> system, NodeContext context, List<Tcp.ServerBinding> bindings,
      NodePersistence persistence) {
    this.persistence = persistence;
    this.system = system;
    this.context = context;
    this.bindings = bindings;
  }

  /** Boots a node and returns once it accepts connections. */
  public static Node start(ServerConfig config) {
    return start(config, Clock.SYSTEM);
  }

  static Node start(ServerConfig config, Clock clock) {
    SnapshotFiles snapshots = new SnapshotFiles(config.dir().resolve(SNAPSHOT_DIR), rdbOptions(config));
    try {
      DumpImport.importIfFresh(config.dir().resolve(config.get("dbfilename")), snapshots,
          new ShardMap(config.keyspaceShards()), config.databases(), clock.millis());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "redgrid", akkaConfig(config));
    CompletableFuture<Boolean> shutdown = new CompletableFuture<>();
    try {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));

      CommandTable table = Commands.standardTable();
      ShardMap shardMap = new ShardMap(config.keyspaceShards());
      ShardDirectory directory = new ShardDirectory(shardMap.shardCount());
      ServerStats stats = new ServerStats();
      stats.commands.configure(config);
      stats.memory.bind(config);
      Executor executor = system.executionContext();
      BlockedClients blocked = new BlockedClients(executor, (millis, task) ->
          system.scheduler().scheduleOnce(Duration.ofMillis(millis), task, system.executionContext()));
      KeyspaceEvents keyspaceEvents = new KeyspaceEvents(null);
      keyspaceEvents.configure(config.given("notify-keyspace-events"));
      config.onChange(changes -> {
        if (changes.containsKey("notify-keyspace-events")) {
          keyspaceEvents.configure(config.given("notify-keyspace-events"));
        }
      });
      io.redgrid.tracking.Tracking tracking = new io.redgrid.tracking.Tracking(id -> null);
      tracking.maxKeys(config.getLong("tracking-table-max-keys"));
      config.onChange(changes -> {
        if (changes.containsKey("tracking-table-max-keys")) {
          tracking.maxKeys(config.getLong("tracking-table-max-keys"));
        }
      });
      ShardInbox inbox = new ShardInbox(shardMap.shardCount());
      io.redgrid.scripting.functions.FunctionRegistry functions = new io.redgrid.scripting.functions.FunctionRegistry();
      ShardRuntime runtime = new ShardRuntime(table, shardMap, config.databases(), clock, stats,
          directory, config::hz, blocked, keyspaceEvents, tracking, inbox, functions);
      ClusterSharding sharding = ClusterSharding.get(system);
      KeyspaceShard.init(sharding, runtime);
      ShardRouter router = (shard, message) -> {
        var local = directory.get(shard);
        if (local != null) {
          local.tell(message);
        } else {
          sharding.entityRefFor(KeyspaceShard.ENTITY_TYPE_KEY, Integer.toString(shard)).tell(message);
        }
      };
      inbox.router(router);
      Coordinator coordinator = new Coordinator(router, shardMap, table, executor);
      blocked.retrier(waiter -> retry(waiter, inbox, coordinator, clock, stats, blocked, keyspaceEvents, tracking));
      NodeContext context = new NodeContext(config, table, shardMap, router, coordinator, executor,
          clock, stats, blocked, shutdown::complete);
      keyspaceEvents.publishTo(context.pubsub());
      context.keyspaceEvents(keyspaceEvents);
      context.tracking(tracking);
      context.inbox(inbox);
      context.functions(functions);
      stats.commands.clientLookup(context::client);

      PubSubBridge.start(system, context.pubsub(), cluster.selfMember().uniqueAddress().toString(),
          () -> cluster.state().members().size() > 1, shardMap);
      AppendOnlyFile aof = AppendOnlyFile.get(Adapter.toClassic(system));
      NodePersistence persistence = new NodePersistence(config, coordinator, router, stats, clock, snapshots, aof);
      persistence.loading(context::loading);
      context.persistence(persistence);
      context.loading(() -> !directory.allRegistered());
      config.onChange(changes -> applyPersistenceChanges(changes, aof, persistence));
      // Bound before loading, as Redis: clients connecting meanwhile get -LOADING.
      List<Tcp.ServerBinding> bindings = bindAll(system, context, config);
      context.port(((InetSocketAddress) bindings.get(0).localAddress()).getPort());
      Node node = new Node(system, context, bindings, persistence);
      long loadStart = System.nanoTime();
      try {
        awaitShards(sharding, directory);
      } catch (RuntimeException e) {
        bindings.forEach(Tcp.ServerBinding::unbind);
        throw e;
      }
      long keys = coordinator.acquire(coordinator.allShards()).thenCompose(holding -> {
        long total = holding.all().stream().mapToLong(io.redgrid.keyspace.Keyspace::keyCount).sum();
        return holding.release().thenApply(ignored -> total);
      }).toCompletableFuture().join();
      persistence.loaded(keys, 0);
      log.info("DB loaded from disk: {} keys in {} seconds", keys,
          String.format("%.3f", (System.nanoTime() - loadStart) / 1e9));
      system.scheduler().scheduleAtFixedRate(Duration.ofSeconds(1), Duration.ofMillis(100),
          persistence::cron, system.executionContext());
      // Redis' serverCron samples the ops counter every 100 ms for instantaneous_ops_per_sec.
      system.scheduler().scheduleAtFixedRate(Duration.ofMillis(100), Duration.ofMillis(100),
          () -> stats.sampleOps(System.currentTimeMillis()), system.executionContext());
      // The timeout directive: Redis' clientsCron looks at every client about once a second.
      system.scheduler().scheduleAtFixedRate(Duration.ofSeconds(1), Duration.ofSeconds(1),
          () -> IdleClients.close(context.clients(), blocked, config.getLong("timeout"),
              System.currentTimeMillis()), system.executionContext());
      // SHUTDOWN stops the node from a thread of its own: closing waits for the actor system,
      // which must not be waited for from one of its own threads.
      shutdown.thenAccept(save -> {
        Thread stopper = new Thread(() -> {
          log.info("User requested shutdown...");
          node.close(save);
          log.info("Redis is now ready to exit, bye bye...");
          node.shutdownRequested.complete(save);
        }, "redgrid-shutdown-request");
        stopper.start();
      });
      log.info("Ready to accept connections tcp on port {}", context.port());
      return node;
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  /** Starts every shard entity and waits until all have recovered their data. */
  private static void awaitShards(ClusterSharding sharding, ShardDirectory directory) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    long lastPoke = 0;
    while (!directory.allRegistered()) {
      if (directory.recoveryFailure() != null) {
        throw new IllegalStateException(directory.recoveryFailure().getMessage(), directory.recoveryFailure());
      }
      if (System.nanoTime() - lastPoke > TimeUnit.SECONDS.toNanos(1)) {
        for (int shard = 0; shard < directory.shardCount(); shard++) {
          if (directory.get(shard) == null) {
            sharding.entityRefFor(KeyspaceShard.ENTITY_TYPE_KEY, Integer.toString(shard))
                .tell(ShardMessage.ExpireTick.INSTANCE);
          }
        }
        lastPoke = System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("keyspace shards did not start within 10 minutes");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting shards", e);
      }
    }
  }

  /** Input read ahead of the command in flight; beyond it the client is not read (backpressure). */
  private static final long MAX_BUFFERED_INPUT = 64 * 1024;

  /** Redis' default tcp-backlog. */
  private static final int BACKLOG = 511;

  /**
   * Binds every address of the bind directive (Redis 7: optional ones may be missing); with
   * port 0 the others take the port the first one got.
   */
  private static List<Tcp.ServerBinding> bindAll(ActorSystem<Void> system, NodeContext context, ServerConfig config) {
    Admission admission = new Admission(config, () -> !context.acl().authRequiredByPassword());
    KeepAlive keepAlive = new KeepAlive(config);
    for (int attempt = 1; ; attempt++) {
      try {
        return bindEach(system, context, config, admission, keepAlive);
      } catch (IllegalStateException e) {
        // With port 0 the first address picks a free port that another address may not have
        // free: pick again (Redis has no port 0 across several addresses).
        if (config.port() != 0 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static List<Tcp.ServerBinding> bindEach(ActorSystem<Void> system, NodeContext context,
      ServerConfig config, Admission admission, KeepAlive keepAlive) {
    List<Tcp.ServerBinding> bindings = new ArrayList<>();
    int port = config.port();
    for (BindAddresses.Address address : BindAddresses.parse(config.bind()).addresses()) {
      try {
        Tcp.ServerBinding binding = bind(system, context, address.host(), port, admission, keepAlive);
        bindings.add(binding);
        port = ((InetSocketAddress) binding.localAddress()).getPort();
      } catch (IllegalStateException e) {
        if (address.optional() && BindAddresses.unavailable(e)) {
          log.warn("Could not create server TCP listening socket {}:{}: skipping optional address",
              address.host(), port);
          continue;
        }
        for (Tcp.ServerBinding bound : bindings) {
          bound.unbind().toCompletableFuture().join();
        }
        throw e;
      }
    }
    if (bindings.isEmpty()) {
      throw new IllegalStateException("Failed listening on port " + config.port() + " (tcp), aborting.");
    }
    return bindings;
  }

  private static Tcp.ServerBinding bind(ActorSystem<Void> system, NodeContext context, String host,
      int port, Admission admission, KeepAlive keepAlive) {
    var bound = Tcp.get(system).bind(host, port, BACKLOG, List.of(keepAlive), false, Optional.empty())
        .to(akka.stream.javadsl.Sink.foreach(incoming -> {
          if (refused(system, context, admission, incoming)) {
            return;
          }
          ClientSession session = context.connect(
              address(incoming.remoteAddress()), address(incoming.localAddress()));
          Connection connection = new Connection(session, context);
          // Replies and pushes share one queue, in the order they were written; reading waits
          // until a chunk's replies have been taken, so a client that does not read stops being
          // read. Pushes do not wait: the queued bytes are what the output limit checks.
          Pair<BoundedSourceQueue<Connection.Output>, Source<Connection.Output, NotUsed>> out =
              Source.<Connection.Output>queue(OUTPUT_QUEUE_CAPACITY).preMaterialize(system);
          connection.attach(out.first());
          Sink<ByteString, NotUsed> in = Flow.<ByteString>create()
              // A client that goes away while blocked (BLPOP ...) stops waiting at once: the
              // reply stage below would otherwise hold the stream open until it is served.
              .watchTermination((notUsed, inputDone) -> {
                inputDone.whenComplete((ok, failure) -> context.blocked().disconnected(session.id()));
                return notUsed;
              })
              // Keeps reading (up to a bound) while a command is in flight, so that a client
              // closing its socket while blocked is noticed: without demand the TCP stage would
              // not read and never see the end of the stream.
              .batchWeighted(MAX_BUFFERED_INPUT, chunk -> (long) chunk.size(), chunk -> chunk, ByteString::concat)
              .mapAsync(1, connection::process)
              .to(Sink.ignore());
          Source<ByteString, NotUsed> replies = out.second()
              .map(connection::taken)
              .takeWhile(output -> !output.close(), true)
              .map(Connection.Output::bytes)
              .filter(bytes -> !bytes.isEmpty());
          Flow<ByteString, ByteString, UniqueKillSwitch> flow =
              Flow.fromSinkAndSourceCoupled(in, replies)
              .viaMat(KillSwitches.single(), Keep.right())
              .watchTermination((kill, done) -> {
                done.whenComplete((ok, failure) -> {
                  admission.closed();
                  context.disconnect(session);
                });
                return kill;
              });
          UniqueKillSwitch kill = incoming.handleWith(flow, system);
          session.onKill(kill::shutdown);
        }))
        .run(system);
    try {
      return bound.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Could not bind to " + host + ":" + port + ": "
          + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }
  }

  /**
   * maxclients and protected mode: a refused client gets its error line, then the connection
   * closes; Redis counts it in rejected_connections.
   */
  private static boolean refused(ActorSystem<Void> system, NodeContext context, Admission admission,
      Tcp.IncomingConnection incoming) {
    String refusal = admission.admit(incoming.remoteAddress().getAddress());
    if (refusal == null) {
      return false;
    }
    context.stats().rejectedConnections.increment();
    incoming.handleWith(Flow.fromSinkAndSourceCoupled(Sink.<ByteString>ignore(),
        Source.single(ByteString.fromString(refusal))), system);
    return true;
  }

  /** Runs a blocked client's command again the way its connection first ran it. */
  private static CompletionStage<Reply> retry(Waiter waiter, ShardInbox inbox,
      Coordinator coordinator, Clock clock, ServerStats stats, BlockedClients blocked,
      KeyspaceEvents keyspaceEvents, io.redgrid.tracking.Tracking tracking) {
    int[] shards = coordinator.shardsOf(waiter.argv(), waiter.spec().keys().positions(waiter.argv()));
    if (shards.length == 1) {
      CompletableFuture<Reply[]> replies = new CompletableFuture<>();
      inbox.submit(shards[0], new ShardMessage.Run(new ShardMessage.Request[] {new ShardMessage.Request(
          waiter.spec(), waiter.argv(), waiter.db(), waiter.protocol(), waiter.clientId(), true)}, replies));
      return replies.thenApply(results -> results[0]);
    }
    Call.Context context = new Call.Context().db(waiter.db()).protocol(waiter.protocol())
        .clock(clock).stats(stats).blocked(blocked).client(waiter.clientId(), true)
        .events(keyspaceEvents).tracking(tracking);
    return coordinator.run(shards, waiter.spec(), waiter.argv(), context);
  }

  private static String address(InetSocketAddress address) {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  private static Config akkaConfig(ServerConfig config) {
    String level = switch (config.get("loglevel")) {
      case "debug" -> "DEBUG";
      case "warning", "nothing" -> "WARNING";
      default -> "INFO";
    };
    String dir = config.dir().toAbsolutePath().toString();
    Map<String, Object> directives = new java.util.HashMap<>();
    directives.put("akka.loglevel", level);
    directives.put("redgrid.aof-journal.dir", dir);
    directives.put("redgrid.aof-journal.appenddirname", config.get("appenddirname"));
    directives.put("redgrid.aof-journal.appendfilename", config.get("appendfilename"));
    directives.put("redgrid.aof-journal.appendonly", config.get("appendonly"));
    directives.put("redgrid.aof-journal.appendfsync", config.get("appendfsync"));
    directives.put("redgrid.aof-journal.aof-load-truncated", config.get("aof-load-truncated"));
    directives.put("redgrid.rdb-snapshot-store.dir", dir);
    directives.put("redgrid.rdb-snapshot-store.snapshot-dir", SNAPSHOT_DIR);
    directives.put("redgrid.rdb-snapshot-store.databases", config.databases());
    directives.put("redgrid.rdb-snapshot-store.rdbcompression", config.get("rdbcompression"));
    directives.put("redgrid.rdb-snapshot-store.rdbchecksum", config.get("rdbchecksum"));
    Config node = ConfigFactory.parseMap(directives)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.parseResources(Node.class, "/redgrid-akka.conf"))
        .withFallback(KeyspaceShard.akkaDefaults())
        .withFallback(PersistencePlugins.akkaDefaults());
    return ConfigFactory.load(node);
  }

  private static RdbOptions rdbOptions(ServerConfig config) {
    return new RdbOptions(config.get("rdbcompression").equals("yes"), config.get("rdbchecksum").equals("yes"));
  }

  /** CONFIG SET appendonly / appendfsync take effect at once, as in Redis. */
  private static void applyPersistenceChanges(Map<String, String> changes, AppendOnlyFile aof,
      NodePersistence persistence) {
    if (changes.containsKey("appendfsync")) {
      aof.setFsync(FsyncPolicy.parse(changes.get("appendfsync")));
    }
    String appendonly = changes.get("appendonly");
    if (appendonly != null) {
      boolean on = appendonly.equals("yes");
      if (on != aof.enabled()) {
        aof.setEnabled(on);
        if (on) {
          // Redis starts the AOF with a rewrite, so that it holds the whole dataset.
          persistence.bgrewriteaof();
        }
      }
    }
  }

  NodeContext context() {
    return context;
  }

  /** The TCP port the gateway listens on. */
  public int port() {
    return context.port();
  }

  /**
   * Completes once a client's SHUTDOWN has stopped the node; the value tells whether it asked
   * to save.
   */
  public CompletionStage<Boolean> shutdownRequested() {
    return shutdownRequested;
  }

  public CompletionStage<Done> terminated() {
    return system.getWhenTerminated();
  }

  /**
   * Stops accepting connections, saves when save rules exist (as Redis on SIGTERM), and
   * terminates the actor system; later calls do nothing.
   */
  @Override
  public void close() {
    close(context.config().saveRules().length > 0);
  }

  /** Like {@link #close()}, saving or not as SHUTDOWN [NO]SAVE asked. */
  public void close(boolean save) {
    if (!closed.compareAndSet(false, true)) {
      system.getWhenTerminated().toCompletableFuture().join();
      return;
    }
    // A running script stops at its next check; what it did but did not release is never persisted.
    context.scripts().close();
    for (Tcp.ServerBinding binding : bindings) {
      try {
        binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("unbinding the gateway failed: {}", e.toString());
      }
    }
    try {
      persistence.saveForShutdown(save);
    } catch (RuntimeException e) {
      log.warn("Error trying to save the DB: {}", e.toString());
    }
    persistence.close();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("the actor system did not terminate cleanly: {}", e.toString());
    }
  }

  Duration uptime() {
    return Duration.ofMillis(System.currentTimeMillis() - context.startedAt());
  }
}
