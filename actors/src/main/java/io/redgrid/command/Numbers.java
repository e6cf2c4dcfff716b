package io.redgrid.command;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

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

  /**
   * A float as Redis' getDoubleFromObject takes it (ZADD scores, WEIGHTS, blocking timeouts): all of the text must
   * be a number (hex accepted, as strtod does), no leading space, no NaN, no overflow to
   * infinity or underflow to zero.
   */
  public static double parseDouble(byte[] text, String error) {
    if (text.length == 0 || isSpace(text[0])) {
      throw new CommandError(error);
    }
    double value = strtod(text, 0);
    if (Double.isNaN(value)) {
      throw new CommandError(error);
    }
    if (Double.isInfinite(value) && !mentionsInfinity(text)) {
      throw new CommandError(error);
    }
    if (value == 0 && hasNonZeroDigit(text)) {
      throw new CommandError(error);
    }
    return value;
  }

  /**
   * C strtod over {@code text[from..]}, which it must consume entirely; NaN when it does not (or
   * when the text is "nan"). The empty text is 0, as strtod leaves the end pointer at the end.
   */
  public static double strtod(byte[] text, int from) {
    int n = text.length;
    if (from == n) {
      return 0;
    }
    int i = from;
    while (i < n && isSpace(text[i])) {
      i++;
    }
    int start = i;
    boolean negative = false;
    if (i < n && (text[i] == '+' || text[i] == '-')) {
      negative = text[i] == '-';
      i++;
    }
    if (isWord(text, i, "inf") || isWord(text, i, "infinity")) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    boolean hex = i + 1 < n && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X');
    if (hex) {
      i += 2;
    }
    int digits = 0;
    while (i < n && isDigit(text[i], hex)) {
      i++;
      digits++;
    }
    if (i < n && text[i] == '.') {
      i++;
      while (i < n && isDigit(text[i], hex)) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return Double.NaN;
    }
    boolean exponent = false;
    if (i < n && (hex ? (text[i] == 'p' || text[i] == 'P') : (text[i] == 'e' || text[i] == 'E'))) {
      exponent = true;
      i++;
      if (i < n && (text[i] == '+' || text[i] == '-')) {
        i++;
      }
      int exponentDigits = 0;
      while (i < n && text[i] >= '0' && text[i] <= '9') {
        i++;
        exponentDigits++;
      }
      if (exponentDigits == 0) {
        return Double.NaN;
      }
    }
    if (i != n) {
      return Double.NaN;
    }
    String number = new String(text, start, n - start, StandardCharsets.US_ASCII);
    return Double.parseDouble(hex && !exponent ? number + "p0" : number);
  }

  private static boolean isDigit(byte b, boolean hex) {
    return (b >= '0' && b <= '9') || (hex && ((b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F')));
  }

  /** C isspace in the C locale. */
  private static boolean isSpace(byte b) {
    return b == ' ' || (b >= '\t' && b <= '\r');
  }

  private static boolean mentionsInfinity(byte[] text) {
    for (byte b : text) {
      if (b == 'n' || b == 'N') {
        return true;
      }
    }
    return false;
  }

  /** True if the mantissa has a non-zero digit: a zero result then means underflow. */
  private static boolean hasNonZeroDigit(byte[] text) {
    boolean hex = false;
    for (int i = 0; i < text.length; i++) {
      byte b = text[i];
      if ((b == 'x' || b == 'X')) {
        hex = true;
        continue;
      }
      if (!hex && (b == 'e' || b == 'E')) {
        return false;
      }
      if (hex && (b == 'p' || b == 'P')) {
        return false;
      }
      if (isDigit(b, hex) && b != '0') {
        return true;
      }
    }
    return false;
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
