package io.redgrid.keyspace;

/**
 * Which keyspace shard owns which slot: contiguous slot ranges of equal size, like a Redis
 * Cluster with that many masters. Fixed for the life of the data (changing the count re-homes keys).
 */
public record ShardMap(int shardCount) {
  public ShardMap {
    if (shardCount < 1 || shardCount > Slots.COUNT) {
      throw new IllegalArgumentException("shard count must be between 1 and 16384: " + shardCount);
    }
  }

  public int shardOfSlot(int slot) {
    return (int) ((long) slot * shardCount / Slots.COUNT);
  }

  public int shardOf(byte[] key) {
    return shardOfSlot(Slots.slot(key));
  }

  /** First slot owned by a shard. */
  public int firstSlot(int shard) {
    return (int) (((long) shard * Slots.COUNT + shardCount - 1) / shardCount);
  }

  /** Last slot owned by a shard. */
  public int lastSlot(int shard) {
    return firstSlot(shard + 1) - 1;
  }
}
