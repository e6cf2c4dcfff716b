package io.redgrid.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental parser for client requests: RESP multibulk arrays of bulk strings and inline commands.
 *
 * <p>Bytes are parsed as they arrive straight into the argument arrays, so a large bulk is never
 * rescanned and is copied exactly once. Not thread-safe: one parser per connection.
 *
 * <p>Where Redis 7.0 decides per {@code read()} chunk (the 64 KB line limits), this parser decides
 * per byte, so the outcome never depends on how TCP happened to split the stream.
 */
public final class RespParser {

    private enum State {
        /** Start of a request: '*' selects multibulk, anything else inline. */
        TYPE,
        /** Digits of {@code *count}, up to the CR. */
        MULTIBULK_COUNT,
        /** The byte after the CR of {@code *count}. */
        MULTIBULK_COUNT_LF,
        /** {@code $len} of the next argument, up to the CR. */
        BULK_LENGTH,
        /** The byte after the CR of {@code $len}. */
        BULK_LENGTH_LF,
        /** Payload of the current argument. */
        BULK_DATA,
        /** The two bytes that end a payload. */
        BULK_CRLF,
        /** An inline command, up to LF. */
        INLINE,
        /** After a protocol error; the connection is about to close. */
        FAILED
    }

    private static final String INVALID_MULTIBULK = "ERR Protocol error: invalid multibulk length";
    private static final String INVALID_BULK = "ERR Protocol error: invalid bulk length";
    private static final String TOO_BIG_MBULK_COUNT = "ERR Protocol error: too big mbulk count string";
    private static final String TOO_BIG_BULK_COUNT = "ERR Protocol error: too big bulk count string";
    private static final String TOO_BIG_INLINE = "ERR Protocol error: too big inline request";
    private static final String UNBALANCED_QUOTES = "ERR Protocol error: unbalanced quotes in request";
    private static final String UNAUTH_MULTIBULK = "ERR Protocol error: unauthenticated multibulk length";
    private static final String UNAUTH_BULK = "ERR Protocol error: unauthenticated bulk length";

    /** Redis' limits for connections that still have to AUTH (CVE-2021-32675). */
    private static final int UNAUTH_MAX_ARGS = 10;
    private static final int UNAUTH_MAX_BULK = 16384;
    /** Redis' string2ll rejects 21 or more characters, so longer length lines need not be kept. */
    private static final int MAX_NUMBER_CHARS = 20;
    /** A header may announce a million arguments; grow towards that only as arguments really arrive. */
    private static final int INITIAL_ARGV = 1024;
    /** Java arrays cannot be larger, whatever proto-max-bulk-len says. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int RETAINED_INLINE = 4096;
    private static final byte[] EMPTY = new byte[0];

    private final RespLimits limits;
    private final ArrayDeque<byte[][]> ready = new ArrayDeque<>();
    private boolean authRequired;

    private State state = State.TYPE;
    private String failure;

    /** The current length line, type byte included for {@code $len}; only the first bytes are kept. */
    private final byte[] line = new byte[MAX_NUMBER_CHARS + 2];
    private int lineLength;

    private byte[][] argv;
    private int argc;
    private int expectedArgs;

    private byte[] bulk;
    private int bulkFilled;
    private int crlfLeft;

    private byte[] inline;
    private int inlineLength;

    /** Result of the last successful {@link #parseLong(int)}. */
    private long parsed;

    /** Bytes of the incomplete request consumed in earlier feeds. */
    private long pendingBytes;

    /** A parser enforcing {@code limits}. */
    public RespParser(RespLimits limits) {
        this.limits = limits;
    }

    /**
     * Applies Redis' stricter limits for connections that have not authenticated yet
     * (10 arguments, 16 KB bulks), so they cannot make the server allocate much.
     */
    public void setAuthRequired(boolean authRequired) {
        this.authRequired = authRequired;
    }

