package io.redgrid.stats;

import java.util.Arrays;
import java.util.List;

/** ASCII sparklines as Redis draws LATENCY GRAPH: filled, several rows, vertical labels below. */
final class Sparkline {
  private static final char[] FILL = {'_', 'o', '#'};
  private static final int LABEL_MARGIN_TOP = 1;

  private Sparkline() {}

  static void render(StringBuilder out, double[] values, List<String> labels, int columns, int rows) {
    if (values.length == 0) {
      return;
    }
    double min = values[0];
    double max = values[0];
    for (double v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    for (int j = 0; j < values.length; j += columns) {
      if (j != 0) {
        out.append('\n');
      }
      range(out, values, labels, min, max, rows, j, Math.min(columns, values.length - j));
    }
  }

  private static void range(StringBuilder out, double[] values, List<String> labels, double min, double max,
      int rows, int offset, int len) {
    double relmax = max - min;
    if (relmax == 0) {
      relmax = 1;
    }
    int steps = FILL.length * rows;
    boolean anyLabel = labels.stream().anyMatch(l -> !l.isEmpty());
    char[] chars = new char[len];
    for (int row = 0; ; row++) {
      boolean more = false;
      Arrays.fill(chars, ' ');
      for (int j = 0; j < len; j++) {
        int step = (int) ((int) ((values[j + offset] - min) * steps) / relmax);
        step = Math.max(0, Math.min(steps - 1, step));
        if (row < rows) {
          int index = step - (rows - row - 1) * FILL.length;
          more = true;
          if (index >= 0 && index < FILL.length) {
            chars[j] = FILL[index];
          } else if (index >= FILL.length) {
            chars[j] = '|';
          }
        } else {
          if (anyLabel && row - rows < LABEL_MARGIN_TOP) {
            more = true;
            break;
          }
          String label = labels.get(j + offset);
          int at = row - rows - LABEL_MARGIN_TOP;
          if (label.length() > at) {
            more = true;
            chars[j] = label.charAt(at);
          }
        }
      }
      if (!more) {
        return;
      }
      out.append(chars).append('\n');
    }
  }
}
