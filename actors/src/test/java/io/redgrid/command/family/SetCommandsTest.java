package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Flag;
import io.redgrid.keyspace.SetValue;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The set family against Redis 7.0.15's replies, errors, encodings and propagated effects. */
class SetCommandsTest {
  private static final String WRONGTYPE = "(error) WRONGTYPE Operation against a key holding the wrong kind of value";
  private static final String NOT_INTEGER = "(error) ERR value is not an integer or out of range";
  private static final String NOT_POSITIVE = "(error) ERR value is out of range, must be positive";
  private static final String SYNTAX = "(error) ERR syntax error";

  private final CommandHarness h = new CommandHarness();

  /** A key name with {@code prefix} that lives on {@code shard}. */
  private String keyOn(int shard, String prefix) {
    for (int i = 0; ; i++) {
      String key = prefix + i;
      if (h.shardOf(key) == shard) {
        return key;
      }
    }
  }

  private SetValue set(String key) {
    return (SetValue) h.keyspace(h.shardOf(key)).database(h.session.db()).get(bytes(key)).value();
  }

  private String encoding(String key) {
    return h.cli("OBJECT", "ENCODING", key).replace("\"", "");
  }

  private List<String> strings(Reply reply) {
    List<Reply> items = reply instanceof Reply.SetReply s ? s.items() : ((Reply.Array) reply).items();
    List<String> out = new ArrayList<>();
    for (Reply item : items) {
      out.add(new String(((Reply.Bulk) item).value(), StandardCharsets.UTF_8));
    }
    return out;
  }

  private Set<String> members(String key) {
    return new TreeSet<>(strings(h.run("SMEMBERS", key)));
  }

  private static Set<String> setOf(String... members) {
    return new TreeSet<>(List.of(members));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String[] argv(String command, String key, List<String> members) {
    List<String> args = new ArrayList<>();
    args.add(command);
    args.add(key);
    args.addAll(members);
    return args.toArray(new String[0]);
  }

  private static List<String> range(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.add(Integer.toString(i));
    }
    return out;
  }