    /**
     * Consumes all remaining bytes of {@code bytes}; the buffer may be reused afterwards.
     * Commands completed before a protocol error stay available from {@link #next()}, so a server
     * can run them first, as Redis does, before answering the error and closing.
     */
    public void feed(ByteBuffer bytes) throws ProtocolException {
        int p = bytes.position();
        final int limit = bytes.limit();
        if (failure != null) {
            bytes.position(limit);
            throw new ProtocolException(failure);
        }
        int requestStart = p;
        try {
            while (p < limit) {
                switch (state) {
                    case TYPE:
                        if (bytes.get(p) == '*') {
                            p++;
                            lineLength = 0;
                            state = State.MULTIBULK_COUNT;
                        } else {
                            inlineLength = 0;
                            state = State.INLINE;
                        }
                        break;
                    case MULTIBULK_COUNT:
                    case BULK_LENGTH:
                        p = scanLengthLine(bytes, p, limit);
                        break;
                    case MULTIBULK_COUNT_LF:
                        p++;
                        if (startMultibulk()) {
                            pendingBytes = 0;
                            requestStart = p;
                        }
                        break;
                    case BULK_LENGTH_LF:
                        p++;
                        startBulk();
                        break;
                    case BULK_DATA: {
                        int n = Math.min(limit - p, bulk.length - bulkFilled);
                        bytes.get(p, bulk, bulkFilled, n);
                        p += n;
                        bulkFilled += n;
                        if (bulkFilled == bulk.length) {
                            crlfLeft = 2;
                            state = State.BULK_CRLF;
                        }
                        break;
                    }
                    case BULK_CRLF: {
                        // Redis skips these two bytes without looking at them; so do we.
                        int n = Math.min(limit - p, crlfLeft);
                        p += n;
                        crlfLeft -= n;
                        if (crlfLeft == 0 && addArgument()) {
                            pendingBytes = 0;
                            requestStart = p;
                        }
                        break;
                    }
                    case INLINE:
                        p = scanInline(bytes, p, limit);
                        if (state == State.TYPE) {
                            pendingBytes = 0;
                            requestStart = p;
                        }
                        break;
                    default:
                        throw new IllegalStateException(state.name());
                }
            }
            pendingBytes += limit - requestStart;
        } catch (ProtocolException e) {
            fail(e.getMessage());
            throw e;
        } finally {
            bytes.position(limit);
        }
    }

    /** The next complete command, or null if none is complete yet. */
    public byte[][] next() {
        return ready.poll();
    }

    /** Whether {@link #next()} would return a command. */
    public boolean hasNext() {
        return !ready.isEmpty();
    }

    /** Bytes received for the command still incomplete (0 between commands). */
    public int buffered() {
        return (int) Math.min(Integer.MAX_VALUE, pendingBytes);
    }

    private int scanLengthLine(ByteBuffer bytes, int p, int limit) throws ProtocolException {
        boolean count = state == State.MULTIBULK_COUNT;
        // Redis counts the pending request from its type byte; for *count that byte is not in line.
        int maxLine = count ? limits.maxInlineLength() - 1 : limits.maxInlineLength();
        while (p < limit) {
            byte b = bytes.get(p++);
            if (b == '\r') {
                state = count ? State.MULTIBULK_COUNT_LF : State.BULK_LENGTH_LF;
                return p;
            }
            if (lineLength < line.length) {
                line[lineLength] = b;
            }
            if (++lineLength > maxLine) {
                throw new ProtocolException(count ? TOO_BIG_MBULK_COUNT : TOO_BIG_BULK_COUNT);
            }
        }
        return p;
    }

    /** Reads {@code *count}; returns true when the request turned out empty and is finished. */
    private boolean startMultibulk() throws ProtocolException {
        if (!parseLong(0) || parsed > limits.maxMultibulkLength()) {
            throw new ProtocolException(INVALID_MULTIBULK);
        }
        if (parsed > UNAUTH_MAX_ARGS && authRequired) {
            throw new ProtocolException(UNAUTH_MULTIBULK);
        }
        if (parsed <= 0) {
            state = State.TYPE;
            return true;
        }
        expectedArgs = (int) parsed;
        argv = new byte[Math.min(expectedArgs, INITIAL_ARGV)][];
        argc = 0;
        lineLength = 0;
        state = State.BULK_LENGTH;
        return false;
    }

