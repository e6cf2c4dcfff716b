package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sorted-set family against Redis 7.0's replies, errors and propagated effects. */
class SortedSetCommandsTest {
  private static final String WRONGTYPE = "(error) WRONGTYPE Operation against a key holding the wrong kind of value";
  private static final String NOT_INTEGER = "(error) ERR value is not an integer or out of range";
  private static final String NOT_FLOAT = "(error) ERR value is not a valid float";
  private static final String SYNTAX = "(error) ERR syntax error";
  private static final String RANGE_NOT_FLOAT = "(error) ERR min or max is not a float";
  private static final String RANGE_NOT_LEX = "(error) ERR min or max not valid string range item";

  private final CommandHarness h = new CommandHarness();

  @AfterEach
  void replayRebuildsTheSameKeyspace() {
    assertEquals(h.dump(), h.replayed().dump());
  }

  /** Like redis-cli: in RESP2 a double reply is a bulk string, which the harness shows typed. */
  private String cli(String... args) {
    String rendered = h.cli(args);
    return h.session.protocol() == 2 ? rendered.replaceAll("\\(double\\) (\\S+)", "\"$1\"") : rendered;
  }

  /** The effects recorded for {@code key} (its shard's effects naming it), in order. */
  private List<String> effectsOf(String key) {
    return h.effects().stream().filter(e -> List.of(e.split(" ")).contains(key)).toList();
  }

  private static String lines(String... lines) {
    return String.join("\n", lines);
  }

  // ---- ZADD ----------------------------------------------------------------------------------

  @Test
  void zaddAddsAndUpdates() {
    assertEquals("(integer) 3", cli("ZADD", "z", "1", "a", "2.5", "b", "3", "c"));
    assertEquals("(integer) 0", cli("ZADD", "z", "5", "a"));
    assertEquals("(integer) 1", cli("ZADD", "z", "CH", "6", "a", "2.5", "b"));
    assertEquals("(integer) 2", cli("ZADD", "z", "ch", "7", "a", "1", "d"));
    assertEquals(lines("1) \"d\"", "2) \"1\"", "3) \"b\"", "4) \"2.5\"", "5) \"c\"", "6) \"3\"", "7) \"a\"", "8) \"7\""),
        cli("ZRANGE", "z", "0", "-1", "WITHSCORES"));
    assertEquals("(integer) 4", cli("ZCARD", "z"));
    assertEquals("zset", cli("TYPE", "z"));
  }

  @Test
  void zaddOptions() {
    cli("ZADD", "z", "5", "a");
    assertEquals("(integer) 0", cli("ZADD", "z", "NX", "1", "a"));
    assertEquals("\"5\"", cli("ZSCORE", "z", "a"));
    assertEquals("(integer) 1", cli("ZADD", "z", "NX", "1", "b"));
    assertEquals("(integer) 0", cli("ZADD", "z", "XX", "1", "c"));
    assertEquals("(nil)", cli("ZSCORE", "z", "c"));
    assertEquals("(integer) 0", cli("ZADD", "z", "XX", "2", "a"));
    assertEquals("\"2\"", cli("ZSCORE", "z", "a"));
    assertEquals("(integer) 0", cli("ZADD", "z", "GT", "CH", "1", "a"));
    assertEquals("(integer) 1", cli("ZADD", "z", "GT", "CH", "3", "a"));
    assertEquals("(integer) 0", cli("ZADD", "z", "LT", "CH", "4", "a"));
    assertEquals("(integer) 1", cli("ZADD", "z", "LT", "CH", "0", "a"));
    // GT/LT still add new members.
    assertEquals("(integer) 1", cli("ZADD", "z", "GT", "9", "new"));
    assertEquals("(integer) 1", cli("ZADD", "z", "XX", "GT", "CH", "10", "new"));
    assertEquals("(integer) 0", cli("ZADD", "nokey", "XX", "1", "a"));
    assertEquals("(integer) 0", cli("EXISTS", "nokey"));
  }

  @Test
  void zaddIncr() {
    assertEquals("\"1\"", cli("ZADD", "z", "INCR", "1", "a"));
    assertEquals("\"2.5\"", cli("ZADD", "z", "INCR", "1.5", "a"));
    assertEquals("(nil)", cli("ZADD", "z", "NX", "INCR", "1", "a"));
    assertEquals("(nil)", cli("ZADD", "z", "GT", "INCR", "-1", "a"));
    assertEquals("\"3.5\"", cli("ZADD", "z", "GT", "INCR", "1", "a"));
    assertEquals("(nil)", cli("ZADD", "z", "XX", "INCR", "1", "b"));
    assertEquals("\"inf\"", cli("ZADD", "z", "INCR", "inf", "a"));
    assertEquals("(error) ERR resulting score is not a number (NaN)", cli("ZADD", "z", "INCR", "-inf", "a"));
    assertEquals("\"inf\"", cli("ZSCORE", "z", "a"));
    assertEquals("\"0.10000000000000001\"", cli("ZINCRBY", "z", "0.1", "x"));
    assertEquals("\"0.30000000000000004\"", cli("ZINCRBY", "z", "0.2", "x"));
    assertEquals("(error) ERR resulting score is not a number (NaN)", cli("ZINCRBY", "z", "-inf", "a"));
    assertEquals(NOT_FLOAT, cli("ZINCRBY", "z", "abc", "a"));
  }

  @Test
  void zaddErrors() {
    assertEquals("(error) ERR XX and NX options at the same time are not compatible",
        cli("ZADD", "z", "XX", "NX", "1", "a"));
    assertEquals("(error) ERR GT, LT, and/or NX options at the same time are not compatible",
        cli("ZADD", "z", "GT", "LT", "1", "a"));
    assertEquals("(error) ERR GT, LT, and/or NX options at the same time are not compatible",
        cli("ZADD", "z", "NX", "GT", "1", "a"));
    assertEquals("(error) ERR GT, LT, and/or NX options at the same time are not compatible",
        cli("ZADD", "z", "LT", "NX", "1", "a"));
    assertEquals("(error) ERR INCR option supports a single increment-element pair",
        cli("ZADD", "z", "INCR", "1", "a", "2", "b"));
    assertEquals("(error) ERR wrong number of arguments for 'zadd' command", cli("ZADD", "z", "1"));
    assertEquals(SYNTAX, cli("ZADD", "z", "1", "a", "2"));
    assertEquals(SYNTAX, cli("ZADD", "z", "CH", "GT"));
    assertEquals(NOT_FLOAT, cli("ZADD", "z", "x", "a"));
    assertEquals(NOT_FLOAT, cli("ZADD", "z", "nan", "a"));
    assertEquals(NOT_FLOAT, cli("ZADD", "z", "1e400", "a"));
    assertEquals(NOT_FLOAT, cli("ZADD", "z", "1e-400", "a"));
    assertEquals(NOT_FLOAT, cli("ZADD", "z", " 1", "a"));
    assertEquals(NOT_FLOAT, cli("ZADD", "z", "", "a"));
    // A bad score anywhere leaves the set untouched.
    assertEquals(NOT_FLOAT, cli("ZADD", "z", "1", "a", "x", "b"));
    assertEquals("(integer) 0", cli("EXISTS", "z"));
    cli("SET", "s", "v");
    assertEquals(WRONGTYPE, cli("ZADD", "s", "1", "a"));
    assertEquals(List.of(), h.effects().stream().filter(e -> e.startsWith("ZADD")).toList());
  }

