package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.ADMIN;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.NOSCRIPT;
import static io.redgrid.command.Flag.STALE;
import static io.redgrid.command.family.ConnectionCommands.help;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.CommandTable;
import io.redgrid.command.Numbers;
import io.redgrid.protocol.Reply;
import io.redgrid.server.ClientSession;
import io.redgrid.stats.CommandCounters;
import io.redgrid.stats.CommandStats;
import io.redgrid.stats.LatencyMonitor;
import io.redgrid.stats.SlowLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.AtomicHistogram;

/** SLOWLOG and LATENCY: what CommandTable.run measured, as Redis 7.0 reports it. */
public final class StatsCommands implements CommandFamily {
  private static final String COUNT_RANGE = "ERR count should be greater than or equal to -1";

  private static final List<String> SLOWLOG_HELP = List.of(
      "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "GET [<count>]",
      "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
      "    Entries are made of:",
      "    id, timestamp, time in microseconds, arguments array, client IP and port,",
      "    client name",
      "LEN",
      "    Return the length of the slowlog.",
      "RESET",
      "    Reset the slowlog.",
      "HELP",
      "    Prints this help.");

  private static final List<String> LATENCY_HELP = List.of(
      "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return a human readable latency analysis report.",
      "GRAPH <event>",
      "    Return an ASCII latency graph for the <event> class.",
      "HISTORY <event>",
      "    Return time-latency samples for the <event> class.",
      "LATEST",
      "    Return the latest latency samples for all events.",
      "RESET [<event> ...]",
      "    Reset latency data of one or more <event> classes.",
      "    (default: reset all data for all event classes)",
      "HISTOGRAM [COMMAND ...]",
      "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
      "    If no commands are specified then all histograms are replied.",
      "HELP",
      "    Prints this help.");

  private final CommandTable table;

