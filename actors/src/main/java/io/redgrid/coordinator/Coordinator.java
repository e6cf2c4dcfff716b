package io.redgrid.coordinator;

import io.redgrid.blocking.BlockedClients;
import io.redgrid.command.Call;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.CommandTable;
import io.redgrid.command.ShardAccess;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.keyspace.ShardMap;
import io.redgrid.protocol.Reply;
import io.redgrid.shard.ShardEvent;
import io.redgrid.shard.ShardMessage;
import io.redgrid.shard.ShardRouter;
import io.redgrid.shard.TransactionUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs work that spans several keyspace shards atomically and in isolation, like single-node
 * Redis: it takes the shards, runs the commands against their keyspaces, has each shard persist
 * its part, and frees them.
 *
 * <p>Why it cannot deadlock: a coordinator takes shards strictly one after another in
 * increasing shard id and only asks for the next one once it holds the previous one. A shard
 * serves one holder at a time and queues other requests in arrival order. So a coordinator
 * waiting for shard j holds only shards below j, and whoever holds j waits only for shards above
 * j: the wait-for graph follows increasing ids and can have no cycle. Single-shard batches hold
 * nothing while they wait, so they cannot close a cycle either.
 *
 * <p>While a shard is held, its actor processes nothing but the holder's release, so the holder
 * may use the shard's keyspace directly from its own thread (the lock message exchange orders the
 * memory accesses). This needs the shards in this JVM, which is how every node reaches its
 * shards today; spreading shards over several nodes needs a message-based variant.
 */
public final class Coordinator {
  private static final AtomicLong TOKENS = new AtomicLong();

  private final ShardRouter router;
  private final ShardMap shardMap;
  private final CommandTable table;
  private final Executor executor;

  public Coordinator(ShardRouter router, ShardMap shardMap, CommandTable table, Executor executor) {
    this.router = router;
    this.shardMap = shardMap;
    this.table = table;
    this.executor = executor;
  }

  public ShardMap shardMap() {
    return shardMap;
  }

