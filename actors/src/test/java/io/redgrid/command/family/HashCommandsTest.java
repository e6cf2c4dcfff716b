package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Flag;
import io.redgrid.keyspace.HashValue;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The hash family against Redis 7.0's replies, errors, encodings and propagated effects. */
class HashCommandsTest {
  private static final String WRONGTYPE = "(error) WRONGTYPE Operation against a key holding the wrong kind of value";
  private static final String NOT_INTEGER = "(error) ERR value is not an integer or out of range";
  private static final String NOT_FLOAT = "(error) ERR value is not a valid float";
  private static final String SYNTAX = "(error) ERR syntax error";

  private final CommandHarness h = new CommandHarness();

  private KeyEntry entry(String key) {
    return h.keyspace(h.shardOf(key)).database(h.session.db()).get(bytes(key));
  }

  private HashValue hash(String key) {
    KeyEntry entry = entry(key);
    return entry == null ? null : (HashValue) entry.value();
  }

  private String encoding(String key) {
    return h.cli("OBJECT", "ENCODING", key);
  }

  private String keyOn(int shard, String prefix) {
    for (int i = 0; ; i++) {
      String key = prefix + i;
      if (h.shardOf(key) == shard) {
        return key;
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Reply reply) {
    return new String(((Reply.Bulk) reply).value(), StandardCharsets.UTF_8);
  }

  private static List<Reply> items(Reply reply) {
    return reply == Reply.EMPTY_ARRAY ? List.of() : ((Reply.Array) reply).items();
  }

  /** Fills {@code key} with f1=1 .. fN=N in one HSET. */
  private void fill(String key, int fields) {
    List<String> argv = new ArrayList<>(List.of("HSET", key));
    for (int i = 1; i <= fields; i++) {
      argv.add("f" + i);
      argv.add(String.valueOf(i));
    }
    assertEquals("(integer) " + fields, h.cli(argv.toArray(new String[0])));
  }

  // ---- table -------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "hset,-4", "hmset,-4", "hsetnx,4", "hget,3", "hmget,-3", "hgetall,2", "hkeys,2", "hvals,2",
      "hdel,-3", "hexists,3", "hlen,2", "hstrlen,3", "hincrby,4", "hincrbyfloat,4", "hrandfield,-2",
      "hscan,-3"})
  void arityAsRedis(String name, int arity) {
    CommandSpec spec = h.table.lookup(name);
    assertEquals(arity, spec.arity().redisArity());
    assertEquals("hash", spec.group());
    assertEquals(1, spec.keys().first());
    int tooFew = arity > 0 ? arity - 1 : -arity - 1;
    String[] argv = new String[tooFew];
    argv[0] = name;
    for (int i = 1; i < tooFew; i++) {
      argv[i] = "a";
    }
    assertEquals("(error) ERR wrong number of arguments for '" + name + "' command", h.cli(argv));
    if (arity > 0) {
      String[] tooMany = new String[arity + 1];
      tooMany[0] = name;
      for (int i = 1; i <= arity; i++) {
        tooMany[i] = "1";
      }
      assertEquals("(error) ERR wrong number of arguments for '" + name + "' command", h.cli(tooMany));
    }
    assertEquals(List.of(), h.effects());
  }

  @Test
  void flagsAndKeySpecsAsRedis() {
    assertEquals(Set.of(Flag.WRITE, Flag.DENYOOM, Flag.FAST), h.table.lookup("hset").flags());
    assertEquals(Set.of(Flag.WRITE, Flag.FAST), h.table.lookup("hdel").flags());
    assertEquals(Set.of(Flag.READONLY, Flag.FAST), h.table.lookup("hget").flags());
    assertEquals(Set.of(Flag.READONLY), h.table.lookup("hgetall").flags());
    assertEquals(Set.of(Flag.READONLY), h.table.lookup("hrandfield").flags());
    assertEquals(List.of("RW", "insert"), h.table.lookup("hsetnx").keyFlags());
    assertEquals(List.of("RW", "delete"), h.table.lookup("hdel").keyFlags());
    assertEquals(List.of("RW", "access", "update"), h.table.lookup("hincrbyfloat").keyFlags());
    assertEquals(List.of("RO"), h.table.lookup("hlen").keyFlags());
    assertEquals(List.of("RO", "access"), h.table.lookup("hscan").keyFlags());
    assertEquals(List.of("nondeterministic_output_order"), h.table.lookup("hgetall").tips());
    assertEquals(List.of("nondeterministic_output"), h.table.lookup("hrandfield").tips());
    assertEquals("6.2.0", h.table.lookup("hrandfield").since());
    assertEquals("3.2.0", h.table.lookup("hstrlen").since());
  }

