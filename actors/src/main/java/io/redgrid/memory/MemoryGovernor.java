package io.redgrid.memory;

import io.redgrid.config.ServerConfig;
import io.redgrid.keyspace.Keyspace;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's memory accounting and eviction settings: the shards register their keyspaces,
 * whose running totals (kept by every write, never by a scan) add up to {@code used_memory};
 * the maxmemory directives are read once per CONFIG SET into volatile fields, so the check
 * before each write costs one read when there is no limit.
 */
public final class MemoryGovernor {
  /**
   * What the node holds besides keys and values (command table, directories, pools), counted
   * like Redis' used_memory_startup so an empty node reports a non-zero figure.
   */
  public static final long DEFAULT_BASELINE = 1 << 20;

  private static final Set<String> DIRECTIVES = Set.of("maxmemory", "maxmemory-policy",
      "maxmemory-samples", "maxmemory-eviction-tenacity", "lfu-log-factor", "lfu-decay-time");

  private volatile long maxmemory;
  private volatile EvictionPolicy policy = EvictionPolicy.NOEVICTION;
  private volatile int samples = 5;
  private volatile int tenacity = 10;
  private volatile int logFactor = 10;
  private volatile int decayTime = 1;
  private volatile long baseline = DEFAULT_BASELINE;
  private volatile Keyspace[] shards = new Keyspace[0];
  private final AtomicLong peak = new AtomicLong();
  private final ConcurrentHashMap<Integer, EvictionPool> pools = new ConcurrentHashMap<>();

  /** Reads the directives now and after every CONFIG SET that changes one of them. */
  public void bind(ServerConfig config) {
    configure(config);
    config.onChange(changes -> {
      for (String name : changes.keySet()) {
        if (DIRECTIVES.contains(name)) {
          configure(config);
          return;
        }
      }
    });
  }

  public void configure(ServerConfig config) {
    maxmemory = config.getLong("maxmemory");
    policy = EvictionPolicy.parse(config.get("maxmemory-policy"));
    samples = (int) config.getLong("maxmemory-samples");
    tenacity = (int) config.getLong("maxmemory-eviction-tenacity");
    logFactor = (int) config.getLong("lfu-log-factor");
    decayTime = (int) config.getLong("lfu-decay-time");
  }

  /** A shard's live keyspace, counted in used_memory from now on (replaces an earlier one). */
  public synchronized void register(Keyspace keyspace) {
    int id = keyspace.shardId();
    Keyspace[] next = java.util.Arrays.copyOf(shards, Math.max(shards.length, id + 1));
    next[id] = keyspace;
    shards = next;
  }

  public long maxmemory() {
    return maxmemory;
  }

  /**
   * Over maxmemory under noeviction, where no eviction can make room: Redis' state for refusing
   * commands queued in MULTI and scripts without allow-oom (server.script_oom).
   */
  public boolean fullWithoutEviction() {
    return maxmemory > 0 && policy == EvictionPolicy.NOEVICTION && used() > maxmemory;
  }

  public EvictionPolicy policy() {
    return policy;
  }

  public int samples() {
    return samples;
  }

  public int tenacity() {
    return tenacity;
  }

  public int logFactor() {
    return logFactor;
  }

  public int decayTime() {
    return decayTime;
  }

  /** For tests: settings without a ServerConfig. */
  public MemoryGovernor set(long maxmemory, EvictionPolicy policy) {
    this.maxmemory = maxmemory;
    this.policy = policy;
    return this;
  }

  public void baseline(long bytes) {
    this.baseline = bytes;
  }

  public long baseline() {
    return baseline;
  }

  /** Bytes of keys and values over every registered shard (read without locks: an estimate). */
  public long dataset() {
    long total = 0;
    for (Keyspace keyspace : shards) {
      if (keyspace != null) {
        total += keyspace.usedMemory();
      }
    }
    return total;
  }

  /** used_memory: the baseline plus every shard's keys and values; also moves the peak. */
  public long used() {
    long used = baseline + dataset();
    peak.accumulateAndGet(used, Math::max);
    return used;
  }

  /**
   * used_memory as seen by a call holding {@code held}: their totals are read fresh (the caller
   * owns them), the other shards' as last written.
   */
  public long used(List<Keyspace> held) {
    long total = baseline;
    Keyspace[] all = shards;
    for (Keyspace keyspace : all) {
      if (keyspace != null && !holds(held, keyspace.shardId())) {
        total += keyspace.usedMemory();
      }
    }
    for (Keyspace keyspace : held) {
      total += keyspace.usedMemory();
    }
    peak.accumulateAndGet(total, Math::max);
    return total;
  }

  private static boolean holds(List<Keyspace> held, int shardId) {
    for (int i = 0; i < held.size(); i++) {
      if (held.get(i).shardId() == shardId) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a shard not in {@code held} has keys the policy may evict: such a shard evicts on
   * its own next write or timer tick, so a call that found nothing to evict locally may still
   * run (Redis' EVICT_RUNNING) rather than fail. Read without locks: an estimate.
   */
  public boolean othersCanEvict(List<Keyspace> held) {
    EvictionPolicy current = policy;
    for (Keyspace keyspace : shards) {
      if (keyspace == null || holds(held, keyspace.shardId())) {
        continue;
      }
      for (int db = 0; db < keyspace.databaseCount(); db++) {
        io.redgrid.keyspace.Database database = keyspace.database(db);
        if (current.volatileOnly() ? database.volatileCount() > 0 : database.size() > 0) {
          return true;
        }
      }
    }
    return false;
  }

  /** CONFIG RESETSTAT: the peak starts again from the current figure, as Redis' stat_peak_memory. */
  public void resetPeak() {
    peak.set(0);
    used();
  }

  public long peak() {
    return Math.max(peak.get(), used());
  }

  /** The candidate pool of a shard (evictionPoolPopulate keeps one per server; we keep one per shard). */
  EvictionPool pool(int shardId) {
    return pools.computeIfAbsent(shardId, id -> new EvictionPool());
  }

  /** Everything INFO memory and MEMORY STATS show. */
  public MemoryReport report() {
    long dataset = dataset();
    long used = baseline + dataset;
    peak.accumulateAndGet(used, Math::max);
    long keys = 0;
    for (Keyspace keyspace : shards) {
      if (keyspace != null) {
        keys += keyspace.keyCount();
      }
    }
    Runtime runtime = Runtime.getRuntime();
    return new MemoryReport(used, peak.get(), baseline, dataset, keys, maxmemory, policy, 0,
        runtime.totalMemory() - runtime.freeMemory(), runtime.totalMemory(), runtime.maxMemory());
  }
}
