package io.redgrid.stats;

import io.redgrid.config.Directive;
import java.math.BigDecimal;
import java.util.List;

/** The directives of the slow log, the latency monitor and latency tracking, with Redis' defaults and checks. */
public final class StatsDirectives {
  private StatsDirectives() {}

  public static List<Directive> all() {
    return List.of(
        Directive.integer("slowlog-log-slower-than", 10_000, -1, Long.MAX_VALUE, true),
        Directive.integer("slowlog-max-len", 128, 0, Long.MAX_VALUE, true),
        Directive.integer("latency-monitor-threshold", 0, 0, Long.MAX_VALUE, true),
        Directive.bool("latency-tracking", true, true),
        new Directive("latency-tracking-info-percentiles", "50 99 99.9", true, StatsDirectives::normalizePercentiles));
  }

  /** Checks a list of percentiles as Redis does and gives the form CONFIG GET shows ("50 99 99.9"). */
  static String normalizePercentiles(String value) {
    double[] parsed = parse(value);
    StringBuilder out = new StringBuilder();
    for (double p : parsed) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(format(p));
    }
    return out.toString();
  }

  static double[] percentiles(String normalized) {
    return parse(normalized);
  }

  private static double[] parse(String value) {
    String trimmed = value.strip();
    if (trimmed.isEmpty() || trimmed.equals("\"\"")) {
      return new double[0];
    }
    String[] words = trimmed.split("\\s+");
    double[] out = new double[words.length];
    for (int i = 0; i < words.length; i++) {
      double p;
      try {
        p = Double.parseDouble(words[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Invalid latency-tracking-info-percentiles parameters");
      }
      if (!(p >= 0.0 && p <= 100.0)) {
        throw new IllegalArgumentException(
            "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
      }
      out[i] = p;
    }
    return out;
  }

  /** A percentile as Redis prints it ("%f" then trimDoubleString): 50 -> "50", 99.9 -> "99.9". */
  public static String format(double p) {
    return new BigDecimal(String.format(java.util.Locale.ROOT, "%f", p)).stripTrailingZeros().toPlainString();
  }
}