  @Test
  void everyCommandRefusesOtherTypes() {
    h.run("SET", "s", "x");
    for (String[] argv : new String[][] {
        {"HSET", "s", "f", "v"}, {"HMSET", "s", "f", "v"}, {"HSETNX", "s", "f", "v"}, {"HGET", "s", "f"},
        {"HMGET", "s", "f"}, {"HGETALL", "s"}, {"HKEYS", "s"}, {"HVALS", "s"}, {"HDEL", "s", "f"},
        {"HEXISTS", "s", "f"}, {"HLEN", "s"}, {"HSTRLEN", "s", "f"}, {"HINCRBY", "s", "f", "1"},
        {"HINCRBYFLOAT", "s", "f", "1"}, {"HRANDFIELD", "s"}, {"HRANDFIELD", "s", "0"},
        {"HRANDFIELD", "s", "-3", "WITHVALUES"}, {"HSCAN", "s", "0"}}) {
      assertEquals(WRONGTYPE, h.cli(argv), String.join(" ", argv));
    }
    assertEquals(List.of("SET s x"), h.effects());
    h.run("HSET", "h", "f", "v");
    assertEquals(WRONGTYPE, h.cli("GET", "h"));
    assertEquals("hash", h.cli("TYPE", "h"));
  }

  // ---- HSET / HMSET / HSETNX ---------------------------------------------------------------

  @Test
  void hsetCountsNewFieldsAndUpdatesInPlace() {
    assertEquals("(integer) 3", h.cli("HSET", "h", "a", "1", "b", "2", "c", "3"));
    assertEquals("(integer) 1", h.cli("HSET", "h", "a", "10", "d", "4"));
    assertEquals("(integer) 0", h.cli("HSET", "h", "b", "20", "b", "21"));
    assertEquals("1) \"a\"\n2) \"10\"\n3) \"b\"\n4) \"21\"\n5) \"c\"\n6) \"3\"\n7) \"d\"\n8) \"4\"",
        h.cli("HGETALL", "h"));
    assertEquals(List.of("HSET h a 1 b 2 c 3", "HSET h a 10 d 4", "HSET h b 20 b 21"), h.effects());
    h.assertReplays();
  }

  @Test
  void hsetNeedsPairs() {
    assertEquals("(error) ERR wrong number of arguments for 'hset' command", h.cli("HSET", "h", "a", "1", "b"));
    assertEquals("(error) ERR wrong number of arguments for 'hmset' command", h.cli("HMSET", "h", "a", "1", "b"));
    assertEquals("(integer) 0", h.cli("EXISTS", "h"));
    assertEquals(List.of(), h.effects());
  }

  @Test
  void hmsetRepliesOk() {
    assertEquals("OK", h.cli("HMSET", "h", "a", "1", "b", "2"));
    assertEquals("OK", h.cli("hmset", "h", "a", "3"));
    assertEquals("1) \"3\"\n2) \"2\"\n3) (nil)", h.cli("HMGET", "h", "a", "b", "c"));
    assertEquals(List.of("HMSET h a 1 b 2", "hmset h a 3"), h.effects());
    h.assertReplays();
  }

  @Test
  void hsetnxSetsOnlyNewFieldsAndRecordsHset() {
    assertEquals("(integer) 1", h.cli("HSETNX", "h", "a", "1"));
    assertEquals("(integer) 0", h.cli("HSETNX", "h", "a", "2"));
    assertEquals("(integer) 1", h.cli("hsetnx", "h", "b", "3"));
    assertEquals("\"1\"", h.cli("HGET", "h", "a"));
    assertEquals(List.of("HSET h a 1", "HSET h b 3"), h.effects());
    h.assertReplays();
  }

  @Test
  void hsetKeepsTheTtlAndAnExpiredHashStartsOver() {
    h.run("HSET", "h", "a", "1");
    h.run("PEXPIRE", "h", "1000");
    long expireAt = h.clock.millis() + 1000;
    h.run("HSET", "h", "b", "2");
    assertEquals(expireAt, entry("h").expireAt());
    h.assertReplays();
    h.clock.advance(1001);
    assertEquals("(integer) 1", h.cli("HSET", "h", "c", "3"));
    assertEquals("1) \"c\"\n2) \"3\"", h.cli("HGETALL", "h"));
    assertEquals(KeyEntry.NO_EXPIRY, entry("h").expireAt());
    assertTrue(h.effects().contains("DEL h"));
    h.assertReplays();
  }

  // ---- reads -------------------------------------------------------------------------------

