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
  /** Chunks read from clients and outputs written to them (INFO total_reads/writes_processed). */
  public final LongAdder readsProcessed = new LongAdder();
  public final LongAdder writesProcessed = new LongAdder();
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
    sampleNet(nowMillis);
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
    readsProcessed.reset();
    writesProcessed.reset();
    evictedKeys.reset();
    memory.resetPeak();
    synchronized (this) {
      java.util.Arrays.fill(opsSamples, 0);
      lastSampleCount = commandsProcessed.sum();
    }
    resetStats();
  }

  // memory
  /** Keys evicted under maxmemory (INFO stats evicted_keys). */
  public final LongAdder evictedKeys = new LongAdder();
  /** The node's memory accounting and maxmemory settings (shared by shards, coordinator and connections). */
  public final io.redgrid.memory.MemoryGovernor memory = new io.redgrid.memory.MemoryGovernor();

  // ---- stats -------------------------------------------------------------------------------

  /** commandstats, errorstats, latencystats, SLOWLOG and LATENCY. */
  public final io.redgrid.stats.CommandStats commands = new io.redgrid.stats.CommandStats();
  /** Allocated by the first sample: contexts without a node make a ServerStats each. */
  private long[] inputSamples;
  private long[] outputSamples;
  private int netSampleIndex;
  private long lastNetTime = -1;
  private long lastInput;
  private long lastOutput;

  /** Like {@link #sampleOps} for network bytes: instantaneous_input_kbps / output_kbps. */
  public synchronized void sampleNet(long nowMillis) {
    long input = netInputBytes.sum();
    long output = netOutputBytes.sum();
    if (inputSamples == null) {
      inputSamples = new long[OPS_SAMPLES];
      outputSamples = new long[OPS_SAMPLES];
    }
    if (lastNetTime >= 0 && nowMillis > lastNetTime) {
      inputSamples[netSampleIndex] = (input - lastInput) * 1000 / (nowMillis - lastNetTime);
      outputSamples[netSampleIndex] = (output - lastOutput) * 1000 / (nowMillis - lastNetTime);
      netSampleIndex = (netSampleIndex + 1) % OPS_SAMPLES;
    }
    lastNetTime = nowMillis;
    lastInput = input;
    lastOutput = output;
  }

  /** Bytes per second read from clients, averaged over the last samples, in kilobytes. */
  public synchronized double instantaneousInputKbps() {
    return average(inputSamples) / 1024.0;
  }

  public synchronized double instantaneousOutputKbps() {
    return average(outputSamples) / 1024.0;
  }

  private static double average(long[] samples) {
    if (samples == null) {
      return 0;
    }
    long sum = 0;
    for (long sample : samples) {
      sum += sample;
    }
    return (double) sum / samples.length;
  }

  /** CONFIG RESETSTAT's part beyond the basic counters: net samples, command and error stats. */
  private void resetStats() {
    synchronized (this) {
      if (inputSamples != null) {
        java.util.Arrays.fill(inputSamples, 0);
        java.util.Arrays.fill(outputSamples, 0);
      }
      lastInput = netInputBytes.sum();
      lastOutput = netOutputBytes.sum();
    }
    commands.reset();
  }

  // netadmin: switches the shards read at each expiry (not counters; RESETSTAT leaves them).
  /** DEBUG SET-ACTIVE-EXPIRE: whether the shards run their active expiry cycle. */
  public volatile boolean activeExpire = true;
  /**
   * True while CLIENT PAUSE holds writes: keys do not expire, actively or lazily (a read of an
   * expired key answers as if it were gone but leaves it), as in Redis 7.0.
   */
  public volatile boolean expiryPaused;

  // transactions
  /** WATCHed keys of the node's clients: every writer (shards, coordinator) touches them. */
  public final io.redgrid.transaction.WatchedKeys watchedKeys = new io.redgrid.transaction.WatchedKeys();
}
