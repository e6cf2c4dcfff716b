package io.redgrid.transaction;

import io.redgrid.keyspace.DbKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The node's WATCHed keys (Redis' db->watched_keys): which transactions watch which db+key, so
 * a write, expiry, eviction or flush can mark them dirty. Writers on any shard thread call
 * {@link #touch}; while nobody watches that is one volatile read.
 */
public final class WatchedKeys {
  private final Map<DbKey, Set<Transaction>> watchers = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();

  /** Whether any key is watched: the one check every write makes. */
  public boolean active() {
    return count.get() > 0;
  }

  /** Number of watched db+key pairs (Redis' INFO watching_clients-like figure). */
  public int size() {
    return count.get();
  }

  void add(Transaction transaction, int db, byte[] key) {
    watchers.compute(new DbKey(db, key), (k, set) -> {
      if (set == null) {
        set = ConcurrentHashMap.newKeySet();
        count.incrementAndGet();
      }
      set.add(transaction);
      return set;
    });
  }

  void remove(Transaction transaction, int db, byte[] key) {
    watchers.computeIfPresent(new DbKey(db, key), (k, set) -> {
      set.remove(transaction);
      if (set.isEmpty()) {
        count.decrementAndGet();
        return null;
      }
      return set;
    });
  }

  /**
   * Redis' touchWatchedKey: a write to (or deletion of) {@code key} dirties its watchers.
   * {@code expiredDeletion}: the key is being deleted because it expired; a watcher that saw it
   * already expired at WATCH time sees no logical change (Redis 7.0).
   */
  public void touch(int db, byte[] key, boolean expiredDeletion) {
    if (count.get() == 0) {
      return;
    }
    Set<Transaction> set = watchers.get(new DbKey(db, key));
    if (set == null) {
      return;
    }
    for (Transaction transaction : List.copyOf(set)) {
      transaction.touched(db, key, expiredDeletion);
    }
  }

  /**
   * Redis' touchAllWatchedKeysInDb, before FLUSHDB / FLUSHALL / SWAPDB change {@code db}: every
   * watched key of it that {@code exists} dirties its watchers.
   */
  public void touchDb(int db, Predicate<byte[]> exists) {
    if (count.get() == 0) {
      return;
    }
    for (Map.Entry<DbKey, Set<Transaction>> entry : watchers.entrySet()) {
      DbKey key = entry.getKey();
      if (key.db() == db && exists.test(key.key())) {
        for (Transaction transaction : List.copyOf(entry.getValue())) {
          transaction.markDirty(db, key.key());
        }
      }
    }
  }
}