  // ---- table -------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "sadd,-3", "srem,-3", "smembers,2", "sismember,3", "smismember,-3", "scard,2", "spop,-2",
      "srandmember,-2", "smove,4", "sinter,-2", "sintercard,-3", "sunion,-2", "sdiff,-2",
      "sinterstore,-3", "sunionstore,-3", "sdiffstore,-3", "sscan,-3"})
  void arityAsRedis(String name, int arity) {
    CommandSpec spec = h.table.lookup(name);
    assertEquals(arity, spec.arity().redisArity());
    assertEquals("set", spec.group());
    int tooFew = arity > 0 ? arity - 1 : -arity - 1;
    String[] args = new String[tooFew];
    args[0] = name;
    for (int i = 1; i < tooFew; i++) {
      args[i] = "a";
    }
    assertEquals("(error) ERR wrong number of arguments for '" + name + "' command", h.cli(args));
  }

  @Test
  void flagsAndAclAsRedis() {
    assertEquals(Set.of(Flag.WRITE, Flag.DENYOOM, Flag.FAST), h.table.lookup("sadd").flags());
    assertEquals(List.of("@write", "@set", "@fast"), h.table.lookup("sadd").aclCategories());
    assertEquals(List.of("@read", "@set", "@slow"), h.table.lookup("smembers").aclCategories());
    assertEquals(List.of("@write", "@set", "@slow"), h.table.lookup("sunionstore").aclCategories());
    assertEquals(List.of("@write", "@set", "@fast"), h.table.lookup("spop").aclCategories());
    assertEquals(List.of("nondeterministic_output"), h.table.lookup("spop").tips());
    assertEquals(List.of("nondeterministic_output_order"), h.table.lookup("sinter").tips());
    assertEquals(List.of("RW", "insert"), h.table.lookup("sadd").keyFlags());
    CommandSpec smove = h.table.lookup("smove");
    assertEquals(1, smove.keys().first());
    assertEquals(2, smove.keys().last());
    CommandSpec store = h.table.lookup("sdiffstore");
    assertEquals(-1, store.keys().last());
  }

  @Test
  void sintercardKeysAreMovable() {
    CommandSpec spec = h.table.lookup("sintercard");
    assertEquals(0, spec.keys().first());
    assertArrayEquals(new int[] {2, 3}, spec.keys().positions(
        new byte[][] {bytes("SINTERCARD"), bytes("2"), bytes("a"), bytes("b"), bytes("LIMIT"), bytes("1")}));
    assertArrayEquals(new int[0], spec.keys().positions(new byte[][] {bytes("SINTERCARD"), bytes("x"), bytes("a")}));
    assertArrayEquals(new int[0], spec.keys().positions(new byte[][] {bytes("SINTERCARD"), bytes("3"), bytes("a")}));
    assertArrayEquals(new int[0], spec.keys().positions(new byte[][] {bytes("SINTERCARD"), bytes("0"), bytes("a")}));
    Reply info = h.run("COMMAND", "INFO", "sintercard");
    String flags = CommandHarness.render(info, "");
    assertTrue(flags.contains("movablekeys"), flags);
  }

  // ---- SADD / SREM / encodings -------------------------------------------------------------

  @Test
  void saddCountsNewMembersAndPropagatesOnlyChanges() {
    h.mark();
    assertEquals("(integer) 3", h.cli("SADD", "s", "a", "b", "a", "c"));
    assertEquals("(integer) 1", h.cli("SADD", "s", "c", "d"));
    assertEquals("(integer) 0", h.cli("SADD", "s", "a", "b"));
    assertEquals(List.of("SADD s a b a c", "SADD s c d"), h.newEffects());
    assertEquals(setOf("a", "b", "c", "d"), members("s"));
    assertEquals("set", h.cli("TYPE", "s"));
    assertEquals("(integer) 1", h.cli("OBJECT", "REFCOUNT", "s"));
    h.run("SET", "str", "x");
    assertEquals(WRONGTYPE, h.cli("SADD", "str", "a"));
    h.assertReplays();
  }

  @Test
  void intsetWhileAllIntegersAndAtMost512() {
    h.run("SADD", "i", "3", "1", "2", "-5");
    assertEquals("intset", encoding("i"));
    assertEquals("1) \"-5\"\n2) \"1\"\n3) \"2\"\n4) \"3\"", h.cli("SMEMBERS", "i"));
    h.run(argv("SADD", "big", range(1, 512)));
    assertEquals("intset", encoding("big"));
    h.run("SADD", "big", "513");
    assertEquals("hashtable", encoding("big"));
    h.run("SREM", "big", "513");
    assertEquals("hashtable", encoding("big"), "Redis 7.0 never converts back");
    assertEquals("(integer) 512", h.cli("SCARD", "big"));

    h.run("SADD", "mixed", "1", "2", "a");
    assertEquals("hashtable", encoding("mixed"));
    h.run("SREM", "mixed", "a");
    assertEquals("hashtable", encoding("mixed"));
    h.run("SADD", "first", "a", "1");
    assertEquals("hashtable", encoding("first"));
    // only canonical integers (string2ll) fit an intset
    for (String odd : List.of("01", " 1", "-0", "+1", "1 ", "9223372036854775808", "")) {
      h.run("DEL", "o");
      h.run("SADD", "o", odd);
      assertEquals("hashtable", encoding("o"), odd);
    }
    h.run("SADD", "edge", "9223372036854775807", "-9223372036854775808");
    assertEquals("intset", encoding("edge"));
    assertEquals("1) \"-9223372036854775808\"\n2) \"9223372036854775807\"", h.cli("SMEMBERS", "edge"));
    assertEquals("(integer) 1", h.cli("SISMEMBER", "edge", "9223372036854775807"));
    assertEquals("(integer) 0", h.cli("SISMEMBER", "edge", "09223372036854775807"));
    h.assertReplays();
  }

  @Test
  void sremDeletesTheEmptiedKey() {
    h.run("SADD", "s", "a", "b", "c");
    h.mark();
    assertEquals("(integer) 0", h.cli("SREM", "nokey", "a"));
    assertEquals("(integer) 0", h.cli("SREM", "s", "x"));
    assertEquals("(integer) 2", h.cli("SREM", "s", "a", "b", "a"));
    assertEquals("(integer) 1", h.cli("SREM", "s", "c", "d"));
    assertEquals("(integer) 0", h.cli("EXISTS", "s"));
    assertEquals(List.of("SREM s a b a", "SREM s c d"), h.newEffects());
    h.run("SET", "str", "x");
    assertEquals(WRONGTYPE, h.cli("SREM", "str", "a"));
    h.run("SADD", "ints", "1", "2");
    assertEquals("(integer) 1", h.cli("SREM", "ints", "1", "a", "01"));
    assertEquals("1) \"2\"", h.cli("SMEMBERS", "ints"));
    h.assertReplays();
  }

  @Test
  void sremOnAnExpiredKeyDeletesItLazily() {
    h.run("SADD", "s", "a");
    h.run("PEXPIRE", "s", "100");
    h.clock.advance(200);
    h.mark();
    assertEquals("(integer) 0", h.cli("SREM", "s", "a"));
    assertEquals(List.of("DEL s"), h.newEffects());
    h.assertReplays();
  }

  // ---- reads -------------------------------------------------------------------------------

  @Test
  void membershipAndCardinality() {
    h.run("SADD", "s", "a", "b");
    assertEquals("(integer) 1", h.cli("SISMEMBER", "s", "a"));
    assertEquals("(integer) 0", h.cli("SISMEMBER", "s", "z"));
    assertEquals("(integer) 0", h.cli("SISMEMBER", "nokey", "a"));
    assertEquals("1) (integer) 1\n2) (integer) 0\n3) (integer) 1", h.cli("SMISMEMBER", "s", "a", "z", "b"));
    assertEquals("1) (integer) 0", h.cli("SMISMEMBER", "nokey", "a"));
    assertEquals("(integer) 2", h.cli("SCARD", "s"));
    assertEquals("(integer) 0", h.cli("SCARD", "nokey"));
    assertEquals("(empty array)", h.cli("SMEMBERS", "nokey"));
    h.run("SET", "str", "x");
    for (String[] command : List.of(new String[] {"SISMEMBER", "str", "a"}, new String[] {"SMISMEMBER", "str", "a"},
        new String[] {"SCARD", "str"}, new String[] {"SMEMBERS", "str"}, new String[] {"SRANDMEMBER", "str"},
        new String[] {"SPOP", "str"}, new String[] {"SSCAN", "str", "0"})) {
      assertEquals(WRONGTYPE, h.cli(command), String.join(" ", command));
    }
  }

  @Test
  void smembersIsASetInResp3AndAnArrayInResp2() {
    h.run("SADD", "i", "2", "1");
    assertEquals("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", h.wire("SMEMBERS", "i"));
    h.session.protocol(3);
    assertEquals("~2\r\n$1\r\n1\r\n$1\r\n2\r\n", h.wire("SMEMBERS", "i"));
    assertEquals("~0\r\n", h.wire("SMEMBERS", "nokey"));
    assertEquals("~2\r\n$1\r\n1\r\n$1\r\n2\r\n", h.wire("SUNION", "i", "nokey"));
    assertEquals("~0\r\n", h.wire("SINTER", "i", "nokey"));
    assertEquals("~2\r\n$1\r\n1\r\n$1\r\n2\r\n", h.wire("SDIFF", "i"));
    assertEquals("*2\r\n:1\r\n:0\r\n", h.wire("SMISMEMBER", "i", "1", "7"));
    assertEquals("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", h.wire("SRANDMEMBER", "i", "10"), "SRANDMEMBER stays an array");
    assertEquals("*0\r\n", h.wire("SRANDMEMBER", "nokey", "3"));
    assertEquals("_\r\n", h.wire("SRANDMEMBER", "nokey"));
    assertEquals("~0\r\n", h.wire("SPOP", "nokey", "3"));
    assertEquals("_\r\n", h.wire("SPOP", "nokey"));
    assertEquals("~0\r\n", h.wire("SPOP", "i", "0"));
    assertEquals("*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n", h.wire("SSCAN", "i", "0"));
    assertEquals("~2\r\n$1\r\n1\r\n$1\r\n2\r\n", h.wire("SPOP", "i", "5"));
  }

  // ---- SPOP --------------------------------------------------------------------------------

  @Test
  void spopWithoutCountPropagatesTheMemberAsSrem() {
    h.run("SADD", "s", "a", "b");
    h.mark();
    Reply first = h.run("SPOP", "s");
    String popped = new String(((Reply.Bulk) first).value(), StandardCharsets.UTF_8);
    assertTrue(Set.of("a", "b").contains(popped));
    assertEquals("(integer) 0", h.cli("SISMEMBER", "s", popped));
    assertEquals(List.of("SREM s " + popped), h.newEffects());
    String second = new String(((Reply.Bulk) h.run("SPOP", "s")).value(), StandardCharsets.UTF_8);
    assertNotEquals(popped, second);
    assertEquals("(integer) 0", h.cli("EXISTS", "s"));
    assertEquals("(nil)", h.cli("SPOP", "s"));
    assertEquals(List.of("SREM s " + popped, "SREM s " + second), h.newEffects());
    h.assertReplays();
  }

  @Test
  void spopCountErrors() {
    h.run("SADD", "s", "a");
    h.run("SET", "str", "x");
    assertEquals(NOT_POSITIVE, h.cli("SPOP", "s", "-1"));
    assertEquals(NOT_POSITIVE, h.cli("SPOP", "s", "abc"));
    assertEquals(NOT_POSITIVE, h.cli("SPOP", "str", "-1"), "the count is checked before the key");
    assertEquals(WRONGTYPE, h.cli("SPOP", "str", "1"));
    assertEquals(SYNTAX, h.cli("SPOP", "s", "1", "2"));
    assertEquals("(empty array)", h.cli("SPOP", "s", "0"));
    assertEquals("(empty array)", h.cli("SPOP", "nokey", "3"));
    assertEquals("(integer) 1", h.cli("SCARD", "s"));
  }

  @Test
  void spopCountTakingEverythingPropagatesDel() {
    h.run("SADD", "s", "3", "1", "2");
    h.mark();
    assertEquals("1) \"1\"\n2) \"2\"\n3) \"3\"", h.cli("SPOP", "s", "3"));
    assertEquals("(integer) 0", h.cli("EXISTS", "s"));
    assertEquals(List.of("DEL s"), h.newEffects());
    h.run("SADD", "t", "a", "b");
    assertEquals(setOf("a", "b"), new TreeSet<>(strings(h.run("SPOP", "t", "99"))));
    assertEquals("(integer) 0", h.cli("EXISTS", "t"));
    h.assertReplays();
  }

  @Test
  void spopCountPopsDistinctMembersAndPropagatesSremChunks() {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add("m" + i);
    }
    h.run(argv("SADD", "s", all));
    h.mark();
    List<String> popped = strings(h.run("SPOP", "s", "300"));
    assertEquals(300, popped.size());
    assertEquals(300, new HashSet<>(popped).size(), "distinct");
    assertTrue(all.containsAll(popped));
    assertEquals("(integer) 700", h.cli("SCARD", "s"));
    for (String member : popped) {
      assertEquals("(integer) 0", h.cli("SISMEMBER", "s", member));
    }
    List<String> effects = h.newEffects();
    assertEquals(3, effects.size(), "128 + 128 + 44 members");
    List<String> removed = new ArrayList<>();
    for (String effect : effects) {
      String[] words = effect.split(" ");
      assertEquals("SREM", words[0]);
      assertEquals("s", words[1]);
      removed.addAll(List.of(words).subList(2, words.length));
    }
    assertEquals(new TreeSet<>(popped), new TreeSet<>(removed));
    assertEquals(128, effects.get(0).split(" ").length - 2);
    h.assertReplays();

    h.run("SADD", "ints", "1", "2", "3", "4", "5");
    List<String> two = strings(h.run("SPOP", "ints", "2"));
    assertEquals(2, new HashSet<>(two).size());
    assertEquals("(integer) 3", h.cli("SCARD", "ints"));
    h.assertReplays();
  }

  // ---- SRANDMEMBER -------------------------------------------------------------------------

  @Test
  void srandmemberErrorsAndEmptyCases() {
    h.run("SADD", "s", "a", "b", "c");
    assertEquals("(error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        h.cli("SRANDMEMBER", "s", "-9223372036854775808"));
    assertEquals(NOT_INTEGER, h.cli("SRANDMEMBER", "s", "abc"));
    assertEquals("(error) ERR value is out of range", h.cli("SRANDMEMBER", "s", "-9223372036854775807"),
        "RedGrid refuses replies no Java list can hold");
    assertEquals(NOT_INTEGER, h.cli("SRANDMEMBER", "nokey", "1.5"));
    assertEquals(SYNTAX, h.cli("SRANDMEMBER", "s", "1", "2"));
    assertEquals("(nil)", h.cli("SRANDMEMBER", "nokey"));
    assertEquals("(empty array)", h.cli("SRANDMEMBER", "nokey", "5"));
    assertEquals("(empty array)", h.cli("SRANDMEMBER", "s", "0"));
    h.run("SET", "str", "x");
    assertEquals(WRONGTYPE, h.cli("SRANDMEMBER", "str", "1"));
    h.mark();
    h.run("SRANDMEMBER", "s", "2");
    assertEquals(List.of(), h.newEffects(), "a read");
  }

  @Test
  void srandmemberPositiveCountIsDistinctNegativeRepeats() {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add("m" + i);
    }
    h.run(argv("SADD", "s", all));
    h.run(argv("SADD", "ints", range(1, 100)));
    for (String key : List.of("s", "ints")) {
      Set<String> members = members(key);
      int size = members.size();
      for (int count : new int[] {1, 5, size / 3, size / 3 + 1, size / 2, size - 1}) {
        List<String> picked = strings(h.run("SRANDMEMBER", key, Integer.toString(count)));
        assertEquals(count, picked.size(), key + " " + count);
        assertEquals(count, new HashSet<>(picked).size(), "distinct for " + key + " " + count);
        assertTrue(members.containsAll(picked));
      }
      assertEquals(members, new TreeSet<>(strings(h.run("SRANDMEMBER", key, Integer.toString(size)))));
      assertEquals(size, strings(h.run("SRANDMEMBER", key, "100000")).size());
      List<String> repeated = strings(h.run("SRANDMEMBER", key, Integer.toString(-3 * size)));
      assertEquals(3 * size, repeated.size());
      assertTrue(members.containsAll(repeated));
      assertTrue(new HashSet<>(repeated).size() < repeated.size(), "repeats expected");
      String one = new String(((Reply.Bulk) h.run("SRANDMEMBER", key)).value(), StandardCharsets.UTF_8);
      assertTrue(members.contains(one));
    }
    h.run("SADD", "one", "x");
    assertEquals("1) \"x\"\n2) \"x\"\n3) \"x\"", h.cli("SRANDMEMBER", "one", "-3"));
  }

  @Test
  void randomPicksAreRoughlyUniform() {
    h.run("SADD", "ints", "1", "2", "3", "4");
    h.run("SADD", "tab", "a", "b", "c", "d");
    for (String key : List.of("ints", "tab")) {
      Map<String, Integer> seen = new HashMap<>();
      for (String member : strings(h.run("SRANDMEMBER", key, "-8000"))) {
        seen.merge(member, 1, Integer::sum);
      }
      assertEquals(4, seen.size());
      for (int hits : seen.values()) {
        assertTrue(hits > 1600 && hits < 2400, key + " " + seen);
      }
      Map<String, Integer> pairs = new HashMap<>();
      for (int i = 0; i < 3000; i++) {
        List<String> two = strings(h.run("SRANDMEMBER", key, "2"));
        assertNotEquals(two.get(0), two.get(1));
        pairs.merge(new TreeSet<>(two).toString(), 1, Integer::sum);
      }
      assertEquals(6, pairs.size(), "every pair of 4 members shows up: " + pairs);
    }
  }

  // ---- SMOVE -------------------------------------------------------------------------------

  @Test
  void smoveOnOneShardPropagatesAsSent() {
    h.run("SADD", "{t}a", "x", "y");
    h.run("SADD", "{t}b", "y");
    h.mark();
    assertEquals("(integer) 1", h.cli("SMOVE", "{t}a", "{t}b", "x"));
    assertEquals(setOf("x", "y"), members("{t}b"));
    assertEquals("(integer) 1", h.cli("SMOVE", "{t}a", "{t}b", "y"), "already in dst: still moved");
    assertEquals("(integer) 0", h.cli("EXISTS", "{t}a"), "emptied source deleted");
    assertEquals("(integer) 0", h.cli("SMOVE", "{t}a", "{t}b", "y"));
    assertEquals("(integer) 0", h.cli("SMOVE", "{t}b", "{t}b", "zz"));
    assertEquals("(integer) 1", h.cli("SMOVE", "{t}b", "{t}b", "x"));
    assertEquals("(integer) 0", h.cli("SMOVE", "{t}b", "{t}c", "nope"));
    assertEquals(List.of("SMOVE {t}a {t}b x", "SMOVE {t}a {t}b y"), h.newEffects());
    h.assertReplays();
  }

  @Test
  void smoveAcrossShardsIsSremAndSadd() {
    String src = keyOn(0, "src");
    String dst = keyOn(2, "dst");
    h.run("SADD", src, "1", "2", "3");
    h.mark();
    assertEquals("(integer) 1", h.cli("SMOVE", src, dst, "2"));
    assertEquals("intset", encoding(dst), "a new destination is created for the member");
    assertEquals(List.of("SREM " + src + " 2", "SADD " + dst + " 2"), h.newEffects());
    h.assertReplays();
    h.run("SADD", dst, "3");
    h.mark();
    assertEquals("(integer) 1", h.cli("SMOVE", src, dst, "3"));
    assertEquals(List.of("SREM " + src + " 3"), h.newEffects(), "dst had it: nothing to add there");
    h.run("SADD", src, "word");
    assertEquals("(integer) 1", h.cli("SMOVE", src, "{x}" + dst, "word"));
    assertEquals("hashtable", encoding("{x}" + dst));
    assertEquals(setOf("1"), members(src));
    h.assertReplays();
  }

  @Test
  void smoveTypeChecks() {
    h.run("SET", "{t}str", "x");
    h.run("SADD", "{t}s", "m");
    assertEquals("(integer) 0", h.cli("SMOVE", "{t}nokey", "{t}str", "m"), "a missing source wins");
    assertEquals(WRONGTYPE, h.cli("SMOVE", "{t}str", "{t}s", "m"));
    assertEquals(WRONGTYPE, h.cli("SMOVE", "{t}s", "{t}str", "m"));
    assertEquals(WRONGTYPE, h.cli("SMOVE", "{t}s", "{t}str", "absent"));
    assertEquals(WRONGTYPE, h.cli("SMOVE", "{t}str", "{t}str", "m"));
    assertEquals(setOf("m"), members("{t}s"));
  }

  // ---- SINTER / SUNION / SDIFF --------------------------------------------------------------

  @Test
  void algebraAcrossShards() {
    String a = keyOn(0, "a");
    String b = keyOn(1, "b");
    String c = keyOn(3, "c");
    h.run("SADD", a, "1", "2", "3", "x");
    h.run("SADD", b, "2", "3", "4", "x");
    h.run("SADD", c, "3", "x", "y");
    assertEquals(setOf("3", "x"), new TreeSet<>(strings(h.run("SINTER", a, b, c))));
    assertEquals(setOf("2", "3", "x"), new TreeSet<>(strings(h.run("SINTER", a, b))));
    assertEquals(setOf("1", "2", "3", "4", "x", "y"), new TreeSet<>(strings(h.run("SUNION", a, b, c))));
    assertEquals(setOf("1"), new TreeSet<>(strings(h.run("SDIFF", a, b, c))));
    assertEquals(setOf("4"), new TreeSet<>(strings(h.run("SDIFF", b, a, c))));
    assertEquals(setOf("1", "2", "3", "x"), new TreeSet<>(strings(h.run("SDIFF", a, "nokey"))));
    assertEquals("(empty array)", h.cli("SDIFF", a, a));
    assertEquals("(empty array)", h.cli("SDIFF", "nokey", a));
    assertEquals("(empty array)", h.cli("SINTER", a, "nokey"));
    assertEquals(setOf("1", "2", "3", "x"), new TreeSet<>(strings(h.run("SINTER", a, a))));
    assertEquals(setOf("1", "2", "3", "x"), new TreeSet<>(strings(h.run("SUNION", "nokey", a))));
    assertEquals("(integer) 2", h.cli("SINTERCARD", "3", a, b, c));
  }

  @Test
  void algebraOfIntsetsIsAscending() {
    h.run("SADD", "a", "9", "5", "1", "7");
    h.run("SADD", "b", "7", "1", "5", "3", "100");
    assertEquals("1) \"1\"\n2) \"5\"\n3) \"7\"", h.cli("SINTER", "a", "b"));
    assertEquals("1) \"1\"\n2) \"3\"\n3) \"5\"\n4) \"7\"\n5) \"9\"\n6) \"100\"", h.cli("SUNION", "b", "a"));
    assertEquals("1) \"3\"\n2) \"100\"", h.cli("SDIFF", "b", "a"));
  }

  @Test
  void everyKeyIsTypeCheckedEvenAfterAMissingOne() {
    h.run("SET", "str", "x");
    h.run("SADD", "s", "a");
    for (String command : List.of("SINTER", "SUNION", "SDIFF")) {
      assertEquals(WRONGTYPE, h.cli(command, "nokey", "str"), command);
      assertEquals(WRONGTYPE, h.cli(command, "str", "nokey"), command);
      assertEquals(WRONGTYPE, h.cli(command, "s", "str"), command);
      assertEquals(WRONGTYPE, h.cli(command + "STORE", "dst", "nokey", "str"), command);
    }
    assertEquals(WRONGTYPE, h.cli("SINTERCARD", "2", "nokey", "str"));
    assertEquals("(integer) 0", h.cli("EXISTS", "dst"));
  }

  // ---- *STORE ------------------------------------------------------------------------------

  @Test
  void storeJournalsTheDestinationOnItsShardOnly() {
    String a = keyOn(0, "a");
    String b = keyOn(1, "b");
    String dst = keyOn(2, "dst");
    h.run("SADD", a, "1", "2", "3");
    h.run("SADD", b, "2", "3", "4");
    h.mark();
    assertEquals("(integer) 2", h.cli("SINTERSTORE", dst, a, b));
    assertEquals("intset", encoding(dst));
    assertEquals(List.of("SADD " + dst + " 2 3"), h.newEffects(), "a missing destination needs no DEL");
    h.mark();
    assertEquals("(integer) 4", h.cli("SUNIONSTORE", dst, a, b));
    assertEquals(List.of("DEL " + dst, "SADD " + dst + " 1 2 3 4"), h.newEffects());
    h.mark();
    assertEquals("(integer) 1", h.cli("SDIFFSTORE", dst, a, b));
    assertEquals(List.of("DEL " + dst, "SADD " + dst + " 1"), h.newEffects());
    assertEquals(setOf("1"), members(dst));
    for (String effect : h.effects()) {
      assertFalse(effect.contains(a) && effect.contains(dst), effect);
    }
    h.assertReplays();
  }

  @Test
  void storeOverwritesAnyTypeAndDropsTheTtl() {
    h.run("SET", "dst", "string", "PX", "5000");
    h.run("SADD", "a", "x", "1");
    assertEquals("(integer) 2", h.cli("SUNIONSTORE", "dst", "a"));
    assertEquals("set", h.cli("TYPE", "dst"));
    assertEquals("(integer) -1", h.cli("PTTL", "dst"));
    assertEquals("hashtable", encoding("dst"));
    h.run("SADD", "b", "1", "2");
    assertEquals("(integer) 1", h.cli("SINTERSTORE", "dst", "a", "b"));
    assertEquals("intset", encoding("dst"), "the result starts as an intset as in Redis");
    h.assertReplays();
  }

  @Test
  void emptyStoreResultDeletesTheDestination() {
    h.run("SADD", "a", "1");
    h.run("SADD", "dst", "old");
    h.mark();
    assertEquals("(integer) 0", h.cli("SINTERSTORE", "dst", "a", "nokey"));
    assertEquals("(integer) 0", h.cli("EXISTS", "dst"));
    assertEquals(List.of("DEL dst"), h.newEffects());
    h.mark();
    assertEquals("(integer) 0", h.cli("SDIFFSTORE", "dst", "a", "a"));
    assertEquals("(integer) 0", h.cli("SUNIONSTORE", "dst", "nokey"));
    assertEquals(List.of(), h.newEffects(), "nothing to delete, nothing journaled");
    h.run("SET", "dst", "v");
    assertEquals("(integer) 0", h.cli("SUNIONSTORE", "dst", "nokey"));
    assertEquals("(integer) 0", h.cli("EXISTS", "dst"));
    h.assertReplays();
  }

  @Test
  void storeIntoASourceKey() {
    h.run("SADD", "a", "1", "2", "3");
    h.run("SADD", "b", "3", "4");
    assertEquals("(integer) 4", h.cli("SUNIONSTORE", "a", "a", "b"));
    assertEquals(setOf("1", "2", "3", "4"), members("a"));
    assertEquals("(integer) 2", h.cli("SDIFFSTORE", "b", "a", "b"));
    assertEquals(setOf("1", "2"), members("b"));
    h.assertReplays();
  }

  @Test
  void bigStoreResultsAreChunked() {
    String dst = keyOn(1, "dst");
    h.run(argv("SADD", keyOn(0, "a"), range(1, 600)));
    h.mark();
    assertEquals("(integer) 600", h.cli("SUNIONSTORE", dst, keyOn(0, "a")));
    assertEquals("hashtable", encoding(dst), "600 integers exceed the intset limit");
    List<String> effects = h.newEffects();
    assertEquals(5, effects.size());
    assertTrue(effects.stream().allMatch(e -> e.startsWith("SADD " + dst + " ")));
    h.assertReplays();
  }

  @Test
  void storeInAnotherDatabase() {
    h.select(5);
    h.run("SADD", "a", "x");
    h.run("SUNIONSTORE", "dst", "a");
    assertTrue(h.effects().contains("[db5] SADD dst x"));
    h.assertReplays();
  }

  // ---- SINTERCARD --------------------------------------------------------------------------

  @Test
  void sintercardOptionsAndErrors() {
    h.run("SADD", "a", "1", "2", "3", "4");
    h.run("SADD", "b", "2", "3", "4", "5");
    h.run("SET", "str", "x");
    assertEquals("(integer) 3", h.cli("SINTERCARD", "2", "a", "b"));
    assertEquals("(integer) 2", h.cli("SINTERCARD", "2", "a", "b", "LIMIT", "2"));
    assertEquals("(integer) 3", h.cli("SINTERCARD", "2", "a", "b", "limit", "0"));
    assertEquals("(integer) 3", h.cli("SINTERCARD", "2", "a", "b", "LIMIT", "10"));
    assertEquals("(integer) 1", h.cli("SINTERCARD", "2", "a", "b", "LIMIT", "5", "LIMIT", "1"));
    assertEquals("(integer) 4", h.cli("SINTERCARD", "1", "a"));
    assertEquals("(integer) 0", h.cli("SINTERCARD", "2", "a", "nokey"));
    for (String bad : List.of("0", "-1", "x", "1.5")) {
      assertEquals("(error) ERR numkeys should be greater than 0", h.cli("SINTERCARD", bad, "a"), bad);
    }
    assertEquals("(error) ERR Number of keys can't be greater than number of args",
        h.cli("SINTERCARD", "3", "a", "b"));
    assertEquals("(error) ERR LIMIT can't be negative", h.cli("SINTERCARD", "1", "a", "LIMIT", "-1"));
    assertEquals("(error) ERR LIMIT can't be negative", h.cli("SINTERCARD", "1", "a", "LIMIT", "x"));
    assertEquals(SYNTAX, h.cli("SINTERCARD", "1", "a", "LIMIT"));
    assertEquals(SYNTAX, h.cli("SINTERCARD", "1", "a", "FOO", "1"));
    assertEquals(SYNTAX, h.cli("SINTERCARD", "1", "str", "FOO"), "options before keys");
    assertEquals(WRONGTYPE, h.cli("SINTERCARD", "1", "str"));
  }

  // ---- SSCAN -------------------------------------------------------------------------------

  @Test
  void sscanOfAnIntsetIsOneCall() {
    h.run("SADD", "i", "3", "1", "2", "-5", "10");
    assertEquals("1) \"0\"\n2) 1) \"-5\"\n   2) \"1\"\n   3) \"2\"\n   4) \"3\"\n   5) \"10\"",
        h.cli("SSCAN", "i", "0", "COUNT", "1"));
    assertEquals("1) \"0\"\n2) 1) \"-5\"\n   2) \"1\"\n   3) \"2\"\n   4) \"3\"\n   5) \"10\"",
        h.cli("SSCAN", "i", "12345"));
    assertEquals("1) \"0\"\n2) 1) \"1\"\n   2) \"10\"", h.cli("SSCAN", "i", "0", "MATCH", "1*"));
    assertEquals("1) \"0\"\n2) (empty array)", h.cli("SSCAN", "i", "0", "MATCH", "x*"));
  }

  @Test
  void sscanErrors() {
    h.run("SADD", "i", "1");
    assertEquals("(error) ERR invalid cursor", h.cli("SSCAN", "i", "x"));
    assertEquals("(error) ERR invalid cursor", h.cli("SSCAN", "nokey", "x"));
    assertEquals(SYNTAX, h.cli("SSCAN", "i", "0", "COUNT", "0"));
    assertEquals(NOT_INTEGER, h.cli("SSCAN", "i", "0", "COUNT", "x"));
    assertEquals(SYNTAX, h.cli("SSCAN", "i", "0", "TYPE", "string"));
    assertEquals(SYNTAX, h.cli("SSCAN", "i", "0", "MATCH"));
    assertEquals("1) \"0\"\n2) (empty array)", h.cli("SSCAN", "nokey", "0", "COUNT", "0"),
        "a missing key replies before the options are read");
  }

  private Set<String> sscanAll(String key, String... options) {
    Set<String> seen = new TreeSet<>();
    String cursor = "0";
    int calls = 0;
    do {
      List<String> args = new ArrayList<>(List.of("SSCAN", key, cursor));
      args.addAll(List.of(options));
      Reply.Array reply = (Reply.Array) h.run(args.toArray(new String[0]));
      cursor = new String(((Reply.Bulk) reply.items().get(0)).value(), StandardCharsets.UTF_8);
      seen.addAll(strings(reply.items().get(1)));
      assertTrue(++calls < 10_000, "the scan must end");
    } while (!cursor.equals("0"));
    return seen;
  }

  @Test
  void sscanOfAHashTableUsesARealCursor() {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      all.add("m" + i);
    }
    h.run(argv("SADD", "s", all));
    Reply.Array first = (Reply.Array) h.run("SSCAN", "s", "0");
    assertNotEquals("0", new String(((Reply.Bulk) first.items().get(0)).value(), StandardCharsets.UTF_8));
    assertTrue(strings(first.items().get(1)).size() < 100);
    assertEquals(new TreeSet<>(all), sscanAll("s"));
    assertEquals(new TreeSet<>(all), sscanAll("s", "COUNT", "100"));
    Set<String> matched = sscanAll("s", "MATCH", "m1?");
    assertEquals(setOf("m10", "m11", "m12", "m13", "m14", "m15", "m16", "m17", "m18", "m19"), matched);
  }

  @Test
  void sscanReturnsEveryMemberPresentThroughoutWhileTheSetGrowsAndShrinks() {
    List<String> stable = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      stable.add("s" + i);
    }
    h.run(argv("SADD", "s", stable));
    for (int i = 0; i < 2000; i++) {
      h.run("SADD", "s", "tmp" + i);
    }
    Set<String> seen = new TreeSet<>();
    String cursor = "0";
    int round = 0;
    do {
      Reply.Array reply = (Reply.Array) h.run("SSCAN", "s", cursor, "COUNT", "20");
      cursor = new String(((Reply.Bulk) reply.items().get(0)).value(), StandardCharsets.UTF_8);
      seen.addAll(strings(reply.items().get(1)));
      // shrink the table a lot, then grow it again, between calls
      if (round == 3) {
        for (int i = 0; i < 2000; i++) {
          h.run("SREM", "s", "tmp" + i);
        }
      } else if (round == 8) {
        for (int i = 0; i < 3000; i++) {
          h.run("SADD", "s", "new" + i);
        }
      }
      round++;
      assertTrue(round < 10_000);
    } while (!cursor.equals("0"));
    assertTrue(seen.containsAll(stable), "scan guarantee");
  }

  // ---- cross-shard RENAME / COPY -------------------------------------------------------------

  @Test
  void renameAcrossShardsRecreatesTheSetWithTtl() {
    String src = keyOn(0, "src");
    String dst = keyOn(3, "dst");
    h.run("SADD", src, "a", "b", "c");
    long expireAt = h.clock.millis() + 5000;
    h.run("PEXPIREAT", src, Long.toString(expireAt));
    h.run("SET", dst, "old");
    h.mark();
    assertEquals("OK", h.cli("RENAME", src, dst));
    List<String> effects = h.newEffects();
    assertEquals("DEL " + src, effects.get(0));
    assertEquals("DEL " + dst, effects.get(1));
    assertTrue(effects.get(2).startsWith("SADD " + dst + " "));
    assertEquals("PEXPIREAT " + dst + " " + expireAt, effects.get(3));
    assertEquals(setOf("a", "b", "c"), members(dst));
    h.assertReplays();
  }

  @Test
  void copyAcrossShardsKeepsTheEncodingOfAnAllIntegerHashTable() {
    String src = keyOn(0, "src");
    String dst = keyOn(1, "dst");
    h.run("SADD", src, "1", "2", "x");
    h.run("SREM", src, "x");
    assertEquals("hashtable", encoding(src));
    h.mark();
    assertEquals("(integer) 1", h.cli("COPY", src, dst));
    assertEquals("hashtable", encoding(dst));
    List<String> effects = h.newEffects();
    assertEquals("DEL " + dst, effects.get(0));
    assertTrue(effects.get(1).startsWith("SADD " + dst + "  "), "the empty marker member comes first");
    assertEquals("SREM " + dst + " ", effects.get(2));
    assertTrue(h.dump().contains("0 " + dst + " = set:hashtable[1, 2]"), h.dump().toString());
    h.assertReplays();

    // the copy is independent
    h.run("SADD", dst, "3");
    assertEquals(setOf("1", "2"), members(src));
    h.run("SADD", "{x}i", "5", "6");
    assertEquals("(integer) 1", h.cli("COPY", "{x}i", "{y}i2"));
    assertEquals("intset", encoding("{y}i2"));
    h.run("SADD", "{y}i2", "7");
    assertEquals(setOf("5", "6"), members("{x}i"));
    h.assertReplays();
  }

  @Test
  void bigSetRecreatedInChunks() {
    String src = keyOn(0, "src");
    String dst = keyOn(2, "dst");
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      all.add("v" + i);
    }
    h.run(argv("SADD", src, all));
    h.mark();
    h.run("RENAME", src, dst);
    assertEquals(List.of("DEL", "DEL", "SADD", "SADD", "SADD"),
        h.newEffects().stream().map(e -> e.split(" ")[0]).toList());
    h.assertReplays();
  }

  @Test
  void genericKeyCommandsSeeSets() {
    h.run("SADD", "s", "a");
    h.run("SET", "str", "x");
    assertEquals("1) \"0\"\n2) 1) \"s\"", h.cli("SCAN", "0", "TYPE", "set", "COUNT", "100"));
    assertEquals("1) \"0\"\n2) 1) \"s\"", h.cli("SCAN", "0", "TYPE", "SET", "COUNT", "100"));
    assertEquals("(integer) 1", h.cli("EXISTS", "s"));
    h.mark();
    assertEquals("(integer) 1", h.cli("DEL", "s"));
    assertEquals(List.of("DEL s"), h.newEffects());
    h.run("SADD", "{m}s", "1");
    assertEquals("(integer) 1", h.cli("MOVE", "{m}s", "3"));
    h.select(3);
    assertEquals("1) \"1\"", h.cli("SMEMBERS", "{m}s"));
    h.assertReplays();
  }

  @Test
  void spopCountIsAnArrayInResp2() {
    h.run("SADD", "i", "2", "1");
    assertEquals("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", h.wire("SPOP", "i", "2"));
    assertEquals("*0\r\n", h.wire("SPOP", "i", "2"));
    assertEquals("$-1\r\n", h.wire("SPOP", "i"));
  }

  // ---- value ---------------------------------------------------------------------------------

  @Test
  void setValueShrinksAndStillFindsEverything() {
    SetValue set = SetValue.forMember(bytes("a"));
    for (int i = 0; i < 5000; i++) {
      assertTrue(set.add(bytes("k" + i)));
    }
    for (int i = 0; i < 4990; i++) {
      assertTrue(set.remove(bytes("k" + i)));
    }
    assertEquals(10, set.size());
    for (int i = 4990; i < 5000; i++) {
      assertTrue(set.contains(bytes("k" + i)));
    }
    assertFalse(set.contains(bytes("k1")));
    assertEquals(10, set.members().size());
    assertEquals("hashtable", set.encoding());
  }
}
