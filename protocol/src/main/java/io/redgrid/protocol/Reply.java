package io.redgrid.protocol;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A reply value that {@link RespWriter} encodes as RESP2 or RESP3.
 *
 * <p>Lists are held as given, not copied: build them, hand them over, and stop mutating them.
 * Records holding a {@code byte[]} compare the array by identity; compare encoded bytes instead.
 */
public sealed interface Reply {

    /** A status line, {@code +text}. */
    record Simple(String text) implements Reply {
        public Simple {
            Objects.requireNonNull(text, "text");
        }
    }

    /** An error line, {@code -message}; the message carries its own prefix such as {@code ERR}. */
    record Error(String message) implements Reply {
        public Error {
            Objects.requireNonNull(message, "message");
        }
    }

    /** An integer, {@code :n}. */
    record Int(long value) implements Reply {
    }

    /** A binary-safe bulk string, {@code $len}. */
    record Bulk(byte[] value) implements Reply {
        public Bulk {
            Objects.requireNonNull(value, "value (use Reply.NULL for a null bulk)");
        }

        @Override
        public String toString() {
            return "Bulk[" + new String(value, StandardCharsets.UTF_8) + "]";
        }
    }

    /** The null bulk string: RESP2 {@code $-1}, RESP3 {@code _}. */
    final class Null implements Reply {
        static final Null INSTANCE = new Null();

        private Null() {
        }

        @Override
        public String toString() {
            return "Null";
        }
    }

    /** The null array: RESP2 {@code *-1}, RESP3 {@code _}. */
    final class NullArray implements Reply {
        static final NullArray INSTANCE = new NullArray();

        private NullArray() {
        }

        @Override
        public String toString() {
            return "NullArray";
        }
    }

    /** An array, {@code *n}. */
    record Array(List<Reply> items) implements Reply {
        public Array {
            Objects.requireNonNull(items, "items");
        }
    }

    /** A map given as flat key, value, key, value...: RESP3 {@code %n/2}, RESP2 flat {@code *n}. */
    record MapReply(List<Reply> keysAndValues) implements Reply {
        public MapReply {
            Objects.requireNonNull(keysAndValues, "keysAndValues");
            if ((keysAndValues.size() & 1) != 0) {
                throw new IllegalArgumentException("map needs an even number of items, got " + keysAndValues.size());
            }
        }
    }

    /** A set: RESP3 {@code ~n}, RESP2 {@code *n}. */
    record SetReply(List<Reply> items) implements Reply {
        public SetReply {
            Objects.requireNonNull(items, "items");
        }
    }

    /** A double: RESP3 {@code ,text}, RESP2 bulk string, text as Redis 7.0's {@code %.17g}. */
    record Double(double value) implements Reply {
    }

    /** A boolean: RESP3 {@code #t}/{@code #f}, RESP2 integer 1/0. */
    record Bool(boolean value) implements Reply {
    }

    /** A verbatim string with a 3-character format such as {@code txt}: RESP3 {@code =}, RESP2 bulk. */
    record Verbatim(String format, byte[] text) implements Reply {
        public Verbatim {
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(text, "text");
            if (format.length() != 3) {
                throw new IllegalArgumentException("verbatim format must be 3 characters, got '" + format + "'");
            }
        }

        @Override
        public String toString() {
            return "Verbatim[" + format + ":" + new String(text, StandardCharsets.UTF_8) + "]";
        }
    }

    /** An out-of-band push message: RESP3 {@code >n}, RESP2 {@code *n}. */
    record Push(List<Reply> items) implements Reply {
        public Push {
            Objects.requireNonNull(items, "items");
        }
    }

    /** An arbitrary-precision integer: RESP3 {@code (n}, RESP2 bulk string of the digits. */
    record BigNumber(BigInteger value) implements Reply {
        public BigNumber {
            Objects.requireNonNull(value, "value");
        }
    }

    Null NULL = Null.INSTANCE;
    NullArray NULL_ARRAY = NullArray.INSTANCE;
    Reply OK = new Simple("OK");
    Reply PONG = new Simple("PONG");
    Reply QUEUED = new Simple("QUEUED");
    Reply ZERO = IntCache.CACHE[-IntCache.LOW];
    Reply ONE = IntCache.CACHE[1 - IntCache.LOW];
    Reply EMPTY_ARRAY = new Array(List.of());
    Reply EMPTY_BULK = new Bulk(new byte[0]);
    Reply TRUE = new Bool(true);
    Reply FALSE = new Bool(false);

    /** An integer reply, shared for small values since counts and flags dominate. */
    static Reply integer(long value) {
        if (value >= IntCache.LOW && value <= IntCache.HIGH) {
            return IntCache.CACHE[(int) value - IntCache.LOW];
        }
        return new Int(value);
    }

    /** A bulk string of these bytes (not copied), or {@link #NULL} for a null array. */
    static Reply bulk(byte[] value) {
        return value == null ? NULL : new Bulk(value);
    }

    /** A bulk string of the UTF-8 bytes of {@code value}, or {@link #NULL} for null. */
    static Reply bulk(String value) {
        return value == null ? NULL : new Bulk(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A status reply; reuses the constants for the common ones. */
    static Reply simple(String text) {
        switch (text) {
            case "OK":
                return OK;
            case "PONG":
                return PONG;
            case "QUEUED":
                return QUEUED;
            default:
                return new Simple(text);
        }
    }

    /** An error reply; {@code message} must already start with its code, e.g. {@code ERR ...}. */
    static Reply error(String message) {
        return new Error(message);
    }

    /** An array of these items (not copied). */
    static Reply array(List<Reply> items) {
        return items.isEmpty() ? EMPTY_ARRAY : new Array(items);
    }

    /** An array of these items. */
    static Reply array(Reply... items) {
        return items.length == 0 ? EMPTY_ARRAY : new Array(Arrays.asList(items));
    }

    /** A map from a flat key, value, key, value... list (not copied). */
    static Reply map(List<Reply> keysAndValues) {
        return new MapReply(keysAndValues);
    }

    /** A set of these items (not copied). */
    static Reply set(List<Reply> items) {
        return new SetReply(items);
    }

    /** A double reply. */
    static Reply dbl(double value) {
        return new Double(value);
    }

    /** A boolean reply. */
    static Reply bool(boolean value) {
        return value ? TRUE : FALSE;
    }

    /** A push message of these items (not copied). */
    static Reply push(List<Reply> items) {
        return new Push(items);
    }

    /** A verbatim string such as {@code verbatim("txt", bytes)}. */
    static Reply verbatim(String format, byte[] text) {
        return new Verbatim(format, text);
    }

    /** A big number reply. */
    static Reply bigNumber(BigInteger value) {
        return new BigNumber(value);
    }

    /** The text Redis 7.0 sends for a double; see {@link RespDoubles#format(double)}. */
    static String formatDouble(double value) {
        return RespDoubles.format(value);
    }
}

/** Keeps the shared small {@link Reply.Int} instances out of Reply's public constants. */
final class IntCache {
    static final int LOW = -1;
    static final int HIGH = 1023;
    static final Reply.Int[] CACHE = new Reply.Int[HIGH - LOW + 1];

    static {
        for (int i = 0; i < CACHE.length; i++) {
            CACHE[i] = new Reply.Int(i + LOW);
        }
    }

    private IntCache() {
    }
}