    private void startBulk() throws ProtocolException {
        // Redis only looks at the type byte once the whole line is in, hence the check here.
        int type = lineLength == 0 ? '\r' : line[0] & 0xFF;
        if (type != '$') {
            throw new ProtocolException(expectedDollar(type));
        }
        if (!parseLong(1) || parsed < 0 || parsed > limits.maxBulkLength() || parsed > MAX_ARRAY) {
            throw new ProtocolException(INVALID_BULK);
        }
        if (parsed > UNAUTH_MAX_BULK && authRequired) {
            throw new ProtocolException(UNAUTH_BULK);
        }
        bulk = parsed == 0 ? EMPTY : new byte[(int) parsed];
        bulkFilled = 0;
        if (bulk.length == 0) {
            crlfLeft = 2;
            state = State.BULK_CRLF;
        } else {
            state = State.BULK_DATA;
        }
    }

    /** Appends the finished bulk to argv; returns true when that completed the command. */
    private boolean addArgument() {
        if (argc == argv.length) {
            argv = Arrays.copyOf(argv, (int) Math.min(expectedArgs, 2L * argv.length));
        }
        argv[argc++] = bulk;
        bulk = null;
        if (argc == expectedArgs) {
            ready.add(argv);
            argv = null;
            argc = 0;
            state = State.TYPE;
            return true;
        }
        lineLength = 0;
        state = State.BULK_LENGTH;
        return false;
    }

    /** Mirrors Redis' addReplyErrorFormat, which turns CR/LF into spaces and stops at a NUL. */
    private static String expectedDollar(int type) {
        String prefix = "ERR Protocol error: expected '$', got '";
        if (type == 0) {
            return prefix;
        }
        char shown = (type == '\r' || type == '\n') ? ' ' : (char) type;
        return prefix + shown + "'";
    }

    /**
     * Parses the number in line[from, lineLength) with the rules of Redis' string2ll: optional
     * '-', no '+', no leading zeros, no spaces, at most 20 characters, full long range.
     */
    private boolean parseLong(int from) {
        int length = lineLength - from;
        if (length <= 0 || length > MAX_NUMBER_CHARS) {
            return false;
        }
        int i = from;
        int end = lineLength;
        if (length == 1 && line[i] == '0') {
            parsed = 0;
            return true;
        }
        boolean negative = line[i] == '-';
        if (negative) {
            i++;
            if (i == end) {
                return false;
            }
        }
        if (line[i] < '1' || line[i] > '9') {
            return false;
        }
        // Accumulate negatively so Long.MIN_VALUE is reachable, as in Long.parseLong.
        long bound = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long boundDiv10 = bound / 10;
        long result = 0;
        for (; i < end; i++) {
            int digit = line[i] - '0';
            if (digit < 0 || digit > 9 || result < boundDiv10) {
                return false;
            }
            result *= 10;
            if (result < bound + digit) {
                return false;
            }
            result -= digit;
        }
        parsed = negative ? result : -result;
        return true;
    }

    private int scanInline(ByteBuffer bytes, int p, int limit) throws ProtocolException {
        int newline = -1;
        for (int i = p; i < limit; i++) {
            if (bytes.get(i) == '\n') {
                newline = i;
                break;
            }
        }
        int end = newline < 0 ? limit : newline;
        int n = end - p;
        if ((long) inlineLength + n > limits.maxInlineLength()) {
            throw new ProtocolException(TOO_BIG_INLINE);
        }
        if (inline == null || inline.length < inlineLength + n) {
            int capacity = Math.max(inlineLength + n, inline == null ? 128 : inline.length * 2);
            inline = Arrays.copyOf(inline == null ? EMPTY : inline, Math.min(capacity, limits.maxInlineLength()));
        }
        bytes.get(p, inline, inlineLength, n);
        inlineLength += n;
        if (newline < 0) {
            return limit;
        }
        int length = inlineLength;
        if (length > 0 && inline[length - 1] == '\r') {
            length--;
        }
        byte[][] args = splitArgs(inline, length);
        if (args.length > 0) {
            ready.add(args);
        }
        inlineLength = 0;
        if (inline.length > RETAINED_INLINE) {
            inline = null;
        }
        state = State.TYPE;
        return newline + 1;
    }

