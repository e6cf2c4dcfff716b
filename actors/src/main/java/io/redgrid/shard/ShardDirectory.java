package io.redgrid.shard;

import akka.actor.typed.ActorRef;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The shard entities running in this JVM, by shard id: lets the gateway tell a local shard
 * directly instead of going through the shard region (two fewer hops per message).
 */
public final class ShardDirectory {
  private final AtomicReferenceArray<ActorRef<ShardMessage>> local;

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
    local.set(shard, ref);
  }

  void unregister(int shard, ActorRef<ShardMessage> ref) {
    local.compareAndSet(shard, ref, null);
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

  /** How many shards have recovered, for start-up progress. */
  public int registeredCount() {
    int count = 0;
    for (int i = 0; i < local.length(); i++) {
      if (local.get(i) != null) {
        count++;
      }
    }
    return count;
  }

  public boolean allRegistered() {
    for (int i = 0; i < local.length(); i++) {
      if (local.get(i) == null) {
        return false;
      }
    }
    return true;
  }
}
