package io.redgrid.shard;

import akka.actor.typed.ActorRef;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where clients' batches wait for a shard: while a shard persists one round of writes, the
 * batches that arrive queue here, and the shard takes all of them as its next round with one
 * persist. Under load a round serves many clients; alone, a client pays one message as before.
 *
 * <p>A shard is woken by one {@link ShardMessage.Drain} at a time: a producer sends it only when
 * it flips {@code scheduled}, and the shard clears {@code scheduled} after a round, waking itself
 * again if batches arrived meanwhile, so no batch is left without a pending wake-up.
 */
public final class ShardInbox {
  private final ConcurrentLinkedQueue<ShardMessage.Run>[] queues;
  private final AtomicBoolean[] scheduled;
  private volatile ShardRouter router;

  @SuppressWarnings("unchecked")
  public ShardInbox(int shards) {
    this.queues = new ConcurrentLinkedQueue[shards];
    this.scheduled = new AtomicBoolean[shards];
    for (int i = 0; i < shards; i++) {
      queues[i] = new ConcurrentLinkedQueue<>();
      scheduled[i] = new AtomicBoolean();
    }
  }

  /** How wake-ups reach the shards; set once the node has its router. */
  public void router(ShardRouter router) {
    this.router = router;
  }

  /** Queues a batch for {@code shard} and wakes it unless a wake-up is already pending. */
  public void submit(int shard, ShardMessage.Run run) {
    queues[shard].add(run);
    if (scheduled[shard].compareAndSet(false, true)) {
      router.tell(shard, ShardMessage.Drain.INSTANCE);
    }
  }

  /** Everything queued for {@code shard} so far, in arrival order. */
  List<ShardMessage.Run> drain(int shard) {
    List<ShardMessage.Run> runs = new ArrayList<>();
    ShardMessage.Run run;
    while ((run = queues[shard].poll()) != null) {
      runs.add(run);
    }
    return runs;
  }

  /** The shard finished a round: it is woken again at once if batches arrived meanwhile. */
  void roundDone(int shard, ActorRef<ShardMessage> self) {
    scheduled[shard].set(false);
    if (!queues[shard].isEmpty() && scheduled[shard].compareAndSet(false, true)) {
      self.tell(ShardMessage.Drain.INSTANCE);
    }
  }
}