  /** {@code table} is the table this family is registered in, whose commands LATENCY HISTOGRAM names. */
  public StatsCommands(CommandTable table) {
    this.table = table;
  }

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("slowlog").arity(atLeast(2)).group("server").since("2.2.12")
            .summary("A container for slow log commands.").complexity("Depends on subcommand.")
            .subcommands(
                command("get").arity(atLeast(2)).flags(ADMIN, LOADING, STALE)
                    .tips("request_policy:all_nodes", "nondeterministic_output").since("2.2.12")
                    .summary("Returns the slow log's entries.")
                    .complexity("O(N) where N is the number of entries returned").runs(this::slowlogGet),
                command("len").arity(exactly(2)).flags(ADMIN, LOADING, STALE)
                    .tips("request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output")
                    .since("2.2.12").summary("Returns the number of entries in the slow log.").complexity("O(1)")
                    .runs(call -> Reply.integer(stats(call).slowlog.length())),
                command("reset").arity(exactly(2)).flags(ADMIN, LOADING, STALE)
                    .tips("request_policy:all_nodes", "response_policy:all_succeeded").since("2.2.12")
                    .summary("Clears all entries from the slow log.")
                    .complexity("O(N) where N is the number of entries in the slowlog").runs(call -> {
                      stats(call).slowlog.reset();
                      return Reply.OK;
                    }),
                command("help").arity(exactly(2)).flags(LOADING, STALE).since("6.2.0")
                    .summary("Show helpful text about the different subcommands").complexity("O(1)")
                    .runs(call -> help(SLOWLOG_HELP))),
        command("latency").arity(atLeast(2)).group("server").since("2.8.13")
            .summary("A container for latency diagnostics commands.").complexity("Depends on subcommand.")
            .subcommands(
                latencySub("doctor", exactly(2), "Returns a human-readable latency analysis report.", "2.8.13")
                    .runs(this::doctor),
                latencySub("graph", exactly(3), "Returns a latency graph for an event.", "2.8.13")
                    .runs(this::graph),
                latencySub("history", exactly(3), "Returns timestamp-latency samples for an event.", "2.8.13")
                    .runs(this::history),
                latencySub("latest", exactly(2), "Returns the latest latency samples for all events.", "2.8.13")
                    .runs(this::latest),
                latencySub("reset", atLeast(2), "Resets the latency data for one or more events.", "2.8.13")
                    .runs(this::reset),
                latencySub("histogram", atLeast(2),
                    "Returns the cumulative distribution of latencies of a subset or all commands.", "7.0.0")
                    .runs(this::histogram),
                command("help").arity(exactly(2)).flags(LOADING, STALE).since("2.8.13")
                    .summary("Returns helpful text about the different subcommands.").complexity("O(1)")
                    .runs(call -> help(LATENCY_HELP))));
  }

  private static CommandSpec.Builder latencySub(String name, io.redgrid.command.Arity arity, String summary,
      String since) {
    return command(name).arity(arity).flags(ADMIN, NOSCRIPT, LOADING, STALE).since(since).summary(summary)
        .tips("nondeterministic_output", "request_policy:all_nodes", "response_policy:special");
  }

  private static CommandStats stats(Call call) {
    return call.server().stats().commands;
  }

  /** SLOWLOG GET [count]: newest first; -1 for all. */
  private Reply slowlogGet(Call call) {
    if (call.argc() > 3) {
      throw new CommandError("ERR unknown subcommand or wrong number of arguments for '" + call.text(1)
          + "'. Try SLOWLOG HELP.");
    }
    long count = 10;
    if (call.argc() == 3) {
      count = Numbers.parseLong(call.arg(2), COUNT_RANGE);
      if (count < -1) {
        throw new CommandError(COUNT_RANGE);
      }
    }
    Collection<ClientSession> clients = call.server().clients();
    List<Reply> entries = new ArrayList<>();
    for (SlowLog.Entry entry : stats(call).slowlog.newest(count)) {
      List<Reply> argv = new ArrayList<>(entry.argv().length);
      for (byte[] arg : entry.argv()) {
        argv.add(Reply.bulk(arg));
      }
      entries.add(Reply.array(
          Reply.integer(entry.id()),
          Reply.integer(entry.timestamp()),
          Reply.integer(entry.micros()),
          Reply.array(argv),
          Reply.bulk(entry.address(clients)),
          Reply.bulk(entry.name(clients))));
    }
    return Reply.array(entries);
  }

  private Reply doctor(Call call) {
    CommandStats stats = stats(call);
    String report = stats.latency.doctor(call.now() / 1000, stats.latencyThresholdMillis(),
        stats.slowlogSlowerThanMicros());
    return Reply.verbatim("txt", report.getBytes(StandardCharsets.UTF_8));
  }

  /** LATENCY GRAPH event */
  private Reply graph(Call call) {
    String event = call.text(2);
    LatencyMonitor.Series series = stats(call).latency.events().get(event);
    if (series == null) {
      throw new CommandError("ERR No samples available for event '" + event + "'");
    }
    String graph = LatencyMonitor.graph(event, series, call.now() / 1000);
    return Reply.verbatim("txt", graph.getBytes(StandardCharsets.UTF_8));
  }

  /** LATENCY HISTORY event: [time, latency] pairs, oldest first; empty for an unknown event. */
  private Reply history(Call call) {
    LatencyMonitor.Series series = stats(call).latency.events().get(call.text(2));
    List<Reply> samples = new ArrayList<>();
    if (series != null) {
      for (long[] sample : series.samples()) {
        samples.add(Reply.array(Reply.integer(sample[0]), Reply.integer(sample[1])));
      }
    }
    return Reply.array(samples);
  }

  /** LATENCY LATEST: [event, time, latest latency, all-time max] per event. */
  private Reply latest(Call call) {
    List<Reply> events = new ArrayList<>();
    for (Map.Entry<String, LatencyMonitor.Series> e : stats(call).latency.events().entrySet()) {
      long[] latest = e.getValue().latest();
      events.add(Reply.array(Reply.bulk(e.getKey()), Reply.integer(latest[0]), Reply.integer(latest[1]),
          Reply.integer(e.getValue().max())));
    }
    return Reply.array(events);
  }

  /** LATENCY RESET [event ...]: how many events were dropped. */
  private Reply reset(Call call) {
    LatencyMonitor latency = stats(call).latency;
    if (call.argc() == 2) {
      return Reply.integer(latency.reset(null));
    }
    int resets = 0;
    for (int i = 2; i < call.argc(); i++) {
      resets += latency.reset(call.text(i));
    }
    return Reply.integer(resets);
  }

  /**
   * LATENCY HISTOGRAM [command ...]: per command with a histogram, its calls and the cumulative
   * count per power-of-two bucket from 1024 ns, in microseconds. A container name covers its
   * subcommands; unknown names are skipped.
   */
  private Reply histogram(Call call) {
    CommandStats stats = stats(call);
    List<Reply> out = new ArrayList<>();
    if (call.argc() == 2) {
      for (CommandSpec spec : table.byId()) {
        addHistogram(stats, spec, out);
      }
      return Reply.map(out);
    }
    for (int i = 2; i < call.argc(); i++) {
      CommandSpec spec = CommandIntrospection.find(table, call.text(i));
      if (spec == null) {
        continue;
      }
      addHistogram(stats, spec, out);
      if (!spec.fullName().contains("|")) {
        for (CommandSpec sub : spec.subcommands()) {
          addHistogram(stats, sub, out);
        }
      }
    }
    return Reply.map(out);
  }

  private static void addHistogram(CommandStats stats, CommandSpec spec, List<Reply> out) {
    CommandCounters counters = stats.existing(spec);
    AtomicHistogram h = counters == null ? null : counters.histogram();
    if (h == null) {
      return;
    }
    List<Reply> buckets = new ArrayList<>();
    long total = h.getTotalCount();
    long previous = 0;
    for (long level = 1024; previous < total && level > 0; level *= 2) {
      long upper = h.highestEquivalentValue(level);
      long cumulative = h.getCountBetweenValues(0, upper);
      if (cumulative > previous) {
        buckets.add(Reply.integer(upper / 1000));
        buckets.add(Reply.integer(cumulative));
      }
      previous = cumulative;
    }
    out.add(Reply.bulk(spec.fullName()));
    out.add(Reply.map(List.of(Reply.bulk("calls"), Reply.integer(total),
        Reply.bulk("histogram_usec"), Reply.map(buckets))));
  }
}
