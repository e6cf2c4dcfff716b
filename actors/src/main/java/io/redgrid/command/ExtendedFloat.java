package io.redgrid.command;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The x86 80-bit {@code long double} arithmetic Redis' INCRBYFLOAT and HINCRBYFLOAT do: parsing
 * like glibc's strtold (decimal, hex, inf; correctly rounded to a 64-bit mantissa), addition
 * rounded half-even, and the {@code %.17Lf} human-friendly output of ld2string.
 *
 * <p>Redis computes in extended precision, so doing the sums in double would print e.g.
 * {@code 0.1 + 0.2} as {@code 0.30000000000000004} where Redis prints {@code 0.3}.
 * Values are exact binary numbers {@code mantissa * 2^exponent}.
 */
public final class ExtendedFloat {
  private static final int MANTISSA_BITS = 64;
  /** Weight of the lowest bit of the smallest subnormal long double. */
  private static final int MIN_EXPONENT = -16445;
  /** Values of 2^16384 and above are infinite. */
  private static final int MAX_BIT = 16384;
  /** Redis' MAX_LONG_DOUBLE_CHARS: longer inputs are rejected. */
  private static final int MAX_CHARS = 5 * 1024;
  /** Decimal magnitudes beyond these certainly overflow or underflow (max ~1.19e4932, min ~3.6e-4951). */
  private static final int MAX_DECIMAL_MAGNITUDE = 4934;
  private static final int MIN_DECIMAL_MAGNITUDE = -4953;

  public static final ExtendedFloat ZERO = new ExtendedFloat(BigInteger.ZERO, 0, false);

  /** Signed mantissa; zero for zero. */
  private final BigInteger mantissa;
  private final int exponent;
  private final boolean infinite;

  private ExtendedFloat(BigInteger mantissa, int exponent, boolean infinite) {
    this.mantissa = mantissa;
    this.exponent = exponent;
    this.infinite = infinite;
  }

  public boolean isInfinite() {
    return infinite;
  }

  /**
   * Parses like Redis' string2ld: the whole text must be a strtold number, no spaces, no NaN,
   * no overflow and no underflow to zero; {@code error} otherwise.
   */
  public static ExtendedFloat parse(byte[] s, String error) {
    ExtendedFloat value = parseOrNull(s);
    if (value == null) {
      throw new CommandError(error);
    }
    return value;
  }

  static ExtendedFloat parseOrNull(byte[] s) {
    int length = s.length;
    if (length == 0 || length >= MAX_CHARS) {
      return null;
    }
    int i = 0;
    boolean negative = false;
    if (s[0] == '+' || s[0] == '-') {
      negative = s[0] == '-';
      i = 1;
    }
    if (Numbers.isWord(s, i, "inf") || Numbers.isWord(s, i, "infinity")) {
      return new ExtendedFloat(negative ? BigInteger.ONE.negate() : BigInteger.ONE, 0, true);
    }
    if (length - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
      return parseHex(s, i + 2, negative);
    }
    return parseDecimal(s, i, negative);
  }

  private static ExtendedFloat parseDecimal(byte[] s, int i, boolean negative) {
    int length = s.length;
    int start = i;
    int digits = 0;
    int fractionDigits = 0;
    while (i < length && isDigit(s[i])) {
      i++;
      digits++;
    }
    if (i < length && s[i] == '.') {
      i++;
      while (i < length && isDigit(s[i])) {
        i++;
        fractionDigits++;
      }
    }
    if (digits + fractionDigits == 0) {
      return null;
    }
    int mantissaEnd = i;
    long exponent = 0;
    if (i < length) {
      if (s[i] != 'e' && s[i] != 'E') {
        return null;
      }
      exponent = parseExponent(s, i + 1);
      if (exponent == Long.MIN_VALUE) {
        return null;
      }
    }
    StringBuilder text = new StringBuilder(digits + fractionDigits);
    for (int k = start; k < mantissaEnd; k++) {
      if (s[k] != '.') {
        text.append((char) s[k]);
      }
    }
    BigInteger unscaled = new BigInteger(text.toString());
    if (unscaled.signum() == 0) {
      return ZERO;
    }
    long scale10 = exponent - fractionDigits;
    // log10 of the value to within one: enough to refuse absurd exponents before computing 10^k.
    long magnitude = (long) (unscaled.bitLength() * 0.30103) + scale10;
    if (magnitude > MAX_DECIMAL_MAGNITUDE || magnitude < MIN_DECIMAL_MAGNITUDE) {
      return null;
    }
    ExtendedFloat value = scale10 >= 0
        ? round(unscaled.multiply(BigInteger.TEN.pow((int) scale10)), BigInteger.ONE, 0, negative)
        // D / 10^k = D / 5^k * 2^-k
        : round(unscaled, BigInteger.valueOf(5).pow((int) -scale10), (int) scale10, negative);
    return value.infinite || value.mantissa.signum() == 0 ? null : value;
  }

