package io.redgrid.memory;

import io.redgrid.keyspace.Database;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.Keyspace;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis' performEvictions for the shards a call holds: while used_memory is over maxmemory,
 * evict the best candidate of the policy from those shards. The other shards count in the
 * total but evict on their own commands (each shard is its own event loop).
 */
public final class Evictor {
  /** What the caller does to evict one key (delete, persist DEL, notify, invalidate, count). */
  @FunctionalInterface
  public interface Eviction {
    /** False if the entry is no longer the key's live entry in {@code db} (nothing evicted). */
    boolean evict(Keyspace keyspace, int db, KeyEntry entry);
  }

  /** Outcome of {@link #perform}, as Redis' EVICT_OK / EVICT_RUNNING / EVICT_FAIL. */
  public enum Result { OK, RUNNING, FAIL }

  private Evictor() {}

  public static Result perform(MemoryGovernor governor, List<Keyspace> held, long now, Eviction eviction) {
    long limit = governor.maxmemory();
    if (limit <= 0) {
      return Result.OK;
    }
    long used = governor.used(held);
    if (used <= limit) {
      return Result.OK;
    }
    EvictionPolicy policy = governor.policy();
    if (policy == EvictionPolicy.NOEVICTION) {
      return Result.FAIL;
    }
    long heldBytes = 0;
    for (Keyspace keyspace : held) {
      heldBytes += keyspace.usedMemory();
    }
    long elsewhere = used - heldBytes;
    long deadline = System.nanoTime() + timeLimitNanos(governor.tenacity());
    int freed = 0;
    while (used > limit) {
      if (!evictOne(governor, policy, held, now, eviction)) {
        // Other shards evict on their own next write or tick (KeyspaceShard's timer).
        return governor.othersCanEvict(held) ? Result.RUNNING : Result.FAIL;
      }
      freed++;
      heldBytes = 0;
      for (Keyspace keyspace : held) {
        heldBytes += keyspace.usedMemory();
      }
      used = elsewhere + heldBytes;
      // Redis looks at the clock every 16 keys and lets the command run when out of time.
      if ((freed & 15) == 0 && used > limit && System.nanoTime() > deadline) {
        return Result.RUNNING;
      }
    }
    return Result.OK;
  }

  /** Redis' evictionTimeLimitUs, in nanoseconds. */
  static long timeLimitNanos(int tenacity) {
    if (tenacity <= 10) {
      return 50_000L * tenacity;
    }
    if (tenacity < 100) {
      return (long) (500_000.0 * Math.pow(1.15, tenacity - 10.0));
    }
    return Long.MAX_VALUE / 4;
  }

  private static boolean evictOne(MemoryGovernor governor, EvictionPolicy policy, List<Keyspace> held,
      long now, Eviction eviction) {
    return policy.rank() == EvictionPolicy.Rank.RANDOM
        ? evictRandom(policy, held, eviction)
        : evictBest(governor, policy, held, now, eviction);
  }

  private static boolean evictRandom(EvictionPolicy policy, List<Keyspace> held, Eviction eviction) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int start = random.nextInt(held.size());
    for (int s = 0; s < held.size(); s++) {
      Keyspace keyspace = held.get((start + s) % held.size());
      int dbs = keyspace.databaseCount();
      int firstDb = random.nextInt(dbs);
      for (int i = 0; i < dbs; i++) {
        int db = (firstDb + i) % dbs;
        Database database = keyspace.database(db);
        KeyEntry entry = policy.volatileOnly() ? database.randomVolatile(random) : database.random(random);
        if (entry != null && eviction.evict(keyspace, db, entry)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean evictBest(MemoryGovernor governor, EvictionPolicy policy, List<Keyspace> held,
      long now, Eviction eviction) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int samples = governor.samples();
    // As Redis: sample until the pool has a live candidate, as long as any key can be sampled.
    while (true) {
      boolean sampled = false;
      for (Keyspace keyspace : held) {
        EvictionPool pool = governor.pool(keyspace.shardId());
        for (int db = 0; db < keyspace.databaseCount(); db++) {
          Database database = keyspace.database(db);
          int available = policy.volatileOnly() ? database.volatileCount() : database.size();
          if (available == 0) {
            continue;
          }
          sampled = true;
          int decay = governor.decayTime();
          int d = db;
          if (available <= samples) {
            // As dictGetSomeKeys: asking for at least the whole table returns every key once.
            if (policy.volatileOnly()) {
              for (int i = 0; i < available; i++) {
                KeyEntry entry = database.volatileKey(i);
                pool.offer(entry, d, score(policy, entry, now, decay));
              }
            } else {
              database.forEach(entry -> pool.offer(entry, d, score(policy, entry, now, decay)));
            }
            continue;
          }
          for (int i = 0; i < samples; i++) {
            KeyEntry entry = policy.volatileOnly() ? database.randomVolatile(random) : database.random(random);
            if (entry != null) {
              pool.offer(entry, d, score(policy, entry, now, decay));
            }
          }
        }
      }
      if (!sampled) {
        return false;
      }
      Keyspace bestShard = null;
      int bestIndex = -1;
      long bestScore = Long.MIN_VALUE;
      for (Keyspace keyspace : held) {
        EvictionPool pool = governor.pool(keyspace.shardId());
        int k = pool.best(policy.volatileOnly());
        if (k >= 0 && (bestShard == null || pool.score(k) > bestScore)) {
          bestShard = keyspace;
          bestIndex = k;
          bestScore = pool.score(k);
        }
      }
      if (bestShard != null) {
        EvictionPool pool = governor.pool(bestShard.shardId());
        KeyEntry entry = pool.entry(bestIndex);
        int db = pool.db(bestIndex);
        pool.remove(bestIndex);
        if (eviction.evict(bestShard, db, entry)) {
          return true;
        }
      }
    }
  }

  /** The idle score Redis ranks by: higher is evicted first. */
  static long score(EvictionPolicy policy, KeyEntry entry, long now, int decayTime) {
    return switch (policy.rank()) {
      case LRU -> now - entry.lastAccess();
      case LFU -> 255 - Lfu.decayed(entry, now, decayTime);
      case TTL -> Long.MAX_VALUE - entry.expireAt();
      default -> 0;
    };
  }
}