  @Test
  void scoreFormatsAndSpecialValues() {
    cli("ZADD", "z", "0x10", "hex", "1e-310", "tiny", "+inf", "top", "-inf", "bottom", "1.5e20", "big",
        "17", "int", "-0.25", "neg");
    assertEquals("\"16\"", cli("ZSCORE", "z", "hex"));
    assertEquals("\"9.9999999999999694e-311\"", cli("ZSCORE", "z", "tiny"));
    assertEquals("\"inf\"", cli("ZSCORE", "z", "top"));
    assertEquals("\"-inf\"", cli("ZSCORE", "z", "bottom"));
    assertEquals("\"1.5e+20\"", cli("ZSCORE", "z", "big"));
    assertEquals("\"17\"", cli("ZSCORE", "z", "int"));
    assertEquals("\"-0.25\"", cli("ZSCORE", "z", "neg"));
    h.session.protocol(3);
    assertEquals(",1.5e+20\r\n", h.wire("ZSCORE", "z", "big"));
    assertEquals(",-inf\r\n", h.wire("ZSCORE", "z", "bottom"));
    assertEquals("_\r\n", h.wire("ZSCORE", "z", "missing"));
  }

  @Test
  void negativeZeroIsLostInListpackButKeptInSkiplist() {
    h.session.protocol(3);
    assertEquals(",-0\r\n", h.wire("ZINCRBY", "small", "-0", "m"));
    assertEquals(",0\r\n", h.wire("ZSCORE", "small", "m"));
    h.run("ZADD", "big", "1", "x".repeat(65));
    h.run("ZADD", "big", "-0", "m");
    assertEquals(",-0\r\n", h.wire("ZSCORE", "big", "m"));
  }

  @Test
  void equalScoresOrderByMemberBytesUnsigned() {
    h.run("ZADD", "z", "1", "b", "1", "a", "1", "\u00e9", "1", "B", "0", "z");
    assertEquals(lines("1) \"z\"", "2) \"B\"", "3) \"a\"", "4) \"b\"", "5) \"\u00e9\""), cli("ZRANGE", "z", "0", "-1"));
    assertEquals("(integer) 4", cli("ZRANK", "z", "\u00e9"));
    assertEquals("(integer) 0", cli("ZREVRANK", "z", "\u00e9"));
    assertEquals("(nil)", cli("ZRANK", "z", "nope"));
    assertEquals("(nil)", cli("ZRANK", "nokey", "a"));
  }

  // ---- ZRANGE family -------------------------------------------------------------------------

  private void abc() {
    h.run("ZADD", "z", "1", "a", "2.5", "b", "3", "c", "4", "d", "5", "e");
  }

  @Test
  void zrangeByRank() {
    abc();
    assertEquals(lines("1) \"a\"", "2) \"b\""), cli("ZRANGE", "z", "0", "1"));
    assertEquals(lines("1) \"d\"", "2) \"e\""), cli("ZRANGE", "z", "-2", "-1"));
    assertEquals("(empty array)", cli("ZRANGE", "z", "3", "1"));
    assertEquals("(empty array)", cli("ZRANGE", "z", "5", "10"));
    assertEquals(5, h.run("ZRANGE", "z", "-100", "100").toString().split("Bulk").length - 1);
    assertEquals(lines("1) \"e\"", "2) \"d\""), cli("ZRANGE", "z", "0", "1", "REV"));
    assertEquals(lines("1) \"e\"", "2) \"5\"", "3) \"d\"", "4) \"4\""), cli("ZREVRANGE", "z", "0", "1", "WITHSCORES"));
    assertEquals(lines("1) \"b\"", "2) \"a\""), cli("ZREVRANGE", "z", "-2", "-1"));
    assertEquals("(empty array)", cli("ZRANGE", "nokey", "0", "-1"));
    // LIMIT with count -1 is "no limit", so Redis accepts it even for a rank range.
    assertEquals(lines("1) \"a\""), cli("ZRANGE", "z", "0", "0", "LIMIT", "3", "-1"));
  }

