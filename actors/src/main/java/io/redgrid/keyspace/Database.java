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
      return keys.insert(key, value);
    }
    entry.value = value;
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
    keys.clear();
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
