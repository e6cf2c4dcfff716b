package io.redgrid.command.family;

import io.redgrid.command.CommandSpec;
import io.redgrid.command.CommandTable;
import io.redgrid.stats.CommandCounters;
import io.redgrid.stats.CommandStats;
import io.redgrid.stats.StatsDirectives;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.AtomicHistogram;

/** INFO commandstats, errorstats and latencystats, with Redis 7.0's field layout. */
final class StatsSections {
  private StatsSections() {}

  static void commandstats(CommandStats stats, CommandTable table, StringBuilder out) {
    out.append("# Commandstats\r\n");
    for (Map.Entry<CommandSpec, CommandCounters> e : stats.used(table.byId())) {
      CommandCounters c = e.getValue();
      long calls = c.calls();
      long usec = c.usec();
      out.append("cmdstat_").append(e.getKey().fullName()).append(":calls=").append(calls)
          .append(",usec=").append(usec)
          .append(",usec_per_call=").append(String.format(Locale.ROOT, "%.2f", calls == 0 ? 0.0 : (double) usec / calls))
          .append(",rejected_calls=").append(c.rejectedCalls())
          .append(",failed_calls=").append(c.failedCalls()).append("\r\n");
    }
  }

  static void errorstats(CommandStats stats, StringBuilder out) {
    out.append("# Errorstats\r\n");
    for (Map.Entry<String, Long> e : stats.errors().entrySet()) {
      out.append("errorstat_").append(e.getKey()).append(":count=").append(e.getValue()).append("\r\n");
    }
  }

  static void latencystats(CommandStats stats, CommandTable table, StringBuilder out) {
    out.append("# Latencystats\r\n");
    double[] percentiles = stats.percentiles();
    for (CommandSpec spec : table.byId()) {
      CommandCounters c = stats.existing(spec);
      AtomicHistogram h = c == null ? null : c.histogram();
      if (h == null) {
        continue;
      }
      out.append("latency_percentiles_usec_").append(spec.fullName()).append(':');
      for (int i = 0; i < percentiles.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append('p').append(StatsDirectives.format(percentiles[i])).append('=')
            .append(String.format(Locale.ROOT, "%.3f", h.getValueAtPercentile(percentiles[i]) / 1000.0));
      }
      out.append("\r\n");
    }
  }
}
