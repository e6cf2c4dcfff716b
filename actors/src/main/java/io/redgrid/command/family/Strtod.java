package io.redgrid.command.family;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * C's {@code strtod} as Redis' SORT applies it to scores: leading white space, a sign, decimal
 * or hexadecimal numbers, {@code inf}/{@code infinity}; the whole string (up to a NUL byte) must
 * be used, and NaN or a range error ({@code ERANGE}: overflow, or an inexact result below the
 * normal range) rejects it. The empty string is 0, as strtod consumes nothing and stops at NUL.
 * Stricter parsing for arguments lives in {@code Numbers.parseDouble}.
 */
final class Strtod {
  /** Returned for strings SORT rejects (a real NaN is rejected too, so it cannot be confused). */
  static final double INVALID = Double.NaN;

  /** Clamp for exponents, far beyond where every double overflows or underflows. */
  private static final int EXPONENT_LIMIT = 100_000;

  private Strtod() {}

  /** The score {@code s} holds for SORT, or {@link #INVALID}. */
  static double parse(byte[] s) {
    int end = 0;
    while (end < s.length && s[end] != 0) {
      end++;
    }
    int i = 0;
    while (i < end && isSpace(s[i])) {
      i++;
    }
    boolean negative = false;
    if (i < end && (s[i] == '+' || s[i] == '-')) {
      negative = s[i] == '-';
      i++;
    }
    if (startsWithWord(s, i, end, "inf")) {
      int after = startsWithWord(s, i, end, "infinity") ? i + 8 : i + 3;
      return after == end ? (negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY) : INVALID;
    }
    if (i + 2 < end && s[i] == '0' && (s[i + 1] | 0x20) == 'x'
        && (hexDigit(s[i + 2]) >= 0 || (s[i + 2] == '.' && i + 3 < end && hexDigit(s[i + 3]) >= 0))) {
      return hex(s, i + 2, end, negative);
    }
    return decimal(s, i, end, negative);
  }

  private static double decimal(byte[] s, int from, int end, boolean negative) {
    int i = from;
    int digits = 0;
    boolean nonZero = false;
    while (i < end && isDigit(s[i])) {
      nonZero |= s[i] != '0';
      digits++;
      i++;
    }
    if (i < end && s[i] == '.') {
      i++;
      while (i < end && isDigit(s[i])) {
        nonZero |= s[i] != '0';
        digits++;
        i++;
      }
    }
    if (digits == 0) {
      // No conversion: strtod points back at the very start, valid only for an empty string.
      return end == 0 ? 0 : INVALID;
    }
    i = exponentEnd(s, i, end, 'e');
    if (i != end) {
      return INVALID;
    }
    String text = new String(s, from, end - from, StandardCharsets.US_ASCII);
    double magnitude = Double.parseDouble(text);
    if (!inRange(magnitude, nonZero, () -> new BigDecimal(text))) {
      return INVALID;
    }
    return negative ? -magnitude : magnitude;
  }

  private static double hex(byte[] s, int from, int end, boolean negative) {
    int i = from;
    BigInteger mantissa = BigInteger.ZERO;
    int fractionDigits = 0;
    boolean fraction = false;
    StringBuilder text = new StringBuilder("0x");
    for (; i < end; i++) {
      if (s[i] == '.' && !fraction) {
        fraction = true;
        text.append('.');
        continue;
      }
      int digit = hexDigit(s[i]);
      if (digit < 0) {
        break;
      }
      mantissa = mantissa.shiftLeft(4).add(BigInteger.valueOf(digit));
      text.append((char) s[i]);
      if (fraction) {
        fractionDigits++;
      }
    }
    int exponentStart = i;
    i = exponentEnd(s, i, end, 'p');
    if (i != end) {
      return INVALID;
    }
    long exponent = 0;
    if (i > exponentStart) {
      int j = exponentStart + 1;
      boolean negativeExponent = s[j] == '-';
      if (s[j] == '+' || s[j] == '-') {
        j++;
      }
      for (; j < end; j++) {
        exponent = Math.min(EXPONENT_LIMIT, exponent * 10 + (s[j] - '0'));
      }
      if (negativeExponent) {
        exponent = -exponent;
      }
    }
    double magnitude = Double.parseDouble(text.append('p').append(exponent).toString());
    long scale = exponent - 4L * fractionDigits;
    BigInteger m = mantissa;
    if (!inRange(magnitude, m.signum() != 0, () -> scale >= 0
        ? new BigDecimal(m.shiftLeft((int) scale))
        : new BigDecimal(m).divide(new BigDecimal(BigInteger.ONE.shiftLeft((int) -scale))))) {
      return INVALID;
    }
    return negative ? -magnitude : magnitude;
  }

  /** Where an optional exponent ({@code e}/{@code p}, sign, digits) ends; {@code i} if there is none. */
  private static int exponentEnd(byte[] s, int i, int end, char marker) {
    if (i >= end || (s[i] | 0x20) != marker) {
      return i;
    }
    int j = i + 1;
    if (j < end && (s[j] == '+' || s[j] == '-')) {
      j++;
    }
    if (j >= end || !isDigit(s[j])) {
      return i;
    }
    while (j < end && isDigit(s[j])) {
      j++;
    }
    return j;
  }

  /**
   * False where glibc sets ERANGE: overflow to infinity, a non-zero number rounding to zero, or
   * an inexact result in the subnormal range.
   */
  private static boolean inRange(double magnitude, boolean nonZero,
      java.util.function.Supplier<BigDecimal> exact) {
    if (Double.isInfinite(magnitude)) {
      return false;
    }
    if (magnitude == 0) {
      return !nonZero;
    }
    if (magnitude < Double.MIN_NORMAL) {
      return new BigDecimal(magnitude).compareTo(exact.get()) == 0;
    }
    return true;
  }

  private static boolean startsWithWord(byte[] s, int from, int end, String word) {
    if (end - from < word.length()) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if ((s[from + k] | 0x20) != word.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || (b >= '\t' && b <= '\r');
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static int hexDigit(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    int lower = b | 0x20;
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }
}
