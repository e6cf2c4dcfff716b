package io.redgrid.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LATENCY: per event, the worst latency of each second for the last 160 seconds with a sample
 * (Redis' LATENCY_TS_LEN), and the all-time maximum. Events are created on their first sample.
 */
public final class LatencyMonitor {
  static final int HISTORY = 160;

  /** One event's samples: a ring of (unix second, milliseconds). */
  public static final class Series {
    private final long[] times = new long[HISTORY];
    private final long[] latencies = new long[HISTORY];
    private int next;
    private long max;

    private void add(long millis, long second) {
      max = Math.max(max, millis);
      int previous = (next + HISTORY - 1) % HISTORY;
      if (times[previous] == second) {
        latencies[previous] = Math.max(latencies[previous], millis);
        return;
      }
      times[next] = second;
      latencies[next] = millis;
      next = (next + 1) % HISTORY;
    }

    /** Samples oldest first, each {time, latency}. */
    public List<long[]> samples() {
      List<long[]> out = new ArrayList<>();
      for (int j = 0; j < HISTORY; j++) {
        int i = (next + j) % HISTORY;
        if (times[i] != 0) {
          out.add(new long[] {times[i], latencies[i]});
        }
      }
      return out;
    }

    /** The newest sample {time, latency}. */
    public long[] latest() {
      int last = (next + HISTORY - 1) % HISTORY;
      return new long[] {times[last], latencies[last]};
    }

    public long max() {
      return max;
    }
  }

  private final Map<String, Series> events = new LinkedHashMap<>();

  /** Records {@code millis} for {@code event} at unix second {@code second}. */
  public synchronized void add(String event, long millis, long second) {
    events.computeIfAbsent(event, e -> new Series()).add(millis, second);
  }

  /** A copy of the events with their series (series are read under this monitor's lock only). */
  public synchronized Map<String, Series> events() {
    Map<String, Series> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Series> e : events.entrySet()) {
      Series s = new Series();
      System.arraycopy(e.getValue().times, 0, s.times, 0, HISTORY);
      System.arraycopy(e.getValue().latencies, 0, s.latencies, 0, HISTORY);
      s.next = e.getValue().next;
      s.max = e.getValue().max;
      copy.put(e.getKey(), s);
    }
    return copy;
  }

  /** LATENCY RESET: one event (case-insensitively), or all with null; how many were dropped. */
  public synchronized int reset(String event) {
    if (event == null) {
      int n = events.size();
      events.clear();
      return n;
    }
    int n = 0;
    for (var it = events.keySet().iterator(); it.hasNext(); ) {
      if (it.next().equalsIgnoreCase(event)) {
        it.remove();
        n++;
      }
    }
    return n;
  }

  /** LATENCY GRAPH: Redis' ASCII sparkline of an event, labelled with how long ago each sample is. */
  public static String graph(String event, Series series, long nowSecond) {
    List<long[]> samples = series.samples();
    long min = 0;
    long max = 0;
    List<String> labels = new ArrayList<>();
    for (int j = 0; j < samples.size(); j++) {
      long latency = samples.get(j)[1];
      if (j == 0) {
        min = max = latency;
      } else {
        max = Math.max(max, latency);
        min = Math.min(min, latency);
      }
      long elapsed = nowSecond - samples.get(j)[0];
      labels.add(elapsed < 60 ? elapsed + "s" : elapsed < 3600 ? elapsed / 60 + "m"
          : elapsed < 86400 ? elapsed / 3600 + "h" : elapsed / 86400 + "d");
    }
    StringBuilder out = new StringBuilder();
    out.append(event).append(" - high ").append(max).append(" ms, low ").append(min)
        .append(" ms (all time high ").append(series.max()).append(" ms)\n");
    out.append("-".repeat(80)).append('\n');
    double[] values = new double[samples.size()];
    for (int j = 0; j < values.length; j++) {
      values[j] = samples.get(j)[1];
    }
    Sparkline.render(out, values, labels, 80, 4);
    return out.toString();
  }

  /** LATENCY DOCTOR for the command events RedGrid records, with Redis' wording. */
  public String doctor(long nowSecond, long thresholdMillis, long slowlogMicros) {
    Map<String, Series> all = events();
    if (all.isEmpty() && thresholdMillis == 0) {
      return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. "
          + "You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. "
          + "If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
    }
    StringBuilder report = new StringBuilder();
    boolean slowlogEnabled = false;
    boolean slowlogTuning = false;
    boolean slowlogInspect = false;
    boolean scheduler = false;
    boolean largeObjects = false;
    int advices = 0;
    int eventNumber = 0;
    for (Map.Entry<String, Series> e : all.entrySet()) {
      eventNumber++;
      if (eventNumber == 1) {
        report.append("Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n");
      }
      List<long[]> samples = e.getValue().samples();
      long sum = 0;
      long oldest = 0;
      for (long[] s : samples) {
        sum += s[1];
        oldest = oldest == 0 ? s[0] : Math.min(oldest, s[0]);
      }
      long avg = samples.isEmpty() ? 0 : sum / samples.size();
      long period = samples.isEmpty() ? 0 : Math.max(1, nowSecond - oldest);
      long deviation = 0;
      for (long[] s : samples) {
        deviation += Math.abs(avg - s[1]);
      }
      long mad = samples.isEmpty() ? 0 : deviation / samples.size();
      report.append(String.format(Locale.ROOT,
          "%d. %s: %d latency spikes (average %dms, mean deviation %dms, period %.2f sec). Worst all time event %dms.",
          eventNumber, e.getKey(), samples.size(), avg, mad,
          samples.isEmpty() ? 0.0 : (double) period / samples.size(), e.getValue().max()));
      if (e.getKey().equalsIgnoreCase("command")) {
        if (slowlogMicros < 0) {
          slowlogEnabled = true;
          advices++;
        } else if (slowlogMicros / 1000 > thresholdMillis) {
          slowlogTuning = true;
          advices++;
        }
        slowlogInspect = true;
        largeObjects = true;
        advices += 2;
      }
      if (e.getKey().equalsIgnoreCase("fast-command")) {
        scheduler = true;
        advices++;
      }
      report.append('\n');
    }
    if (eventNumber == 0 && advices == 0) {
      report.append("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. "
          + "I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n");
    } else if (eventNumber > 0 && advices == 0) {
      report.append("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis "
          + "community to get some help, providing this report in your help request.\n");
    } else {
      report.append("\nI have a few advices for you:\n\n");
      if (slowlogEnabled) {
        report.append("- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log "
            + "Redis feature using the command 'CONFIG SET slowlog-log-slower-than ").append(thresholdMillis * 1000)
            .append("'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n");
      }
      if (slowlogTuning) {
        report.append("- Your current Slow Log configuration only logs events that are slower than your configured latency "
            + "monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ").append(thresholdMillis * 1000)
            .append("'.\n");
      }
      if (slowlogInspect) {
        report.append("- Check your Slow Log to understand what are the commands you are running which are too slow to "
            + "execute. Please check https://redis.io/commands/slowlog for more information.\n");
      }
      if (scheduler) {
        report.append("- The system is slow to execute Redis code paths not containing system calls. This usually means "
            + "the system does not provide Redis CPU time to run for long periods. You should try to:\n"
            + "  1) Lower the system load.\n"
            + "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n"
            + "  3) Check if you have a \"noisy neighbour\" problem.\n"
            + "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n"
            + "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using "
            + "Jemalloc. However this may create fragmentation problems.\n");
      }
      if (largeObjects) {
        report.append("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking "
            + "operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment "
            + "those objects into multiple smaller objects.\n");
      }
    }
    return report.toString();
  }
}
