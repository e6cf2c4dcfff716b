package io.redgrid.persistence.control;

import io.redgrid.config.ServerConfig;
import io.redgrid.coordinator.Coordinator;
import io.redgrid.keyspace.Clock;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.files.AtomicFiles;
import io.redgrid.persistence.aof.AppendOnlyFile;
import io.redgrid.persistence.rdb.SnapshotFiles;
import io.redgrid.protocol.Reply;
import io.redgrid.rdb.KeyspaceRdb;
import io.redgrid.rdb.RdbOptions;
import io.redgrid.server.PersistenceControl;
import io.redgrid.server.ServerStats;
import io.redgrid.shard.ShardMessage;
import io.redgrid.shard.ShardRouter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's SAVE, BGSAVE, BGREWRITEAOF and save rules.
 *
 * <p>A save holds every shard through the coordinator, has each shard copy itself with the
 * sequence number of its last event ({@link ShardMessage.Capture}), frees the shards and writes
 * in the background: one RDB snapshot per shard (what recovery loads, through the snapshot store
 * plugin) and {@code dbfilename}, the whole dataset as one RDB that a real Redis loads. The
 * copies form one consistent cut, as Redis' fork does. An AOF rewrite takes the same cut,
 * rotates the journal to a new incremental file while still holding the shards, and once the
 * snapshots are durable writes the RDB base and drops the older journal files: a crash at any
 * point leaves snapshots plus a journal that together hold every acknowledged write.
 */
public final class NodePersistence implements PersistenceControl {
  private static final Logger log = LoggerFactory.getLogger(NodePersistence.class);
  /** Redis' CONFIG_BGSAVE_RETRY_DELAY: after a failed save, rules wait this long to retry. */
  private static final long RETRY_DELAY_MILLIS = 5000;

  private final ServerConfig config;
  private final Coordinator coordinator;
  private final ShardRouter router;
  private final ServerStats stats;
  private final Clock clock;
  private final SnapshotFiles snapshots;
  private final AppendOnlyFile aof;
  private final ExecutorService io;

  private final Object lock = new Object();
  private boolean saving;
  private boolean rewriting;
  private boolean saveScheduled;
  private boolean rewriteScheduled;
  private volatile long lastSave;
  private volatile boolean lastSaveOk = true;
  private volatile long lastSaveAttempt;
  private volatile long lastSaveSeconds = -1;
  private volatile long saveStarted = -1;
  private volatile boolean lastRewriteOk = true;
  private volatile long lastRewriteSeconds = -1;
  private volatile long rewriteStarted = -1;
  private volatile long saves;
  private volatile long rewrites;
  private volatile long consecutiveRewriteFailures;
  private volatile long keysLoaded;
  private volatile long keysExpiredAtLoad;
  private volatile java.util.function.BooleanSupplier loading = () -> false;

