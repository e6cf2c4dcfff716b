package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Flag;
import io.redgrid.command.Route;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SORT and SORT_RO against Redis 7.0.15's replies, errors and orderings; STORE's effects replay. */
class SortCommandsTest {
  private static final String WRONGTYPE = "(error) WRONGTYPE Operation against a key holding the wrong kind of value";
  private static final String SYNTAX = "(error) ERR syntax error";
  private static final String NOT_DOUBLE = "(error) ERR One or more scores can't be converted into double";
  private static final String NOT_INTEGER = "(error) ERR value is not an integer or out of range";

  private final CommandHarness h = new CommandHarness();

  @BeforeEach
  void data() {
    h.run("RPUSH", "l", "3", "1", "2", "10");
    h.run("MSET", "w_3", "1", "w_1", "30", "w_2", "20");
    h.run("HSET", "h_3", "w", "5", "n", "three");
    h.run("HSET", "h_1", "w", "2", "n", "one");
    h.run("HSET", "h_10", "w", "1");
    h.mark();
  }

  /** A reply rendered on one line: {@code 1|2|(nil)} or {@code (empty array)}. */
  private String flat(String... args) {
    String rendered = h.cli(args);
    List<String> items = new ArrayList<>();
    for (String line : rendered.split("\n")) {
      String item = line.trim().replaceFirst("^\\d+\\) ", "");
      items.add(item.startsWith("\"") ? item.substring(1, item.length() - 1) : item);
    }
    return String.join("|", items);
  }

  /** A key name with {@code prefix} that lives on {@code shard}. */
  private String keyOn(int shard, String prefix) {
    for (int i = 0; ; i++) {
      String key = prefix + i;
      if (h.shardOf(key) == shard) {
        return key;
      }
    }
  }

  // ---- plain sorting -----------------------------------------------------------------------

  @Test
  void sortsNumericallyByDefault() {
    assertEquals("1|2|3|10", flat("SORT", "l"));
    assertEquals("1|2|3|10", flat("SORT", "l", "ASC"));
    assertEquals("10|3|2|1", flat("SORT", "l", "DESC"));
    assertEquals("1|2|3|10", flat("SORT_RO", "l"));
    assertEquals("(empty array)", h.cli("SORT", "missing"));
    assertEquals("(empty array)", h.cli("SORT_RO", "missing", "BY", "w_*", "GET", "#"));
    assertTrue(h.newEffects().isEmpty());
  }

  @Test
  void alphaComparesBytes() {
    assertEquals("1|10|2|3", flat("SORT", "l", "ALPHA"));
    assertEquals("3|2|10|1", flat("SORT", "l", "ALPHA", "DESC"));
    h.run("RPUSH", "words", "b", "B", "a", "ab", "\u00e9", "A");
    // The C locale: upper case before lower case, bytes above 0x7f last.
    assertEquals("A|B|a|ab|b|\u00e9", flat("SORT", "words", "ALPHA"));
    assertEquals("(error) ERR One or more scores can't be converted into double", h.cli("SORT", "words"));
  }

  @Test
  void numericTiesFallBackToTheElementBytes() {
    h.run("RPUSH", "ties", "1.0", "1", "01", "-0", "0", "1e0");
    assertEquals("-0|0|01|1|1.0|1e0", flat("SORT", "ties"));
    assertEquals("1e0|1.0|1|01|0|-0", flat("SORT", "ties", "DESC"));
  }

  @Test
  void sortsSetsAndSortedSetsByTheirMembers() {
    h.run("SADD", "s", "5", "-1", "2.5");
    assertEquals("-1|2.5|5", flat("SORT", "s"));
    assertEquals("5|2.5", flat("SORT", "s", "DESC", "LIMIT", "0", "2"));
    h.run("SADD", "ints", "30", "4", "200");
    assertEquals("4|30|200", flat("SORT", "ints", "ALPHA", "DESC"));
    h.run("ZADD", "z", "3", "a", "1", "b", "2", "c", "5", "d");
    assertEquals("a|b|c|d", flat("SORT", "z", "ALPHA"));
    assertEquals(NOT_DOUBLE, h.cli("SORT", "z"));
    h.run("ZADD", "nz", "1", "30", "2", "4", "3", "-2");
    assertEquals("-2|4|30", flat("SORT", "nz"));
  }

