package io.redgrid.keyspace;

/** One key of a database: its bytes, its value, its expiry and access metadata; also the hash chain node. */
public final class KeyEntry {
  /** Marks an entry without a time to live. */
  public static final long NO_EXPIRY = -1;

  final byte[] key;
  final int hash;
  KeyEntry next;
  /** Position in the database's volatile-key index, or -1: lets expiry sample and remove in O(1). */
  int volatileIndex = -1;

  Object value;
  long expireAt = NO_EXPIRY;
  /** Last access in milliseconds of the keyspace clock, for OBJECT IDLETIME and LRU eviction. */
  long lastAccess;
  /** Logarithmic access counter as Redis' LFU (OBJECT FREQ). */
  int frequency;
  /** Heap bytes accounted for this entry in its database; -1 once removed from it. */
  long footprint;

  KeyEntry(byte[] key, int hash, Object value) {
    this.key = key;
    this.hash = hash;
    this.value = value;
  }

  public byte[] key() {
    return key;
  }

  public Object value() {
    return value;
  }

  public long expireAt() {
    return expireAt;
  }

  public boolean hasExpiry() {
    return expireAt != NO_EXPIRY;
  }

  /** Redis' keyIsExpired: a key expires once now is past its time, not at its exact millisecond. */
  public boolean isExpired(long now) {
    return expireAt != NO_EXPIRY && expireAt < now;
  }

  public long lastAccess() {
    return lastAccess;
  }

  public int frequency() {
    return frequency;
  }

  /** Sets the LFU counter (RESTORE ... FREQ), 0..255. */
  public void setFrequency(int frequency) {
    this.frequency = frequency;
  }

  /** Heap bytes accounted for this entry (key, value and the entry itself). */
  public long footprint() {
    return footprint;
  }

  /** Records an access at {@code now} (keyspace clock milliseconds). */
  public void touch(long now) {
    lastAccess = now;
  }
}