    /**
     * Splits an inline line like Redis' sdssplitargs: blanks separate arguments, "double quotes"
     * understand \n \r \t \b \a \xHH and \-escapes, 'single quotes' only \', a closing quote must be
     * followed by a blank or the end, and a NUL ends the line as it does for the C string.
     */
    static byte[][] splitArgs(byte[] s, int length) throws ProtocolException {
        int len = length;
        for (int i = 0; i < length; i++) {
            if (s[i] == 0) {
                len = i;
                break;
            }
        }
        List<byte[]> args = new ArrayList<>();
        byte[] token = new byte[len];
        int p = 0;
        while (true) {
            while (p < len && isSpace(s[p] & 0xFF)) {
                p++;
            }
            if (p >= len) {
                return args.toArray(new byte[0][]);
            }
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            int t = 0;
            while (!done) {
                int c = at(s, len, p);
                if (inDouble) {
                    if (c == '\\' && at(s, len, p + 1) == 'x'
                            && isHex(at(s, len, p + 2)) && isHex(at(s, len, p + 3))) {
                        token[t++] = (byte) (hex(at(s, len, p + 2)) * 16 + hex(at(s, len, p + 3)));
                        p += 3;
                    } else if (c == '\\' && at(s, len, p + 1) != 0) {
                        p++;
                        token[t++] = unescape(at(s, len, p));
                    } else if (c == '"') {
                        int after = at(s, len, p + 1);
                        if (after != 0 && !isSpace(after)) {
                            throw new ProtocolException(UNBALANCED_QUOTES);
                        }
                        done = true;
                    } else if (c == 0) {
                        throw new ProtocolException(UNBALANCED_QUOTES);
                    } else {
                        token[t++] = (byte) c;
                    }
                } else if (inSingle) {
                    if (c == '\\' && at(s, len, p + 1) == '\'') {
                        p++;
                        token[t++] = '\'';
                    } else if (c == '\'') {
                        int after = at(s, len, p + 1);
                        if (after != 0 && !isSpace(after)) {
                            throw new ProtocolException(UNBALANCED_QUOTES);
                        }
                        done = true;
                    } else if (c == 0) {
                        throw new ProtocolException(UNBALANCED_QUOTES);
                    } else {
                        token[t++] = (byte) c;
                    }
                } else {
                    switch (c) {
                        case ' ':
                        case '\n':
                        case '\r':
                        case '\t':
                        case 0:
                            done = true;
                            break;
                        case '"':
                            inDouble = true;
                            break;
                        case '\'':
                            inSingle = true;
                            break;
                        default:
                            token[t++] = (byte) c;
                            break;
                    }
                }
                if (p < len) {
                    p++;
                }
            }
            args.add(Arrays.copyOf(token, t));
        }
    }

    /** The byte at i as unsigned, or 0 past the end, standing in for the C string terminator. */
    private static int at(byte[] s, int len, int i) {
        return i < len ? s[i] & 0xFF : 0;
    }

    private static byte unescape(int c) {
        switch (c) {
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'b':
                return '\b';
            case 'a':
                return 7;
            default:
                return (byte) c;
        }
    }

    /** C isspace() in the C locale. */
    private static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(int c) {
        if (c <= '9') {
            return c - '0';
        }
        return (c | 0x20) - 'a' + 10;
    }

    private void fail(String message) {
        failure = message;
        state = State.FAILED;
        argv = null;
        bulk = null;
        inline = null;
    }
}
