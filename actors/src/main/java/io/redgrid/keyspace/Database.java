package io.redgrid.keyspace;

import java.util.ArrayList;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One numbered database of one shard: the keys and an index of the keys that have a TTL.
 *
 * <p>Raw storage only: no clock, no lazy expiry, no propagation; those belong to the command
 * context that reads through it.
 */
public final class Database {
  private final Dict keys = new Dict();
  private final ArrayList<KeyEntry> volatileKeys = new ArrayList<>();
  /** Sum of the entries' footprints: kept by every put, remove and remeasure, never by a scan. */
  private long entryBytes;

  /** Estimated heap bytes of this database: its entries, bucket array and volatile index. */
  public long usedMemory() {
    return entryBytes + keys.tableBytes() + Footprint.refs(volatileKeys.size());
  }

  /** Sum of the entries' accounted footprints (the running total, without tables). */
  public long entryBytes() {
    return entryBytes;
  }

  /**
   * Re-reads the footprint of an entry whose value changed in place (HSET, LPUSH ...): values
   * keep their own sizes, so this is O(1). Entries no longer in this database are skipped.
   */
  public void remeasure(KeyEntry entry) {
    if (entry.footprint < 0) {
      return;
    }
    long now = Footprint.entry(entry.key, entry.value);
    entryBytes += now - entry.footprint;
    entry.footprint = now;
  }

  public int size() {
    return keys.size();
  }

  public int volatileCount() {
    return volatileKeys.size();
  }

  public KeyEntry get(byte[] key) {
    return keys.get(key);
  }

  /** Stores {@code value} under {@code key}, keeping an existing entry's expiry and metadata. */
  public KeyEntry put(byte[] key, Object value) {
    KeyEntry entry = keys.get(key);
    if (entry == null) {
      entry = keys.insert(key, value);
      entry.footprint = Footprint.entry(key, value);
      entryBytes += entry.footprint;
      return entry;
    }
    entry.value = value;
    remeasure(entry);
    return entry;
  }

  /** Stores {@code value} under {@code key} with the given absolute expiry (or NO_EXPIRY). */
  public KeyEntry put(byte[] key, Object value, long expireAt) {
    KeyEntry entry = put(key, value);
    setExpireAt(entry, expireAt);
    return entry;
  }

  public KeyEntry remove(byte[] key) {
    KeyEntry entry = keys.remove(key);
    if (entry != null) {
      unindex(entry);
      entryBytes -= entry.footprint;
      entry.footprint = -1;
    }
    return entry;
  }

  public void setExpireAt(KeyEntry entry, long expireAt) {
    entry.expireAt = expireAt;
    if (expireAt == KeyEntry.NO_EXPIRY) {
      unindex(entry);
    } else if (entry.volatileIndex < 0) {
      entry.volatileIndex = volatileKeys.size();
      volatileKeys.add(entry);
    }
  }

  /** A random key with a TTL, for the active expiry sweep; null when there is none. */
  public KeyEntry randomVolatile(RandomGenerator random) {
    return volatileKeys.isEmpty() ? null : volatileKeys.get(random.nextInt(volatileKeys.size()));
  }

  /** The key at a position of the volatile index, {@code 0 <= index < volatileCount()}. */
  public KeyEntry volatileKey(int index) {
    return volatileKeys.get(index);
  }

  public KeyEntry random(RandomGenerator random) {
    return keys.random(random);
  }

  public long scan(long cursor, Consumer<KeyEntry> visitor) {
    return keys.scan(cursor, visitor);
  }

  public void forEach(Consumer<KeyEntry> visitor) {
    keys.forEach(visitor);
  }

  public void clear() {
    for (KeyEntry entry : volatileKeys) {
      entry.volatileIndex = -1;
    }
    volatileKeys.clear();
    keys.forEach(entry -> entry.footprint = -1);
    keys.clear();
    entryBytes = 0;
  }

  private void unindex(KeyEntry entry) {
    int index = entry.volatileIndex;
    if (index < 0) {
      return;
    }
    KeyEntry last = volatileKeys.remove(volatileKeys.size() - 1);
    if (last != entry) {
      volatileKeys.set(index, last);
      last.volatileIndex = index;
    }
    entry.volatileIndex = -1;
  }
}