  private static ExtendedFloat parseHex(byte[] s, int i, boolean negative) {
    int length = s.length;
    BigInteger mantissa = BigInteger.ZERO;
    int digits = 0;
    int fractionDigits = 0;
    while (i < length && hexValue(s[i]) >= 0) {
      mantissa = mantissa.shiftLeft(4).add(BigInteger.valueOf(hexValue(s[i++])));
      digits++;
    }
    if (i < length && s[i] == '.') {
      i++;
      while (i < length && hexValue(s[i]) >= 0) {
        mantissa = mantissa.shiftLeft(4).add(BigInteger.valueOf(hexValue(s[i++])));
        fractionDigits++;
      }
    }
    if (digits + fractionDigits == 0) {
      return null;
    }
    long exponent = 0;
    if (i < length) {
      if (s[i] != 'p' && s[i] != 'P') {
        return null;
      }
      exponent = parseExponent(s, i + 1);
      if (exponent == Long.MIN_VALUE) {
        return null;
      }
    }
    if (mantissa.signum() == 0) {
      return ZERO;
    }
    long binary = exponent - 4L * fractionDigits;
    long top = mantissa.bitLength() + binary;
    if (top > MAX_BIT || top < MIN_EXPONENT) {
      return null;
    }
    ExtendedFloat value = round(mantissa, BigInteger.ONE, (int) binary, negative);
    return value.infinite || value.mantissa.signum() == 0 ? null : value;
  }

  /** The decimal exponent after 'e'/'p', saturated far beyond any finite long double; MIN_VALUE if malformed. */
  private static long parseExponent(byte[] s, int i) {
    int length = s.length;
    boolean negative = false;
    if (i < length && (s[i] == '+' || s[i] == '-')) {
      negative = s[i] == '-';
      i++;
    }
    if (i >= length) {
      return Long.MIN_VALUE;
    }
    long value = 0;
    for (; i < length; i++) {
      if (!isDigit(s[i])) {
        return Long.MIN_VALUE;
      }
      value = Math.min(value * 10 + (s[i] - '0'), 1_000_000_000L);
    }
    return negative ? -value : value;
  }

  /** The sum rounded to the nearest long double; infinite on overflow. */
  public ExtendedFloat add(ExtendedFloat other) {
    if (infinite || other.infinite) {
      // inf + -inf is NaN; callers treat NaN and infinity alike, as Redis does.
      return new ExtendedFloat(BigInteger.ONE, 0, true);
    }
    if (mantissa.signum() == 0) {
      return other;
    }
    if (other.mantissa.signum() == 0) {
      return this;
    }
    int low = Math.min(exponent, other.exponent);
    BigInteger sum = mantissa.shiftLeft(exponent - low).add(other.mantissa.shiftLeft(other.exponent - low));
    if (sum.signum() == 0) {
      return ZERO;
    }
    return round(sum.abs(), BigInteger.ONE, low, sum.signum() < 0);
  }

  /**
   * Rounds {@code num / den * 2^binaryExponent} (num, den positive) half-even to a 64-bit
   * mantissa, or fewer bits in the subnormal range.
   */
  private static ExtendedFloat round(BigInteger num, BigInteger den, int binaryExponent, boolean negative) {
    int shift = MANTISSA_BITS - (num.bitLength() - den.bitLength());
    BigInteger n = shift >= 0 ? num.shiftLeft(shift) : num;
    BigInteger d = shift >= 0 ? den : den.shiftLeft(-shift);
    BigInteger[] qr = n.divideAndRemainder(d);
    BigInteger q = qr[0];
    boolean sticky = qr[1].signum() != 0;
    long e = (long) binaryExponent - shift;
    // q is in [2^63, 2^65): drop the bits beyond 64, and more below the subnormal floor.
    long drop = q.bitLength() - MANTISSA_BITS;
    if (e + drop < MIN_EXPONENT) {
      drop = MIN_EXPONENT - e;
    }
    if (drop > 0) {
      if (drop > q.bitLength() + 1) {
        return ZERO;
      }
      int bits = (int) drop;
      BigInteger dropped = q.and(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
      q = q.shiftRight(bits);
      e += bits;
      int cmp = dropped.compareTo(BigInteger.ONE.shiftLeft(bits - 1));
      if (cmp > 0 || (cmp == 0 && (sticky || q.testBit(0)))) {
        q = q.add(BigInteger.ONE);
      }
    } else if (sticky) {
      int cmp = qr[1].shiftLeft(1).compareTo(d);
      if (cmp > 0 || (cmp == 0 && q.testBit(0))) {
        q = q.add(BigInteger.ONE);
      }
    }
    if (q.bitLength() > MANTISSA_BITS) {
      q = q.shiftRight(1);
      e++;
    }
    if (q.signum() == 0) {
      return ZERO;
    }
    if (q.bitLength() + e > MAX_BIT) {
      return new ExtendedFloat(negative ? BigInteger.ONE.negate() : BigInteger.ONE, 0, true);
    }
    return new ExtendedFloat(negative ? q.negate() : q, (int) e, false);
  }

  /** The exact value; not for infinities. */
  public BigDecimal toBigDecimal() {
    if (exponent >= 0) {
      return new BigDecimal(mantissa.shiftLeft(exponent));
    }
    return new BigDecimal(mantissa.multiply(BigInteger.valueOf(5).pow(-exponent)), -exponent);
  }

  /** ld2string's LD_STR_HUMAN: {@code %.17Lf} with trailing zeros (and a bare "-0") removed. */
  public byte[] toHumanBytes() {
    return Numbers.humanFriendly(toBigDecimal());
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static int hexValue(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }
}