  @Test
  void readsOfMissingKeysAndFields() {
    assertEquals("(nil)", h.cli("HGET", "h", "a"));
    assertEquals("1) (nil)\n2) (nil)", h.cli("HMGET", "h", "a", "b"));
    assertEquals("(empty array)", h.cli("HGETALL", "h"));
    assertEquals("(empty array)", h.cli("HKEYS", "h"));
    assertEquals("(empty array)", h.cli("HVALS", "h"));
    assertEquals("(integer) 0", h.cli("HLEN", "h"));
    assertEquals("(integer) 0", h.cli("HEXISTS", "h", "a"));
    assertEquals("(integer) 0", h.cli("HSTRLEN", "h", "a"));
    h.run("HSET", "h", "a", "hello", "n", "-123", "e", "");
    assertEquals("\"hello\"", h.cli("HGET", "h", "a"));
    assertEquals("(nil)", h.cli("HGET", "h", "A"));
    assertEquals("1) \"hello\"\n2) (nil)\n3) \"-123\"\n4) \"\"", h.cli("HMGET", "h", "a", "x", "n", "e"));
    assertEquals("(integer) 3", h.cli("HLEN", "h"));
    assertEquals("(integer) 1", h.cli("HEXISTS", "h", "e"));
    assertEquals("(integer) 0", h.cli("HEXISTS", "h", "x"));
    assertEquals("(integer) 5", h.cli("HSTRLEN", "h", "a"));
    assertEquals("(integer) 4", h.cli("HSTRLEN", "h", "n"));
    assertEquals("(integer) 0", h.cli("HSTRLEN", "h", "e"));
    assertEquals("(integer) 0", h.cli("HSTRLEN", "h", "x"));
    assertEquals("1) \"a\"\n2) \"n\"\n3) \"e\"", h.cli("HKEYS", "h"));
    assertEquals("1) \"hello\"\n2) \"-123\"\n3) \"\"", h.cli("HVALS", "h"));
  }

  @Test
  void readsCountKeyspaceHitsAndMisses() {
    h.run("HSET", "h", "a", "1");
    long hits = h.stats.keyspaceHits.sum();
    long misses = h.stats.keyspaceMisses.sum();
    h.run("HGET", "h", "a");
    h.run("HGET", "missing", "a");
    assertEquals(hits + 1, h.stats.keyspaceHits.sum());
    assertEquals(misses + 1, h.stats.keyspaceMisses.sum());
  }

  @Test
  void wireFormsInBothProtocols() {
    h.run("HSET", "h", "a", "1", "b", "2");
    assertEquals("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", h.wire("HGETALL", "h"));
    assertEquals("*0\r\n", h.wire("HGETALL", "missing"));
    assertEquals("$-1\r\n", h.wire("HGET", "h", "x"));
    assertEquals("*2\r\n$1\r\n1\r\n$-1\r\n", h.wire("HMGET", "h", "a", "x"));
    h.session.protocol(3);
    assertEquals("%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", h.wire("HGETALL", "h"));
    assertEquals("%0\r\n", h.wire("HGETALL", "missing"));
    assertEquals("*0\r\n", h.wire("HKEYS", "missing"));
    assertEquals("*0\r\n", h.wire("HVALS", "missing"));
    assertEquals("*2\r\n$1\r\na\r\n$1\r\nb\r\n", h.wire("HKEYS", "h"));
    assertEquals("_\r\n", h.wire("HGET", "h", "x"));
    assertEquals("*2\r\n$1\r\n1\r\n_\r\n", h.wire("HMGET", "h", "a", "x"));
    assertEquals("_\r\n", h.wire("HRANDFIELD", "missing"));
    assertEquals("*0\r\n", h.wire("HRANDFIELD", "missing", "3", "WITHVALUES"));
    assertEquals("$3\r\n2.5\r\n", h.wire("HINCRBYFLOAT", "h", "a", "1.5"));
    assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", h.wire("HSCAN", "missing", "0"));
  }

  // ---- HDEL --------------------------------------------------------------------------------

  @Test
  void hdelCountsAndDeletesTheEmptiedKey() {
    h.run("HSET", "h", "a", "1", "b", "2", "c", "3");
    h.mark();
    assertEquals("(integer) 0", h.cli("HDEL", "h", "x", "y"));
    assertEquals("(integer) 0", h.cli("HDEL", "missing", "a"));
    assertEquals(List.of(), h.newEffects(), "nothing deleted, nothing recorded");
    assertEquals("(integer) 1", h.cli("HDEL", "h", "a", "a", "x"));
    assertEquals("1) \"b\"\n2) \"2\"\n3) \"c\"\n4) \"3\"", h.cli("HGETALL", "h"));
    h.assertReplays();
    assertEquals("(integer) 2", h.cli("HDEL", "h", "c", "b", "zz"));
    assertEquals("(integer) 0", h.cli("EXISTS", "h"));
    assertNull(entry("h"));
    assertEquals(List.of("HDEL h a a x", "HDEL h c b zz"), h.newEffects());
    h.assertReplays();
    assertEquals(List.of(), h.replayed().dump());
  }

