package io.redgrid.command;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Redis' strict number parsing and formatting over bytes (string2ll, strtod, ld2string). */
public final class Numbers {
  private static final byte[] LONG_MIN = "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private Numbers() {}

  /** True if the bytes are a canonical 64-bit integer as Redis' string2ll accepts it. */
  public static boolean isLong(byte[] bytes) {
    return parseLongOrNull(bytes) != null;
  }

  /** Parses like string2ll: optional '-', no '+', no spaces, no leading zeros; null if invalid. */
  public static Long parseLongOrNull(byte[] s) {
    int length = s.length;
    if (length == 0 || length > 20) {
      return null;
    }
    if (length == 1 && s[0] == '0') {
      return 0L;
    }
    int i = 0;
    boolean negative = false;
    if (s[0] == '-') {
      negative = true;
      i = 1;
      if (length == 1) {
        return null;
      }
    }
    if (s[i] < '1' || s[i] > '9') {
      return null;
    }
    long value = 0;
    for (; i < length; i++) {
      int digit = s[i] - '0';
      if (digit < 0 || digit > 9) {
        return null;
      }
      if (value > (Long.MAX_VALUE - digit) / 10) {
        return negative && java.util.Arrays.equals(s, LONG_MIN) ? Long.MIN_VALUE : null;
      }
      value = value * 10 + digit;
    }
    return negative ? -value : value;
  }

  public static long parseLong(byte[] s, String error) {
    Long value = parseLongOrNull(s);
    if (value == null) {
      throw new CommandError(error);
    }
    return value;
  }

  /** Parses like Redis' strtod-based getDoubleFromObject: no spaces, no NaN; inf accepted. */
  public static double parseDouble(byte[] s, String error) {
    int length = s.length;
    if (length == 0 || length > 300) {
      throw new CommandError(error);
    }
    int start = (s[0] == '+' || s[0] == '-') ? 1 : 0;
    if (isWord(s, start, "inf") || isWord(s, start, "infinity")) {
      return s[0] == '-' ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    boolean digits = false;
    for (int i = start; i < length; i++) {
      byte b = s[i];
      if (b >= '0' && b <= '9') {
        digits = true;
      } else if (b != '.' && b != 'e' && b != 'E' && b != '-' && b != '+') {
        throw new CommandError(error);
      }
    }
    if (!digits) {
      throw new CommandError(error);
    }
    try {
      double value = Double.parseDouble(new String(s, java.nio.charset.StandardCharsets.US_ASCII));
      if (Double.isNaN(value)) {
        throw new CommandError(error);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new CommandError(error);
    }
  }

  /** True if {@code s} from {@code from} is {@code word} (lower case), ASCII case-insensitively: inf, nan. */
  static boolean isWord(byte[] s, int from, String word) {
    if (s.length - from != word.length()) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (Character.toLowerCase(s[from + i]) != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The decimal digits of {@code value} as bytes, without an intermediate String. */
  public static byte[] toBytes(long value) {
    if (value == Long.MIN_VALUE) {
      return LONG_MIN.clone();
    }
    int size = value < 0 ? 2 : 1;
    for (long v = Math.abs(value); v >= 10; v /= 10) {
      size++;
    }
    byte[] out = new byte[size];
    long v = Math.abs(value);
    for (int i = size - 1; i >= 0; i--) {
      out[i] = (byte) ('0' + v % 10);
      v /= 10;
      if (v == 0) {
        if (value < 0) {
          out[0] = '-';
        }
        break;
      }
    }
    return out;
  }

  /**
   * Formats like Redis' ld2string in human-friendly mode (INCRBYFLOAT, HINCRBYFLOAT): fixed
   * notation with up to 17 decimals and trailing zeros removed, e.g. {@code 10.5}, {@code 3}.
   */
  public static byte[] humanFriendly(BigDecimal value) {
    BigDecimal rounded = value.scale() > 17 ? value.setScale(17, RoundingMode.HALF_EVEN) : value;
    rounded = rounded.stripTrailingZeros();
    if (rounded.signum() == 0) {
      rounded = BigDecimal.ZERO;
    }
    return rounded.toPlainString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
