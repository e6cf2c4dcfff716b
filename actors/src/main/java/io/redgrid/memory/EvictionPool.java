package io.redgrid.memory;

import io.redgrid.keyspace.KeyEntry;

/**
 * Redis' eviction pool (EVPOOL_SIZE 16): the best candidates seen by sampling so far, in
 * ascending idle score, so a few samples per eviction still approximate true LRU/LFU/TTL order.
 * Entries removed meanwhile are recognised by their footprint (-1) and skipped.
 */
final class EvictionPool {
  static final int SIZE = 16;

  private final long[] idle = new long[SIZE];
  private final KeyEntry[] entries = new KeyEntry[SIZE];
  private final int[] dbs = new int[SIZE];
  private int count;

  /** Redis' evictionPoolPopulate insertion: keeps the SIZE highest idle scores. */
  void offer(KeyEntry entry, int db, long score) {
    for (int i = 0; i < count; i++) {
      if (entries[i] == entry) {
        return;
      }
    }
    int k = 0;
    while (k < count && idle[k] < score) {
      k++;
    }
    if (k == 0 && count == SIZE) {
      return;
    }
    if (count < SIZE) {
      System.arraycopy(idle, k, idle, k + 1, count - k);
      System.arraycopy(entries, k, entries, k + 1, count - k);
      System.arraycopy(dbs, k, dbs, k + 1, count - k);
      count++;
    } else {
      // Full: drop the worst (index 0) by shifting left what is below the insertion point.
      k--;
      System.arraycopy(idle, 1, idle, 0, k);
      System.arraycopy(entries, 1, entries, 0, k);
      System.arraycopy(dbs, 1, dbs, 0, k);
    }
    idle[k] = score;
    entries[k] = entry;
    dbs[k] = db;
  }

  /** Index of the best live candidate (highest score), dropping dead ones on the way; -1 if none. */
  int best(boolean volatileOnly) {
    while (count > 0) {
      int k = count - 1;
      KeyEntry entry = entries[k];
      if (entry.footprint() >= 0 && (!volatileOnly || entry.hasExpiry())) {
        return k;
      }
      remove(k);
    }
    return -1;
  }

  long score(int k) {
    return idle[k];
  }

  KeyEntry entry(int k) {
    return entries[k];
  }

  int db(int k) {
    return dbs[k];
  }

  void remove(int k) {
    System.arraycopy(idle, k + 1, idle, k, count - k - 1);
    System.arraycopy(entries, k + 1, entries, k, count - k - 1);
    System.arraycopy(dbs, k + 1, dbs, k, count - k - 1);
    count--;
    entries[count] = null;
  }

  void clear() {
    java.util.Arrays.fill(entries, null);
    count = 0;
  }

  int size() {
    return count;
  }
}