  @Test
  void hdelOfAnEmptiedKeyWithTtlLeavesNothing() {
    h.run("HSET", "h", "a", "1");
    h.run("EXPIRE", "h", "100");
    assertEquals("(integer) 1", h.cli("HDEL", "h", "a"));
    assertEquals(0, h.keyspace(h.shardOf("h")).database(0).volatileCount());
    h.assertReplays();
  }

  // ---- HINCRBY / HINCRBYFLOAT --------------------------------------------------------------

  @Test
  void hincrby() {
    assertEquals("(integer) 5", h.cli("HINCRBY", "h", "n", "5"));
    assertEquals("(integer) -3", h.cli("HINCRBY", "h", "n", "-8"));
    h.run("HSET", "h", "s", "abc", "sp", " 1", "big", "9223372036854775807", "neg", "-9223372036854775808");
    assertEquals("(error) ERR hash value is not an integer", h.cli("HINCRBY", "h", "s", "1"));
    assertEquals("(error) ERR hash value is not an integer", h.cli("HINCRBY", "h", "sp", "1"));
    assertEquals(NOT_INTEGER, h.cli("HINCRBY", "h", "n", "1.5"));
    assertEquals(NOT_INTEGER, h.cli("HINCRBY", "h", "n", "9223372036854775808"));
    assertEquals("(error) ERR increment or decrement would overflow", h.cli("HINCRBY", "h", "big", "1"));
    assertEquals("(error) ERR increment or decrement would overflow", h.cli("HINCRBY", "h", "neg", "-1"));
    assertEquals("(integer) -1", h.cli("HINCRBY", "h", "neg", "9223372036854775807"));
    assertEquals("(integer) 0", h.cli("HINCRBY", "h", "big", "-9223372036854775807"));
    assertEquals("\"-3\"", h.cli("HGET", "h", "n"));
    assertEquals(List.of("HINCRBY h n 5", "HINCRBY h n -8",
        "HSET h s abc sp  1 big 9223372036854775807 neg -9223372036854775808",
        "HINCRBY h neg 9223372036854775807", "HINCRBY h big -9223372036854775807"), h.effects());
    h.assertReplays();
  }

  @Test
  void hincrbyChecksTheIncrementBeforeTheType() {
    h.run("SET", "s", "x");
    assertEquals(NOT_INTEGER, h.cli("HINCRBY", "s", "f", "x"));
    assertEquals(NOT_FLOAT, h.cli("HINCRBYFLOAT", "s", "f", "x"));
    assertEquals("(error) ERR value is NaN or Infinity", h.cli("HINCRBYFLOAT", "s", "f", "inf"));
    assertEquals(NOT_INTEGER, h.cli("HINCRBY", "missing", "f", "x"));
    assertEquals("(integer) 0", h.cli("EXISTS", "missing"));
  }

  @Test
  void hincrbyfloatInLongDoublePrecision() {
    assertEquals("\"10.5\"", h.cli("HINCRBYFLOAT", "h", "f", "10.5"));
    assertEquals("\"10.6\"", h.cli("HINCRBYFLOAT", "h", "f", "0.1"));
    assertEquals("\"0.1\"", h.cli("HINCRBYFLOAT", "h", "z", "0.1"));
    assertEquals("\"0.3\"", h.cli("HINCRBYFLOAT", "h", "z", "0.2"));
    assertEquals("\"5000\"", h.cli("HINCRBYFLOAT", "h", "e", "5.0e3"));
    assertEquals("\"4800\"", h.cli("HINCRBYFLOAT", "h", "e", "-2e2"));
    h.run("HSET", "h", "hex", "0x10", "i", "7");
    assertEquals("\"17\"", h.cli("HINCRBYFLOAT", "h", "hex", "1"));
    assertEquals("\"7.25\"", h.cli("HINCRBYFLOAT", "h", "i", ".25"));
    assertEquals(List.of("HSET h f 10.5", "HSET h f 10.6", "HSET h z 0.1", "HSET h z 0.3", "HSET h e 5000",
        "HSET h e 4800", "HSET h hex 0x10 i 7", "HSET h hex 17", "HSET h i 7.25"), h.effects());
    h.assertReplays();
  }