  @Test
  void sortingASortedSetConvertsItToASkiplist() {
    h.run("ZADD", "z", "1", "a", "2", "b");
    assertEquals("\"listpack\"", h.cli("OBJECT", "ENCODING", "z"));
    h.run("SORT_RO", "z", "ALPHA");
    assertEquals("\"skiplist\"", h.cli("OBJECT", "ENCODING", "z"));
    assertEquals("a|b", flat("ZRANGE", "z", "0", "-1"));
  }

  @ParameterizedTest(name = "score [{0}] -> {1}")
  @CsvSource(delimiter = ';', value = {
      "' 5';ok", "'\t7';ok", "0x10;ok", "'';ok", "1e2;ok", "-inf;ok", "infinity;ok", "-INF;ok",
      "+5;ok", "5.;ok", ".5;ok", "00012;ok", "0x1.8p1;ok", "0X1P-2;ok", "0x.8;ok", "-0x10;ok",
      "0e-999;ok", "2.2250738585072014e-308;ok", "0x1p-1074;ok", "0x1p-1023;ok",
      "1.7976931348623158e308;ok",
      "nan;bad", "nan(123);bad", "'5 ';bad", "'  ';bad", "-;bad", ".;bad", "1e;bad", "1e+;bad",
      "infx;bad", "1_0;bad", "1e309;bad", "1e400;bad", "1e-400;bad", "1e-310;bad", "4.9e-324;bad",
      "0x;bad", "0x1g;bad", "0x1p;bad", "0x1p1024;bad", "0x1.fffffffffffff8p1023;bad",
      "1.7976931348623159e308;bad", "1d;bad", "1f;bad", "5e5x;bad", "abc;bad"})
  void scoresParseLikeStrtod(String score, String verdict) {
    h.run("RPUSH", "one", score);
    String reply = h.cli("SORT", "one");
    assertEquals(verdict.equals("ok") ? '"' + score + '"' : NOT_DOUBLE, reply.replaceFirst("^1\\) ", ""));
  }

  @Test
  void strtodValues() {
    assertEquals(16.0, Strtod.parse(bytes("0x10")));
    assertEquals(-3.0, Strtod.parse(bytes("-0x1.8p1")));
    assertEquals(0.25, Strtod.parse(bytes("0X1P-2")));
    assertEquals(0.0, Strtod.parse(bytes("")));
    assertEquals(5.0, Strtod.parse(bytes(" \n5")));
    assertEquals(7.0, Strtod.parse(bytes("7\0junk")), "stops at NUL like a C string");
    assertEquals(Double.MIN_VALUE, Strtod.parse(bytes("0x1p-1074")));
    assertEquals(Double.POSITIVE_INFINITY, Strtod.parse(bytes("+Infinity")));
    assertTrue(Double.isNaN(Strtod.parse(bytes("0x1p99999999999999"))));
    assertEquals(0.0, Strtod.parse(bytes("0x0p-99999999999999")));
  }

  // ---- LIMIT -------------------------------------------------------------------------------

  @ParameterizedTest(name = "LIMIT {0} {1}")
  @CsvSource(delimiter = ';', value = {
      "0;-1;1|2|3|10;3|1|2|10;10|2|1|3",
      "5;9223372036854775807;(empty array);(empty array);(empty array)",
      "1;9223372036854775807;2|3|10;1|2|10;2|1|3",
      "-5;2;1|2;3|1;10|2",
      "2;-1;3|10;2|10;1|3",
      "9223372036854775807;9223372036854775807;(empty array);(empty array);(empty array)",
      "-9223372036854775808;-9223372036854775808;1|2|3|10;3|1|2|10;10|2|1|3",
      "0;0;(empty array);(empty array);(empty array)",
      "3;5;10;10;3",
      "4;1;(empty array);(empty array);(empty array)",
      "1;-5;2|3|10;1|2|10;2|1|3"})
  void limitClampsLikeRedis(String offset, String count, String sorted, String nosort, String nosortDesc) {
    assertEquals(sorted, flat("SORT", "l", "LIMIT", offset, count));
    assertEquals(nosort, flat("SORT", "l", "BY", "nosort", "LIMIT", offset, count));
    assertEquals(nosortDesc, flat("SORT", "l", "BY", "nosort", "DESC", "LIMIT", offset, count));
  }

