package io.redgrid.server;

import java.util.concurrent.atomic.LongAdder;

/** Node-wide counters that INFO stats reports; shards and connections add to them concurrently. */
public final class ServerStats {
  public final LongAdder connectionsReceived = new LongAdder();
  public final LongAdder commandsProcessed = new LongAdder();
  public final LongAdder rejectedConnections = new LongAdder();
  public final LongAdder keyspaceHits = new LongAdder();
  public final LongAdder keyspaceMisses = new LongAdder();
  public final LongAdder expiredKeys = new LongAdder();
  public final LongAdder netInputBytes = new LongAdder();
  public final LongAdder netOutputBytes = new LongAdder();
  public final LongAdder errorReplies = new LongAdder();
  /** Redis' dirty counter: changes persisted since the last save (rdb_changes_since_last_save). */
  public final LongAdder dirty = new LongAdder();

  private static final int OPS_SAMPLES = 16;
  private final long[] opsSamples = new long[OPS_SAMPLES];
  private int opsSampleIndex;
  private long lastSampleTime = -1;
  private long lastSampleCount;

  /**
   * Records the commands processed since the previous sample (Redis' trackInstantaneousMetric,
   * called every 100 ms by the node); {@link #instantaneousOpsPerSec} averages the last 16.
   */
  public synchronized void sampleOps(long nowMillis) {
    long count = commandsProcessed.sum();
    if (lastSampleTime >= 0 && nowMillis > lastSampleTime) {
      opsSamples[opsSampleIndex] = (count - lastSampleCount) * 1000 / (nowMillis - lastSampleTime);
      opsSampleIndex = (opsSampleIndex + 1) % OPS_SAMPLES;
    }
    lastSampleTime = nowMillis;
    lastSampleCount = count;
  }

  public synchronized long instantaneousOpsPerSec() {
    long sum = 0;
    for (long sample : opsSamples) {
      sum += sample;
    }
    return sum / OPS_SAMPLES;
  }

  public void reset() {
    connectionsReceived.reset();
    commandsProcessed.reset();
    rejectedConnections.reset();
    keyspaceHits.reset();
    keyspaceMisses.reset();
    expiredKeys.reset();
    netInputBytes.reset();
    netOutputBytes.reset();
    errorReplies.reset();
    evictedKeys.reset();
    memory.resetPeak();
    synchronized (this) {
      java.util.Arrays.fill(opsSamples, 0);
      lastSampleCount = commandsProcessed.sum();
    }
  }

  // memory
  public final LongAdder evictedKeys = new LongAdder();
  /** The node's memory accounting and maxmemory settings (shared by shards, coordinator and connections). */
  public final io.redgrid.memory.MemoryGovernor memory = new io.redgrid.memory.MemoryGovernor();
}