  @Test
  void hincrbyfloatErrors() {
    h.run("HSET", "h", "s", "abc", "empty", "", "sp", " 1", "inf", "inf");
    h.mark();
    assertEquals("(error) ERR hash value is not a float", h.cli("HINCRBYFLOAT", "h", "s", "1"));
    assertEquals("(error) ERR hash value is not a float", h.cli("HINCRBYFLOAT", "h", "empty", "1"));
    assertEquals("(error) ERR hash value is not a float", h.cli("HINCRBYFLOAT", "h", "sp", "1"));
    assertEquals("(error) ERR increment would produce NaN or Infinity", h.cli("HINCRBYFLOAT", "h", "inf", "1"));
    assertEquals("(error) ERR value is NaN or Infinity", h.cli("HINCRBYFLOAT", "h", "x", "inf"));
    assertEquals("(error) ERR value is NaN or Infinity", h.cli("HINCRBYFLOAT", "h", "x", "-Infinity"));
    assertEquals(NOT_FLOAT, h.cli("HINCRBYFLOAT", "h", "x", "nan"));
    assertEquals(NOT_FLOAT, h.cli("HINCRBYFLOAT", "h", "x", "abc"));
    assertEquals(NOT_FLOAT, h.cli("HINCRBYFLOAT", "h", "x", ""));
    assertEquals("(error) ERR value is NaN or Infinity", h.cli("HINCRBYFLOAT", "missing", "x", "inf"));
    assertEquals("(integer) 0", h.cli("EXISTS", "missing"));
    assertEquals(List.of(), h.newEffects());
    h.run("HINCRBYFLOAT", "h", "y", "1e4932");
    assertEquals("(error) ERR increment would produce NaN or Infinity", h.cli("HINCRBYFLOAT", "h", "y", "1e4932"));
    assertEquals(1, h.newEffects().size());
    h.assertReplays();
  }

  // ---- HRANDFIELD --------------------------------------------------------------------------

