package io.redgrid.stats;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.AtomicHistogram;

/** The figures of one command for INFO commandstats and latencystats; shards add concurrently. */
public final class CommandCounters {
  /** Redis' LATENCY_HISTOGRAM_MIN/MAX_VALUE and precision: 1 ns to 1 s, 2 significant digits. */
  static final long HISTOGRAM_MIN = 1;
  static final long HISTOGRAM_MAX = 1_000_000_000L;

  final LongAdder calls = new LongAdder();
  final LongAdder nanos = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder failed = new LongAdder();
  /** Created on the first timed call, dropped by RESETSTAT, as Redis frees it. */
  private volatile AtomicHistogram histogram;

  public long calls() {
    return calls.sum();
  }

  /** Total run time in microseconds. */
  public long usec() {
    return nanos.sum() / 1000;
  }

  public long rejectedCalls() {
    return rejected.sum();
  }

  public long failedCalls() {
    return failed.sum();
  }

  /** The latency histogram in nanoseconds, or null when nothing was recorded since the last reset. */
  public AtomicHistogram histogram() {
    return histogram;
  }

  void recordLatency(long nanoseconds) {
    AtomicHistogram h = histogram;
    if (h == null) {
      synchronized (this) {
        h = histogram;
        if (h == null) {
          h = new AtomicHistogram(HISTOGRAM_MIN, HISTOGRAM_MAX, 2);
          histogram = h;
        }
      }
    }
    h.recordValue(Math.max(HISTOGRAM_MIN, Math.min(HISTOGRAM_MAX, nanoseconds)));
  }

  boolean used() {
    return calls.sum() > 0 || rejected.sum() > 0 || failed.sum() > 0;
  }

  void reset() {
    calls.reset();
    nanos.reset();
    rejected.reset();
    failed.reset();
    histogram = null;
  }
}