  public NodePersistence(ServerConfig config, Coordinator coordinator, ShardRouter router, ServerStats stats,
      Clock clock, SnapshotFiles snapshots, AppendOnlyFile aof) {
    this.config = config;
    this.coordinator = coordinator;
    this.router = router;
    this.stats = stats;
    this.clock = clock;
    this.snapshots = snapshots;
    this.aof = aof;
    this.io = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "redgrid-save");
      thread.setDaemon(true);
      return thread;
    });
    this.lastSave = System.currentTimeMillis() / 1000;
  }

  private RdbOptions rdbOptions() {
    return new RdbOptions(config.get("rdbcompression").equals("yes"), config.get("rdbchecksum").equals("yes"));
  }

  private Path dumpFile() {
    return config.dir().resolve(config.get("dbfilename"));
  }

  // ---- commands ------------------------------------------------------------------------------

  @Override
  public CompletionStage<Reply> save(long holdToken) {
    return saveHeld(holdToken, written -> Reply.OK, failure -> {
      log.warn("Error saving DB on disk: {}", failure.getMessage());
      return Reply.error("ERR");
    });
  }

  /**
   * A save under the caller's hold on every shard (SAVE, DEBUG RELOAD): captures, writes, then
   * {@code then} runs on the written snapshot paths; failures become {@code onFailure}'s reply.
   */
  private CompletionStage<Reply> saveHeld(long holdToken, java.util.function.Function<List<Path>, Reply> then,
      java.util.function.Function<Throwable, Reply> onFailure) {
    synchronized (lock) {
      if (saving) {
        return CompletableFuture.completedFuture(Reply.error("ERR Background save already in progress"));
      }
      saving = true;
    }
    long dirtyBefore = stats.dirty.sum();
    return capture(holdToken)
        .thenApplyAsync(captured -> then.apply(writeSave(captured, dirtyBefore)), io)
        .exceptionally(failure -> onFailure.apply(cause(failure)))
        .whenComplete((reply, failure) -> saveFinished());
  }

  @Override
  public Reply bgsave(boolean schedule) {
    synchronized (lock) {
      if (saving) {
        return Reply.error("ERR Background save already in progress");
      }
      if (rewriting) {
        if (schedule) {
          saveScheduled = true;
          return Reply.simple("Background saving scheduled");
        }
        return Reply.error("ERR Another child process is active (AOF?): can't BGSAVE right now. "
            + "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
      }
      saving = true;
    }
    startBackgroundSave();
    return Reply.simple("Background saving started");
  }

  private void startBackgroundSave() {
    log.info("Background saving started");
    saveStarted = System.currentTimeMillis();
    long dirtyBefore = stats.dirty.sum();
    holdAndCapture()
        .thenAcceptAsync(captured -> writeSave(captured, dirtyBefore), io)
        .whenComplete((ignored, failure) -> {
          if (failure == null) {
            log.info("Background saving terminated with success");
          } else {
            log.warn("Background saving error: {}", cause(failure).getMessage());
          }
          saveFinished();
        });
  }

  @Override
  public Reply bgrewriteaof() {
    synchronized (lock) {
      if (rewriting) {
        return Reply.error("ERR Background append only file rewriting already in progress");
      }
      if (saving) {
        rewriteScheduled = true;
        return Reply.simple("Background append only file rewriting scheduled");
      }
      rewriting = true;
    }
    startRewrite();
    return Reply.simple("Background append only file rewriting started");
  }

  private void startRewrite() {
    log.info("Background append only file rewriting started");
    rewriteStarted = System.currentTimeMillis();
    CompletableFuture<Integer> rotated = new CompletableFuture<>();
    coordinator.acquire(coordinator.allShards()).thenCompose(holding ->
        capture(holding.holdToken())
            .thenCompose(captured -> {
              // Still holding every shard: nothing can be journaled between the cut and the rotation.
              CompletionStage<Integer> rotation = aof != null && aof.enabled()
                  ? aof.rotate() : CompletableFuture.completedFuture(-1);
              return rotation.thenApply(incr -> {
                rotated.complete(incr);
                return captured;
              });
            })
            .whenComplete((captured, failure) -> holding.release()))
        .thenAcceptAsync(captured -> {
          try {
            writeSnapshots(captured);
            int firstKept = rotated.join();
            if (firstKept >= 0) {
              aof.completeRewrite(firstKept, out -> writeDataset(out, captured, Map.of("aof-base", "1")))
                  .toCompletableFuture().join();
            }
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, io)
        .whenComplete((ignored, failure) -> {
          synchronized (lock) {
            rewriting = false;
            lastRewriteOk = failure == null;
            lastRewriteSeconds = (System.currentTimeMillis() - rewriteStarted) / 1000;
            rewriteStarted = -1;
            if (failure == null) {
              rewrites++;
              consecutiveRewriteFailures = 0;
              log.info("Background AOF rewrite terminated with success");
            } else {
              consecutiveRewriteFailures++;
              log.warn("Background AOF rewrite failed: {}", cause(failure).getMessage());
            }
            startScheduled();
          }
        });
  }

  @Override
  public long lastSave() {
    return lastSave;
  }

  @Override
  public CompletionStage<Reply> debugReload(long holdToken, List<Keyspace> held) {
    return reloadInPlace(holdToken, held);
  }

  /**
   * DEBUG LOADAOF: every acknowledged write is in the AOF once flushed, so reloading the files
   * written at this moment yields exactly what the AOF holds.
   */
  @Override
  public CompletionStage<Reply> debugLoadAof(long holdToken, List<Keyspace> held) {
    CompletionStage<Void> flushed = aof != null && aof.enabled() ? aof.flush() : CompletableFuture.completedFuture(null);
    return flushed.thenCompose(ignored -> reloadInPlace(holdToken, held));
  }

  private CompletionStage<Reply> reloadInPlace(long holdToken, List<Keyspace> held) {
    return saveHeld(holdToken, written -> {
      long now = clock.millis();
      for (Keyspace keyspace : held) {
        keyspace.flushAll();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(written.get(keyspace.shardId())))) {
          KeyspaceRdb.load(in, keyspace, now);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return Reply.OK;
    }, failure -> Reply.error("ERR Error trying to load the RDB dump: " + failure.getMessage()));
  }

  @Override
  public void flushedAll() {
    if (config.saveRules().length == 0) {
      return;
    }
    synchronized (lock) {
      if (saving || rewriting) {
        saveScheduled = true;
        return;
      }
      saving = true;
    }
    startBackgroundSave();
  }

  // ---- the work ------------------------------------------------------------------------------

  /** Takes every shard, captures them, and frees them: one consistent cut. */
  private CompletionStage<ShardMessage.Captured[]> holdAndCapture() {
    return coordinator.acquire(coordinator.allShards()).thenCompose(holding ->
        capture(holding.holdToken()).whenComplete((captured, failure) -> holding.release()));
  }

  /** Asks every shard, held by {@code token}, for its copy and sequence number. */
  private CompletionStage<ShardMessage.Captured[]> capture(long token) {
    int shards = coordinator.shardMap().shardCount();
    @SuppressWarnings("unchecked")
    CompletableFuture<ShardMessage.Captured>[] futures = new CompletableFuture[shards];
    for (int shard = 0; shard < shards; shard++) {
      futures[shard] = new CompletableFuture<>();
      router.tell(shard, new ShardMessage.Capture(token, futures[shard]));
    }
    return CompletableFuture.allOf(futures).thenApply(ignored -> {
      ShardMessage.Captured[] captured = new ShardMessage.Captured[shards];
      for (int i = 0; i < shards; i++) {
        captured[i] = futures[i].join();
      }
      return captured;
    });
  }

  /** Writes the shard snapshots and {@code dbfilename}; returns the snapshot paths by shard. */
  private List<Path> writeSave(ShardMessage.Captured[] captured, long dirtyBefore) {
    lastSaveAttempt = System.currentTimeMillis();
    try {
      List<Path> written = writeSnapshots(captured);
      AtomicFiles.write(dumpFile(), out -> writeDataset(out, captured, Map.of()));
      stats.dirty.add(-dirtyBefore);
      lastSave = System.currentTimeMillis() / 1000;
      lastSaveOk = true;
      saves++;
      return written;
    } catch (IOException | RuntimeException e) {
      lastSaveOk = false;
      throw new java.io.UncheckedIOException(e instanceof IOException io ? io : new IOException(e));
    }
  }

  /** One durable RDB snapshot per shard; older snapshots of the shard are deleted after. */
  private List<Path> writeSnapshots(ShardMessage.Captured[] captured) throws IOException {
    Path[] paths = new Path[captured.length];
    long timestamp = System.currentTimeMillis();
    for (ShardMessage.Captured shard : captured) {
      String pid = "shard-" + shard.shard();
      paths[shard.shard()] = snapshots.writeKeyspace(pid, shard.sequenceNr(), timestamp, shard.copy(),
          timestamp / 1000);
      for (SnapshotFiles.Entry older : snapshots.list(pid)) {
        if (!older.path().equals(paths[shard.shard()])) {
          snapshots.delete(older);
        }
      }
    }
    return List.of(paths);
  }

  /** The whole dataset as one RDB: per database, every shard's keys. */
  private void writeDataset(OutputStream out, ShardMessage.Captured[] captured, Map<String, String> aux)
      throws IOException {
    List<Keyspace> copies = new java.util.ArrayList<>(captured.length);
    for (ShardMessage.Captured shard : captured) {
      copies.add(shard.copy());
    }
    KeyspaceRdb.write(copies, out, rdbOptions(), System.currentTimeMillis() / 1000, aux);
  }

  private void saveFinished() {
    synchronized (lock) {
      saving = false;
      lastSaveSeconds = saveStarted < 0 ? lastSaveSeconds : (System.currentTimeMillis() - saveStarted) / 1000;
      saveStarted = -1;
      startScheduled();
    }
  }

  /** Runs a save or rewrite that waited for the other to finish; called holding {@link #lock}. */
  private void startScheduled() {
    if (saving || rewriting) {
      return;
    }
    if (rewriteScheduled) {
      rewriteScheduled = false;
      rewriting = true;
      io.execute(this::startRewrite);
    } else if (saveScheduled) {
      saveScheduled = false;
      saving = true;
      io.execute(this::startBackgroundSave);
    }
  }

  // ---- serverCron ------------------------------------------------------------------------------

  /** Redis' serverCron part for persistence: save rules and automatic AOF rewrites. */
  public void cron() {
    long now = System.currentTimeMillis();
    long dirty = stats.dirty.sum();
    synchronized (lock) {
      if (saving || rewriting) {
        return;
      }
      long[] rules = config.saveRules();
      for (int i = 0; i + 1 < rules.length; i += 2) {
        long seconds = rules[i];
        long changes = rules[i + 1];
        if (dirty >= changes && now / 1000 - lastSave > seconds
            && (lastSaveOk || now - lastSaveAttempt > RETRY_DELAY_MILLIS)) {
          log.info("{} changes in {} seconds. Saving...", changes, seconds);
          saving = true;
          io.execute(this::startBackgroundSave);
          return;
        }
      }
      if (aof != null && aof.enabled()) {
        long percentage = config.getLong("auto-aof-rewrite-percentage");
        long minSize = config.getLong("auto-aof-rewrite-min-size");
        long size = aof.currentSize();
        long base = Math.max(1, aof.sizeAtLastRewrite());
        if (percentage > 0 && size > minSize && (size - base) * 100 / base >= percentage) {
          log.info("Starting automatic rewriting of AOF on {}% growth", (size - base) * 100 / base);
          rewriting = true;
          io.execute(this::startRewrite);
        }
      }
    }
  }

  /**
   * SHUTDOWN with saving: a synchronous save of every shard, as Redis' prepareForShutdown.
   * Also flushes the AOF.
   */
  public void saveForShutdown(boolean save) {
    if (aof != null && aof.enabled()) {
      aof.flush().toCompletableFuture().join();
    }
    if (!save) {
      return;
    }
    log.info("Saving the final RDB snapshot before exiting.");
    long dirtyBefore = stats.dirty.sum();
    ShardMessage.Captured[] captured = holdAndCapture().toCompletableFuture().join();
    writeSave(captured, dirtyBefore);
    log.info("DB saved on disk");
  }

  /** Whether the shards are still loading, for INFO's loading field. */
  public void loading(java.util.function.BooleanSupplier loading) {
    this.loading = loading;
  }

  /** Figures of the last load, for INFO rdb_last_load_keys_loaded / _expired. */
  public void loaded(long keys, long expired) {
    this.keysLoaded = keys;
    this.keysExpiredAtLoad = expired;
  }

  public void close() {
    io.shutdown();
  }

  // ---- INFO ------------------------------------------------------------------------------------

  @Override
  public void info(StringBuilder out) {
    boolean aofOn = aof != null && aof.enabled();
    long now = System.currentTimeMillis();
    line(out, "loading", loading.getAsBoolean() ? 1 : 0);
    line(out, "async_loading", 0);
    line(out, "current_cow_peak", 0);
    line(out, "current_cow_size", 0);
    line(out, "current_cow_size_age", 0);
    out.append("current_fork_perc:0.00\r\n");
    line(out, "current_save_keys_processed", 0);
    line(out, "current_save_keys_total", 0);
    line(out, "rdb_changes_since_last_save", Math.max(0, stats.dirty.sum()));
    line(out, "rdb_bgsave_in_progress", saving ? 1 : 0);
    line(out, "rdb_last_save_time", lastSave);
    out.append("rdb_last_bgsave_status:").append(lastSaveOk ? "ok" : "err").append("\r\n");
    line(out, "rdb_last_bgsave_time_sec", lastSaveSeconds);
    long saveStart = saveStarted;
    line(out, "rdb_current_bgsave_time_sec", saveStart < 0 ? -1 : (now - saveStart) / 1000);
    line(out, "rdb_saves", saves);
    line(out, "rdb_last_cow_size", 0);
    line(out, "rdb_last_load_keys_expired", keysExpiredAtLoad);
    line(out, "rdb_last_load_keys_loaded", keysLoaded);
    line(out, "aof_enabled", aofOn ? 1 : 0);
    line(out, "aof_rewrite_in_progress", rewriting ? 1 : 0);
    line(out, "aof_rewrite_scheduled", rewriteScheduled ? 1 : 0);
    line(out, "aof_last_rewrite_time_sec", lastRewriteSeconds);
    long rewriteStart = rewriteStarted;
    line(out, "aof_current_rewrite_time_sec", rewriteStart < 0 ? -1 : (now - rewriteStart) / 1000);
    out.append("aof_last_bgrewrite_status:").append(lastRewriteOk ? "ok" : "err").append("\r\n");
    line(out, "aof_rewrites", rewrites);
    line(out, "aof_rewrites_consecutive_failures", consecutiveRewriteFailures);
    out.append("aof_last_write_status:").append(aof == null || aof.lastWriteOk() ? "ok" : "err").append("\r\n");
    line(out, "aof_last_cow_size", 0);
    line(out, "module_fork_in_progress", 0);
    line(out, "module_fork_last_cow_size", 0);
    if (aofOn) {
      line(out, "aof_current_size", aof.currentSize());
      line(out, "aof_base_size", aof.baseSize());
      line(out, "aof_pending_rewrite", rewriteScheduled ? 1 : 0);
      line(out, "aof_buffer_length", 0);
      line(out, "aof_pending_bio_fsync", 0);
      line(out, "aof_delayed_fsync", 0);
    }
  }

  private static void line(StringBuilder out, String name, long value) {
    out.append(name).append(':').append(value).append("\r\n");
  }

  private static Throwable cause(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof java.util.concurrent.CompletionException
        || cause instanceof java.io.UncheckedIOException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
