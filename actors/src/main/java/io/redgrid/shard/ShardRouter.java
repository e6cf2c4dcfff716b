package io.redgrid.shard;

/** Delivers a message to a keyspace shard entity, wherever the node keeps it. */
@FunctionalInterface
public interface ShardRouter {
  void tell(int shard, ShardMessage message);
}