  @Test
  void limitOnEmptyAndTheLastLimitWins() {
    assertEquals("(empty array)", h.cli("SORT", "missing", "LIMIT", "0", "1"));
    assertEquals("(empty array)", h.cli("SORT", "missing", "BY", "nosort", "LIMIT", "-1", "-1"));
    assertEquals("2|3", flat("SORT", "l", "LIMIT", "0", "1", "LIMIT", "1", "2"));
    assertEquals("2|10", flat("SORT", "l", "LiMiT", "1", "2", "dEsC", "alpha"));
  }

  // ---- BY ----------------------------------------------------------------------------------

  @Test
  void byStringKeys() {
    assertEquals("10|3|2|1", flat("SORT", "l", "BY", "w_*"));
    assertEquals("1|2|3|10", flat("SORT", "l", "BY", "w_*", "DESC"));
    // ALPHA by pattern: a missing key sorts first.
    assertEquals("10|3|2|1", flat("SORT", "l", "BY", "w_*", "ALPHA"));
    assertEquals("1|2|3|10", flat("SORT", "l", "BY", "w_*", "ALPHA", "DESC"));
    assertEquals("3|2", flat("SORT", "l", "BY", "w_*", "LIMIT", "1", "2"));
  }

  @Test
  void byHashFields() {
    assertEquals("2|10|1|3", flat("SORT", "l", "BY", "h_*->w"));
    assertEquals("3|1|10|2", flat("SORT", "l", "BY", "h_*->w", "DESC"));
    // A missing field or a key of another type scores 0: ties then order by the element bytes.
    assertEquals("1|10|2|3", flat("SORT", "l", "BY", "h_*->nofield"));
    assertEquals("1|10|2|3", flat("SORT", "l", "BY", "w_*->w"));
    assertEquals("1|10|2|3", flat("SORT", "l", "BY", "h_*"));
    // "->" with nothing after it is part of the key name.
    h.run("SET", "h_1->", "9");
    assertEquals("10|2|3|1", flat("SORT", "l", "BY", "h_*->"));
  }

  @Test
  void byScoresMustBeNumbers() {
    h.run("SET", "w_10", "heavy");
    assertEquals(NOT_DOUBLE, h.cli("SORT", "l", "BY", "w_*"));
    assertEquals("3|2|1|10", flat("SORT", "l", "BY", "w_*", "ALPHA"));
    assertEquals(NOT_DOUBLE, h.cli("SORT", "l", "BY", "w_*", "STORE", "dst"));
    assertEquals("0", h.cli("EXISTS", "dst").replace("(integer) ", ""));
  }

  @Test
  void alphaTiesKeepTheirOrderLikeAStableSort() {
    h.run("RPUSH", "l9", "c", "a", "b", "d");
    assertEquals("c|a|b|d", flat("SORT", "l9", "BY", "nokey_*", "ALPHA"));
    assertEquals("c|a|b|d", flat("SORT", "l9", "BY", "nokey_*", "ALPHA", "DESC"));
    assertEquals("a|b|c|d", flat("SORT", "l9", "BY", "nokey_*"));
    assertEquals("d|c|b|a", flat("SORT", "l9", "BY", "nokey_*", "DESC"));
  }

  @Test
  void byLookupsCountAsReads() {
    long hits = h.stats.keyspaceHits.sum();
    long misses = h.stats.keyspaceMisses.sum();
    h.run("SORT", "l", "BY", "w_*");
    // The sorted key plus three weights found, w_10 missed.
    assertEquals(hits + 4, h.stats.keyspaceHits.sum());
    assertEquals(misses + 1, h.stats.keyspaceMisses.sum());
  }

  @Test
  void byExpiredKeysAreMissingAndDeleted() {
    h.run("PEXPIRE", "w_1", "10");
    h.clock.advance(11);
    h.mark();
    assertEquals("1|10|3|2", flat("SORT", "l", "BY", "w_*"));
    assertEquals(List.of("DEL w_1"), h.newEffects());
  }

  // ---- BY nosort ---------------------------------------------------------------------------

  @Test
  void nosortKeepsListOrder() {
    assertEquals("3|1|2|10", flat("SORT", "l", "BY", "nosort"));
    assertEquals("10|2|1|3", flat("SORT", "l", "BY", "nosort", "DESC"));
    assertEquals("1|2", flat("SORT", "l", "BY", "nosort", "LIMIT", "1", "2"));
    assertEquals("2|1", flat("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"));
    // No '*' is enough; the ALPHA flag is ignored.
    assertEquals("3|1|2|10", flat("SORT", "l", "BY", "constant", "ALPHA"));
    // A later BY with '*' does not undo an earlier nosort (Redis keeps its dontsort flag).
    assertEquals("3|1|2|10", flat("SORT", "l", "BY", "nosort", "BY", "w_*"));
  }

