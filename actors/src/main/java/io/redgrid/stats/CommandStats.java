package io.redgrid.stats;

import io.redgrid.blocking.BlockedClients;
import io.redgrid.command.Call;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Flag;
import io.redgrid.config.ServerConfig;
import io.redgrid.protocol.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-command statistics (calls, time, rejected and failed calls, latency histograms), error
 * replies by code, the slow log and the latency monitor: what {@code CommandTable.run} feeds
 * for every command. Counters are slots indexed by {@link CommandSpec#id()}, so recording a call
 * is array reads and LongAdder increments, without names or maps.
 */
public final class CommandStats {
  private static final int MAX_COMMANDS = 4096;
  /** Redis stops tracking new error codes past this many (ERROR_STATS_NUMBER). */
  static final int MAX_ERROR_CODES = 128;

  private static final double[] DEFAULT_PERCENTILES = {50, 99, 99.9};

  static {
    // Loads HdrHistogram with the node rather than inside the first command it times.
    new CommandCounters().recordLatency(1);
  }

  /**
   * Created on the first counted command: a node has one CommandStats, but every Call.Context
   * built without a node's stats (journal replay, tests) makes a ServerStats, so it stays cheap.
   */
  private volatile AtomicReferenceArray<CommandCounters> counters;
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  /** SLOWLOG. */
  public final SlowLog slowlog = new SlowLog();
  /** LATENCY. */
  public final LatencyMonitor latency = new LatencyMonitor();

  private volatile long slowlogSlowerThanMicros = 10_000;
  private volatile long latencyThresholdMillis;
  private volatile boolean latencyTracking = true;
  private volatile double[] percentiles = DEFAULT_PERCENTILES;

  /** Follows the stats directives of {@code config}, now and after every CONFIG SET. */
  public void configure(ServerConfig config) {
    apply(config);
    config.onChange(changes -> apply(config));
  }

  private void apply(ServerConfig config) {
    slowlogSlowerThanMicros = config.getLong("slowlog-log-slower-than");
    slowlog.maxLength(config.getLong("slowlog-max-len"));
    latencyThresholdMillis = config.getLong("latency-monitor-threshold");
    latencyTracking = config.get("latency-tracking").equals("yes");
    percentiles = StatsDirectives.percentiles(config.get("latency-tracking-info-percentiles"));
  }

  /** Where SLOWLOG finds the client of a command that ran in a shard (the node's clients by id). */
  public void clientLookup(java.util.function.LongFunction<io.redgrid.server.ClientSession> clients) {
    slowlog.clients(clients);
  }

  /** Accounts one executed command; {@code reply} is null when it threw or closed the connection. */
  public void record(Call call, Reply reply, long nanos) {
    record(call, reply, nanos, true);
  }

  /**
   * As {@link #record(Call, Reply, long)}; {@code countError} false leaves errorstats alone for
   * an error already counted where it arose (a script failing with its redis.call's error).
   */
  public void record(Call call, Reply reply, long nanos, boolean countError) {
    if (reply == BlockedClients.BLOCKED) {
      return; // counted once, when the retry that serves it runs
    }
    CommandSpec spec = call.spec();
    CommandCounters c = counters(spec);
    if (c != null) {
      c.calls.increment();
      c.nanos.add(nanos);
      if (reply instanceof Reply.Error error) {
        c.failed.increment();
        if (countError) {
          error(error.message());
        }
      }
      if (latencyTracking) {
        c.recordLatency(nanos);
      }
    } else if (reply instanceof Reply.Error error && countError) {
      error(error.message());
    }
    long micros = nanos / 1000;
    long slower = slowlogSlowerThanMicros;
    if (slower >= 0 && micros >= slower && !spec.has(Flag.SKIP_SLOWLOG)) {
      slowlog.add(call, micros);
    }
    long threshold = latencyThresholdMillis;
    if (threshold > 0 && micros / 1000 >= threshold) {
      latency.add(spec.has(Flag.FAST) ? "fast-command" : "command", micros / 1000, call.now() / 1000);
    }
  }

  /** A command refused before running: rejected_calls of {@code spec} (if known) and errorstats. */
  public void rejected(CommandSpec spec, String error) {
    CommandCounters c = spec == null ? null : counters(spec);
    if (c != null) {
      c.rejected.increment();
    }
    error(error);
  }

  /** Counts an error reply by its code: the first word, or ERR when there is none (Redis' afterErrorReply). */
  public void error(String message) {
    int limit = Math.min(message.length(), 32);
    int space = message.indexOf(' ');
    String code = space >= 0 && space < limit ? message.substring(0, space) : "ERR";
    LongAdder count = errors.get(code);
    if (count == null) {
      if (errors.size() >= MAX_ERROR_CODES) {
        return;
      }
      count = errors.computeIfAbsent(code, k -> new LongAdder());
    }
    count.increment();
  }

  /** The counters of {@code spec}, or null for a command outside any table. */
  public CommandCounters counters(CommandSpec spec) {
    int id = spec.id();
    if (id < 0 || id >= MAX_COMMANDS) {
      return null;
    }
    AtomicReferenceArray<CommandCounters> all = counters;
    if (all == null) {
      synchronized (this) {
        all = counters;
        if (all == null) {
          all = new AtomicReferenceArray<>(MAX_COMMANDS);
          counters = all;
        }
      }
    }
    CommandCounters c = all.get(id);
    if (c == null) {
      all.compareAndSet(id, null, new CommandCounters());
      c = all.get(id);
    }
    return c;
  }

  /** The counters of {@code spec} if it was ever counted, else null (nothing allocated). */
  public CommandCounters existing(CommandSpec spec) {
    int id = spec.id();
    AtomicReferenceArray<CommandCounters> all = counters;
    return all == null || id < 0 || id >= MAX_COMMANDS ? null : all.get(id);
  }

  /** Commands of {@code specs} with calls, rejected or failed calls, in that order. */
  public List<Map.Entry<CommandSpec, CommandCounters>> used(List<CommandSpec> specs) {
    List<Map.Entry<CommandSpec, CommandCounters>> out = new ArrayList<>();
    for (CommandSpec spec : specs) {
      CommandCounters c = existing(spec);
      if (c != null && c.used()) {
        out.add(Map.entry(spec, c));
      }
    }
    return out;
  }

  /** Error codes and their counts, in code order. */
  public Map<String, Long> errors() {
    Map<String, Long> out = new LinkedHashMap<>();
    errors.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.put(e.getKey(), e.getValue().sum()));
    return out;
  }

  /** latency-tracking-info-percentiles as numbers. */
  public double[] percentiles() {
    return percentiles.clone();
  }

  public long slowlogSlowerThanMicros() {
    return slowlogSlowerThanMicros;
  }

  public long latencyThresholdMillis() {
    return latencyThresholdMillis;
  }

  /** CONFIG RESETSTAT: commandstats, histograms and errorstats (not the slow log or latency events, as Redis). */
  public void reset() {
    AtomicReferenceArray<CommandCounters> all = counters;
    for (int i = 0; all != null && i < MAX_COMMANDS; i++) {
      CommandCounters c = all.get(i);
      if (c != null) {
        c.reset();
      }
    }
    errors.clear();
  }
}
