package io.redgrid.keyspace;

import java.util.function.Consumer;

/**
 * A chained hash table of {@link KeyEntry} keyed by byte arrays.
 *
 * <p>Our own table rather than {@link java.util.HashMap} for two reasons: SCAN needs Redis'
 * reverse-binary cursor, which guarantees every key present for a whole scan is returned even if
 * the table grows or shrinks between calls, and the entry doubles as the chain node, which saves
 * a wrapper object per key.
 */
public final class Dict {
  private static final int MIN_CAPACITY = 16;

  private KeyEntry[] table = new KeyEntry[MIN_CAPACITY];
  private int size;

  /** Murmur3's finalizer over the bytes: HashMap-style spreading without a per-call object. */
  public static int hash(byte[] key) {
    int h = 0x9747b28c;
    for (byte b : key) {
      h = (h ^ b) * 0x5bd1e995;
      h ^= h >>> 15;
    }
    h ^= key.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /** Heap bytes of the bucket array. */
  public long tableBytes() {
    return Footprint.refs(table.length);
  }

  public int size() {
    return size;
  }

  public KeyEntry get(byte[] key) {
    int h = hash(key);
    for (KeyEntry e = table[h & (table.length - 1)]; e != null; e = e.next) {
      if (e.hash == h && java.util.Arrays.equals(e.key, key)) {
        return e;
      }
    }
    return null;
  }

  /** Returns the existing entry for the key, or inserts a new one holding {@code value}. */
  public KeyEntry putIfAbsent(byte[] key, Object value, boolean[] inserted) {
    int h = hash(key);
    int index = h & (table.length - 1);
    for (KeyEntry e = table[index]; e != null; e = e.next) {
      if (e.hash == h && java.util.Arrays.equals(e.key, key)) {
        inserted[0] = false;
        return e;
      }
    }
    KeyEntry entry = new KeyEntry(key, h, value);
    entry.next = table[index];
    table[index] = entry;
    size++;
    inserted[0] = true;
    if (size > table.length) {
      resize(table.length << 1);
    }
    return entry;
  }

  /** Inserts an entry whose key is known to be absent. */
  public KeyEntry insert(byte[] key, Object value) {
    int h = hash(key);
    KeyEntry entry = new KeyEntry(key, h, value);
    int index = h & (table.length - 1);
    entry.next = table[index];
    table[index] = entry;
    size++;
    if (size > table.length) {
      resize(table.length << 1);
    }
    return entry;
  }

  public KeyEntry remove(byte[] key) {
    int h = hash(key);
    int index = h & (table.length - 1);
    KeyEntry previous = null;
    for (KeyEntry e = table[index]; e != null; previous = e, e = e.next) {
      if (e.hash == h && java.util.Arrays.equals(e.key, key)) {
        if (previous == null) {
          table[index] = e.next;
        } else {
          previous.next = e.next;
        }
        e.next = null;
        size--;
        if (table.length > MIN_CAPACITY && size < table.length / 8) {
          resize(table.length >> 1);
        }
        return e;
      }
    }
    return null;
  }

  public void clear() {
    table = new KeyEntry[MIN_CAPACITY];
    size = 0;
  }

  public void forEach(Consumer<KeyEntry> action) {
    for (KeyEntry head : table) {
      for (KeyEntry e = head; e != null; e = e.next) {
        action.accept(e);
      }
    }
  }

  /** Some entry picked at random (bucket first, then within the chain), or null when empty. */
  public KeyEntry random(java.util.random.RandomGenerator random) {
    if (size == 0) {
      return null;
    }
    KeyEntry head;
    do {
      head = table[random.nextInt(table.length)];
    } while (head == null);
    int length = 0;
    for (KeyEntry e = head; e != null; e = e.next) {
      length++;
    }
    int pick = random.nextInt(length);
    KeyEntry e = head;
    while (pick-- > 0) {
      e = e.next;
    }
    return e;
  }

  /**
   * Visits the bucket at {@code cursor} and returns the next cursor, 0 when the scan is complete.
   * Same algorithm as Redis' dictScan: the cursor's bits are incremented from the top, so buckets
   * already visited stay visited when the table doubles or halves.
   */
  public long scan(long cursor, Consumer<KeyEntry> visitor) {
    if (size == 0) {
      return 0;
    }
    long mask = table.length - 1;
    for (KeyEntry e = table[(int) (cursor & mask)]; e != null; e = e.next) {
      visitor.accept(e);
    }
    cursor |= ~mask;
    cursor = Long.reverse(cursor);
    cursor++;
    cursor = Long.reverse(cursor);
    return cursor;
  }

  private void resize(int capacity) {
    KeyEntry[] old = table;
    KeyEntry[] next = new KeyEntry[capacity];
    for (KeyEntry head : old) {
      KeyEntry e = head;
      while (e != null) {
        KeyEntry following = e.next;
        int index = e.hash & (capacity - 1);
        e.next = next[index];
        next[index] = e;
        e = following;
      }
    }
    table = next;
  }
}
