package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The blocking pops where nothing can block (no registry: like inside MULTI): they pop when
 * there is data and answer their timeout reply at once otherwise. Waiting itself is tested
 * end to end (BlockingEndToEndTest) and in BlockedClientsTest.
 */
class BlockingCommandsTest {
  private final CommandHarness h = new CommandHarness();

  @Test
  void blpopAndBrpopTakeFromTheFirstNonEmptyKey() {
    h.run("RPUSH", "b", "1", "2", "3");
    assertEquals("1) \"b\"\n2) \"1\"", h.cli("BLPOP", "a", "b", "0"));
    assertEquals("1) \"b\"\n2) \"3\"", h.cli("BRPOP", "a", "b", "0"));
    assertEquals("1) \"b\"\n2) \"2\"", h.cli("BLPOP", "b", "0.5"));
    assertEquals("(integer) 0", h.cli("EXISTS", "b"));
    assertEquals(List.of("RPUSH b 1 2 3", "LPOP b", "RPOP b", "LPOP b"), h.effects());
    h.assertReplays();
  }

  @Test
  void withNothingToPopTheTimeoutReplyComesAtOnce() {
    assertEquals("*-1\r\n", h.wire("BLPOP", "missing", "0"));
    assertEquals("$-1\r\n", h.wire("BLMOVE", "missing", "dst", "LEFT", "RIGHT", "0"));
    assertEquals("$-1\r\n", h.wire("BRPOPLPUSH", "missing", "dst", "0"));
    assertEquals("*-1\r\n", h.wire("BLMPOP", "0", "2", "x", "y", "LEFT"));
    assertEquals("*-1\r\n", h.wire("BZPOPMIN", "missing", "0"));
    assertEquals("*-1\r\n", h.wire("BZMPOP", "0", "1", "x", "MIN"));
    h.session.protocol(3);
    assertEquals("_\r\n", h.wire("BLPOP", "missing", "0"));
    assertEquals(List.of(), h.effects());
  }

  @Test
  void timeoutsAreValidatedLikeRedis() {
    assertEquals("(error) ERR timeout is negative", h.cli("BLPOP", "k", "-1"));
    assertEquals("(error) ERR timeout is negative", h.cli("BLPOP", "k", "1e300"));
    assertEquals("(error) ERR timeout is not a float or out of range", h.cli("BLPOP", "k", "abc"));
    assertEquals("(error) ERR timeout is not a float or out of range", h.cli("BLPOP", "k", "nan"));
    assertEquals("(error) ERR timeout is negative", h.cli("BZPOPMIN", "k", "-0.5"));
    assertEquals("(error) ERR wrong number of arguments for 'blpop' command", h.cli("BLPOP", "k"));
    assertEquals("(error) ERR syntax error", h.cli("BLMOVE", "a", "b", "UP", "LEFT", "0"));
    assertEquals("(error) ERR numkeys should be greater than 0", h.cli("BLMPOP", "0", "0", "k", "LEFT"));
    assertEquals(120_000, BlockingCommandsTestAccess.timeout(h, "120"));
    assertEquals(1, BlockingCommandsTestAccess.timeout(h, "0.0001"));
  }

  @Test
  void wrongTypeIsReportedForTheFirstOffendingKey() {
    h.run("SET", "s", "v");
    h.run("RPUSH", "l", "x");
    assertEquals("(error) WRONGTYPE Operation against a key holding the wrong kind of value",
        h.cli("BLPOP", "s", "l", "0"));
    assertEquals("(integer) 1", h.cli("LLEN", "l"));
  }

  @Test
  void blmoveAcrossShardsIsJournaledPerShard() {
    String src = "src";
    String dst = "dst";
    for (int i = 0; h.shardOf(src) == h.shardOf(dst); i++) {
      dst = "dst" + i;
    }
    h.run("RPUSH", src, "a", "b");
    assertEquals("\"a\"", h.cli("BLMOVE", src, dst, "LEFT", "RIGHT", "0"));
    assertEquals("\"b\"", h.cli("BRPOPLPUSH", src, dst, "0"));
    assertEquals("1) \"b\"\n2) \"a\"", h.cli("LRANGE", dst, "0", "-1"));
    assertEquals("(integer) 0", h.cli("EXISTS", src));
    h.assertReplays();
  }

  @Test
  void blmpopPopsCountElements() {
    h.run("RPUSH", "l", "1", "2", "3");
    assertEquals("1) \"l\"\n2) 1) \"3\"\n   2) \"2\"", h.cli("BLMPOP", "0", "2", "none", "l", "RIGHT", "COUNT", "2"));
    h.assertReplays();
  }

  @Test
  void bzpopminAndBzmpopReplyWithScores() {
    h.run("ZADD", "z", "1.5", "a", "2", "b", "3", "c");
    assertEquals("*3\r\n$1\r\nz\r\n$1\r\na\r\n$3\r\n1.5\r\n", h.wire("BZPOPMIN", "other", "z", "0"));
    assertEquals("*3\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\n3\r\n", h.wire("BZPOPMAX", "z", "0"));
    h.session.protocol(3);
    assertEquals("*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n",
        h.wire("BZMPOP", "0", "1", "z", "MAX", "COUNT", "5"));
    assertEquals("(integer) 0", h.cli("EXISTS", "z"));
    assertTrue(h.effects().contains("ZPOPMIN z 1"));
    h.assertReplays();
  }
}
