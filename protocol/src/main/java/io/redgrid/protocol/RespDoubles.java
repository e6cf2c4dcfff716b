package io.redgrid.protocol;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Double-to-text exactly as Redis 7.0's {@code addReplyDouble} prints it. */
public final class RespDoubles {

    private static final int PRECISION = 17;
    private static final MathContext SIGNIFICANT_17 = new MathContext(PRECISION, RoundingMode.HALF_EVEN);
    /** Below 2^53 every integral double is exact and has at most 16 digits, so %.17g prints it plainly. */
    private static final double EXACT_INTEGER_LIMIT = 9007199254740992.0;

    private RespDoubles() {
    }

    /**
     * Formats like C's {@code %.17g}, with {@code inf}, {@code -inf} and {@code nan} for the specials:
     * 1.5 gives "1.5", 0.1 gives "0.10000000000000001", 1e20 gives "1e+20".
     */
    public static String format(double value) {
        if (Double.isNaN(value)) {
            // glibc may print "-nan" for a negative NaN; clients only ever see Redis send "nan".
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return (Double.doubleToRawLongBits(value) < 0) ? "-0" : "0";
        }
        if (value == Math.rint(value) && Math.abs(value) < EXACT_INTEGER_LIMIT) {
            return Long.toString((long) value);
        }
        return formatG17(value);
    }

    private static String formatG17(double value) {
        // new BigDecimal(double) is the exact binary value, so rounding it half-even to 17
        // significant digits reproduces glibc's correctly rounded printf.
        BigDecimal rounded = new BigDecimal(value).round(SIGNIFICANT_17);
        String digits = rounded.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - rounded.scale();
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        StringBuilder out = new StringBuilder(26);
        if (value < 0) {
            out.append('-');
        }
        if (exponent < -4 || exponent >= PRECISION) {
            out.append(digits.charAt(0));
            if (end > 1) {
                out.append('.').append(digits, 1, end);
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int absExponent = Math.abs(exponent);
            if (absExponent < 10) {
                out.append('0');
            }
            out.append(absExponent);
        } else if (exponent < 0) {
            out.append("0.");
            for (int i = -1; i > exponent; i--) {
                out.append('0');
            }
            out.append(digits, 0, end);
        } else {
            int integerDigits = exponent + 1;
            if (end <= integerDigits) {
                out.append(digits, 0, end);
                for (int i = end; i < integerDigits; i++) {
                    out.append('0');
                }
            } else {
                out.append(digits, 0, integerDigits).append('.').append(digits, integerDigits, end);
            }
        }
        return out.toString();
    }
}
