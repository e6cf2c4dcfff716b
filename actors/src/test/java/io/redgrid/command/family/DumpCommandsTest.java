package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.protocol.Reply;
import io.redgrid.rdb.Canonical;
import io.redgrid.rdb.Crc64;
import io.redgrid.rdb.RealRedis;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DumpCommandsTest {
  private final CommandHarness h = new CommandHarness();

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private byte[] dump(String key) {
    Reply reply = h.run("DUMP", key);
    assertTrue(reply instanceof Reply.Bulk, key + ": " + reply);
    return ((Reply.Bulk) reply).value();
  }

  private String restore(String key, String ttl, byte[] payload, String... options) {
    byte[][] argv = new byte[4 + options.length][];
    argv[0] = b("RESTORE");
    argv[1] = b(key);
    argv[2] = b(ttl);
    argv[3] = payload;
    for (int i = 0; i < options.length; i++) {
      argv[4 + i] = b(options[i]);
    }
    return CommandHarness.render(h.run(argv), "");
  }

  private KeyEntry entry(String key) {
    return h.keyspace(h.shardOf(key)).database(0).get(b(key));
  }

  /** A payload with a valid footer around any body. */
  private static byte[] payload(byte[] body, int version) {
    byte[] p = Arrays.copyOf(body, body.length + 10);
    p[body.length] = (byte) version;
    p[body.length + 1] = (byte) (version >>> 8);
    long crc = Crc64.update(0, p, 0, body.length + 2);
    for (int i = 0; i < 8; i++) {
      p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
    }
    return p;
  }

  // ---- DUMP -----------------------------------------------------------------------------------

  @Test
  void dumpOfAStringIsByteForByteWhatRedisDumps() {
    assertEquals("(nil)", h.cli("DUMP", "missing"));
    h.run("SET", "k", "v");
    // redis 7.0.15: DUMP k after SET k v
    assertArrayEquals(HexFormat.of().parseHex("000176" + "0a00" + "9108ceb219388ace"), dump("k"));
    h.run("SET", "n", "-300");
    // integer encoded as INT16
    assertArrayEquals(HexFormat.of().parseHex("00c1d4fe"), Arrays.copyOf(dump("n"), 4));
    assertEquals("(error) ERR wrong number of arguments for 'dump' command", h.cli("DUMP"));
    assertEquals("(error) ERR wrong number of arguments for 'dump' command", h.cli("DUMP", "a", "b"));
  }

  @Test
  void dumpIsAReadThatCountsHitsAndMisses() {
    h.run("SET", "k", "v");
    long hits = h.stats.keyspaceHits.sum();
    long misses = h.stats.keyspaceMisses.sum();
    dump("k");
    h.run("DUMP", "nope");
    assertEquals(hits + 1, h.stats.keyspaceHits.sum());
    assertEquals(misses + 1, h.stats.keyspaceMisses.sum());
    assertEquals(List.of("SET k v"), h.effects());
  }

  @Test
  void dumpRestoreRoundTripsEveryTypeAndEncoding() {
    h.run("SET", "str", "hello world, a string long enough to be compressed... " + "x".repeat(200));
    h.run("SET", "int", "-9223372036854775808");
    h.run("RPUSH", "list", "a", "1", "-2", "");
    h.run("SADD", "intset", "1", "2", "-3");
    h.run("SADD", "set", "a", "b", "1");
    h.run("HSET", "hash", "f", "v", "n", "12");
    String[] big = new String[1202];
    big[0] = "HSET";
    big[1] = "bighash";
    for (int i = 2; i < big.length; i += 2) {
      big[i] = "field" + i;
      big[i + 1] = "value" + i;
    }
    assertEquals("(integer) 600", CommandHarness.render(h.run(big), ""));
    h.run("ZADD", "zset", "1.5", "a", "-inf", "b", "+inf", "c");
    String[] bigz = new String[402];
    bigz[0] = "ZADD";
    bigz[1] = "bigzset";
    for (int i = 2; i < bigz.length; i += 2) {
      bigz[i] = Integer.toString(i);
      bigz[i + 1] = "m" + i;
    }
    assertEquals("(integer) 200", CommandHarness.render(h.run(bigz), ""));
    for (String key : List.of("str", "int", "list", "intset", "set", "hash", "bighash", "zset", "bigzset")) {
      byte[] payload = dump(key);
      assertEquals("OK", restore(key + ":copy", "0", payload));
      Object original = entry(key).value();
      Object copy = entry(key + ":copy").value();
      assertEquals(Canonical.describe(original), Canonical.describe(copy), key);
      assertEquals(ValueTypes.encoding(original), ValueTypes.encoding(copy), key);
      assertEquals(h.cli("OBJECT", "ENCODING", key), h.cli("OBJECT", "ENCODING", key + ":copy"));
    }
    h.assertReplays();
  }

  // ---- RESTORE errors, in Redis' order of checks --------------------------------------------

  @Test
  void restoreErrorsAreRedisOnes() {
    h.run("SET", "k", "v");
    byte[] good = dump("k");
    h.mark();
    assertEquals("(error) BUSYKEY Target key name already exists.", restore("k", "0", good));
    // the busy key is found before the TTL is parsed, as in Redis
    assertEquals("(error) BUSYKEY Target key name already exists.", restore("k", "-1", b("x")));
    assertEquals("(error) ERR value is not an integer or out of range", restore("k", "abc", good, "REPLACE"));
    assertEquals("(error) ERR Invalid TTL value, must be >= 0", restore("k2", "-1", good));
    assertEquals("(error) ERR DUMP payload version or checksum are wrong", restore("k2", "0", b("x")));
    assertEquals("(error) ERR DUMP payload version or checksum are wrong", restore("k2", "0", b("")));
    byte[] flipped = good.clone();
    flipped[2] ^= 1;
    assertEquals("(error) ERR DUMP payload version or checksum are wrong", restore("k2", "0", flipped));
    // a newer RDB version than 10 is refused even with a right checksum
    byte[] body = Arrays.copyOf(good, good.length - 10);
    assertEquals("(error) ERR DUMP payload version or checksum are wrong", restore("k2", "0", payload(body, 11)));
    assertEquals("OK", restore("k2", "0", payload(body, 9)));
    assertEquals("(error) ERR Bad data format", restore("k3", "0", payload(new byte[] {99, 1, 'x'}, 10)));
    assertEquals("(error) ERR Bad data format", restore("k3", "0", payload(new byte[] {19, 1, 'x'}, 10)));
    assertEquals("(error) ERR Bad data format", restore("k3", "0", payload(new byte[] {0, 5, 'x'}, 10)));
    // duplicate set members (Redis refuses them too; a duplicate hash field Redis 7.0 accepts, we do not)
    assertEquals("(error) ERR Bad data format", restore("k3", "0", payload(new byte[] {2, 2, 1, 'a', 1, 'a'}, 10)));
    assertEquals("(error) ERR Bad data format",
        restore("k3", "0", payload(new byte[] {4, 2, 1, 'a', 1, 'b', 1, 'a', 1, 'c'}, 10)));
    // bytes after the value are ignored, as Redis does
    assertEquals("OK", restore("k4", "0", payload(new byte[] {0, 1, 'v', 'x', 'y'}, 10)));
    assertEquals("\"v\"", h.cli("GET", "k4"));
    // an empty list is no value
    assertEquals("(error) ERR Bad data format", restore("k3", "0", payload(new byte[] {1, 0}, 10)));
    assertEquals("(error) ERR Invalid IDLETIME value, must be >= 0", restore("k3", "0", good, "IDLETIME", "-1"));
    assertEquals("(error) ERR value is not an integer or out of range", restore("k3", "0", good, "IDLETIME", "a"));
    assertEquals("(error) ERR Invalid FREQ value, must be >= 0 and <= 255", restore("k3", "0", good, "FREQ", "256"));
    assertEquals("(error) ERR Invalid FREQ value, must be >= 0 and <= 255", restore("k3", "0", good, "FREQ", "-1"));
    assertEquals("(error) ERR value is not an integer or out of range", restore("k3", "0", good, "FREQ", "1.5"));
    assertEquals("(error) ERR syntax error", restore("k3", "0", good, "FREQ", "1", "IDLETIME", "2"));
    assertEquals("(error) ERR syntax error", restore("k3", "0", good, "IDLETIME", "2", "FREQ", "1"));
    assertEquals("(error) ERR syntax error", restore("k3", "0", good, "IDLETIME"));
    assertEquals("(error) ERR syntax error", restore("k3", "0", good, "BOGUS"));
    // options are parsed before the key is checked
    assertEquals("(error) ERR syntax error", restore("k", "0", good, "BOGUS"));
    assertEquals("(error) ERR wrong number of arguments for 'restore' command", h.cli("RESTORE", "k", "0"));
    assertEquals("(integer) 0", h.cli("EXISTS", "k3"));
    assertEquals(2, h.newEffects().size()); // only the RESTOREs of k2 and k4 that succeeded
    h.assertReplays();
  }

  // ---- TTL, REPLACE, IDLETIME, FREQ and the journal ------------------------------------------

  @Test
  void relativeTtlIsJournaledAsAbsoluteWithReplace() {
    h.clock.set(1_000_000);
    h.run("SET", "src", "value");
    byte[] payload = dump("src");
    h.mark();
    assertEquals("OK", restore("k", "5000", payload));
    assertEquals("(integer) 5000", h.cli("PTTL", "k"));
    assertEquals("\"value\"", h.cli("GET", "k"));
    List<String> effects = h.newEffects();
    assertEquals(1, effects.size());
    assertTrue(effects.get(0).startsWith("RESTORE k 1005000 "), effects.get(0));
    assertTrue(effects.get(0).endsWith(" REPLACE ABSTTL"), effects.get(0));
    h.assertReplays();
    h.clock.advance(5001);
    // a replay after the deadline still recreates the key (as Redis loading an AOF), then expires lazily
    assertEquals(h.dump(), h.replayed().dump());
  }

  @Test
  void absttlAndZeroTtl() {
    h.clock.set(1_000_000);
    h.run("SET", "src", "value");
    byte[] payload = dump("src");
    assertEquals("OK", restore("abs", "1234567", payload, "ABSTTL"));
    assertEquals("(integer) 1234567", h.cli("PEXPIRETIME", "abs"));
    assertEquals("OK", restore("none", "0", payload, "ABSTTL"));
    assertEquals("(integer) -1", h.cli("PTTL", "none"));
    h.mark();
    // already past: OK, nothing created, nothing journaled
    assertEquals("OK", restore("past", "999999", payload, "ABSTTL"));
    assertEquals("OK", restore("past", "1000000", payload, "ABSTTL"));
    assertEquals("(integer) 0", h.cli("EXISTS", "past"));
    assertEquals(List.of(), h.newEffects());
    // past with REPLACE of an existing key: the key is deleted and that is journaled as DEL
    assertEquals("OK", restore("abs", "5", payload, "ABSTTL", "REPLACE"));
    assertEquals("(integer) 0", h.cli("EXISTS", "abs"));
    assertEquals(List.of("DEL abs"), h.newEffects());
    h.assertReplays();
  }

  @Test
  void replaceOverwritesAnyTypeAndDropsTheOldTtl() {
    h.run("RPUSH", "k", "a", "b");
    h.run("PEXPIRE", "k", "100000");
    h.run("SET", "src", "new");
    assertEquals("OK", restore("k", "0", dump("src"), "REPLACE"));
    assertEquals("\"new\"", h.cli("GET", "k"));
    assertEquals("(integer) -1", h.cli("PTTL", "k"));
    assertEquals("OK", restore("k", "0", dump("src"), "replace", "absttl"));
    h.assertReplays();
  }

  @Test
  void idletimeAndFreqSetTheAccessMetadata() {
    h.clock.set(10_000_000);
    h.run("SET", "src", "v");
    byte[] payload = dump("src");
    assertEquals("OK", restore("idle", "0", payload, "IDLETIME", "100"));
    assertEquals("(integer) 100", h.cli("OBJECT", "IDLETIME", "idle"));
    h.clock.advance(5000);
    assertEquals("(integer) 105", h.cli("OBJECT", "IDLETIME", "idle"));
    // Redis' objectSetLRUOrLFU: FREQ only under an LFU policy, IDLETIME only under the others.
    assertEquals("OK", restore("freq", "0", payload, "FREQ", "200"));
    assertEquals(0, entry("freq").frequency());
    assertEquals("OK", h.cli("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"));
    assertEquals("OK", restore("freq2", "0", payload, "FREQ", "200"));
    assertEquals("(integer) 200", h.cli("OBJECT", "FREQ", "freq2"));
    assertEquals("OK", restore("idle2", "0", payload, "IDLETIME", "100"));
    assertEquals("(integer) 5", h.cli("OBJECT", "FREQ", "idle2"));
    assertEquals("OK", h.cli("CONFIG", "SET", "maxmemory-policy", "noeviction"));
    assertEquals("OK", restore("both", "0", payload, "ABSTTL", "idletime", "0", "REPLACE"));
    h.assertReplays();
  }

  @Test
  void restoreFiresTheRestoreEvent() {
    List<String> events = h.psubscribe("__keyevent*");
    assertEquals("OK", h.cli("CONFIG", "SET", "notify-keyspace-events", "KEA"));
    h.run("SET", "src", "v");
    events.clear();
    restore("k", "0", dump("src"));
    restore("k", "0", dump("src"), "REPLACE");
    h.clock.set(100);
    restore("k", "1", dump("src"), "REPLACE", "ABSTTL");
    assertEquals(List.of("__keyevent@0__:restore k", "__keyevent@0__:restore k", "__keyevent@0__:del k"),
        events);
  }

  // ---- interchange with a real Redis 7.0 ----------------------------------------------------

  @Test
  void restoresPayloadsCapturedFromRedis70() {
    // DUMP output of redis 7.0.15 (listpack hash and zset, LZF-compressed quicklist 2 node, intset)
    Map<String, String> captured = new LinkedHashMap<>();
    captured.put("h", "1013130000000400816602817602816e02dff402ff0a0013fa9d85c4aa8207");
    captured.put("z", "111d1d0000000600816202842d696e660581610283312e35048163020301ff0a002970c58fcde6fc31");
    captured.put("l", "120102c31a405a125a00000004008161020101f290eefe04e04678e03c000148ff0a00b821e7c59304be93");
    captured.put("s", "0b200800000003000000fbffffffffffffff050000000000000000286bee000000000a0067debd300a8047d1");
    for (Map.Entry<String, String> e : captured.entrySet()) {
      assertEquals("OK", restore(e.getKey(), "0", HexFormat.of().parseHex(e.getValue())), e.getKey());
    }
    assertEquals("hash {f=v, n=-12}", Canonical.describe(entry("h").value()));
    assertEquals("zset [b=-Infinity, a=1.5, c=3.0]", Canonical.describe(entry("z").value()));
    assertEquals("list [a, 1, -70000, " + "x".repeat(70) + "]", Canonical.describe(entry("l").value()));
    assertEquals("set [-5, 4000000000, 5]", Canonical.describe(entry("s").value()));
    assertEquals("\"listpack\"", h.cli("OBJECT", "ENCODING", "h"));
    assertEquals("\"listpack\"", h.cli("OBJECT", "ENCODING", "z"));
    assertEquals("\"intset\"", h.cli("OBJECT", "ENCODING", "s"));
    h.assertReplays();
  }

  @Test
  void payloadsAreInterchangeableWithARealRedis() throws Exception {
    try (RealRedis redis = RealRedis.start(null)) {
      Map<String, List<String>> setup = new LinkedHashMap<>();
      setup.put("int", List.of("SET", "int", "123456"));
      setup.put("str", List.of("SET", "str", "compress me ".repeat(40)));
      setup.put("bin", List.of("SET", "bin", "a\u0000b\r\n"));
      setup.put("list", List.of("RPUSH", "list", "a", "1", "-70000", "x".repeat(100)));
      List<String> bigList = new ArrayList<>(List.of("RPUSH", "biglist"));
      List<String> bigSet = new ArrayList<>(List.of("SADD", "bigset"));
      List<String> bigHash = new ArrayList<>(List.of("HSET", "bighash"));
      List<String> bigZset = new ArrayList<>(List.of("ZADD", "bigzset"));
      for (int i = 0; i < 700; i++) {
        bigList.add("item" + i);
        bigSet.add(Integer.toString(i * 3));
        bigHash.add("f" + i);
        bigHash.add("v" + i);
        bigZset.add(Integer.toString(i % 50));
        bigZset.add("m" + i);
      }
      setup.put("biglist", bigList);
      setup.put("intset", List.of("SADD", "intset", "5", "-5", "4000000000"));
      setup.put("set", List.of("SADD", "set", "a", "b", "3"));
      setup.put("bigset", bigSet);
      setup.put("hash", List.of("HSET", "hash", "f", "v", "n", "7"));
      setup.put("bighash", bigHash);
      setup.put("zset", List.of("ZADD", "zset", "1.25", "a", "-inf", "b", "inf", "c"));
      setup.put("bigzset", bigZset);
      for (List<String> command : setup.values()) {
        Object reply = redis.call(command.toArray());
        assertTrue(!(reply instanceof String s) || !s.startsWith("ERR:"), command + " " + reply);
      }
      for (String key : setup.keySet()) {
        byte[] theirs = (byte[]) redis.call("DUMP", key);
        assertNotNull(theirs, key);
        assertEquals("OK", restore(key, "0", theirs), key);
        Object value = entry(key).value();
        assertEquals(Canonical.fromRedis(redis, b(key)), Canonical.describe(value), key);
        assertEquals(redis.text("OBJECT", "ENCODING", key), ValueTypes.encoding(value), key);

        byte[] ours = dump(key);
        assertEquals("OK", redis.call("RESTORE", key + ":back", "0", ours), key);
        assertEquals(Canonical.fromRedis(redis, b(key)), Canonical.fromRedis(redis, b(key + ":back")), key);
        assertEquals(redis.text("OBJECT", "ENCODING", key), redis.text("OBJECT", "ENCODING", key + ":back"), key);
      }
      // the TTL travels with RESTORE, not with the payload
      byte[] ours = dump("str");
      assertEquals("OK", redis.call("RESTORE", "ttl", "100000", ours));
      long pttl = (Long) redis.call("PTTL", "ttl");
      assertTrue(pttl > 90_000 && pttl <= 100_000, Long.toString(pttl));
      h.assertReplays();
    }
  }
}
