package io.redgrid.shard;

import akka.actor.typed.Behavior;
import akka.actor.typed.PostStop;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.javadsl.TimerScheduler;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.RecoveryCompleted;
import akka.persistence.typed.RecoveryFailed;
import akka.persistence.typed.SnapshotAdapter;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.Effect;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import akka.persistence.typed.javadsl.SignalHandler;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.redgrid.blocking.BlockedClients;
import io.redgrid.command.Call;
import io.redgrid.command.ShardAccess;
import io.redgrid.keyspace.Database;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.protocol.Reply;
import io.redgrid.rdb.KeyspaceRdb;
import io.redgrid.pubsub.KeyspaceEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One keyspace shard: the data of a fixed range of slots for every database, processing
 * commands one at a time like one Redis event loop, as a Cluster Sharding entity.
 *
 * <p>Lifecycle: the entity recovers by replaying its events (deterministic Redis commands)
 * through the command table, registers itself in the node's {@link ShardDirectory}, then serves
 * {@link ShardMessage.Run} batches, coordinator locks and the active-expiry timer.
 *
 * <p>Why commands change the keyspace in the command handler rather than in the event handler:
 * a pipelined batch must see its own earlier writes (SET then INCR of the same key in one
 * message), and copying collections to stage changes is not affordable. The command handler
 * therefore applies each command as it runs and records its effects; the batch is persisted
 * with one persist call and replied to afterwards. This stays correct because (1) Akka stashes
 * every other message until the persist completes, so no client sees an unpersisted write;
 * (2) a failed persist stops the entity, which then recovers from the journal, discarding the
 * unpersisted change; (3) the event handler applies events only while recovering, through the
 * same command code, so live and replayed state are built by one path.
 */
public final class KeyspaceShard extends EventSourcedBehavior<ShardMessage, ShardEvent, Keyspace> {
  public static final EntityTypeKey<ShardMessage> ENTITY_TYPE_KEY =
      EntityTypeKey.create(ShardMessage.class, "keyspace-shard");

  /** Upper bound of one active-expiry cycle, as Redis' slow cycle (25% of a 100 ms tick). */
  private static final long EXPIRE_CYCLE_NANOS = 25_000_000L;
  private static final int EXPIRE_SAMPLE = 20;

  private final int shardId;
  private final ShardRuntime runtime;
  private final ActorContext<ShardMessage> context;
  private final TimerScheduler<ShardMessage> timers;
  private int tickHz;
  private boolean recovering = true;
  private long lockedBy;
  /** The first event of the transaction part being persisted, and the tag naming its unit. */
  private ShardEvent unitEvent;
  private Set<String> unitTags = Set.of();

  private KeyspaceShard(
      int shardId,
      ShardRuntime runtime,
      ActorContext<ShardMessage> context,
      TimerScheduler<ShardMessage> timers) {
    super(PersistenceId.ofUniqueId("shard-" + shardId));
    this.shardId = shardId;
    this.runtime = runtime;
    this.context = context;
    this.timers = timers;
  }

  public static Behavior<ShardMessage> create(int shardId, ShardRuntime runtime) {
    return Behaviors.withTimers(
        timers -> Behaviors.setup(context -> new KeyspaceShard(shardId, runtime, context, timers)));
  }

  /** Akka settings the shard entities need (event serializer, stash capacity); add as a fallback. */
  public static Config akkaDefaults() {
    return ConfigFactory.parseResources(KeyspaceShard.class, "/redgrid-actors.conf");
  }

  /** Registers the entity type with Cluster Sharding; entity ids are the shard numbers. */
  public static void init(ClusterSharding sharding, ShardRuntime runtime) {
    sharding.init(
        Entity.of(ENTITY_TYPE_KEY, entity -> create(Integer.parseInt(entity.getEntityId()), runtime)));
  }

  /**
   * Recovery starts from nothing: shard 0 also empties the node's function libraries, which its
   * snapshot and events then rebuild (a restarted shard 0 must not find them loaded twice).
   */
  @Override
  public Keyspace emptyState() {
    if (shardId == 0) {
      runtime.functions().flush();
    }
    return new Keyspace(shardId, runtime.databases());
  }

