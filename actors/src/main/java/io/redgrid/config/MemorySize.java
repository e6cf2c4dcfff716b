package io.redgrid.config;

import java.util.Locale;

/** Redis' memory units: {@code 1k}=1000, {@code 1kb}=1024, up to {@code gb}. */
public final class MemorySize {
  private MemorySize() {}

  public static long parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    long multiplier = 1;
    String[][] units = {{"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"},
        {"g", "1000000000"}, {"m", "1000000"}, {"k", "1000"}, {"b", "1"}};
    for (String[] unit : units) {
      if (v.endsWith(unit[0])) {
        multiplier = Long.parseLong(unit[1]);
        v = v.substring(0, v.length() - unit[0].length());
        break;
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(v), multiplier);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("argument must be a memory value");
    }
  }
}