  @Test
  void zrangeByScore() {
    abc();
    assertEquals(lines("1) \"b\"", "2) \"c\""), cli("ZRANGE", "z", "(1", "3", "BYSCORE"));
    assertEquals(lines("1) \"b\""), cli("ZRANGEBYSCORE", "z", "(1", "(3"));
    assertEquals(lines("1) \"a\"", "2) \"b\"", "3) \"c\"", "4) \"d\"", "5) \"e\""),
        cli("ZRANGEBYSCORE", "z", "-inf", "+inf"));
    assertEquals("(empty array)", cli("ZRANGEBYSCORE", "z", "+inf", "-inf"));
    assertEquals("(empty array)", cli("ZRANGEBYSCORE", "z", "(3", "3"));
    assertEquals(lines("1) \"c\""), cli("ZRANGEBYSCORE", "z", "3", "3"));
    // "(" alone is strtod of "": exclusive 0.
    assertEquals(lines("1) \"a\""), cli("ZRANGEBYSCORE", "z", "(", "1"));
    assertEquals(lines("1) \"a\""), cli("ZRANGEBYSCORE", "z", " 1", "1"));
    assertEquals(lines("1) \"b\"", "2) \"2.5\"", "3) \"c\"", "4) \"3\""),
        cli("ZRANGEBYSCORE", "z", "2", "3", "WITHSCORES"));
    assertEquals(lines("1) \"c\"", "2) \"d\""), cli("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "2", "2"));
    assertEquals(lines("1) \"d\"", "2) \"e\""), cli("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "3", "-1"));
    assertEquals("(empty array)", cli("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "1"));
    assertEquals("(empty array)", cli("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "0"));
    assertEquals("(empty array)", cli("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "5", "1"));
    assertEquals(lines("1) \"e\"", "2) \"d\"", "3) \"c\""), cli("ZREVRANGEBYSCORE", "z", "+inf", "(2.5"));
    assertEquals(lines("1) \"d\"", "2) \"c\""), cli("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "1", "2"));
    assertEquals(lines("1) \"c\"", "2) \"b\""), cli("ZRANGE", "z", "3", "(1", "BYSCORE", "REV"));
    assertEquals("(empty array)", cli("ZRANGE", "z", "(1", "3", "BYSCORE", "REV"));
    assertEquals(lines("1) \"c\"", "2) \"3\""), cli("ZRANGE", "z", "3", "(1", "BYSCORE", "REV", "LIMIT", "0", "1", "WITHSCORES"));
    assertEquals(RANGE_NOT_FLOAT, cli("ZRANGEBYSCORE", "z", "(a", "3"));
    assertEquals(RANGE_NOT_FLOAT, cli("ZRANGEBYSCORE", "z", "nan", "3"));
    assertEquals(RANGE_NOT_FLOAT, cli("ZRANGEBYSCORE", "z", "1", "3x"));
    assertEquals(RANGE_NOT_FLOAT, cli("ZRANGEBYSCORE", "z", "  ", "3"));
    assertEquals(RANGE_NOT_FLOAT, cli("ZCOUNT", "nokey", "x", "1"));
  }

  @Test
  void zrangeByLex() {
    h.run("ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e");
    assertEquals(lines("1) \"a\"", "2) \"b\"", "3) \"c\"", "4) \"d\"", "5) \"e\""), cli("ZRANGEBYLEX", "z", "-", "+"));
    assertEquals("(empty array)", cli("ZRANGEBYLEX", "z", "+", "-"));
    assertEquals(lines("1) \"a\""), cli("ZRANGEBYLEX", "z", "-", "(b"));
    assertEquals(lines("1) \"b\"", "2) \"c\""), cli("ZRANGEBYLEX", "z", "[b", "(d"));
    assertEquals(lines("1) \"a\"", "2) \"b\"", "3) \"c\"", "4) \"d\"", "5) \"e\""), cli("ZRANGEBYLEX", "z", "[", "+"));
    assertEquals(lines("1) \"c\"", "2) \"d\""), cli("ZRANGEBYLEX", "z", "-", "+", "LIMIT", "2", "2"));
    assertEquals(lines("1) \"e\"", "2) \"d\""), cli("ZREVRANGEBYLEX", "z", "+", "[d"));
    assertEquals(lines("1) \"d\""), cli("ZRANGE", "z", "+", "-", "BYLEX", "REV", "LIMIT", "1", "1"));
    assertEquals("(empty array)", cli("ZRANGEBYLEX", "z", "(b", "(b"));
    assertEquals("(empty array)", cli("ZRANGEBYLEX", "z", "-", "-"));
    assertEquals(RANGE_NOT_LEX, cli("ZRANGEBYLEX", "z", "a", "b"));
    assertEquals(RANGE_NOT_LEX, cli("ZRANGEBYLEX", "z", "-a", "+"));
    assertEquals(RANGE_NOT_LEX, cli("ZRANGEBYLEX", "z", "", "+"));
    assertEquals(RANGE_NOT_LEX, cli("ZRANGE", "z", "[a", "b", "BYLEX"));
    assertEquals(RANGE_NOT_LEX, cli("ZLEXCOUNT", "nokey", "a", "b"));
    assertEquals("(integer) 4", cli("ZLEXCOUNT", "z", "[b", "+"));
    assertEquals("(integer) 0", cli("ZLEXCOUNT", "z", "(e", "+"));
    assertEquals("(integer) 0", cli("ZLEXCOUNT", "nokey", "-", "+"));
  }

  @Test
  void zrangeOptionErrors() {
    abc();
    assertEquals("(error) ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        cli("ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"));
    assertEquals("(error) ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        cli("ZREVRANGE", "z", "0", "-1", "LIMIT", "0", "1"));
    assertEquals("(error) ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        cli("ZRANGE", "z", "a", "b", "BYLEX", "WITHSCORES"));
    assertEquals("(error) ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        cli("ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"));
    assertEquals(SYNTAX, cli("ZRANGE", "z", "0", "1", "BYSCORE", "BYLEX"));
    assertEquals(SYNTAX, cli("ZRANGE", "z", "0", "1", "REV", "REV"));
    assertEquals(SYNTAX, cli("ZRANGE", "z", "0", "1", "LIMIT", "0"));
    assertEquals(SYNTAX, cli("ZRANGE", "z", "0", "1", "WITHSCORES", "foo"));
    assertEquals(SYNTAX, cli("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "REV"));
    assertEquals(SYNTAX, cli("ZRANGEBYSCORE", "z", "-inf", "+inf", "BYSCORE"));
    assertEquals(SYNTAX, cli("ZRANGEBYSCORE", "z", "0", "1", "LIMIT"));
    assertEquals(NOT_INTEGER, cli("ZRANGE", "z", "0", "1", "BYSCORE", "LIMIT", "a", "1"));
    assertEquals(NOT_INTEGER, cli("ZRANGE", "z", "0", "a"));
    assertEquals("(error) ERR wrong number of arguments for 'zrange' command", cli("ZRANGE", "z", "0"));
    cli("SET", "s", "v");
    assertEquals(WRONGTYPE, cli("ZRANGE", "s", "0", "-1"));
    // Arguments are checked before the key.
    assertEquals(NOT_INTEGER, cli("ZRANGE", "s", "x", "-1"));
  }

  @Test
  void zcount() {
    abc();
    assertEquals("(integer) 5", cli("ZCOUNT", "z", "-inf", "+inf"));
    assertEquals("(integer) 2", cli("ZCOUNT", "z", "(1", "3"));
    assertEquals("(integer) 0", cli("ZCOUNT", "z", "(5", "+inf"));
    assertEquals("(integer) 0", cli("ZCOUNT", "z", "3", "2"));
    assertEquals("(integer) 0", cli("ZCOUNT", "nokey", "-inf", "+inf"));
  }

  @Test
  void zrangestore() {
    abc();
    assertEquals("(integer) 2", cli("ZRANGESTORE", "dst", "z", "0", "1"));
    assertEquals(lines("1) \"a\"", "2) \"1\"", "3) \"b\"", "4) \"2.5\""), cli("ZRANGE", "dst", "0", "-1", "WITHSCORES"));
    assertEquals("(integer) 2", cli("ZRANGESTORE", "dst", "z", "(2", "+inf", "BYSCORE", "LIMIT", "1", "2"));
    assertEquals(lines("1) \"c\"", "2) \"d\""), cli("ZRANGE", "dst", "0", "-1"));
    assertEquals("(integer) 2", cli("ZRANGESTORE", "dst", "z", "0", "1", "REV"));
    assertEquals(lines("1) \"d\"", "2) \"e\""), cli("ZRANGE", "dst", "0", "-1"));
    assertEquals(SYNTAX, cli("ZRANGESTORE", "dst", "z", "0", "-1", "WITHSCORES"));
    assertEquals("(integer) 0", cli("ZRANGESTORE", "dst", "nokey", "0", "-1"));
    assertEquals("(integer) 0", cli("EXISTS", "dst"));
    cli("SET", "s", "v");
    assertEquals(WRONGTYPE, cli("ZRANGESTORE", "dst", "s", "0", "-1"));
    assertEquals("(integer) 5", cli("ZRANGESTORE", "s", "z", "0", "-1"));
    assertEquals("zset", cli("TYPE", "s"));
    // In place: the source is read before it is overwritten.
    assertEquals("(integer) 2", cli("ZRANGESTORE", "z", "z", "0", "1"));
    assertEquals(lines("1) \"a\"", "2) \"b\""), cli("ZRANGE", "z", "0", "-1"));
  }

  @Test
  void storeEffectsAreDelAndExactZadd() {
    h.run("ZADD", "src", "0.1", "a", "1e300", "b", "-inf", "c");
    cli("ZRANGESTORE", "dst", "src", "0", "-1");
    assertEquals(List.of("DEL dst", "ZADD dst -inf c 0.10000000000000001 a 1.0000000000000001e+300 b"), effectsOf("dst"));
  }

  @Test
  void rangesOnAStoredTtlKeyExpireLazily() {
    h.run("ZADD", "z", "1", "a");
    h.run("PEXPIRE", "z", "100");
    h.clock.advance(200);
    assertEquals("(empty array)", cli("ZRANGE", "z", "0", "-1"));
    assertEquals("(integer) 1", cli("ZADD", "z", "2", "b"));
    assertEquals("(integer) -1", cli("TTL", "z"));
  }

  // ---- RESP2 / RESP3 wire forms --------------------------------------------------------------

  @Test
  void withScoresWireForms() {
    h.run("ZADD", "z", "1", "a", "2.5", "b");
    assertEquals("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n", h.wire("ZRANGE", "z", "0", "-1", "WITHSCORES"));
    h.session.protocol(3);
    assertEquals("*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n",
        h.wire("ZRANGE", "z", "0", "-1", "WITHSCORES"));
    assertEquals("*2\r\n$1\r\na\r\n$1\r\nb\r\n", h.wire("ZRANGE", "z", "0", "-1"));
    assertEquals("*2\r\n*2\r\n$1\r\nb\r\n,2.5\r\n*2\r\n$1\r\na\r\n,1\r\n",
        h.wire("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "WITHSCORES"));
    assertEquals("*3\r\n,1\r\n_\r\n,2.5\r\n", h.wire("ZMSCORE", "z", "a", "x", "b"));
    assertEquals(":0\r\n", h.wire("ZRANK", "z", "a"));
    assertEquals("_\r\n", h.wire("ZRANK", "z", "x"));
    assertEquals(",3.5\r\n", h.wire("ZINCRBY", "z", "1", "b"));
    assertEquals("_\r\n", h.wire("ZADD", "z", "NX", "INCR", "1", "a"));
  }

  // ---- ranks on a large set ------------------------------------------------------------------

  @Test
  void largeSetRanksMatchANaiveModel() {
    java.util.Random random = new java.util.Random(42);
    java.util.TreeMap<String, Double> model = new java.util.TreeMap<>();
    List<String> args = new ArrayList<>(List.of("ZADD", "big"));
    for (int i = 0; i < 10_000; i++) {
      String member = "m" + random.nextInt(20_000);
      double score = random.nextInt(500);
      model.put(member, score);
      args.add(Double.toString(score));
      args.add(member);
    }
    h.run(args.toArray(String[]::new));
    // Churn: updates and removals move nodes around.
    for (int i = 0; i < 3000; i++) {
      String member = "m" + random.nextInt(20_000);
      if (random.nextBoolean()) {
        double score = random.nextInt(500);
        model.put(member, score);
        h.run("ZADD", "big", Double.toString(score), member);
      } else {
        model.remove(member);
        h.run("ZREM", "big", member);
      }
    }
    List<String> ordered = new ArrayList<>(model.keySet());
    ordered.sort((x, y) -> {
      int byScore = Double.compare(model.get(x), model.get(y));
      return byScore != 0 ? byScore : java.util.Arrays.compareUnsigned(x.getBytes(), y.getBytes());
    });
    assertEquals("(integer) " + ordered.size(), cli("ZCARD", "big"));
    assertEquals("\"skiplist\"", cli("OBJECT", "ENCODING", "big"));
    for (int i = 0; i < ordered.size(); i += 37) {
      assertEquals("(integer) " + i, cli("ZRANK", "big", ordered.get(i)));
      assertEquals("(integer) " + (ordered.size() - 1 - i), cli("ZREVRANK", "big", ordered.get(i)));
      assertEquals("1) \"" + ordered.get(i) + "\"", cli("ZRANGE", "big", "" + i, "" + i));
    }
    long inRange = model.values().stream().filter(s -> s > 100 && s <= 200).count();
    assertEquals("(integer) " + inRange, cli("ZCOUNT", "big", "(100", "200"));
    String all = cli("ZRANGE", "big", "0", "-1");
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < ordered.size(); i++) {
      if (i > 0) {
        expected.append('\n');
      }
      expected.append(i + 1).append(") \"").append(ordered.get(i)).append('"');
    }
    assertEquals(expected.toString(), all);
    assertTrue(ordered.size() > 5000);
  }

  // ---- ZREM / ZREMRANGEBY* -------------------------------------------------------------------

  @Test
  void zremDeletesTheEmptyKey() {
    h.run("ZADD", "z", "1", "a", "2", "b");
    assertEquals("(integer) 0", cli("ZREM", "z", "x"));
    assertEquals("(integer) 1", cli("ZREM", "z", "a", "a", "x"));
    assertEquals("(integer) 1", cli("ZREM", "z", "b"));
    assertEquals("(integer) 0", cli("EXISTS", "z"));
    assertEquals("(integer) 0", cli("ZREM", "z", "b"));
    assertEquals(List.of("ZADD z 1 a 2 b", "ZREM z a a x", "ZREM z b"), effectsOf("z"));
    cli("SET", "s", "v");
    assertEquals(WRONGTYPE, cli("ZREM", "s", "a"));
    assertEquals("(error) ERR wrong number of arguments for 'zrem' command", cli("ZREM", "z"));
  }

  @Test
  void zremrangebyrank() {
    abc();
    assertEquals("(integer) 2", cli("ZREMRANGEBYRANK", "z", "0", "1"));
    assertEquals(lines("1) \"c\"", "2) \"d\"", "3) \"e\""), cli("ZRANGE", "z", "0", "-1"));
    assertEquals("(integer) 1", cli("ZREMRANGEBYRANK", "z", "-1", "-1"));
    assertEquals("(integer) 0", cli("ZREMRANGEBYRANK", "z", "5", "10"));
    assertEquals("(integer) 0", cli("ZREMRANGEBYRANK", "z", "1", "0"));
    assertEquals(NOT_INTEGER, cli("ZREMRANGEBYRANK", "z", "a", "1"));
    assertEquals("(integer) 2", cli("ZREMRANGEBYRANK", "z", "-100", "100"));
    assertEquals("(integer) 0", cli("EXISTS", "z"));
    assertEquals("(integer) 0", cli("ZREMRANGEBYRANK", "z", "0", "-1"));
  }

  @Test
  void zremrangebyscoreAndLex() {
    abc();
    assertEquals("(integer) 2", cli("ZREMRANGEBYSCORE", "z", "(1", "3"));
    assertEquals(lines("1) \"a\"", "2) \"d\"", "3) \"e\""), cli("ZRANGE", "z", "0", "-1"));
    assertEquals("(integer) 0", cli("ZREMRANGEBYSCORE", "z", "10", "+inf"));
    assertEquals(RANGE_NOT_FLOAT, cli("ZREMRANGEBYSCORE", "z", "x", "1"));
    h.run("ZADD", "lex", "0", "a", "0", "b", "0", "c");
    assertEquals("(integer) 2", cli("ZREMRANGEBYLEX", "lex", "(a", "+"));
    assertEquals(RANGE_NOT_LEX, cli("ZREMRANGEBYLEX", "lex", "a", "b"));
    assertEquals("(integer) 1", cli("ZREMRANGEBYLEX", "lex", "-", "+"));
    assertEquals("(integer) 0", cli("EXISTS", "lex"));
    assertEquals("(integer) 0", cli("ZREMRANGEBYSCORE", "nokey", "-inf", "+inf"));
    cli("SET", "s", "v");
    assertEquals(WRONGTYPE, cli("ZREMRANGEBYSCORE", "s", "-inf", "+inf"));
    assertEquals(RANGE_NOT_FLOAT, cli("ZREMRANGEBYSCORE", "s", "x", "+inf"));
  }

  // ---- pops ----------------------------------------------------------------------------------

  @Test
  void zpopminAndMax() {
    abc();
    assertEquals(lines("1) \"a\"", "2) \"1\""), cli("ZPOPMIN", "z"));
    assertEquals(lines("1) \"e\"", "2) \"5\"", "3) \"d\"", "4) \"4\""), cli("ZPOPMAX", "z", "2"));
    assertEquals("(empty array)", cli("ZPOPMIN", "z", "0"));
    assertEquals("(error) ERR value is out of range, must be positive", cli("ZPOPMIN", "z", "-1"));
    assertEquals("(error) ERR value is out of range, must be positive", cli("ZPOPMIN", "z", "a"));
    assertEquals(SYNTAX, cli("ZPOPMIN", "z", "1", "2"));
    assertEquals(lines("1) \"b\"", "2) \"2.5\"", "3) \"c\"", "4) \"3\""), cli("ZPOPMIN", "z", "10"));
    assertEquals("(integer) 0", cli("EXISTS", "z"));
    assertEquals("(empty array)", cli("ZPOPMIN", "z"));
    assertEquals("(empty array)", cli("ZPOPMAX", "z", "3"));
    assertEquals(List.of("ZADD z 1 a 2.5 b 3 c 4 d 5 e", "ZPOPMIN z 1", "ZPOPMAX z 2", "ZPOPMIN z 2"), effectsOf("z"));
    cli("SET", "s", "v");
    assertEquals(WRONGTYPE, cli("ZPOPMIN", "s"));
  }

  @Test
  void zpopWireForms() {
    h.run("ZADD", "z", "1", "a", "2", "b", "3", "c");
    assertEquals("*2\r\n$1\r\na\r\n$1\r\n1\r\n", h.wire("ZPOPMIN", "z", "1"));
    h.session.protocol(3);
    assertEquals("*2\r\n$1\r\nb\r\n,2\r\n", h.wire("ZPOPMIN", "z"));
    assertEquals("*1\r\n*2\r\n$1\r\nc\r\n,3\r\n", h.wire("ZPOPMAX", "z", "1"));
    assertEquals("*0\r\n", h.wire("ZPOPMIN", "z"));
  }

  @Test
  void zmpop() {
    h.run("ZADD", "z", "1", "a", "2", "b", "3", "c");
    assertEquals(lines("1) \"z\"", "2) 1) 1) \"a\"", "      2) \"1\""), cli("ZMPOP", "2", "nokey", "z", "MIN"));
    assertEquals(lines("1) \"z\"", "2) 1) 1) \"c\"", "      2) \"3\"", "   2) 1) \"b\"", "      2) \"2\""),
        cli("ZMPOP", "1", "z", "max", "COUNT", "5"));
    assertEquals("(integer) 0", cli("EXISTS", "z"));
    assertEquals("(nil)", cli("ZMPOP", "1", "z", "MIN"));
    assertEquals("*-1\r\n", h.wire("ZMPOP", "1", "z", "MIN"));
    assertEquals(List.of("ZADD z 1 a 2 b 3 c", "ZPOPMIN z 1", "ZPOPMAX z 2"), effectsOf("z"));
    assertEquals("(error) ERR numkeys should be greater than 0", cli("ZMPOP", "0", "z", "MIN"));
    assertEquals("(error) ERR numkeys should be greater than 0", cli("ZMPOP", "a", "z", "MIN"));
    assertEquals(SYNTAX, cli("ZMPOP", "2", "z", "MIN"));
    assertEquals(SYNTAX, cli("ZMPOP", "1", "z", "foo"));
    assertEquals(SYNTAX, cli("ZMPOP", "1", "z", "MIN", "foo"));
    assertEquals(SYNTAX, cli("ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "2"));
    assertEquals("(error) ERR count should be greater than 0", cli("ZMPOP", "1", "z", "MIN", "COUNT", "0"));
    assertEquals("(error) ERR count should be greater than 0", cli("ZMPOP", "1", "z", "MIN", "COUNT", "-1"));
    assertEquals("(error) ERR wrong number of arguments for 'zmpop' command", cli("ZMPOP", "1", "z"));
    cli("SET", "s", "v");
    assertEquals(WRONGTYPE, cli("ZMPOP", "1", "s", "MIN"));
    h.run("ZADD", "z", "1", "a");
    h.session.protocol(3);
    assertEquals("*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,1\r\n", h.wire("ZMPOP", "1", "z", "MIN"));
    assertEquals("_\r\n", h.wire("ZMPOP", "1", "z", "MIN"));
  }

  // ---- ZRANDMEMBER ---------------------------------------------------------------------------

  @Test
  void zrandmember() {
    abc();
    String one = cli("ZRANDMEMBER", "z");
    assertTrue(List.of("\"a\"", "\"b\"", "\"c\"", "\"d\"", "\"e\"").contains(one), one);
    assertEquals("(nil)", cli("ZRANDMEMBER", "nokey"));
    assertEquals("(empty array)", cli("ZRANDMEMBER", "nokey", "3"));
    assertEquals("(empty array)", cli("ZRANDMEMBER", "z", "0"));
    for (int round = 0; round < 20; round++) {
      List<String> distinct = List.of(cli("ZRANDMEMBER", "z", "3").split("\n"));
      assertEquals(3, distinct.size());
      assertEquals(3, distinct.stream().map(l -> l.substring(3)).distinct().count());
    }
    assertEquals(5, cli("ZRANDMEMBER", "z", "10").split("\n").length);
    assertEquals(8, cli("ZRANDMEMBER", "z", "-8").split("\n").length);
    String withScores = cli("ZRANDMEMBER", "z", "-3", "WITHSCORES");
    String[] rows = withScores.split("\n");
    assertEquals(6, rows.length);
    for (int i = 0; i < 6; i += 2) {
      String member = rows[i].substring(rows[i].indexOf('"') + 1, rows[i].length() - 1);
      String score = rows[i + 1].substring(rows[i + 1].indexOf('"'));
      assertEquals(score, cli("ZSCORE", "z", member));
    }
    assertEquals(SYNTAX, cli("ZRANDMEMBER", "z", "1", "foo"));
    assertEquals(SYNTAX, cli("ZRANDMEMBER", "z", "1", "WITHSCORES", "WITHSCORES"));
    assertEquals(NOT_INTEGER, cli("ZRANDMEMBER", "z", "a"));
    assertEquals("(error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        cli("ZRANDMEMBER", "z", "-9223372036854775808"));
    assertEquals("(error) ERR value is out of range", cli("ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES"));
    assertEquals(5, cli("ZRANDMEMBER", "z", "9223372036854775807").split("\n").length);
    h.session.protocol(3);
    assertTrue(h.wire("ZRANDMEMBER", "z", "1", "WITHSCORES").startsWith("*1\r\n*2\r\n$1\r\n"));
    assertTrue(h.wire("ZRANDMEMBER", "z", "-2", "WITHSCORES").startsWith("*2\r\n*2\r\n$1\r\n"));
    assertEquals("_\r\n", h.wire("ZRANDMEMBER", "nokey"));
    assertEquals(List.of("ZADD z 1 a 2.5 b 3 c 4 d 5 e"), effectsOf("z"));
  }

  // ---- set operations ------------------------------------------------------------------------

  private void u123() {
    h.run("ZADD", "u1", "1", "a", "2", "b", "3", "c");
    h.run("ZADD", "u2", "10", "b", "20", "c", "30", "d");
    h.run("ZADD", "u3", "100", "c", "0.1", "a");
  }

  @Test
  void zunion() {
    u123();
    assertEquals(lines("1) \"a\"", "2) \"1\"", "3) \"b\"", "4) \"12\"", "5) \"c\"", "6) \"23\"", "7) \"d\"", "8) \"30\""),
        cli("ZUNION", "2", "u1", "u2", "WITHSCORES"));
    assertEquals(lines("1) \"a\"", "2) \"1.05\"", "3) \"b\"", "4) \"22\"", "5) \"d\"", "6) \"60\"", "7) \"c\"", "8) \"93\""),
        cli("ZUNION", "3", "u1", "u2", "u3", "WEIGHTS", "1", "2", "0.5", "WITHSCORES"));
    assertEquals(lines("1) \"a\"", "2) \"0.10000000000000001\"", "3) \"b\"", "4) \"2\"", "5) \"c\"", "6) \"3\"", "7) \"d\"", "8) \"30\""),
        cli("ZUNION", "3", "u1", "u2", "u3", "AGGREGATE", "MIN", "WITHSCORES"));
    assertEquals(lines("1) \"a\"", "2) \"1\"", "3) \"b\"", "4) \"10\"", "5) \"d\"", "6) \"30\"", "7) \"c\"", "8) \"100\""),
        cli("ZUNION", "3", "u1", "u2", "u3", "aggregate", "max", "WITHSCORES"));
    assertEquals(lines("1) \"a\"", "2) \"b\"", "3) \"c\""), cli("ZUNION", "2", "nokey", "u1"));
    // Later options win; inf * 0 and inf + -inf give 0 as in Redis.
    assertEquals(lines("1) \"a\"", "2) \"2\"", "3) \"b\"", "4) \"4\"", "5) \"c\"", "6) \"6\""),
        cli("ZUNION", "1", "u1", "WEIGHTS", "1", "WEIGHTS", "2", "WITHSCORES"));
    assertEquals(lines("1) \"a\"", "2) \"0\"", "3) \"b\"", "4) \"0\"", "5) \"c\"", "6) \"0\""),
        cli("ZUNION", "2", "u1", "u1", "WEIGHTS", "inf", "-inf", "WITHSCORES"));
    h.run("ZADD", "zeroes", "0", "z");
    assertEquals(lines("1) \"z\"", "2) \"0\""), cli("ZUNION", "1", "zeroes", "WEIGHTS", "inf", "WITHSCORES"));
  }

  @Test
  void zinterAndZdiff() {
    u123();
    assertEquals(lines("1) \"b\"", "2) \"12\"", "3) \"c\"", "4) \"23\""), cli("ZINTER", "2", "u1", "u2", "WITHSCORES"));
    assertEquals(lines("1) \"c\"", "2) \"123\""), cli("ZINTER", "3", "u1", "u2", "u3", "WITHSCORES"));
    assertEquals(lines("1) \"b\"", "2) \"30\"", "3) \"c\"", "4) \"60\""),
        cli("ZINTER", "2", "u1", "u2", "WEIGHTS", "2", "3", "AGGREGATE", "MAX", "WITHSCORES"));
    assertEquals("(empty array)", cli("ZINTER", "2", "u1", "nokey"));
    assertEquals(lines("1) \"a\"", "2) \"1\""), cli("ZDIFF", "2", "u1", "u2", "WITHSCORES"));
    assertEquals(lines("1) \"d\""), cli("ZDIFF", "2", "u2", "u1"));
    assertEquals("(empty array)", cli("ZDIFF", "2", "nokey", "u1"));
    assertEquals(lines("1) \"a\"", "2) \"b\"", "3) \"c\""), cli("ZDIFF", "1", "u1"));
    assertEquals("(integer) 2", cli("ZINTERCARD", "2", "u1", "u2"));
    assertEquals("(integer) 1", cli("ZINTERCARD", "2", "u1", "u2", "LIMIT", "1"));
    assertEquals("(integer) 2", cli("ZINTERCARD", "2", "u1", "u2", "LIMIT", "0"));
    assertEquals("(integer) 0", cli("ZINTERCARD", "2", "u1", "nokey"));
  }

  @Test
  void setOperationErrors() {
    u123();
    assertEquals("(error) ERR at least 1 input key is needed for 'zunion' command", cli("ZUNION", "0", "u1"));
    assertEquals("(error) ERR at least 1 input key is needed for 'zinter' command", cli("ZINTER", "-1", "u1"));
    assertEquals("(error) ERR at least 1 input key is needed for 'zunionstore' command", cli("ZUNIONSTORE", "d", "0", "u1"));
    assertEquals("(error) ERR at least 1 input key is needed for 'zintercard' command", cli("ZINTERCARD", "0", "u1"));
    assertEquals(NOT_INTEGER, cli("ZUNION", "a", "u1"));
    assertEquals(SYNTAX, cli("ZUNION", "2", "u1"));
    assertEquals(SYNTAX, cli("ZUNION", "1", "u1", "WEIGHTS", "1", "2"));
    assertEquals("(error) ERR weight value is not a float", cli("ZUNION", "1", "u1", "WEIGHTS", "x"));
    assertEquals("(error) ERR weight value is not a float", cli("ZUNION", "1", "u1", "WEIGHTS", "nan"));
    assertEquals(SYNTAX, cli("ZUNION", "1", "u1", "AGGREGATE", "foo"));
    assertEquals(SYNTAX, cli("ZUNION", "1", "u1", "foo"));
    assertEquals(SYNTAX, cli("ZINTERSTORE", "d", "1", "u1", "WITHSCORES"));
    assertEquals(SYNTAX, cli("ZDIFF", "1", "u1", "WEIGHTS", "1"));
    assertEquals(SYNTAX, cli("ZDIFF", "1", "u1", "AGGREGATE", "SUM"));
    assertEquals(SYNTAX, cli("ZINTERCARD", "1", "u1", "WITHSCORES"));
    assertEquals(SYNTAX, cli("ZINTERCARD", "2", "u1"));
    assertEquals("(error) ERR LIMIT can't be negative", cli("ZINTERCARD", "1", "u1", "LIMIT", "-1"));
    assertEquals("(error) ERR LIMIT can't be negative", cli("ZINTERCARD", "1", "u1", "LIMIT", "a"));
    cli("SET", "s", "v");
    assertEquals(WRONGTYPE, cli("ZUNION", "2", "u1", "s"));
    // Key types are checked before the options.
    assertEquals(WRONGTYPE, cli("ZUNION", "1", "s", "foo"));
    assertEquals("(error) ERR wrong number of arguments for 'zunionstore' command", cli("ZUNIONSTORE", "d", "1"));
  }

  @Test
  void storesReplaceOrDeleteTheDestination() {
    u123();
    cli("SET", "dst", "v");
    h.run("PEXPIRE", "dst", "100000");
    assertEquals("(integer) 4", cli("ZUNIONSTORE", "dst", "2", "u1", "u2", "AGGREGATE", "MAX"));
    assertEquals(lines("1) \"a\"", "2) \"1\"", "3) \"b\"", "4) \"10\"", "5) \"c\"", "6) \"20\"", "7) \"d\"", "8) \"30\""),
        cli("ZRANGE", "dst", "0", "-1", "WITHSCORES"));
    assertEquals("(integer) -1", cli("TTL", "dst"));
    assertEquals("(integer) 2", cli("ZINTERSTORE", "dst", "2", "u1", "u2", "WEIGHTS", "0.1", "1"));
    assertEquals(lines("1) \"b\"", "2) \"10.199999999999999\"", "3) \"c\"", "4) \"20.300000000000001\""),
        cli("ZRANGE", "dst", "0", "-1", "WITHSCORES"));
    assertEquals("(integer) 1", cli("ZDIFFSTORE", "dst", "2", "u2", "u1"));
    assertEquals(lines("1) \"d\""), cli("ZRANGE", "dst", "0", "-1"));
    assertEquals("(integer) 0", cli("ZINTERSTORE", "dst", "2", "u1", "nokey"));
    assertEquals("(integer) 0", cli("EXISTS", "dst"));
    assertEquals("(integer) 0", cli("ZUNIONSTORE", "dst", "1", "nokey"));
    // The destination may be a source.
    assertEquals("(integer) 4", cli("ZUNIONSTORE", "u1", "2", "u1", "u2"));
    assertEquals("\"12\"", cli("ZSCORE", "u1", "b"));
    List<String> dst = effectsOf("dst");
    assertEquals("DEL dst", dst.get(dst.size() - 1));
    assertTrue(dst.contains("ZADD dst 10.199999999999999 b 20.300000000000001 c"), dst.toString());
  }

  // ---- encodings -----------------------------------------------------------------------------

  @Test
  void encodingsFollowRedisThresholds() {
    h.run("ZADD", "small", "1", "a");
    assertEquals("\"listpack\"", cli("OBJECT", "ENCODING", "small"));
    h.run("ZADD", "small", "2", "x".repeat(65));
    assertEquals("\"skiplist\"", cli("OBJECT", "ENCODING", "small"));
    h.run("ZREM", "small", "x".repeat(65));
    assertEquals("\"skiplist\"", cli("OBJECT", "ENCODING", "small"));
    List<String> args = new ArrayList<>(List.of("ZADD", "many"));
    for (int i = 0; i < 129; i++) {
      args.add(Integer.toString(i));
      args.add("m" + i);
    }
    h.run(args.toArray(String[]::new));
    assertEquals("\"skiplist\"", cli("OBJECT", "ENCODING", "many"));
    // Created with a size hint: 129 pairs make a skiplist at once, even for one member.
    List<String> same = new ArrayList<>(List.of("ZADD", "same"));
    for (int i = 0; i < 129; i++) {
      same.add("1");
      same.add("m");
    }
    h.run(same.toArray(String[]::new));
    assertEquals("\"skiplist\"", cli("OBJECT", "ENCODING", "same"));
    List<String> grow = new ArrayList<>(List.of("ZADD", "grow"));
    for (int i = 0; i < 128; i++) {
      grow.add("1");
      grow.add("m" + i);
    }
    h.run(grow.toArray(String[]::new));
    assertEquals("\"listpack\"", cli("OBJECT", "ENCODING", "grow"));
    h.run("ZADD", "grow", "1", "one-more");
    assertEquals("\"skiplist\"", cli("OBJECT", "ENCODING", "grow"));
    // Stored results are re-encoded by their size.
    assertEquals("(integer) 6", cli("ZRANGESTORE", "part", "many", "0", "5"));
    assertEquals("\"listpack\"", cli("OBJECT", "ENCODING", "part"));
    assertEquals("(integer) 129", cli("ZUNIONSTORE", "all", "1", "many"));
    assertEquals("\"skiplist\"", cli("OBJECT", "ENCODING", "all"));
    assertEquals("(integer) 1", cli("ZUNIONSTORE", "one", "1", "small"));
    assertEquals("\"listpack\"", cli("OBJECT", "ENCODING", "one"));
    assertEquals("(integer) 1", cli("OBJECT", "REFCOUNT", "one"));
    assertEquals("(integer) 1", cli("COPY", "many", "copy"));
    assertEquals("\"skiplist\"", cli("OBJECT", "ENCODING", "copy"));
  }

  // ---- ZSCAN ---------------------------------------------------------------------------------

  @Test
  void zscanSmallSetReturnsEverythingAtOnce() {
    h.run("ZADD", "z", "1", "a", "2.5", "b", "3", "c");
    assertEquals(lines("1) \"0\"", "2) 1) \"a\"", "   2) \"1\"", "   3) \"b\"", "   4) \"2.5\"", "   5) \"c\"", "   6) \"3\""),
        cli("ZSCAN", "z", "0", "COUNT", "1"));
    assertEquals(lines("1) \"0\"", "2) 1) \"b\"", "   2) \"2.5\""), cli("ZSCAN", "z", "0", "MATCH", "b*"));
    assertEquals(lines("1) \"0\"", "2) (empty array)"), cli("ZSCAN", "nokey", "0", "COUNT", "0"));
    assertEquals(SYNTAX, cli("ZSCAN", "z", "0", "COUNT", "0"));
    assertEquals(SYNTAX, cli("ZSCAN", "z", "0", "foo"));
    assertEquals(SYNTAX, cli("ZSCAN", "z", "0", "MATCH"));
    assertEquals(NOT_INTEGER, cli("ZSCAN", "z", "0", "COUNT", "a"));
    assertEquals("(error) ERR invalid cursor", cli("ZSCAN", "z", "x"));
    h.session.protocol(3);
    // Scores are bulk strings even in RESP3.
    assertEquals("*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$3\r\n2.5\r\n", h.wire("ZSCAN", "z", "0", "MATCH", "b"));
  }

  @Test
  void zscanLargeSetVisitsEveryMemberAcrossChanges() {
    List<String> args = new ArrayList<>(List.of("ZADD", "big"));
    for (int i = 0; i < 1000; i++) {
      args.add(Integer.toString(i));
      args.add("m" + i);
    }
    h.run(args.toArray(String[]::new));
    java.util.Set<String> seen = new java.util.HashSet<>();
    String cursor = "0";
    int calls = 0;
    do {
      io.redgrid.protocol.Reply reply = h.run("ZSCAN", "big", cursor, "COUNT", "20");
      List<io.redgrid.protocol.Reply> parts = ((io.redgrid.protocol.Reply.Array) reply).items();
      cursor = new String(((io.redgrid.protocol.Reply.Bulk) parts.get(0)).value());
      List<io.redgrid.protocol.Reply> items = ((io.redgrid.protocol.Reply.Array) parts.get(1)).items();
      assertEquals(0, items.size() % 2);
      for (int i = 0; i < items.size(); i += 2) {
        String member = new String(((io.redgrid.protocol.Reply.Bulk) items.get(i)).value());
        String score = new String(((io.redgrid.protocol.Reply.Bulk) items.get(i + 1)).value());
        assertEquals(member.substring(1), score);
        seen.add(member);
      }
      // Grow and shrink the member table while scanning: members present throughout stay visible.
      if (calls == 3) {
        for (int i = 1000; i < 3000; i++) {
          h.run("ZADD", "big", Integer.toString(i), "m" + i);
        }
      }
      if (calls == 10) {
        for (int i = 1000; i < 3000; i++) {
          h.run("ZREM", "big", "m" + i);
        }
      }
      assertTrue(++calls < 10_000);
    } while (!cursor.equals("0"));
    for (int i = 0; i < 1000; i++) {
      assertTrue(seen.contains("m" + i), "m" + i);
    }
  }

  // ---- keyspace integration ------------------------------------------------------------------

  @Test
  void renameAndCopyAcrossShardsRebuildTheSet() {
    h.run("ZADD", "src", "0.1", "a", "-inf", "b", "1e-310", "c");
    h.run("PEXPIRE", "src", "100000");
    String other = "dst";
    for (int i = 0; h.shardOf(other) == h.shardOf("src"); i++) {
      other = "dst" + i;
    }
    assertEquals("(integer) 1", cli("COPY", "src", other));
    assertEquals(cli("ZRANGE", "src", "0", "-1", "WITHSCORES"), cli("ZRANGE", other, "0", "-1", "WITHSCORES"));
    assertTrue(effectsOf(other).get(0).equals("DEL " + other), effectsOf(other).toString());
    assertTrue(effectsOf(other).get(effectsOf(other).size() - 1).startsWith("PEXPIREAT " + other), effectsOf(other).toString());
    // COPY is independent of its source.
    h.run("ZADD", other, "5", "new");
    assertEquals("(integer) 3", cli("ZCARD", "src"));
    assertEquals("OK", cli("RENAME", "src", "renamed"));
    assertEquals("(integer) 3", cli("ZCARD", "renamed"));
    List<String> big = new ArrayList<>(List.of("ZADD", "big"));
    for (int i = 0; i < 300; i++) {
      big.add(i + ".5");
      big.add("m" + i);
    }
    h.run(big.toArray(String[]::new));
    assertEquals("OK", cli("RENAME", "big", other));
    assertEquals("(integer) 300", cli("ZCARD", other));
  }

  @Test
  void commandTableDeclaresRedisArityAndKeys() {
    assertEquals(lines("1) 1) \"zunionstore\"", "   2) (integer) -4"),
        String.join("\n", List.of(cli("COMMAND", "INFO", "zunionstore").split("\n")).subList(0, 2)));
    assertEquals("(error) ERR wrong number of arguments for 'zscore' command", cli("ZSCORE", "z"));
    assertEquals("(error) ERR wrong number of arguments for 'zcard' command", cli("ZCARD", "z", "x"));
    assertEquals("(error) ERR wrong number of arguments for 'zincrby' command", cli("ZINCRBY", "z", "1"));
    assertEquals(lines("1) \"d\"", "2) \"a\"", "3) \"b\""), cli("COMMAND", "GETKEYS", "ZUNIONSTORE", "d", "2", "a", "b", "WEIGHTS", "1", "2"));
    assertEquals(lines("1) \"a\"", "2) \"b\""), cli("COMMAND", "GETKEYS", "ZMPOP", "2", "a", "b", "MIN"));
    assertEquals(lines("1) \"d\"", "2) \"s\""), cli("COMMAND", "GETKEYS", "ZRANGESTORE", "d", "s", "0", "1"));
  }

  @Test
  void setOperationWireForms() {
    u123();
    h.session.protocol(3);
    assertEquals("*2\r\n*2\r\n$1\r\nb\r\n,12\r\n*2\r\n$1\r\nc\r\n,23\r\n", h.wire("ZINTER", "2", "u1", "u2", "WITHSCORES"));
    assertEquals("*2\r\n$1\r\nb\r\n$1\r\nc\r\n", h.wire("ZINTER", "2", "u1", "u2"));
    assertEquals(":2\r\n", h.wire("ZINTERCARD", "2", "u1", "u2"));
    h.session.protocol(2);
    assertEquals("*4\r\n$1\r\nb\r\n$2\r\n12\r\n$1\r\nc\r\n$2\r\n23\r\n", h.wire("ZINTER", "2", "u1", "u2", "WITHSCORES"));
  }

  @Test
  void zrandmemberSamplesFewOfManyWithoutRepeats() {
    List<String> args = new ArrayList<>(List.of("ZADD", "big"));
    for (int i = 0; i < 500; i++) {
      args.add(Integer.toString(i));
      args.add("m" + i);
    }
    h.run(args.toArray(String[]::new));
    for (String count : List.of("10", "200", "499")) {
      String[] rows = cli("ZRANDMEMBER", "big", count).split("\n");
      assertEquals(Integer.parseInt(count), rows.length);
      assertEquals(rows.length, java.util.Arrays.stream(rows).map(r -> r.substring(r.indexOf('"'))).distinct().count());
    }
  }
}
