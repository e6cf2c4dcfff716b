package io.redgrid.keyspace;

/**
 * Estimated JVM heap bytes of keys and values, for memory accounting (INFO used_memory,
 * MEMORY USAGE, maxmemory). Assumes a 64-bit HotSpot with compressed oops and class pointers:
 * 12-byte object headers, 16-byte array headers, 4-byte references, 8-byte alignment.
 *
 * <p>Collection values keep their element bytes as a running sum, so every estimate is O(1).
 */
public final class Footprint {
  private Footprint() {}

  /** KeyEntry: header, key/next/value refs, hash, volatileIndex, frequency, expireAt, lastAccess, footprint. */
  public static final long KEY_ENTRY = align(12 + 4 * 3 + 4 * 3 + 8 * 3);

  public static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }

  /** A byte[] of {@code length} elements. */
  public static long bytes(int length) {
    return align(16L + length);
  }

  /** An array of {@code length} references. */
  public static long refs(int length) {
    return align(16L + 4L * length);
  }

  /** A long[] of {@code length}. */
  public static long longs(int length) {
    return align(16L + 8L * length);
  }

  /** The heap bytes of a value as stored in a KeyEntry. */
  public static long of(Object value) {
    if (value instanceof byte[] bytes) {
      return bytes(bytes.length);
    } else if (value instanceof HashValue hash) {
      return hash.footprint();
    } else if (value instanceof ListValue list) {
      return list.footprint();
    } else if (value instanceof SetValue set) {
      return set.footprint();
    } else if (value instanceof SortedSetValue zset) {
      return zset.footprint();
    }
    return 16;
  }

  /** A key entry with its key bytes and value. */
  public static long entry(byte[] key, Object value) {
    return KEY_ENTRY + bytes(key.length) + of(value);
  }
}
