package io.redgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RespParserTest {

    /** A piece of a stream and the command it yields, or null for pieces Redis skips. */
    private record Piece(String bytes, String... argv) {
        boolean yields() {
            return argv.length > 0;
        }
    }

    /** A sample stream made of pieces, so the offset at which each command completes is known. */
    private record Frame(String name, List<Piece> pieces) {
        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Piece piece : pieces) {
                out.writeBytes(b(piece.bytes()));
            }
            return out.toByteArray();
        }

        /** Commands whose last byte lies within the first {@code fed} bytes. */
        List<byte[][]> completeAfter(int fed) {
            List<byte[][]> out = new ArrayList<>();
            int end = 0;
            for (Piece piece : pieces) {
                end += piece.bytes().length();
                if (end <= fed && piece.yields()) {
                    out.add(argv(piece.argv()));
                }
            }
            return out;
        }

        /** Bytes of the first {@code fed} that belong to a request not yet complete. */
        int pendingAfter(int fed) {
            int end = 0;
            for (Piece piece : pieces) {
                int next = end + piece.bytes().length();
                if (next > fed) {
                    return fed - end;
                }
                end = next;
            }
            return 0;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Piece piece(String bytes, String... argv) {
        return new Piece(bytes, argv);
    }

    private static Frame frame(String name, Piece... pieces) {
        return new Frame(name, List.of(pieces));
    }

    static Stream<Frame> frames() {
        return Stream.of(
                frame("multibulk GET", piece("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n", "GET", "k")),
                frame("multibulk with an empty argument", piece("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", "SET", "k", "")),
                frame("binary-safe bulk holding CRLF and NUL",
                        piece("*3\r\n$3\r\nSET\r\n$6\r\na\r\nb\r\n\r\n$4\r\n\u0000\r\n\u00ff\r\n", "SET", "a\r\nb\r\n", "\u0000\r\n\u00ff")),
                frame("bulk whose payload looks like a header", piece("*1\r\n$9\r\n*1\r\n$1\r\nx\r\n", "*1\r\n$1\r\nx")),
                frame("two-digit argument count", piece("*12\r\n" + "$1\r\na\r\n".repeat(12), repeat("a", 12))),
                frame("inline PING", piece("PING\r\n", "PING")),
                frame("inline ending in bare LF", piece("PING\n", "PING")),
                frame("inline with double quotes", piece("set k \"a b\"\r\n", "set", "k", "a b")),
                frame("inline with escapes and single quotes",
                        piece("SET \"\\x41\\x7a\\n\\t\\\"q\" 'it\\'s \\n'\r\n", "SET", "Az\n\t\"q", "it's \\n")),
                frame("inline with blanks around and between", piece("  GET \t  key   \r\n", "GET", "key")),
                frame("empty inline lines and empty multibulks are skipped",
                        piece("\r\n"), piece("\n"), piece("*0\r\n"), piece("*-1\r\n"), piece("   \r\n"),
                        piece("PING\r\n", "PING")),
                frame("pipelined batch",
                        piece("*1\r\n$4\r\nPING\r\n", "PING"),
                        piece("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n", "SET", "key", "value"),
                        piece("ECHO \"hi there\"\r\n", "ECHO", "hi there"),
                        piece("\r\n"),
                        piece("*0\r\n"),
                        piece("*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n", "INCR", "n"),
                        piece("QUIT\n", "QUIT"),
                        piece("*2\r\n$3\r\nGET\r\n$3\r\n\r\n\r\r\n", "GET", "\r\n\r")));
    }

    private static String[] repeat(String s, int n) {
        String[] out = new String[n];
        Arrays.fill(out, s);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void frameFedWholeYieldsExactlyItsCommands(Frame frame) throws Exception {
        RespParser parser = new RespParser(RespLimits.DEFAULT);
        parser.feed(ByteBuffer.wrap(frame.bytes()));
        assertCommands(frame.completeAfter(Integer.MAX_VALUE), drain(parser));
        assertEquals(0, parser.buffered());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void commandSplitAtEveryByteIsEmittedOnceComplete(Frame frame) throws Exception {
        byte[] all = frame.bytes();
        for (int cut = 0; cut <= all.length; cut++) {
            RespParser parser = new RespParser(RespLimits.DEFAULT);
            parser.feed(ByteBuffer.wrap(all, 0, cut));
            assertCommands(frame.completeAfter(cut), drain(parser), "after first " + cut + " bytes");
            assertEquals(frame.pendingAfter(cut), parser.buffered(), "buffered after " + cut);
            parser.feed(ByteBuffer.wrap(all, cut, all.length - cut));
            List<byte[][]> everything = frame.completeAfter(all.length);
            List<byte[][]> rest = everything.subList(frame.completeAfter(cut).size(), everything.size());
            assertCommands(rest, drain(parser), "after the rest from " + cut);
            assertEquals(0, parser.buffered());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void frameFedOneByteAtATimeEmitsEachCommandOnItsLastByte(Frame frame) throws Exception {
        byte[] all = frame.bytes();
        RespParser parser = new RespParser(RespLimits.DEFAULT);
        List<byte[][]> seen = new ArrayList<>();
        // One buffer reused for every byte: the parser must copy what it keeps.
        ByteBuffer one = ByteBuffer.allocateDirect(1);
        for (int i = 0; i < all.length; i++) {
            one.clear();
            one.put(all[i]).flip();
            parser.feed(one);
            assertFalse(one.hasRemaining(), "feed consumes everything");
            one.clear();
            one.put((byte) '#');
            seen.addAll(drain(parser));
            assertCommands(frame.completeAfter(i + 1), seen, "after byte " + i);
            assertEquals(frame.pendingAfter(i + 1), parser.buffered(), "buffered after byte " + i);
        }
    }

    @Test
    void pipelinedCommandsComeOutOneByOneInOrder() throws Exception {
        RespParser parser = new RespParser(RespLimits.DEFAULT);
        parser.feed(ByteBuffer.wrap(b("*1\r\n$4\r\nPING\r\nECHO a\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPI")));
        assertTrue(parser.hasNext());
        assertArgv(parser.next(), "PING");
        assertArgv(parser.next(), "ECHO", "a");
        assertArgv(parser.next(), "GET", "k");
        assertNull(parser.next());
        assertFalse(parser.hasNext());
        assertEquals(10, parser.buffered());
        parser.feed(ByteBuffer.wrap(b("NG\r\n")));
        assertArgv(parser.next(), "PING");
        assertNull(parser.next());
    }

    @Test
    void feedConsumesOnlyTheRemainingBytesOfTheBuffer() throws Exception {
        ByteBuffer buf = ByteBuffer.wrap(b("xx*1\r\n$4\r\nPING\r\nyy"));
        buf.position(2).limit(buf.capacity() - 2);
        RespParser parser = new RespParser(RespLimits.DEFAULT);
        parser.feed(buf);
        assertEquals(buf.limit(), buf.position());
        assertArgv(parser.next(), "PING");
        assertEquals(0, parser.buffered());
    }

    @Test
    void aOneMegabyteBulkArrivingInManyChunksIsCopiedIntact() throws Exception {
        byte[] value = new byte[1024 * 1024];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i * 31 + (i >>> 9));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(b("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + value.length + "\r\n"));
        out.writeBytes(value);
        out.writeBytes(b("\r\n*1\r\n$4\r\nPING\r\n"));
        byte[] stream = out.toByteArray();

        RespParser parser = new RespParser(RespLimits.DEFAULT);
        ByteBuffer chunk = ByteBuffer.allocate(4093);
        int fed = 0;
        while (fed < stream.length) {
            int n = Math.min(chunk.capacity(), stream.length - fed);
            chunk.clear();
            chunk.put(stream, fed, n).flip();
            parser.feed(chunk);
            fed += n;
            if (fed < stream.length - 16) {
                assertNull(parser.next(), "nothing before the bulk is complete");
                assertEquals(fed, parser.buffered());
            }
        }
        byte[][] set = parser.next();
        assertEquals(3, set.length);
        assertArrayEquals(b("SET"), set[0]);
        assertArrayEquals(b("big"), set[1]);
        assertArrayEquals(value, set[2]);
        assertArgv(parser.next(), "PING");
        assertNull(parser.next());
        assertEquals(0, parser.buffered());
    }

    @Test
    void aCommandWithManyArgumentsGrowsItsArgvToTheExactCount() throws Exception {
        int count = 5000;
        StringBuilder sb = new StringBuilder("*" + count + "\r\n");
        for (int i = 0; i < count; i++) {
            String s = Integer.toString(i);
            sb.append('$').append(s.length()).append("\r\n").append(s).append("\r\n");
        }
        RespParser parser = new RespParser(RespLimits.DEFAULT);
        parser.feed(ByteBuffer.wrap(b(sb.toString())));
        byte[][] argv = parser.next();
        assertEquals(count, argv.length);
        for (int i = 0; i < count; i++) {
            assertEquals(Integer.toString(i), new String(argv[i], StandardCharsets.US_ASCII));
        }
    }

    @Test
    void inlineArgumentsSplitLikeRedisSdssplitargs() throws Exception {
        assertNull(parseOne("a\"b c\"d\r\n"), "closing quote glued to the next character");
        assertArgv(parseOne("ab\"cd ef\" gh\r\n"), "abcd ef", "gh");
        assertArgv(parseOne("\"\" ''\r\n"), "", "");
        assertArgv(parseOne("\"\\x4a\\x4B\\xzz\\q\"\r\n"), "JK" + "xzz" + "q");
        assertArgv(parseOne("'a\\nb' \"a\\nb\"\r\n"), "a\\nb", "a\nb");
        assertArgv(parseOne("a\u000bb\r\n"), "a\u000bb");
        assertArgv(parseOne("\u000b\u000ca\r\n"), "a");
        assertArgv(parseOne("a\rb\r\n"), "a", "b");
        assertArgv(parseOne("GET a\u0000b\r\n"), "GET", "a");
        assertArgv(parseOne("\"\u00e9\u0080\"\r\n"), "\u00e9\u0080");
        assertArgv(parseOne("x\r\r\n"), "x");
    }

    @Test
    void unbalancedQuotesAreAProtocolError() {
        for (String line : new String[] {"set k \"abc\r\n", "set k 'abc\r\n", "\"a\"b\r\n", "'a'b\n", "\"a\\\"\r\n"}) {
            assertError("ERR Protocol error: unbalanced quotes in request", RespLimits.DEFAULT, line);
        }
    }

    @Test
    void multibulkCountsOutOfRangeOrMalformedAreInvalid() {
        String invalid = "ERR Protocol error: invalid multibulk length";
        assertError(invalid, RespLimits.DEFAULT, "*1048577\r\n");
        assertError(invalid, RespLimits.DEFAULT, "*20000000\r\n");
        assertError(invalid, RespLimits.DEFAULT, "*abc\r\n");
        assertError(invalid, RespLimits.DEFAULT, "*\r\n");
        assertError(invalid, RespLimits.DEFAULT, "*01\r\n");
        assertError(invalid, RespLimits.DEFAULT, "*+1\r\n");
        assertError(invalid, RespLimits.DEFAULT, "*1 \r\n");
        assertError(invalid, RespLimits.DEFAULT, "*-\r\n");
        assertError(invalid, RespLimits.DEFAULT, "*99999999999999999999\r\n");
        assertError(invalid, RespLimits.DEFAULT, "*1\n$1\r\n");
        assertError(invalid, new RespLimits(100, 4, 1024), "*5\r\n");
    }

    @Test
    void multibulkCountAtTheLimitIsAccepted() throws Exception {
        RespParser parser = new RespParser(new RespLimits(100, 4, 1024));
        parser.feed(ByteBuffer.wrap(b("*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n")));
        assertArgv(parser.next(), "a", "b", "c", "d");
    }

    @Test
    void negativeOrHugeMultibulkCountsAreIgnoredOrRejectedLikeRedis() throws Exception {
        RespParser parser = new RespParser(RespLimits.DEFAULT);
        parser.feed(ByteBuffer.wrap(b("*-10\r\n*-9223372036854775808\r\nPING\r\n")));
        assertArgv(parser.next(), "PING");
        assertNull(parser.next());
    }

    @Test
    void bulkLengthsOutOfRangeOrMalformedAreInvalid() {
        String invalid = "ERR Protocol error: invalid bulk length";
        assertError(invalid, RespLimits.DEFAULT, "*1\r\n$-1\r\n");
        assertError(invalid, RespLimits.DEFAULT, "*1\r\n$536870913\r\n");
        assertError(invalid, RespLimits.DEFAULT, "*1\r\n$\r\n");
        assertError(invalid, RespLimits.DEFAULT, "*1\r\n$x\r\n");
        assertError(invalid, RespLimits.DEFAULT, "*1\r\n$03\r\nabc\r\n");
        assertError(invalid, RespLimits.DEFAULT, "*1\r\n$3 \r\nabc\r\n");
        assertError(invalid, new RespLimits(10, 100, 1024), "*1\r\n$11\r\n");
    }

    @Test
    void bulkLengthAtTheLimitIsAccepted() throws Exception {
        RespParser parser = new RespParser(new RespLimits(10, 100, 1024));
        parser.feed(ByteBuffer.wrap(b("*1\r\n$10\r\n0123456789\r\n")));
        assertArgv(parser.next(), "0123456789");
    }

    @Test
    void aNonDollarTypeInsideAMultibulkIsReportedWithTheByteSeen() {
        assertError("ERR Protocol error: expected '$', got 'f'", RespLimits.DEFAULT,
                "*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n");
        assertError("ERR Protocol error: expected '$', got ':'", RespLimits.DEFAULT, "*1\r\n:1\r\n");
        assertError("ERR Protocol error: expected '$', got ' '", RespLimits.DEFAULT, "*1\r\n\r\n");
        assertError("ERR Protocol error: expected '$', got '", RespLimits.DEFAULT, "*1\r\n\u0000\r\n");
    }

    @Test
    void theTypeByteIsOnlyCheckedOnceItsLineIsComplete() throws Exception {
        RespParser parser = new RespParser(RespLimits.DEFAULT);
        parser.feed(ByteBuffer.wrap(b("*1\r\nx12")));
        parser.feed(ByteBuffer.wrap(b("\r")));
        ProtocolException e = assertThrows(ProtocolException.class, () -> parser.feed(ByteBuffer.wrap(b("\n"))));
        assertEquals("ERR Protocol error: expected '$', got 'x'", e.getMessage());
    }

    @Test
    void overlongCountLinesAreTooBig() {
        String digits = "1".repeat(64 * 1024);
        assertError("ERR Protocol error: too big mbulk count string", RespLimits.DEFAULT, "*" + digits);
        assertError("ERR Protocol error: too big bulk count string", RespLimits.DEFAULT, "*1\r\n$" + digits);
        RespLimits small = new RespLimits(100, 100, 8);
        assertError("ERR Protocol error: too big mbulk count string", small, "*12345678");
        assertError("ERR Protocol error: too big bulk count string", small, "*1\r\n$12345678");
    }

    @Test
    void countLinesUpToTheInlineLimitAreMerelyInvalid() {
        RespLimits small = new RespLimits(100, 100, 8);
        assertError("ERR Protocol error: invalid multibulk length", small, "*1234567\r\n");
        assertError("ERR Protocol error: invalid bulk length", small, "*1\r\n$1234567\r\n");
    }

    @Test
    void anInlineLineLongerThanTheLimitIsTooBig() throws Exception {
        assertError("ERR Protocol error: too big inline request", RespLimits.DEFAULT, "a".repeat(64 * 1024 + 1));
        assertError("ERR Protocol error: too big inline request", new RespLimits(100, 100, 8), "PING 1234\r\n");

        RespParser parser = new RespParser(new RespLimits(100, 100, 8));
        parser.feed(ByteBuffer.wrap(b("PING 123")));
        parser.feed(ByteBuffer.wrap(b("\nPING 456\n")));
        assertArgv(parser.next(), "PING", "123");
        assertArgv(parser.next(), "PING", "456");

        RespParser big = new RespParser(RespLimits.DEFAULT);
        big.feed(ByteBuffer.wrap(b("ECHO " + "z".repeat(64 * 1024 - 5) + "\n")));
        assertEquals(64 * 1024 - 5, big.next()[1].length);
    }

    @Test
    void unauthenticatedConnectionsGetRedisStricterLimits() throws Exception {
        RespParser parser = new RespParser(RespLimits.DEFAULT);
        parser.setAuthRequired(true);
        parser.feed(ByteBuffer.wrap(b("*2\r\n$4\r\nAUTH\r\n$16384\r\n" + "p".repeat(16384) + "\r\n")));
        assertEquals(16384, parser.next()[1].length);
        assertError("ERR Protocol error: unauthenticated multibulk length", RespLimits.DEFAULT, true, "*11\r\n");
        assertError("ERR Protocol error: unauthenticated bulk length", RespLimits.DEFAULT, true, "*1\r\n$16385\r\n");
        parser.setAuthRequired(false);
        parser.feed(ByteBuffer.wrap(b("*11\r\n" + "$1\r\na\r\n".repeat(11))));
        assertEquals(11, parser.next().length);
    }

    @Test
    void commandsBeforeAnErrorStayAvailableAndTheParserStaysFailed() throws Exception {
        RespParser parser = new RespParser(RespLimits.DEFAULT);
        ByteBuffer buf = ByteBuffer.wrap(b("*1\r\n$4\r\nPING\r\nECHO x\r\n*1\r\n$-5\r\n*1\r\n$4\r\nPING\r\n"));
        ProtocolException e = assertThrows(ProtocolException.class, () -> parser.feed(buf));
        assertEquals("ERR Protocol error: invalid bulk length", e.getMessage());
        assertFalse(buf.hasRemaining());
        assertArgv(parser.next(), "PING");
        assertArgv(parser.next(), "ECHO", "x");
        assertNull(parser.next());
        ProtocolException again = assertThrows(ProtocolException.class,
                () -> parser.feed(ByteBuffer.wrap(b("PING\r\n"))));
        assertEquals(e.getMessage(), again.getMessage());
        assertNull(parser.next());
        assertEquals("-ERR Protocol error: invalid bulk length\r\n",
                new String(RespWriter.encode(e.toReply(), 2), StandardCharsets.US_ASCII));
    }

    @Test
    void errorsAreFoundWhereverTheStreamIsSplit() {
        String stream = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\nx\r\n";
        byte[] all = b(stream);
        for (int cut = 0; cut <= all.length; cut++) {
            RespParser parser = new RespParser(RespLimits.DEFAULT);
            ByteBuffer first = ByteBuffer.wrap(all, 0, cut);
            ByteBuffer second = ByteBuffer.wrap(all, cut, all.length - cut);
            ProtocolException e = assertThrows(ProtocolException.class, () -> {
                parser.feed(first);
                parser.feed(second);
            });
            assertEquals("ERR Protocol error: expected '$', got 'x'", e.getMessage());
            assertArgv(parser.next(), "GET", "k");
        }
    }

    // --- helpers ---

    private static byte[][] parseOne(String stream) throws ProtocolException {
        RespParser parser = new RespParser(RespLimits.DEFAULT);
        try {
            parser.feed(ByteBuffer.wrap(b(stream)));
        } catch (ProtocolException e) {
            return null;
        }
        byte[][] argv = parser.next();
        assertNull(parser.next(), "exactly one command");
        return argv;
    }

    private static void assertError(String message, RespLimits limits, String stream) {
        assertError(message, limits, false, stream);
    }

    private static void assertError(String message, RespLimits limits, boolean authRequired, String stream) {
        byte[] all = b(stream);
        // Whole, and one byte at a time: the error must not depend on how the bytes arrive.
        RespParser whole = new RespParser(limits);
        whole.setAuthRequired(authRequired);
        ProtocolException e = assertThrows(ProtocolException.class, () -> whole.feed(ByteBuffer.wrap(all)), stream);
        assertEquals(message, e.getMessage(), stream);

        RespParser bytewise = new RespParser(limits);
        bytewise.setAuthRequired(authRequired);
        ProtocolException e2 = assertThrows(ProtocolException.class, () -> {
            for (int i = 0; i < all.length; i++) {
                bytewise.feed(ByteBuffer.wrap(all, i, 1));
            }
        }, stream);
        assertEquals(message, e2.getMessage(), stream);
    }

    private static List<byte[][]> drain(RespParser parser) {
        List<byte[][]> out = new ArrayList<>();
        for (byte[][] argv = parser.next(); argv != null; argv = parser.next()) {
            out.add(argv);
        }
        return out;
    }

    private static byte[][] argv(String... args) {
        byte[][] out = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            out[i] = b(args[i]);
        }
        return out;
    }

    private static void assertArgv(byte[][] actual, String... expected) {
        assertEquals(render(List.<byte[][]>of(argv(expected))), render(List.<byte[][]>of(actual)));
    }

    private static void assertCommands(List<byte[][]> expected, List<byte[][]> actual) {
        assertCommands(expected, actual, "");
    }

    private static void assertCommands(List<byte[][]> expected, List<byte[][]> actual, String message) {
        assertEquals(render(expected), render(actual), message);
    }

    /** Readable, byte-exact rendering so failures show which argument differs. */
    private static String render(List<byte[][]> commands) {
        StringBuilder sb = new StringBuilder();
        for (byte[][] argv : commands) {
            sb.append('[');
            for (int i = 0; i < argv.length; i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(Arrays.toString(argv[i]));
            }
            sb.append("]\n");
        }
        return sb.toString();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
