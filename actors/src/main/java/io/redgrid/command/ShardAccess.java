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
