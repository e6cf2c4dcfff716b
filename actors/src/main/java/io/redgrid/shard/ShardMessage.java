package io.redgrid.shard;

import io.redgrid.command.CommandSpec;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.protocol.Reply;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a keyspace shard accepts. Replies travel in the message as futures completed by the
 * shard, so the hot path needs no ask and no temporary actor. These messages stay in the JVM:
 * the gateway and the coordinator always talk to shards on their own node.
 */
public sealed interface ShardMessage {
  /**
   * One command of a batch, resolved by the gateway, with the db and protocol it runs under, the
   * client sending it, and whether it is a blocked client's retry (which must not block again);
   * {@code noTouch} is the client's CLIENT NO-TOUCH.
   */
  record Request(CommandSpec spec, byte[][] argv, int db, int protocol, long client, boolean retry,
      boolean noTouch) {
    public Request(CommandSpec spec, byte[][] argv, int db, int protocol) {
      this(spec, argv, db, protocol, 0, false);
    }

    public Request(CommandSpec spec, byte[][] argv, int db, int protocol, long client, boolean retry) {
      this(spec, argv, db, protocol, client, retry, false);
    }
  }

  /**
   * Consecutive commands of one connection for this shard, run in order; their effects are
   * persisted with one persist call and the replies delivered after it.
   */
  record Run(Request[] requests, CompletableFuture<Reply[]> replies) implements ShardMessage {}

  /**
   * Takes this shard for a coordinator: the shard hands out its keyspace and processes nothing
   * else until the matching {@link Release}.
   */
  record Lock(long token, CompletableFuture<Keyspace> granted) implements ShardMessage {}

  /**
   * Persists what the coordinator changed in this shard, then frees the shard. A non-null
   * {@code unit} says the events are one part of a transaction persisted as one unit.
   */
  record Release(long token, List<ShardEvent> events, CompletableFuture<Void> persisted, TransactionUnit unit)
      implements ShardMessage {
    public Release(long token, List<ShardEvent> events, CompletableFuture<Void> persisted) {
      this(token, events, persisted, null);
    }
  }

  /**
   * Takes a point-in-time copy of the shard for SAVE, BGSAVE and AOF rewrites. Served while the
   * shard is held by {@code token} (the saver holds every shard, so the copies form one
   * consistent cut) or, with token 0, when the shard is free.
   */
  record Capture(long token, CompletableFuture<Captured> captured) implements ShardMessage {}

  /** A shard's copy and the sequence number of the last event it reflects. */
  record Captured(int shard, Keyspace copy, long sequenceNr) {}

  /** Wakes the shard to take the batches queued in its {@link ShardInbox}. */
  enum Drain implements ShardMessage {
    INSTANCE
  }

  /** Timer tick of the active expiry sweep. */
  enum ExpireTick implements ShardMessage {
    INSTANCE
  }
}