  /** Every shard id, for whole-keyspace commands. */
  public int[] allShards() {
    int[] all = new int[shardMap.shardCount()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return all;
  }

  /** The distinct shards owning the given keys of {@code argv}, sorted. */
  public int[] shardsOf(byte[][] argv, int[] keyPositions) {
    int[] shards = new int[keyPositions.length];
    for (int i = 0; i < keyPositions.length; i++) {
      shards[i] = shardMap.shardOf(argv[keyPositions[i]]);
    }
    return Arrays.stream(shards).sorted().distinct().toArray();
  }

  /** Takes the given shards (any order, duplicates allowed) for a multi-step transaction. */
  public CompletionStage<Holding> acquire(int[] shards) {
    int[] ordered = Arrays.stream(shards).sorted().distinct().toArray();
    long token = TOKENS.incrementAndGet();
    Keyspace[] held = new Keyspace[shardMap.shardCount()];
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (int shard : ordered) {
      chain = chain.thenCompose(ignored -> {
        CompletableFuture<Keyspace> granted = new CompletableFuture<>();
        router.tell(shard, new ShardMessage.Lock(token, granted));
        return granted.thenAccept(keyspace -> held[shard] = keyspace);
      });
    }
    return chain.thenApplyAsync(ignored -> new Holding(token, ordered, held), executor);
  }

  /** Runs one command on the shards it needs, atomically; the reply comes after persistence. */
  public CompletionStage<Reply> run(int[] shards, CommandSpec spec, byte[][] argv, Call.Context context) {
    return acquire(shards).thenComposeAsync(holding -> {
      Call call;
      Reply reply;
      try {
        call = holding.prepare(spec, argv, context);
        reply = holding.run(call);
        if (call.tracking() != null) {
          call.tracking().flushBroadcast();
        }
        if (reply == BlockedClients.BLOCKED && !context.retry()) {
          // Registered while every shard of the command is held: no push can be missed.
          context.blocked().block(context.client(), spec, argv, context.db(), call.protocol(),
              call.blockRequest());
        }
      } catch (RuntimeException e) {
        return holding.release().thenApply(ignored -> Reply.error("ERR internal error: " + e));
      }
      CompletionStage<Reply> later = call.laterReply();
      if (later != null) {
        // SAVE, DEBUG RELOAD: the shards stay held until the work is done, then the reply goes.
        return later.exceptionally(failure -> Reply.error("ERR " + failure.getMessage()))
            .thenComposeAsync(result -> holding.release().thenApply(ignored -> result), executor);
      }
      CompletionStage<?> deferral = call.deferral();
      if (deferral == null) {
        return holding.release().thenApply(ignored -> {
          if (context.blocked() != null) {
            context.blocked().serveReady();
          }
          return reply;
        });
      }
      return deferral.handle((value, failure) -> null)
          .thenComposeAsync(ignored -> holding.release(), executor)
          .thenApply(ignored -> reply);
    }, executor);
  }

  /** Shards held by one coordinator: commands run against them until {@link #release}. */
  public final class Holding implements ShardAccess {
    private final long token;
    private int[] shards;
    private final Keyspace[] keyspaces;
    private final List<List<ShardEvent>> effects;
    private List<Keyspace> heldInOrder;

    private Holding(long token, int[] shards, Keyspace[] keyspaces) {
      this.token = token;
      this.shards = shards;
      this.keyspaces = keyspaces;
      this.effects = new ArrayList<>(keyspaces.length);
      List<Keyspace> inOrder = new ArrayList<>(shards.length);
      for (int i = 0; i < keyspaces.length; i++) {
        effects.add(null);
      }
      for (int shard : shards) {
        inOrder.add(keyspaces[shard]);
      }
      this.heldInOrder = List.copyOf(inOrder);
    }

    @Override
    public Keyspace keyspaceFor(byte[] key) {
      Keyspace keyspace = keyspaces[shardMap.shardOf(key)];
      if (keyspace == null) {
        throw new IllegalStateException("key of an undeclared shard touched under a coordinator");
      }
      return keyspace;
    }

    @Override
    public List<Keyspace> all() {
      return heldInOrder;
    }

    @Override
    public long holdToken() {
      return token;
    }

    @Override
    public boolean holds(int shard) {
      return keyspaces[shard] != null;
    }

    /**
     * Takes one more shard, for a script touching a key it did not declare: only a shard above
     * every held one, so the increasing-id rule still rules out deadlock. Blocks the calling
     * thread (the script thread, never an actor's) until the shard is granted.
     */
    @Override
    public boolean acquireAbove(int shard) {
      if (shards.length > 0 && shard <= shards[shards.length - 1]) {
        return false;
      }
      CompletableFuture<Keyspace> granted = new CompletableFuture<>();
      router.tell(shard, new ShardMessage.Lock(token, granted));
      keyspaces[shard] = granted.join();
      shards = Arrays.copyOf(shards, shards.length + 1);
      shards[shards.length - 1] = shard;
      List<Keyspace> inOrder = new ArrayList<>(heldInOrder);
      inOrder.add(keyspaces[shard]);
      heldInOrder = List.copyOf(inOrder);
      return true;
    }

    /** Where calls under this holding record their effects (kept per shard until release). */
    public io.redgrid.command.Effects effects() {
      return this::record;
    }

    /** Prepares a call whose keyspace is these shards and whose effects are kept per shard. */
    public Call prepare(CommandSpec spec, byte[][] argv, Call.Context context) {
      context.shards(this).effects(this::record);
      return table.prepare(spec, argv, context);
    }

    public Reply run(Call call) {
      return table.run(call);
    }

    private void record(int shard, int db, byte[][] argv) {
      List<ShardEvent> events = effects.get(shard);
      if (events == null) {
        events = new ArrayList<>();
        effects.set(shard, events);
      }
      events.add(new ShardEvent(db, argv));
    }

    /**
     * More than one event in all: the shards' parts form one transaction unit, persisted all or
     * nothing (Redis wraps such a propagation in MULTI/EXEC in its AOF); one event is atomic alone.
     */
    private TransactionUnit unit() {
      int total = 0;
      int parts = 0;
      for (int shard : shards) {
        List<ShardEvent> events = effects.get(shard);
        if (events != null && !events.isEmpty()) {
          total += events.size();
          parts++;
        }
      }
      return total > 1 ? new TransactionUnit(token, parts) : null;
    }

    /**
     * Frees every shard persisting nothing: a script stopped by SHUTDOWN NOSAVE, whose changes
     * must not reach the journal (the node is going away; the shards must not stay locked).
     */
    public void abandon() {
      for (int shard : shards) {
        router.tell(shard, new ShardMessage.Release(token, List.of(), new CompletableFuture<>()));
      }
    }

    /** Has every shard persist its part and frees it; completes when all are persisted. */
    public CompletionStage<Void> release() {
      TransactionUnit unit = unit();
      CompletableFuture<?>[] persisted = new CompletableFuture<?>[shards.length];
      for (int i = 0; i < shards.length; i++) {
        int shard = shards[i];
        List<ShardEvent> events = effects.get(shard);
        CompletableFuture<Void> done = new CompletableFuture<>();
        persisted[i] = done;
        boolean part = events != null && !events.isEmpty();
        router.tell(shard, new ShardMessage.Release(token, part ? events : List.of(), done, part ? unit : null));
      }
      return CompletableFuture.allOf(persisted);
    }
  }
}
