package io.redgrid.transaction;

import io.redgrid.command.CommandSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One client's MULTI state and WATCHed keys (Redis' CLIENT_MULTI, CLIENT_DIRTY_EXEC,
 * CLIENT_DIRTY_CAS and c->watched_keys). Owned by its connection; writers on other threads
 * only mark it dirty.
 */
public final class Transaction {
  /** A command queued between MULTI and EXEC. */
  public record Queued(CommandSpec spec, byte[][] argv) {}

  /** A key this client watches; {@code expired}: it was already expired when WATCHed. */
  public static final class Watched {
    private final int db;
    private final byte[] key;
    private volatile boolean expired;

    Watched(int db, byte[] key, boolean expired) {
      this.db = db;
      this.key = key;
      this.expired = expired;
    }

    public int db() {
      return db;
    }

    public byte[] key() {
      return key;
    }

    public boolean expired() {
      return expired;
    }
  }

  private volatile boolean active;
  private boolean aborted;
  private volatile boolean dirty;
  private List<Queued> queue = new ArrayList<>();
  private final List<Watched> watched = new java.util.concurrent.CopyOnWriteArrayList<>();
  private WatchedKeys registry;

  /** Between MULTI and EXEC / DISCARD. */
  public boolean active() {
    return active;
  }

  public void begin() {
    active = true;
    aborted = false;
    queue = new ArrayList<>();
  }

  public void queue(CommandSpec spec, byte[][] argv) {
    if (aborted || dirty) {
      return; // Redis 7.0: no memory spent on a transaction EXEC will not run
    }
    queue.add(new Queued(spec, argv));
  }

  /** A command was refused while queueing: EXEC will answer EXECABORT. */
  public void abort() {
    if (active) {
      aborted = true;
    }
  }

  public boolean aborted() {
    return aborted;
  }

  /** A watched key was touched: EXEC will answer a null array. */
  public boolean dirty() {
    return dirty;
  }

  /** Marks the transaction dirty if it still watches {@code key} (FLUSHDB / FLUSHALL / SWAPDB). */
  synchronized void markDirty(int db, byte[] key) {
    if (find(db, key) != null) {
      dirty = true;
    }
  }

  private Watched find(int db, byte[] key) {
    for (Watched w : watched) {
      if (w.db == db && Arrays.equals(w.key, key)) {
        return w;
      }
    }
    return null;
  }

  /** CLIENT LIST's multi= field: queued commands in MULTI, -1 outside. */
  public int queuedCount() {
    return active ? queue.size() : -1;
  }

  /** The commands queued so far. */
  public List<Queued> queued() {
    return queue;
  }

  /** Ends MULTI and hands over the queued commands. */
  public List<Queued> take() {
    List<Queued> taken = queue;
    queue = new ArrayList<>();
    active = false;
    aborted = false;
    return taken;
  }

  /** DISCARD, EXEC, RESET, disconnection: no MULTI, nothing watched. */
  public void discard() {
    take();
    unwatch();
  }

  /** The watched keys, for EXEC's check of keys that expired since WATCH. */
  public List<Watched> watched() {
    return watched;
  }

  /** WATCH: the caller holds the key's shard, so {@code expired} is exact. */
  public synchronized void watch(WatchedKeys keys, int db, byte[] key, boolean expired) {
    if (find(db, key) != null) {
      return;
    }
    registry = keys;
    watched.add(new Watched(db, key, expired));
    keys.add(this, db, key);
  }

  /** UNWATCH: forgets every watched key and the dirty flag. */
  public synchronized void unwatch() {
    if (registry != null) {
      for (Watched w : watched) {
        registry.remove(this, w.db, w.key);
      }
    }
    watched.clear();
    dirty = false;
  }

  /** Called by {@link WatchedKeys#touch} from the writer's thread. */
  synchronized void touched(int db, byte[] key, boolean expiredDeletion) {
    // Checked under the lock: a writer that found this transaction just before UNWATCH / DISCARD
    // / EXEC removed the key must not leave a stale dirty flag for the next transaction.
    Watched w = find(db, key);
    if (w == null) {
      return;
    }
    if (expiredDeletion && w.expired) {
      w.expired = false; // deleted now, so no longer "expired": no logical change
      return;
    }
    dirty = true;
  }
}
