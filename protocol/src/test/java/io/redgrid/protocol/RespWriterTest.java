package io.redgrid.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RespWriterTest {

    private static void assertEncodes(String resp2, String resp3, Reply reply) {
        assertEquals(resp2, text(RespWriter.encode(reply, 2)), "RESP2");
        assertEquals(resp3, text(RespWriter.encode(reply, 3)), "RESP3");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void simpleStringsAreStatusLinesInBothProtocols() {
        assertEncodes("+OK\r\n", "+OK\r\n", Reply.OK);
        assertEncodes("+PONG\r\n", "+PONG\r\n", Reply.PONG);
        assertEncodes("+QUEUED\r\n", "+QUEUED\r\n", Reply.QUEUED);
        assertEncodes("+hello world\r\n", "+hello world\r\n", Reply.simple("hello world"));
        assertSame(Reply.OK, Reply.simple("OK"));
    }

    @Test
    void errorsAreWrittenWithTheirOwnPrefix() {
        assertEncodes("-ERR wrong number of arguments for 'get' command\r\n",
                "-ERR wrong number of arguments for 'get' command\r\n",
                Reply.error("ERR wrong number of arguments for 'get' command"));
        assertEncodes("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                Reply.error("WRONGTYPE Operation against a key holding the wrong kind of value"));
    }

    @Test
    void lineBreaksInsideStatusAndErrorTextBecomeSpaces() {
        assertEquals("-ERR a b c\r\n", text(RespWriter.encode(Reply.error("ERR a\rb\nc"), 2)));
        assertEquals("+x y\r\n", text(RespWriter.encode(Reply.simple("x\ny"), 3)));
    }

    @Test
    void nonAsciiStatusTextIsWrittenAsUtf8() {
        assertArrayEquals("-ERR caf\u00e9 \u00e0 b\r\n".getBytes(StandardCharsets.UTF_8),
                RespWriter.encode(Reply.error("ERR caf\u00e9 \u00e0\nb"), 2));
    }

    @Test
    void integersAreWrittenDigitByDigitIncludingTheExtremes() {
        assertEncodes(":0\r\n", ":0\r\n", Reply.ZERO);
        assertEncodes(":1\r\n", ":1\r\n", Reply.ONE);
        assertEncodes(":-1\r\n", ":-1\r\n", Reply.integer(-1));
        assertEncodes(":1023\r\n", ":1023\r\n", Reply.integer(1023));
        assertEncodes(":1024\r\n", ":1024\r\n", Reply.integer(1024));
        assertEncodes(":-987654321\r\n", ":-987654321\r\n", Reply.integer(-987654321));
        assertEncodes(":9223372036854775807\r\n", ":9223372036854775807\r\n", Reply.integer(Long.MAX_VALUE));
        assertEncodes(":-9223372036854775808\r\n", ":-9223372036854775808\r\n", Reply.integer(Long.MIN_VALUE));
        assertEncodes(":1000000000000000000\r\n", ":1000000000000000000\r\n", Reply.integer(1_000_000_000_000_000_000L));
        assertEncodes(":999999999999999999\r\n", ":999999999999999999\r\n", Reply.integer(999_999_999_999_999_999L));
    }

    @Test
    void smallIntegersAreSharedInstances() {
        assertSame(Reply.integer(5), Reply.integer(5));
        assertSame(Reply.ZERO, Reply.integer(0));
        assertSame(Reply.ONE, Reply.integer(1));
        assertSame(Reply.integer(-1), Reply.integer(-1));
        assertEquals(new Reply.Int(100_000), Reply.integer(100_000));
    }

    @Test
    void bulkStringsAreBinarySafe() {
        assertEncodes("$5\r\nhello\r\n", "$5\r\nhello\r\n", Reply.bulk("hello"));
        assertEncodes("$0\r\n\r\n", "$0\r\n\r\n", Reply.bulk(new byte[0]));
        assertEncodes("$0\r\n\r\n", "$0\r\n\r\n", Reply.EMPTY_BULK);
        assertEncodes("$4\r\na\r\nb\r\n", "$4\r\na\r\nb\r\n", Reply.bulk(b("a\r\nb")));
        assertEncodes("$3\r\n\u0000\u00ff\u0080\r\n", "$3\r\n\u0000\u00ff\u0080\r\n", Reply.bulk(new byte[] {0, -1, -128}));
        assertArrayEquals("$2\r\n\u00e9\r\n".getBytes(StandardCharsets.UTF_8), RespWriter.encode(Reply.bulk("\u00e9"), 2));
    }

    @Test
    void nullsDifferBetweenResp2AndResp3() {
        assertEncodes("$-1\r\n", "_\r\n", Reply.NULL);
        assertEncodes("*-1\r\n", "_\r\n", Reply.NULL_ARRAY);
        assertSame(Reply.NULL, Reply.bulk((byte[]) null));
        assertSame(Reply.NULL, Reply.bulk((String) null));
    }

    @Test
    void arraysNestAndMayHoldEveryType() {
        assertEncodes("*0\r\n", "*0\r\n", Reply.EMPTY_ARRAY);
        assertSame(Reply.EMPTY_ARRAY, Reply.array());
        assertSame(Reply.EMPTY_ARRAY, Reply.array(List.of()));
        Reply nested = Reply.array(
                Reply.bulk("a"),
                Reply.array(Reply.integer(1), Reply.array(Reply.NULL, Reply.OK)),
                Reply.NULL_ARRAY,
                Reply.error("ERR x"));
        assertEncodes("*4\r\n$1\r\na\r\n*2\r\n:1\r\n*2\r\n$-1\r\n+OK\r\n*-1\r\n-ERR x\r\n",
                "*4\r\n$1\r\na\r\n*2\r\n:1\r\n*2\r\n_\r\n+OK\r\n_\r\n-ERR x\r\n", nested);
    }

    @Test
    void mapsAreFlatArraysInResp2AndPairCountedInResp3() {
        Reply map = Reply.map(List.of(Reply.bulk("f1"), Reply.integer(1), Reply.bulk("f2"), Reply.dbl(1.5)));
        assertEncodes("*4\r\n$2\r\nf1\r\n:1\r\n$2\r\nf2\r\n$3\r\n1.5\r\n",
                "%2\r\n$2\r\nf1\r\n:1\r\n$2\r\nf2\r\n,1.5\r\n", map);
        assertEncodes("*0\r\n", "%0\r\n", Reply.map(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Reply.map(List.of(Reply.OK)));
    }

    @Test
    void mapsNestInsideArraysAndMaps() {
        Reply inner = Reply.map(List.of(Reply.simple("k"), Reply.set(List.of(Reply.bulk("m")))));
        Reply outer = Reply.array(Reply.map(List.of(Reply.bulk("x"), inner)));
        assertEncodes("*1\r\n*2\r\n$1\r\nx\r\n*2\r\n+k\r\n*1\r\n$1\r\nm\r\n",
                "*1\r\n%1\r\n$1\r\nx\r\n%1\r\n+k\r\n~1\r\n$1\r\nm\r\n", outer);
    }

    @Test
    void setsAreArraysInResp2() {
        assertEncodes("*2\r\n$1\r\na\r\n$1\r\nb\r\n", "~2\r\n$1\r\na\r\n$1\r\nb\r\n",
                Reply.set(List.of(Reply.bulk("a"), Reply.bulk("b"))));
    }

    @Test
    void doublesAreBulkStringsInResp2AndCommaLinesInResp3() {
        assertEncodes("$3\r\n1.5\r\n", ",1.5\r\n", Reply.dbl(1.5));
        assertEncodes("$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n", Reply.dbl(0.1));
        assertEncodes("$3\r\ninf\r\n", ",inf\r\n", Reply.dbl(Double.POSITIVE_INFINITY));
        assertEncodes("$4\r\n-inf\r\n", ",-inf\r\n", Reply.dbl(Double.NEGATIVE_INFINITY));
        assertEncodes("$3\r\nnan\r\n", ",nan\r\n", Reply.dbl(Double.NaN));
        assertEncodes("$5\r\n1e+20\r\n", ",1e+20\r\n", Reply.dbl(1e20));
    }

    @ParameterizedTest(name = "{0} formats as {1}")
    @CsvSource({
        "1.5, 1.5",
        "17, 17",
        "0.1, 0.10000000000000001",
        "1e20, 1e+20",
        "1.0E-5, 1.0000000000000001e-05",
        "Infinity, inf",
        "-Infinity, -inf",
        "NaN, nan",
        "0, 0",
        "-0.0, -0",
        "0.3333333333333333, 0.33333333333333331",
        "2.5, 2.5",
        "100.5, 100.5",
        "-1.5, -1.5",
        "0.0001, 0.0001",
        "1e16, 10000000000000000",
        "1e17, 1e+17",
        "1.2345678901234568e+17, 1.2345678901234568e+17",
        "1.7976931348623157e+308, 1.7976931348623157e+308",
        "4.9E-324, 4.9406564584124654e-324",
        "-0.0001234, -0.00012339999999999999",
        "3.141592653589793, 3.1415926535897931",
        "0.30000000000000004, 0.30000000000000004",
        "1e-07, 9.9999999999999995e-08",
        "123.456, 123.456",
        "9007199254740992, 9007199254740992",
        "9007199254740991, 9007199254740991",
        "-4.611686018427388e+18, -4.6116860184273879e+18",
        "1e+100, 1e+100",
        "1e+23, 9.9999999999999992e+22",
        "-1.989032661366619e+244, -1.989032661366619e+244",
        "6.294675241195386e-44, 6.2946752411953861e-44",
        "4.708325160387546e+207, 4.7083251603875462e+207",
        "6.387016158513563e-12, 6.3870161585135632e-12",
        "-9.973130378568733e-246, -9.9731303785687331e-246",
        "-42, -42",
    })
    void doublesFormatLikeRedisSeventeenDigitPrintf(String input, String expected) {
        assertEquals(expected, RespDoubles.format(Double.parseDouble(input)));
        assertEquals(expected, Reply.formatDouble(Double.parseDouble(input)));
    }

    @Test
    void booleansAreIntegersInResp2() {
        assertEncodes(":1\r\n", "#t\r\n", Reply.bool(true));
        assertEncodes(":0\r\n", "#f\r\n", Reply.bool(false));
    }

    @Test
    void verbatimStringsCarryTheirFormatOnlyInResp3() {
        Reply v = new Reply.Verbatim("txt", b("Some string"));
        assertEncodes("$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n", v);
        assertEncodes("$0\r\n\r\n", "=4\r\nmkd:\r\n", Reply.verbatim("mkd", new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> new Reply.Verbatim("text", new byte[0]));
    }

    @Test
    void pushMessagesAreArraysInResp2() {
        Reply push = Reply.push(List.of(Reply.bulk("message"), Reply.bulk("ch"), Reply.bulk("hi")));
        assertEncodes("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
                ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n", push);
    }

    @Test
    void bigNumbersAreBulkStringsOfDigitsInResp2() {
        BigInteger big = new BigInteger("3492890328409238509324850943850943825024385");
        assertEncodes("$43\r\n3492890328409238509324850943850943825024385\r\n",
                "(3492890328409238509324850943850943825024385\r\n", Reply.bigNumber(big));
        assertEncodes("$3\r\n-12\r\n", "(-12\r\n", new Reply.BigNumber(BigInteger.valueOf(-12)));
    }

    @Test
    void commandsAreArraysOfBulkStrings() {
        assertEquals("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n",
                text(RespWriter.encodeCommand(b("SET"), b("k"), new byte[0])));
        assertEquals("*0\r\n", text(RespWriter.encodeCommand()));
        RespWriter writer = new RespWriter();
        writer.write(Reply.OK, 2);
        writer.writeCommand(b("PUBLISH"), b("c"), b("a\r\nb"));
        assertEquals("+OK\r\n*3\r\n$7\r\nPUBLISH\r\n$1\r\nc\r\n$4\r\na\r\nb\r\n", text(writer.toByteArray()));
    }

    @Test
    void writerAppendsRepliesGrowsAndResets() {
        RespWriter writer = new RespWriter();
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        writer.write(Reply.integer(7), 3);
        writer.write(Reply.bulk(big), 2);
        assertEquals(4 + 9 + big.length + 2, writer.size());
        byte[] out = writer.toByteArray();
        assertEquals(":7\r\n$300000\r\n", text(java.util.Arrays.copyOf(out, 13)));
        assertArrayEquals(big, java.util.Arrays.copyOfRange(out, 13, 13 + big.length));

        ByteBuffer view = writer.asByteBuffer();
        assertEquals(writer.size(), view.remaining());
        ByteBuffer dst = ByteBuffer.allocate(writer.size());
        writer.writeTo(dst);
        assertArrayEquals(out, dst.array());

        writer.reset();
        assertEquals(0, writer.size());
        assertArrayEquals(new byte[0], writer.toByteArray());
        writer.write(Reply.PONG, 3);
        assertEquals("+PONG\r\n", text(writer.toByteArray()));
    }

    @Test
    void aLargeArrayOfManyItemsEncodesCompletely() {
        List<Reply> items = new ArrayList<>();
        StringBuilder expected = new StringBuilder("*10000\r\n");
        for (int i = 0; i < 10_000; i++) {
            items.add(Reply.integer(i * 37L));
            expected.append(':').append(i * 37L).append("\r\n");
        }
        assertEquals(expected.toString(), text(RespWriter.encode(Reply.array(items), 2)));
    }

    @Test
    void onlyProtocolsTwoAndThreeAreAccepted() {
        assertThrows(IllegalArgumentException.class, () -> RespWriter.encode(Reply.OK, 1));
        assertThrows(IllegalArgumentException.class, () -> new RespWriter().write(Reply.OK, 4));
    }
}