  @Test
  void hrandfieldWithoutCount() {
    assertEquals("(nil)", h.cli("HRANDFIELD", "h"));
    h.run("HSET", "h", "a", "1", "b", "2", "c", "3");
    h.clearEffects();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      seen.add(text(h.run("HRANDFIELD", "h")));
    }
    assertEquals(Set.of("a", "b", "c"), seen);
    assertEquals(List.of(), h.effects());
  }

  @Test
  void hrandfieldArgumentErrorsComeFirst() {
    assertEquals("(error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        h.cli("HRANDFIELD", "h", "-9223372036854775808"));
    assertEquals(NOT_INTEGER, h.cli("HRANDFIELD", "h", "x"));
    assertEquals(NOT_INTEGER, h.cli("HRANDFIELD", "h", "1.0"));
    assertEquals(SYNTAX, h.cli("HRANDFIELD", "h", "1", "WITHVALUE"));
    assertEquals(SYNTAX, h.cli("HRANDFIELD", "h", "1", "WITHVALUES", "x"));
    assertEquals("(error) ERR value is out of range", h.cli("HRANDFIELD", "h", "-4611686018427387904", "withvalues"));
    assertEquals("(error) ERR value is out of range", h.cli("HRANDFIELD", "h", "4611686018427387904", "WITHVALUES"));
    assertEquals("(empty array)", h.cli("HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"));
    assertEquals("(empty array)", h.cli("HRANDFIELD", "h", "-5"));
    assertEquals("(empty array)", h.cli("HRANDFIELD", "h", "0"));
    h.run("HSET", "h", "a", "1");
    assertEquals("(empty array)", h.cli("HRANDFIELD", "h", "0", "WITHVALUES"));
    assertEquals("1) \"a\"\n2) \"1\"", h.cli("HRANDFIELD", "h", "4611686018427387903", "WITHVALUES"));
    // Redis 7.0 would try to build this reply until memory runs out; RedGrid refuses it.
    assertEquals("(error) ERR value is out of range", h.cli("HRANDFIELD", "h", "-9223372036854775807"));
  }

  @Test
  void hrandfieldPositiveCountIsDistinct() {
    h.run("HSET", "h", "a", "1", "b", "2", "c", "3");
    assertEquals("1) \"a\"\n2) \"b\"\n3) \"c\"", h.cli("HRANDFIELD", "h", "3"));
    assertEquals("1) \"a\"\n2) \"b\"\n3) \"c\"", h.cli("HRANDFIELD", "h", "10"));
    assertEquals("1) \"a\"\n2) \"1\"\n3) \"b\"\n4) \"2\"\n5) \"c\"\n6) \"3\"",
        h.cli("HRANDFIELD", "h", "3", "WITHVALUES"));
    for (int i = 0; i < 50; i++) {
      List<Reply> two = items(h.run("HRANDFIELD", "h", "2"));
      assertEquals(2, two.size());
      assertNotEquals(text(two.get(0)), text(two.get(1)));
    }
  }

  @Test
  void hrandfieldDistinctOnBigHashesBothStrategies() {
    fill("big", 600);
    assertEquals("hashtable", text(h.run("OBJECT", "ENCODING", "big")));
    for (int count : new int[] {1, 5, 150, 199, 200, 201, 400, 599, 600}) {
      List<Reply> reply = items(h.run("HRANDFIELD", "big", String.valueOf(count), "WITHVALUES"));
      assertEquals(count * 2, reply.size());
      Set<String> fields = new HashSet<>();
      for (int i = 0; i < reply.size(); i += 2) {
        String field = text(reply.get(i));
        assertTrue(fields.add(field), "repeated " + field);
        assertEquals("f" + text(reply.get(i + 1)), field, "value belongs to its field");
      }
    }
  }

  @Test
  void hrandfieldNegativeCountRepeats() {
    h.run("HSET", "h", "a", "1");
    assertEquals("1) \"a\"\n2) \"a\"\n3) \"a\"", h.cli("HRANDFIELD", "h", "-3"));
    assertEquals("1) \"a\"\n2) \"1\"\n3) \"a\"\n4) \"1\"", h.cli("HRANDFIELD", "h", "-2", "WITHVALUES"));
    h.run("HSET", "h", "b", "2");
    List<Reply> many = items(h.run("HRANDFIELD", "h", "-100"));
    assertEquals(100, many.size());
    Set<String> seen = new HashSet<>();
    many.forEach(r -> seen.add(text(r)));
    assertEquals(Set.of("a", "b"), seen);
  }

  @Test
  void hrandfieldWithValuesInResp3IsPairs() {
    h.run("HSET", "h", "a", "1");
    h.session.protocol(3);
    assertEquals("*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n",
        h.wire("HRANDFIELD", "h", "-2", "WITHVALUES"));
    assertEquals("*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", h.wire("HRANDFIELD", "h", "5", "WITHVALUES"));
    assertEquals("*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n", h.wire("HRANDFIELD", "h", "1", "WITHVALUES"));
    assertEquals("*2\r\n$1\r\na\r\n$1\r\na\r\n", h.wire("HRANDFIELD", "h", "-2"));
    fill("big", 600);
    List<Reply> pairs = items(h.run("HRANDFIELD", "big", "10", "WITHVALUES"));
    assertEquals(10, pairs.size());
    for (Reply pair : pairs) {
      List<Reply> fv = items(pair);
      assertEquals("f" + text(fv.get(1)), text(fv.get(0)));
    }
    h.session.protocol(2);
    assertEquals("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n1\r\n", h.wire("HRANDFIELD", "h", "-2", "WITHVALUES"));
  }

  // ---- HSCAN -------------------------------------------------------------------------------

  @Test
  void hscanOfAListpackHashReturnsEverythingAtOnce() {
    h.run("HSET", "h", "a", "1", "b", "2", "c", "3", "ab", "4");
    String all = "1) \"0\"\n2) 1) \"a\"\n   2) \"1\"\n   3) \"b\"\n   4) \"2\"\n   5) \"c\"\n   6) \"3\"\n"
        + "   7) \"ab\"\n   8) \"4\"";
    assertEquals(all, h.cli("HSCAN", "h", "0"));
    assertEquals(all, h.cli("HSCAN", "h", "5", "COUNT", "1"));
    assertEquals("1) \"0\"\n2) 1) \"a\"\n   2) \"1\"\n   3) \"ab\"\n   4) \"4\"", h.cli("HSCAN", "h", "0", "MATCH", "a*"));
    assertEquals("1) \"0\"\n2) 1) \"b\"\n   2) \"2\"", h.cli("HSCAN", "h", "0", "match", "a*", "COUNT", "1", "MATCH", "b*"));
    assertEquals("1) \"0\"\n2) (empty array)", h.cli("HSCAN", "h", "0", "MATCH", "zz*"));
  }

  @Test
  void hscanErrors() {
    h.run("HSET", "h", "a", "1");
    assertEquals("(error) ERR invalid cursor", h.cli("HSCAN", "h", "x"));
    assertEquals("(error) ERR invalid cursor", h.cli("HSCAN", "missing", "18446744073709551616"));
    assertEquals("1) \"0\"\n2) (empty array)", h.cli("HSCAN", "missing", "0", "COUNT", "0"));
    assertEquals(SYNTAX, h.cli("HSCAN", "h", "0", "COUNT", "0"));
    assertEquals(SYNTAX, h.cli("HSCAN", "h", "0", "COUNT", "-1"));
    assertEquals(NOT_INTEGER, h.cli("HSCAN", "h", "0", "COUNT", "x"));
    assertEquals(SYNTAX, h.cli("HSCAN", "h", "0", "MATCH"));
    assertEquals(SYNTAX, h.cli("HSCAN", "h", "0", "TYPE", "string"));
    assertEquals(SYNTAX, h.cli("HSCAN", "h", "0", "NOVALUES"));
    assertEquals("1) \"0\"\n2) 1) \"a\"\n   2) \"1\"", h.cli("HSCAN", "h", "-1"));
  }

  @Test
  void hscanOfAHashtableIteratesWithACursor() {
    fill("big", 1000);
    Map<String, String> seen = new HashMap<>();
    String cursor = "0";
    int calls = 0;
    do {
      List<Reply> reply = items(h.run("HSCAN", "big", cursor, "COUNT", "20"));
      cursor = text(reply.get(0));
      List<Reply> pairs = items(reply.get(1));
      assertTrue(pairs.size() <= 2 * 40, "a call returns about COUNT fields");
      for (int i = 0; i < pairs.size(); i += 2) {
        seen.put(text(pairs.get(i)), text(pairs.get(i + 1)));
      }
      assertTrue(++calls < 1000, "cursor must come back to 0");
    } while (!cursor.equals("0"));
    assertTrue(calls > 10, "a big hash takes several calls, took " + calls);
    assertEquals(1000, seen.size());
    assertEquals("17", seen.get("f17"));
  }

  @Test
  void hscanReturnsEveryFieldPresentThroughoutWhileTheHashGrowsAndShrinks() {
    fill("big", 600);
    Set<String> seen = new HashSet<>();
    String cursor = "0";
    int calls = 0;
    int added = 0;
    do {
      List<Reply> reply = items(h.run("HSCAN", "big", cursor, "COUNT", "7", "MATCH", "f*"));
      cursor = text(reply.get(0));
      List<Reply> pairs = items(reply.get(1));
      for (int i = 0; i < pairs.size(); i += 2) {
        seen.add(text(pairs.get(i)));
      }
      // Grow fast early (several table doublings), then delete the extras so the table shrinks.
      if (calls < 30) {
        for (int i = 0; i < 200; i++) {
          h.run("HSET", "big", "x" + added++, "v");
        }
      } else if (calls < 60) {
        for (int i = 0; i < 200 && added > 0; i++) {
          h.run("HDEL", "big", "x" + --added);
        }
      }
      assertTrue(++calls < 100_000, "cursor must come back to 0");
    } while (!cursor.equals("0"));
    for (int i = 1; i <= 600; i++) {
      assertTrue(seen.contains("f" + i), "f" + i + " missed");
    }
    assertTrue(seen.stream().allMatch(f -> f.startsWith("f")), "MATCH filters fields");
  }

  // ---- encodings ---------------------------------------------------------------------------

  @Test
  void encodingFollowsRedisThresholds() {
    String v64 = "x".repeat(64);
    String v65 = "x".repeat(65);
    h.run("HSET", "h", "a", v64, v64, "1");
    assertEquals("\"listpack\"", encoding("h"));
    h.run("HSET", "h", "b", v65);
    assertEquals("\"hashtable\"", encoding("h"));
    h.run("HDEL", "h", "b");
    assertEquals("\"hashtable\"", encoding("h"), "Redis never converts back");
    h.run("HSET", "f", v65, "1");
    assertEquals("\"hashtable\"", encoding("f"));
    h.run("HINCRBYFLOAT", "g", v65, "1");
    assertEquals("\"hashtable\"", encoding("g"));
    h.run("HINCRBY", "i", v65, "1");
    assertEquals("\"hashtable\"", encoding("i"));
    h.run("HSET", "n", "a", "1");
    assertEquals("(integer) 0", h.cli("HSETNX", "n", "a", v65));
    assertEquals("\"listpack\"", encoding("n"), "HSETNX converts only when it sets");
    assertEquals("(integer) 1", h.cli("HSETNX", "n", "b", v65));
    assertEquals("\"hashtable\"", encoding("n"));
    h.assertReplays();
  }

  @Test
  void moreThan512FieldsIsAHashtable() {
    fill("h", 511);
    assertEquals("\"listpack\"", encoding("h"));
    h.run("HSET", "h", "x", "1");
    assertEquals("\"listpack\"", encoding("h"));
    h.run("HSET", "h", "y", "1", "z", "2");
    assertEquals("\"hashtable\"", encoding("h"));
    assertEquals("(integer) 514", h.cli("HLEN", "h"));
    h.run("HDEL", "h", "x", "y", "z");
    assertEquals("\"hashtable\"", encoding("h"));
    assertEquals("(integer) 1", h.cli("OBJECT", "REFCOUNT", "h"));
    h.assertReplays();
  }

  @Test
  void hashValueKeepsOrderAndRandomAccessConsistent() {
    HashValue hash = new HashValue();
    for (int i = 0; i < 100; i++) {
      assertTrue(hash.put(bytes("k" + i), bytes("v" + i)));
    }
    for (int i = 0; i < 100; i += 3) {
      assertTrue(hash.remove(bytes("k" + i)));
    }
    assertEquals(66, hash.size());
    List<String> order = new ArrayList<>();
    for (HashValue.Field f = hash.first(); f != null; f = f.next()) {
      order.add(new String(f.name(), StandardCharsets.UTF_8));
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      if (i % 3 != 0) {
        expected.add("k" + i);
      }
    }
    assertEquals(expected, order);
    Set<String> dense = new HashSet<>();
    for (int i = 0; i < hash.size(); i++) {
      dense.add(new String(hash.at(i).name(), StandardCharsets.UTF_8));
    }
    assertEquals(new HashSet<>(expected), dense);
    assertEquals("v5", new String(hash.get(bytes("k5")), StandardCharsets.UTF_8));
    assertNull(hash.get(bytes("k3")));
    HashValue copy = hash.copy();
    copy.put(bytes("k5"), bytes("changed"));
    assertEquals("v5", new String(hash.get(bytes("k5")), StandardCharsets.UTF_8));
    assertEquals(hash.size(), copy.size());
  }

  // ---- across shards -----------------------------------------------------------------------

  @Test
  void renameAcrossShardsRecreatesInChunksWithTtl() {
    String src = keyOn(0, "src");
    String dst = keyOn(3, "dst");
    fill(src, 300);
    long expireAt = h.clock.millis() + 5000;
    h.run("PEXPIREAT", src, String.valueOf(expireAt));
    h.run("SET", dst, "old");
    h.mark();
    assertEquals("OK", h.cli("RENAME", src, dst));
    List<String> effects = h.newEffects();
    assertEquals("DEL " + src, effects.get(0));
    assertEquals("DEL " + dst, effects.get(1));
    assertTrue(effects.get(2).startsWith("HSET " + dst + " f1 1 f2 2 "));
    assertTrue(effects.get(3).startsWith("HSET " + dst + " f129 129 "));
    assertTrue(effects.get(4).startsWith("HSET " + dst + " f257 257 "));
    assertTrue(effects.get(4).endsWith(" f300 300"));
    assertEquals("PEXPIREAT " + dst + " " + expireAt, effects.get(5));
    assertEquals(6, effects.size());
    assertEquals("(integer) 300", h.cli("HLEN", dst));
    assertEquals("\"listpack\"", encoding(dst));
    h.assertReplays();
  }

  @Test
  void copyKeepsEncodingAndIsIndependent() {
    String src = keyOn(1, "a");
    String dst = keyOn(2, "b");
    h.run("HSET", src, "f", "1", "g", "x".repeat(70));
    assertEquals("(integer) 1", h.cli("COPY", src, dst));
    assertEquals("\"hashtable\"", encoding(dst));
    h.run("HSET", dst, "f", "2");
    assertEquals("\"1\"", h.cli("HGET", src, "f"));
    assertEquals("\"2\"", h.cli("HGET", dst, "f"));
    assertTrue(h.effects().contains("DEL " + dst));
    h.assertReplays();
    String sameShard = "{" + src + "}copy";
    assertEquals("(integer) 1", h.cli("COPY", src, sameShard));
    assertTrue(h.effects().contains("COPY " + src + " " + sameShard));
    assertEquals("\"hashtable\"", encoding(sameShard));
    h.assertReplays();
  }

  @Test
  void lazyExpiryDeletesAndRecordsDel() {
    h.run("HSET", "h", "a", "1");
    h.run("PEXPIRE", "h", "10");
    h.clock.advance(11);
    h.mark();
    assertEquals("(nil)", h.cli("HGET", "h", "a"));
    assertEquals(List.of("DEL h"), h.newEffects());
    assertNull(hash("h"));
    h.assertReplays();
  }
}
