package io.redgrid.shard;

import akka.actor.typed.ActorRef;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The shard entities running in this JVM, by shard id: lets the gateway tell a local shard
 * directly instead of going through the shard region (two fewer hops per message).
 */
public final class ShardDirectory {
  private final AtomicReferenceArray<ActorRef<ShardMessage>> local;
  /** Shards registered: one volatile read tells whether loading is over (checked per command). */
  private final java.util.concurrent.atomic.AtomicInteger registered = new java.util.concurrent.atomic.AtomicInteger();

  public ShardDirectory(int shardCount) {
    this.local = new AtomicReferenceArray<>(shardCount);
  }

  public int shardCount() {
    return local.length();
  }

  /** The local entity of {@code shard} once it has recovered, or null. */
  public ActorRef<ShardMessage> get(int shard) {
    return local.get(shard);
  }

  void register(int shard, ActorRef<ShardMessage> ref) {
    if (local.getAndSet(shard, ref) == null) {
      registered.incrementAndGet();
    }
  }

  void unregister(int shard, ActorRef<ShardMessage> ref) {
    if (local.compareAndSet(shard, ref, null)) {
      registered.decrementAndGet();
    }
  }

  private volatile Throwable recoveryFailure;

  /** A shard could not recover its data (corrupt or unreadable files): the node must not serve. */
  void failed(int shard, Throwable cause) {
    if (recoveryFailure == null) {
      recoveryFailure = new IllegalStateException("shard " + shard + " could not load its data: "
          + cause.getMessage(), cause);
    }
  }

  /** Why a shard failed to recover, or null. */
  public Throwable recoveryFailure() {
    return recoveryFailure;
  }

  public boolean allRegistered() {
    return registered.get() == local.length();
  }

}
