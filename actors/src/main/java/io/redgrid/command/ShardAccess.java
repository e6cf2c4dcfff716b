package io.redgrid.command;

import io.redgrid.keyspace.Keyspace;
import java.util.List;

/** The shard keyspaces a command may touch: its own shard, or the shards a coordinator holds. */
public interface ShardAccess {
  Keyspace keyspaceFor(byte[] key);

  /** Every held shard, in shard order. */
  List<Keyspace> all();

  /** The coordinator token holding these shards, 0 when they are not held by one. */
  default long holdToken() {
    return 0;
  }

  /** Whether the shard with this id is held; plain access (one shard, tests) holds every key's. */
  default boolean holds(int shard) {
    return true;
  }

  /**
   * Takes one more shard, above every held one (a script touching a key it did not declare);
   * false when that is not possible without breaking the deadlock-freedom order.
   */
  default boolean acquireAbove(int shard) {
    return false;
  }

  /** Access to a single shard: every key a routed command declares belongs to it. */
  static ShardAccess of(Keyspace keyspace) {
    List<Keyspace> only = List.of(keyspace);
    return new ShardAccess() {
      @Override
      public Keyspace keyspaceFor(byte[] key) {
        return keyspace;
      }

      @Override
      public List<Keyspace> all() {
        return only;
      }
    };
  }
}