  @Test
  void nosortKeepsSortedSetOrderAndLimitsIt() {
    h.run("ZADD", "z", "3", "a", "1", "b", "2", "c", "5", "d");
    assertEquals("b|c|a|d", flat("SORT", "z", "BY", "nosort"));
    assertEquals("d|a|c|b", flat("SORT", "z", "BY", "nosort", "DESC"));
    assertEquals("c|a", flat("SORT", "z", "BY", "nosort", "LIMIT", "1", "2"));
    assertEquals("a|c", flat("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "2"));
    assertEquals("d", flat("SORT", "z", "BY", "nosort", "LIMIT", "3", "100"));
    assertEquals("(empty array)", h.cli("SORT", "z", "BY", "nosort", "LIMIT", "4", "1"));
  }

  @Test
  void nosortOnASetReturnsItsOrderButStoresItSorted() {
    h.run("SADD", "si", "3", "1", "2");
    // An intset iterates in ascending order; DESC does not apply without sorting.
    assertEquals("1|2|3", flat("SORT", "si", "BY", "nosort", "DESC"));
    h.run("SADD", "s", "c", "a", "b", "10");
    assertEquals("(integer) 4", h.cli("SORT", "s", "BY", "nosort", "STORE", "d"));
    assertEquals("10|a|b|c", flat("LRANGE", "d", "0", "-1"));
    assertEquals("(integer) 4", h.cli("SORT", "s", "BY", "nosort", "DESC", "STORE", "d"));
    assertEquals("c|b|a|10", flat("LRANGE", "d", "0", "-1"));
    h.assertReplays();
  }

  // ---- GET ---------------------------------------------------------------------------------

  @Test
  void getPatterns() {
    assertEquals(" 1) \"2\"\n 2) (nil)\n 3) \"20\"\n 4) \"10\"\n 5) (nil)\n 6) (nil)\n"
            + " 7) \"1\"\n 8) \"one\"\n 9) \"30\"\n10) \"3\"\n11) \"three\"\n12) \"1\"",
        h.cli("SORT", "l", "BY", "h_*->w", "GET", "#", "GET", "h_*->n", "GET", "w_*").replaceAll("(?m)^(\\d\\))", " $1"));
    assertEquals("3|1|1|30|2|20|10|(nil)", flat("SORT", "l", "BY", "nosort", "GET", "#", "GET", "w_*"));
    assertEquals("10|2|3", flat("SORT", "l", "GET", "#", "LIMIT", "1", "3", "ALPHA"));
  }

  @Test
  void getOfMissingOrOtherThingsIsNil() {
    assertEquals("(nil)|(nil)|(nil)|(nil)", flat("SORT", "l", "GET", "nostar"));
    assertEquals("(nil)|(nil)|(nil)|(nil)", flat("SORT", "l", "GET", "h_*"));
    assertEquals("(nil)|(nil)|(nil)|(nil)", flat("SORT", "l", "GET", "w_*->w"));
    assertEquals("(nil)|(nil)|(nil)|(nil)", flat("SORT", "l", "GET", "h_*->nofield"));
    // "##" is a pattern without '*', not the element.
    assertEquals("(nil)|(nil)|(nil)|(nil)", flat("SORT", "l", "GET", "##"));
  }

  @Test
  void patternsUseTheFirstStarAndTheFirstArrowAfterIt() {
    h.run("SET", "a1b*", "x");
    h.run("HSET", "k-1", "f->g", "y");
    h.run("RPUSH", "one", "1");
    assertEquals("x", flat("SORT", "one", "GET", "a*b*"));
    assertEquals("y", flat("SORT", "one", "GET", "k-*->f->g"));
  }

  @Test
  void resp2WireForm() {
    assertEquals("*4\r\n$1\r\n2\r\n$-1\r\n$2\r\n10\r\n$-1\r\n",
        h.wire("SORT", "l", "BY", "h_*->w", "GET", "#", "GET", "h_*->n", "LIMIT", "0", "2"));
    assertEquals("*0\r\n", h.wire("SORT", "missing"));
    assertEquals(":4\r\n", h.wire("SORT", "l", "STORE", "dst"));
    assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", h.wire("SORT", "h_1"));
  }

  @Test
  void resp3UsesNullsInTheArray() {
    h.session.protocol(3);
    assertEquals("*4\r\n$1\r\n2\r\n_\r\n$2\r\n10\r\n_\r\n",
        h.wire("SORT", "l", "BY", "h_*->w", "GET", "#", "GET", "h_*->n", "LIMIT", "0", "2"));
  }

  // ---- STORE -------------------------------------------------------------------------------

  @Test
  void storeWritesAListAndReplays() {
    String dst = keyOn((h.shardOf("l") + 1) % 4, "dst");
    assertEquals("(integer) 4", h.cli("SORT", "l", "STORE", dst));
    assertEquals("1|2|3|10", flat("LRANGE", dst, "0", "-1"));
    assertEquals(List.of("DEL " + dst, "RPUSH " + dst + " 1 2 3 10"), h.newEffects());
    h.assertReplays();
  }

  @Test
  void storeReplacesAnyTypeAndDropsTheTtl() {
    h.run("SET", "dst", "x", "EX", "100");
    assertEquals("(integer) 4", h.cli("SORT", "l", "BY", "h_*->w", "GET", "h_*->n", "STORE", "dst"));
    // A missing GET stores an empty string.
    assertEquals("||one|three", flat("LRANGE", "dst", "0", "-1"));
    assertEquals("(integer) -1", h.cli("TTL", "dst"));
    h.run("HSET", "hdst", "f", "v");
    assertEquals("(integer) 8", h.cli("SORT", "l", "GET", "#", "GET", "w_*", "STORE", "hdst"));
    assertEquals("1|30|2|20|3|1|10|", flat("LRANGE", "hdst", "0", "-1"));
    assertEquals("list", h.cli("TYPE", "hdst"));
    h.assertReplays();
  }

  @Test
  void storeOntoItself() {
    assertEquals("(integer) 4", h.cli("SORT", "l", "DESC", "STORE", "l"));
    assertEquals("10|3|2|1", flat("LRANGE", "l", "0", "-1"));
    h.assertReplays();
  }

  @Test
  void anEmptyResultDeletesTheDestination() {
    h.run("SET", "dst", "x");
    h.mark();
    assertEquals("(integer) 0", h.cli("SORT", "missing", "STORE", "dst"));
    assertEquals("(integer) 0", h.cli("EXISTS", "dst"));
    assertEquals(List.of("DEL dst"), h.newEffects());
    h.mark();
    assertEquals("(integer) 0", h.cli("SORT", "l", "LIMIT", "0", "0", "STORE", "dst"));
    assertEquals(List.of(), h.newEffects(), "nothing to delete: no effect");
    h.assertReplays();
  }

  @Test
  void storeChunksBigResults() {
    String[] push = new String[2 + 300];
    push[0] = "RPUSH";
    push[1] = "big";
    for (int i = 0; i < 300; i++) {
      push[2 + i] = Integer.toString(300 - i);
    }
    h.run(push);
    h.mark();
    assertEquals("(integer) 300", h.cli("SORT", "big", "STORE", "sorted"));
    List<String> effects = h.newEffects();
    assertEquals(4, effects.size());
    assertEquals("DEL sorted", effects.get(0));
    assertTrue(effects.get(1).startsWith("RPUSH sorted 1 2 3 "));
    assertEquals(2 + 128, effects.get(1).split(" ").length);
    assertEquals(2 + 44, effects.get(3).split(" ").length);
    assertEquals("(integer) 300", h.cli("LLEN", "sorted"));
    assertEquals("\"300\"", h.cli("LINDEX", "sorted", "-1"));
    h.assertReplays();
  }

  @Test
  void theLastStoreWins() {
    assertEquals("(integer) 4", h.cli("SORT", "l", "STORE", "a", "STORE", "b"));
    assertEquals("(integer) 0", h.cli("EXISTS", "a"));
    assertEquals("(integer) 1", h.cli("EXISTS", "b"));
    h.assertReplays();
  }

  @Test
  void sortedSetStoreReplays() {
    h.run("ZADD", "z", "3", "a", "1", "b", "2", "c");
    assertEquals("(integer) 2", h.cli("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "0", "2", "STORE", "zd"));
    assertEquals("a|c", flat("LRANGE", "zd", "0", "-1"));
    h.assertReplays();
  }

  // ---- errors ------------------------------------------------------------------------------

  @Test
  void errors() {
    assertEquals(SYNTAX, h.cli("SORT", "l", "foo"));
    assertEquals(SYNTAX, h.cli("SORT", "l", "LIMIT", "1"));
    assertEquals(NOT_INTEGER, h.cli("SORT", "l", "LIMIT", "a", "1"));
    assertEquals(NOT_INTEGER, h.cli("SORT", "l", "LIMIT", "1", "1.5"));
    assertEquals(SYNTAX, h.cli("SORT", "l", "BY"));
    assertEquals(SYNTAX, h.cli("SORT", "l", "GET"));
    assertEquals(SYNTAX, h.cli("SORT", "l", "STORE"));
    assertEquals(SYNTAX, h.cli("SORT_RO", "l", "STORE", "x"));
    assertEquals(SYNTAX, h.cli("SORT", "l", "LIMIT", "0", "1", "BADOPT"));
    h.run("SET", "s", "v");
    h.mark();
    assertEquals(WRONGTYPE, h.cli("SORT", "s"));
    assertEquals(WRONGTYPE, h.cli("SORT_RO", "s", "BY", "nosort"));
    assertEquals(WRONGTYPE, h.cli("SORT", "h_1", "STORE", "dst"));
    // Options are checked before the key.
    assertEquals(SYNTAX, h.cli("SORT", "s", "foo"));
    assertEquals("(error) ERR wrong number of arguments for 'sort' command", h.cli("SORT"));
    assertEquals("(error) ERR wrong number of arguments for 'sort_ro' command", h.cli("SORT_RO"));
    assertTrue(h.newEffects().isEmpty());
  }

  // ---- declaration -------------------------------------------------------------------------

  @Test
  void declaredLikeRedis() {
    CommandSpec sort = h.table.lookup(bytes("sort"));
    assertTrue(sort.isWrite());
    assertTrue(sort.has(Flag.DENYOOM));
    assertEquals(-2, sort.arity().redisArity());
    assertEquals(Route.ALL_SHARDS, sort.route());
    CommandSpec ro = h.table.lookup(bytes("sort_ro"));
    assertTrue(ro.has(Flag.READONLY));
    assertFalse(ro.isWrite());
    assertEquals(Route.ALL_SHARDS, ro.route());
    assertEquals("[write, denyoom, movablekeys]", names(CommandIntrospection.flags(sort)));
    assertEquals("[readonly, movablekeys]", names(CommandIntrospection.flags(ro)));
    assertEquals(List.of(1, 1, 1), List.of(sort.keys().first(), sort.keys().last(), sort.keys().step()));
    assertEquals(List.of("RO", "access"), sort.keyFlags());
    assertTrue(sort.aclCategories().containsAll(List.of("@write", "@set", "@sortedset", "@list", "@slow", "@dangerous")));
    assertTrue(ro.aclCategories().containsAll(List.of("@read", "@set", "@sortedset", "@list", "@slow", "@dangerous")));
    assertEquals("7.0.0", ro.since());
  }

  @Test
  void getkeysFindsTheStoreDestination() {
    assertEquals("l|d", flat("COMMAND", "GETKEYS", "SORT", "l", "STORE", "d", "BY", "w_*"));
    assertEquals("l", flat("COMMAND", "GETKEYS", "SORT", "l", "STORE"));
    assertEquals("l|e", flat("COMMAND", "GETKEYS", "SORT", "l", "foo", "STORE", "d", "STORE", "e"));
    assertEquals("l", flat("COMMAND", "GETKEYS", "SORT_RO", "l", "GET", "x_*"));
    assertEquals("l", flat("COMMAND", "GETKEYS", "SORT", "l", "LIMIT", "STORE", "d"));
    assertArrayEquals(new int[] {1, 3}, SortCommands.sortKeys(argv("SORT", "l", "STORE", "d")));
    assertNotEquals(0, SortCommands.sortKeys(argv("SORT", "l")).length);
  }

  @Test
  void alphaWithoutStoreStopsAtNul() {
    assertTrue(SortCommands.strcmp(bytes("a\0b"), bytes("a\0c")) == 0);
    assertTrue(SortCommands.strcmp(bytes("a"), bytes("ab")) < 0);
    assertTrue(SortCommands.strcmp(bytes("\u00e9"), bytes("z")) > 0);
  }

  private static String names(List<Reply> flags) {
    List<String> names = new ArrayList<>();
    for (Reply flag : flags) {
      names.add(CommandHarness.render(flag, ""));
    }
    return names.toString();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[][] argv(String... args) {
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = bytes(args[i]);
    }
    return argv;
  }
}
