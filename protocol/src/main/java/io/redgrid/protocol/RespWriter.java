package io.redgrid.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** A growable byte buffer that encodes {@link Reply} values and commands as RESP2 or RESP3. */
public final class RespWriter {

    private static final int INITIAL_CAPACITY = 256;
    /** A writer that once held a huge reply gives the memory back on reset instead of pinning it. */
    private static final int RETAINED_CAPACITY = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] RESP2_NULL = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESP2_NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESP3_NULL = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OK_LINE = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LONG_MIN_DIGITS = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int size;

    /** An empty writer. */
    public RespWriter() {
        this(INITIAL_CAPACITY);
    }

    /** An empty writer whose buffer starts with room for {@code initialCapacity} bytes. */
    public RespWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Encodes {@code reply} for a connection speaking RESP {@code protocol} (2 or 3). */
    public void write(Reply reply, int protocol) {
        if (protocol != 2 && protocol != 3) {
            throw new IllegalArgumentException("protocol must be 2 or 3, got " + protocol);
        }
        writeReply(reply, protocol == 3);
    }

    /** Encodes a command as a RESP array of bulk strings, the form clients, replicas and the AOF use. */
    public void writeCommand(byte[]... args) {
        writeHeader('*', args.length);
        for (byte[] arg : args) {
            writeBulk(arg);
        }
    }

    /** Number of bytes written since creation or the last {@link #reset()}. */
    public int size() {
        return size;
    }

    /** A copy of the bytes written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** A read-only view of the bytes written so far, valid until the next write or reset. */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(buf, 0, size).asReadOnlyBuffer();
    }

    /** Copies everything written so far into {@code dst}; throws BufferOverflowException if it does not fit. */
    public void writeTo(ByteBuffer dst) {
        dst.put(buf, 0, size);
    }

    /** Forgets the bytes written so far. */
    public void reset() {
        size = 0;
        if (buf.length > RETAINED_CAPACITY) {
            buf = new byte[INITIAL_CAPACITY];
        }
    }

    /** The bytes of {@code reply} in RESP {@code protocol} (2 or 3). */
    public static byte[] encode(Reply reply, int protocol) {
        RespWriter writer = new RespWriter(64);
        writer.write(reply, protocol);
        return writer.toByteArray();
    }

    /** The bytes of a command as a RESP array of bulk strings. */
    public static byte[] encodeCommand(byte[]... args) {
        int capacity = 16;
        for (byte[] arg : args) {
            capacity += arg.length + 16;
        }
        RespWriter writer = new RespWriter(capacity);
        writer.writeCommand(args);
        return writer.toByteArray();
    }

    private void writeReply(Reply reply, boolean resp3) {
        if (reply instanceof Reply.Bulk) {
            writeBulk(((Reply.Bulk) reply).value());
        } else if (reply == Reply.OK) {
            writeRaw(OK_LINE);
        } else if (reply instanceof Reply.Simple) {
            writeLine('+', ((Reply.Simple) reply).text());
        } else if (reply instanceof Reply.Int) {
            writeHeader(':', ((Reply.Int) reply).value());
        } else if (reply instanceof Reply.Null) {
            writeRaw(resp3 ? RESP3_NULL : RESP2_NULL);
        } else if (reply instanceof Reply.Array) {
            writeAggregate('*', ((Reply.Array) reply).items(), resp3);
        } else if (reply instanceof Reply.Error) {
            writeLine('-', ((Reply.Error) reply).message());
        } else if (reply instanceof Reply.NullArray) {
            writeRaw(resp3 ? RESP3_NULL : RESP2_NULL_ARRAY);
        } else if (reply instanceof Reply.MapReply) {
            List<Reply> kv = ((Reply.MapReply) reply).keysAndValues();
            if (resp3) {
                writeHeader('%', kv.size() / 2);
                writeItems(kv, true);
            } else {
                writeAggregate('*', kv, false);
            }
        } else if (reply instanceof Reply.Double) {
            writeDouble(((Reply.Double) reply).value(), resp3);
        } else if (reply instanceof Reply.SetReply) {
            writeAggregate(resp3 ? '~' : '*', ((Reply.SetReply) reply).items(), resp3);
        } else if (reply instanceof Reply.Bool) {
            boolean value = ((Reply.Bool) reply).value();
            if (resp3) {
                ensure(4);
                buf[size++] = '#';
                buf[size++] = (byte) (value ? 't' : 'f');
                buf[size++] = '\r';
                buf[size++] = '\n';
            } else {
                writeHeader(':', value ? 1 : 0);
            }
        } else if (reply instanceof Reply.Push) {
            writeAggregate(resp3 ? '>' : '*', ((Reply.Push) reply).items(), resp3);
        } else if (reply instanceof Reply.Verbatim) {
            Reply.Verbatim verbatim = (Reply.Verbatim) reply;
            if (resp3) {
                byte[] text = verbatim.text();
                writeHeader('=', text.length + 4L);
                ensure(4);
                String format = verbatim.format();
                for (int i = 0; i < 3; i++) {
                    buf[size++] = (byte) format.charAt(i);
                }
                buf[size++] = ':';
                writeRaw(text);
                writeRaw(CRLF);
            } else {
                writeBulk(verbatim.text());
            }
        } else if (reply instanceof Reply.BigNumber) {
            String digits = ((Reply.BigNumber) reply).value().toString();
            if (resp3) {
                writeLine('(', digits);
            } else {
                writeHeader('$', digits.length());
                writeAscii(digits);
                writeRaw(CRLF);
            }
        } else {
            throw new IllegalArgumentException("unknown reply type: " + reply);
        }
    }

    private void writeAggregate(char type, List<Reply> items, boolean resp3) {
        writeHeader(type, items.size());
        writeItems(items, resp3);
    }

    private void writeItems(List<Reply> items, boolean resp3) {
        for (int i = 0, n = items.size(); i < n; i++) {
            writeReply(items.get(i), resp3);
        }
    }

    private void writeBulk(byte[] value) {
        writeHeader('$', value.length);
        ensure(value.length + 2);
        System.arraycopy(value, 0, buf, size, value.length);
        size += value.length;
        buf[size++] = '\r';
        buf[size++] = '\n';
    }

    private void writeDouble(double value, boolean resp3) {
        String text = RespDoubles.format(value);
        if (resp3) {
            writeLine(',', text);
        } else {
            writeHeader('$', text.length());
            writeAscii(text);
            writeRaw(CRLF);
        }
    }

    /** Writes {@code type}, the decimal digits of {@code n} and CRLF, without building a String. */
    private void writeHeader(char type, long n) {
        ensure(23);
        buf[size++] = (byte) type;
        if (n == Long.MIN_VALUE) {
            System.arraycopy(LONG_MIN_DIGITS, 0, buf, size, LONG_MIN_DIGITS.length);
            size += LONG_MIN_DIGITS.length;
        } else {
            if (n < 0) {
                buf[size++] = '-';
                n = -n;
            }
            int digits = digitCount(n);
            int end = size + digits;
            for (int i = end - 1; i >= size; i--) {
                buf[i] = (byte) ('0' + (int) (n % 10));
                n /= 10;
            }
            size = end;
        }
        buf[size++] = '\r';
        buf[size++] = '\n';
    }

    private static int digitCount(long n) {
        int digits = 1;
        long bound = 10;
        while (digits < 19 && n >= bound) {
            digits++;
            bound *= 10;
        }
        return digits;
    }

    /**
     * Writes a status, error or other single-line reply. CR and LF become spaces, as Redis does for
     * formatted errors, because a line break inside would desynchronise the client.
     */
    private void writeLine(char type, String text) {
        int n = text.length();
        ensure(n + 3);
        buf[size++] = (byte) type;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                writeUtf8Tail(text, i);
                break;
            }
            buf[size++] = (c == '\r' || c == '\n') ? (byte) ' ' : (byte) c;
        }
        buf[size++] = '\r';
        buf[size++] = '\n';
    }

    /** Slow path for the rare non-ASCII status or error text. */
    private void writeUtf8Tail(String text, int from) {
        byte[] tail = text.substring(from).getBytes(StandardCharsets.UTF_8);
        ensure(tail.length + 2);
        for (byte b : tail) {
            buf[size++] = (b == '\r' || b == '\n') ? (byte) ' ' : b;
        }
    }

    private void writeAscii(String text) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) text.charAt(i);
        }
    }

    private void writeRaw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
    }

    private void ensure(int extra) {
        long needed = (long) size + extra;
        if (needed <= buf.length) {
            return;
        }
        if (needed > Integer.MAX_VALUE - 8) {
            throw new OutOfMemoryError("reply larger than 2 GB");
        }
        long grown = Math.max(needed, (long) buf.length * 2);
        buf = Arrays.copyOf(buf, (int) Math.min(grown, Integer.MAX_VALUE - 8));
    }
}