  @Override
  public CommandHandler<ShardMessage, ShardEvent, Keyspace> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(ShardMessage.Run.class, this::onRun)
        .onCommand(ShardMessage.Drain.class, this::onDrain)
        .onCommand(ShardMessage.Lock.class, this::onLock)
        .onCommand(ShardMessage.Release.class, this::onRelease)
        .onCommand(ShardMessage.ExpireTick.class, this::onExpireTick)
        .onCommand(ShardMessage.Capture.class, this::onCapture)
        .build();
  }

  @Override
  public EventHandler<Keyspace, ShardEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((Keyspace keyspace, ShardEvent event) -> apply(keyspace, event));
  }

  @Override
  public SignalHandler<Keyspace> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(RecoveryFailed.class, (state, failed) -> runtime.directory().failed(shardId, failed.getFailure()))
        .onSignal(PostStop.instance(), state -> runtime.directory().unregister(shardId, context.getSelf()))
        .build();
  }

  /**
   * The first event of a transaction part carries its unit to the journal as a tag (the journal
   * strips tags; they are not stored as such).
   */
  @Override
  public Set<String> tagsFor(ShardEvent event) {
    return event == unitEvent ? unitTags : Set.of();
  }

  @Override
  public boolean shouldSnapshot(Keyspace state, ShardEvent event, long sequenceNr) {
    return false;
  }

  /**
   * Snapshots are taken by the saver from {@link ShardMessage.Capture} copies, never by Akka
   * after an event; a loaded snapshot is a keyspace read from an RDB file.
   */
  @Override
  public SnapshotAdapter<Keyspace> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(Keyspace state) {
        return state;
      }

      @Override
      public Keyspace fromJournal(Object from) {
        Keyspace loaded = (Keyspace) from;
        if (shardId == 0) {
          runtime.functions().replaceAll(loaded.functionLibraries());
        }
        return loaded.shardId() == shardId ? loaded : loaded.withShardId(shardId);
      }
    };
  }

  private void onRecovered(Keyspace keyspace) {
    recovering = false;
    runtime.stats().memory.register(keyspace);
    runtime.directory().register(shardId, context.getSelf());
    if (runtime.inbox() != null) {
      // A shard restarted after a failure may have died with its wake-up pending: take what waits.
      runtime.inbox().roundDone(shardId, context.getSelf());
    }
    scheduleExpiry();
  }
  /** Starts (or restarts, after CONFIG SET hz) the active-expiry timer at the current hz. */
  private void scheduleExpiry() {
    tickHz = runtime.hz().getAsInt();
    Duration tick = Duration.ofMillis(Math.max(1, 1000 / tickHz));
    timers.startTimerWithFixedDelay(ShardMessage.ExpireTick.INSTANCE, tick);
  }


  /** Live events were applied by the command handler already (see the class comment). */
  private Keyspace apply(Keyspace keyspace, ShardEvent event) {
    if (recovering) {
      Call.Context replay = new Call.Context()
          .db(event.db())
          .shards(ShardAccess.of(keyspace))
          .clock(runtime.clock())
          .functions(runtime.functions())
          .replaying(true);
      Reply reply = runtime.table().execute(event.command(), replay);
      if (reply instanceof Reply.Error error) {
        context.getLog().warn("shard {} could not replay an event: {}", shardId, error.message());
      }
    }
    return keyspace;
  }

  private Effect<ShardEvent, Keyspace> onRun(Keyspace keyspace, ShardMessage.Run run) {
    if (lockedBy != 0) {
      return Effect().stash();
    }
    return runRound(keyspace, List.of(run), null);
  }

  /** Takes every batch queued in the inbox as one round: one persist for all their writes. */
  private Effect<ShardEvent, Keyspace> onDrain(Keyspace keyspace, ShardMessage.Drain drain) {
    if (lockedBy != 0) {
      return Effect().stash();
    }
    ShardInbox inbox = runtime.inbox();
    List<ShardMessage.Run> runs = inbox.drain(shardId);
    Runnable roundDone = () -> inbox.roundDone(shardId, context.getSelf());
    if (runs.isEmpty()) {
      roundDone.run();
      return Effect().none();
    }
    return runRound(keyspace, runs, roundDone);
  }

  /**
   * Runs batches in order, persists their effects with one persist call and replies to each
   * batch after it; {@code roundDone} (if any) runs once the replies are out.
   */
  private Effect<ShardEvent, Keyspace> runRound(Keyspace keyspace, List<ShardMessage.Run> runs, Runnable roundDone) {
    Reply[][] replies = new Reply[runs.size()][];
    List<ShardEvent> events = new ArrayList<>(0);
    Call.Context callContext = new Call.Context()
        .shards(ShardAccess.of(keyspace))
        .clock(runtime.clock())
        .stats(runtime.stats())
        .blocked(runtime.blocked())
        .events(runtime.events())
        .tracking(runtime.tracking())
        .functions(runtime.functions())
        .effects((shard, db, argv) -> events.add(new ShardEvent(db, argv)));
    for (int r = 0; r < replies.length; r++) {
      ShardMessage.Request[] requests = runs.get(r).requests();
      Reply[] batch = new Reply[requests.length];
      replies[r] = batch;
      for (int i = 0; i < requests.length; i++) {
        ShardMessage.Request request = requests[i];
        callContext.db(request.db()).protocol(request.protocol()).client(request.client(), request.retry())
            .noTouch(request.noTouch());
        batch[i] = safely(() -> {
          Call call = runtime.table().prepare(request.spec(), request.argv(), callContext);
          Reply reply = runtime.table().run(call);
          if (reply == BlockedClients.BLOCKED && !request.retry()) {
            // Registered before this shard processes anything else: no push can be missed.
            runtime.blocked().block(request.client(), request.spec(), request.argv(), request.db(),
                request.protocol(), call.blockRequest());
          }
          return reply;
        });
      }
    }
    if (runtime.blocked() != null) {
      runtime.blocked().serveReady();
    }
    flushBroadcast();
    if (events.isEmpty()) {
      complete(runs, replies, roundDone);
      return Effect().none();
    }
    runtime.stats().dirty.add(events.size());
    return Effect().persist(events).thenRun(state -> complete(runs, replies, roundDone));
  }

  private static void complete(List<ShardMessage.Run> runs, Reply[][] replies, Runnable roundDone) {
    for (int r = 0; r < replies.length; r++) {
      runs.get(r).replies().complete(replies[r]);
    }
    if (roundDone != null) {
      roundDone.run();
    }
  }

  private Effect<ShardEvent, Keyspace> onLock(Keyspace keyspace, ShardMessage.Lock lock) {
    if (lockedBy != 0) {
      return Effect().stash();
    }
    lockedBy = lock.token();
    lock.granted().complete(keyspace);
    return Effect().none();
  }

  /**
   * Copies the keyspace for a save. Akka stashes commands while a persist is in flight, so no
   * event is pending here: the copy reflects exactly the events up to the last sequence number.
   */
  private Effect<ShardEvent, Keyspace> onCapture(Keyspace keyspace, ShardMessage.Capture capture) {
    if (lockedBy != capture.token()) {
      return Effect().stash();
    }
    try {
      Keyspace copy = KeyspaceRdb.copy(keyspace);
      if (shardId == 0) {
        // Library changes hold shard 0 (see FunctionCommands): the registry matches this sequence number.
        copy.functionLibraries(runtime.functions().codes());
      }
      capture.captured().complete(new ShardMessage.Captured(shardId, copy, lastSequenceNumber(context)));
    } catch (RuntimeException e) {
      capture.captured().completeExceptionally(e);
    }
    return Effect().none();
  }

  private Effect<ShardEvent, Keyspace> onRelease(Keyspace keyspace, ShardMessage.Release release) {
    if (release.token() != lockedBy) {
      context.getLog().error("shard {} ignored a release by {}, held by {}", shardId, release.token(), lockedBy);
      release.persisted().completeExceptionally(new IllegalStateException("shard not held by this token"));
      return Effect().none();
    }
    lockedBy = 0;
    runtime.stats().dirty.add(release.events().size());
    if (release.events().isEmpty()) {
      release.persisted().complete(null);
      return Effect().unstashAll();
    }
    if (release.unit() != null) {
      // tagsFor runs while this persist is applied, right after this handler returns.
      unitEvent = release.events().get(0);
      unitTags = Set.of(release.unit().tag());
    }
    return Effect().persist(release.events())
        .thenRun(state -> {
          unitEvent = null;
          release.persisted().complete(null);
        })
        .thenUnstashAll();
  }

  /** Redis' active expiry: sample keys with a TTL, delete the expired, repeat while many were. */
  private Effect<ShardEvent, Keyspace> onExpireTick(Keyspace keyspace, ShardMessage.ExpireTick tick) {
    if (runtime.hz().getAsInt() != tickHz) {
      scheduleExpiry();
    }
    if (lockedBy != 0 || runtime.stats().expiryPaused) {
      return Effect().none(); // CLIENT PAUSE: no expiry and no eviction, as Redis
    }
    List<ShardEvent> events = new ArrayList<>(0);
    long deadline = System.nanoTime() + EXPIRE_CYCLE_NANOS;
    long now = runtime.clock().millis();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    // DEBUG SET-ACTIVE-EXPIRE 0 stops the expiry sweep only.
    for (int db = 0; runtime.stats().activeExpire && db < keyspace.databaseCount(); db++) {
      Database database = keyspace.database(db);
      int expired;
      do {
        expired = 0;
        int samples = Math.min(EXPIRE_SAMPLE, database.volatileCount());
        for (int i = 0; i < samples; i++) {
          KeyEntry entry = database.randomVolatile(random);
          if (entry != null && entry.isExpired(now)) {
            database.remove(entry.key());
            runtime.stats().expiredKeys.increment();
            events.add(new ShardEvent(db, new byte[][] {DEL, entry.key()}));
            runtime.events().publish(KeyspaceEvents.EXPIRED, "expired", db, entry.key());
            runtime.stats().watchedKeys.touch(db, entry.key(), true);
            if (runtime.tracking() != null) {
              runtime.tracking().invalidate(entry.key(), 0);
            }
            expired++;
          }
        }
      } while (expired > EXPIRE_SAMPLE / 4 && System.nanoTime() < deadline);
    }
    evictOverMaxmemory(keyspace, now, events);
    flushBroadcast();
    if (events.isEmpty()) {
      return Effect().none();
    }
    runtime.stats().dirty.add(events.size());
    return Effect().persist(events);
  }

  private static final byte[] DEL = {'D', 'E', 'L'};

  /** BCAST invalidations of this round go out as one message per client and prefix. */
  private void flushBroadcast() {
    if (runtime.tracking() != null) {
      runtime.tracking().flushBroadcast();
    }
  }

  /**
   * Redis' evictionTimeProc: while the node is over maxmemory, each shard also evicts from its
   * own keys on its timer, so memory goes down even when the writes land on other shards.
   */
  private void evictOverMaxmemory(Keyspace keyspace, long now, List<ShardEvent> events) {
    io.redgrid.memory.MemoryGovernor memory = runtime.stats().memory;
    if (memory.maxmemory() <= 0) {
      return;
    }
    io.redgrid.memory.Evictor.perform(memory, List.of(keyspace), now, (held, db, entry) -> {
      Database database = held.database(db);
      if (database.get(entry.key()) != entry) {
        return false;
      }
      database.remove(entry.key());
      runtime.stats().evictedKeys.increment();
      events.add(new ShardEvent(db, new byte[][] {DEL, entry.key()}));
      runtime.events().publish(KeyspaceEvents.EVICTED, "evicted", db, entry.key());
      runtime.stats().watchedKeys.touch(db, entry.key(), false);
      if (runtime.tracking() != null) {
        runtime.tracking().invalidate(entry.key(), 0);
      }
      return true;
    });
  }

  private Reply safely(java.util.function.Supplier<Reply> command) {
    try {
      return command.get();
    } catch (RuntimeException e) {
      context.getLog().error("shard {}: command failed", shardId, e);
      return Reply.error("ERR internal error: " + e);
    }
  }
}
