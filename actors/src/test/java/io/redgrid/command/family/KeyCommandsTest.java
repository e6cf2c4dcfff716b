package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandError;
import io.redgrid.command.CommandHarness;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class KeyCommandsTest {
  private static final String LFU_ERROR = "(error) ERR An LFU maxmemory policy is not selected, "
      + "access frequency not tracked. Please note that when switching between policies at runtime "
      + "LRU and LFU data will take some time to adjust.";

  private final CommandHarness h = new CommandHarness();

  /** A key named {@code prefix<n>} owned by {@code shard}. */
  private String keyOn(int shard, String prefix) {
    for (int i = 0; ; i++) {
      String key = prefix + i;
      if (h.shardOf(key) == shard) {
        return key;
      }
    }
  }

  private long hits() {
    return h.stats.keyspaceHits.sum();
  }

  private long misses() {
    return h.stats.keyspaceMisses.sum();
  }

  // ---- DEL / UNLINK / EXISTS / TOUCH / TYPE -----------------------------------------------------

  @Test
  void delCountsOnlyRemovedKeysAndPropagatesEach() {
    h.run("MSET", "a", "1", "b", "2", "c", "3");
    h.mark();
    assertEquals("(integer) 2", h.cli("DEL", "a", "b", "b", "missing"));
    assertEquals("(integer) 0", h.cli("DEL", "a"));
    assertEquals(new TreeSet<>(List.of("DEL a", "DEL b")), new TreeSet<>(h.newEffects()));
    assertEquals("(error) ERR wrong number of arguments for 'del' command", h.cli("DEL"));
    h.assertReplays();
  }

  @Test
  void unlinkIsDelPropagatedAsUnlink() {
    h.run("MSET", "a", "1", "b", "2");
    h.mark();
    assertEquals("(integer) 2", h.cli("UNLINK", "a", "b", "b", "c"));
    assertEquals("(nil)", h.cli("GET", "a"));
    assertEquals("(nil)", h.cli("GET", "b"));
    assertEquals(new TreeSet<>(List.of("UNLINK a", "UNLINK b")), new TreeSet<>(h.newEffects()));
    assertEquals("(error) ERR wrong number of arguments for 'unlink' command", h.cli("UNLINK"));
    h.assertReplays();
  }

  @Test
  void existsCountsDuplicatesAndStatsWithoutTouching() {
    h.run("SET", "a", "1");
    h.clock.advance(5000);
    long hits = hits();
    long misses = misses();
    assertEquals("(integer) 3", h.cli("EXISTS", "a", "a", "missing", "a"));
    assertEquals(hits + 3, hits());
    assertEquals(misses + 1, misses());
    assertEquals("(integer) 5", h.cli("OBJECT", "IDLETIME", "a"));
    assertEquals("(error) ERR wrong number of arguments for 'exists' command", h.cli("EXISTS"));
  }

  @Test
  void touchCountsExistingKeysAndResetsIdleTime() {
    h.run("SET", "a", "1");
    h.clock.advance(7000);
    assertEquals("(integer) 7", h.cli("OBJECT", "IDLETIME", "a"));
    assertEquals("(integer) 2", h.cli("TOUCH", "a", "missing", "a"));
    assertEquals("(integer) 0", h.cli("OBJECT", "IDLETIME", "a"));
    assertEquals("(error) ERR wrong number of arguments for 'touch' command", h.cli("TOUCH"));
  }

  @Test
  void typeNamesStringAndNone() {
    h.run("SET", "a", "1");
    assertEquals("string", h.cli("TYPE", "a"));
    assertEquals("none", h.cli("TYPE", "missing"));
    assertEquals("+string\r\n", h.wire("TYPE", "a"));
    assertEquals("(error) ERR wrong number of arguments for 'type' command", h.cli("TYPE", "a", "b"));
  }

  @Test
  void expiredKeysAreInvisibleToExistsTypeAndTouch() {
    h.run("SET", "a", "1", "PX", "100");
    h.run("SET", "b", "1");
    h.clock.advance(100 + 1);
    h.mark();
    assertEquals("(integer) 1", h.cli("EXISTS", "a", "b"));
    assertEquals("none", h.cli("TYPE", "a"));
    assertEquals("(integer) 0", h.cli("TOUCH", "a"));
    assertEquals(List.of("DEL a"), h.newEffects());
    h.assertReplays();
  }

  // ---- KEYS -------------------------------------------------------------------------------

  @Test
  void keysMatchesAcrossShardsAndSkipsExpired() {
    for (int i = 0; i < 40; i++) {
      h.run("SET", "user:" + i, "v");
    }
    h.run("SET", "other", "v");
    h.run("SET", "user:gone", "v", "PX", "10");
    Set<Integer> shards = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      shards.add(h.shardOf("user:" + i));
    }
    assertEquals(4, shards.size());
    h.clock.advance(10 + 1);
    h.mark();
    assertEquals(40, names(h.run("KEYS", "user:*")).size());
    assertEquals(41, names(h.run("KEYS", "*")).size());
    assertEquals(Set.of("user:1", "user:10", "user:11", "user:12", "user:13", "user:14", "user:15",
        "user:16", "user:17", "user:18", "user:19"), new HashSet<>(names(h.run("KEYS", "user:1*"))));
    assertEquals(Set.of("user:3", "user:5"), new HashSet<>(names(h.run("KEYS", "user:[35]"))));
    assertEquals("(empty array)", h.cli("KEYS", "nothing*"));
    assertEquals(List.of(), h.newEffects(), "KEYS deletes nothing, like Redis 7.0");
    assertEquals("(error) ERR wrong number of arguments for 'keys' command", h.cli("KEYS"));
  }

  @Test
  void keysSeesOnlyTheSelectedDatabase() {
    h.run("SET", "a", "1");
    h.select(3);
    h.run("SET", "b", "1");
    assertEquals(List.of("b"), names(h.run("KEYS", "*")));
  }

  // ---- SCAN -------------------------------------------------------------------------------

  /** Runs a SCAN to completion; returns every key it returned (with duplicates). */
  private List<String> scanAll(String... options) {
    List<String> all = new ArrayList<>();
    String cursor = "0";
    int calls = 0;
    do {
      String[] args = new String[2 + options.length];
      args[0] = "SCAN";
      args[1] = cursor;
      System.arraycopy(options, 0, args, 2, options.length);
      List<Reply> reply = ((Reply.Array) h.run(args)).items();
      cursor = text(reply.get(0));
      all.addAll(names(reply.get(1)));
      assertTrue(++calls < 10_000, "scan does not end");
    } while (!cursor.equals("0"));
    return all;
  }

  @Test
  void scanReturnsEveryKeyOfAllShardsWithSmallCount() {
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      h.run("SET", "k" + i, "v");
      expected.add("k" + i);
    }
    assertEquals(expected, new HashSet<>(scanAll("COUNT", "3")));
    assertEquals(expected, new HashSet<>(scanAll()));
    List<String> big = scanAll("COUNT", "100000");
    assertEquals(500, big.size());
    assertEquals(expected, new HashSet<>(big));
  }

  @Test
  void scanDefaultCountReturnsAboutTenKeysAndANonZeroCursor() {
    for (int i = 0; i < 200; i++) {
      h.run("SET", "k" + i, "v");
    }
    List<Reply> reply = ((Reply.Array) h.run("SCAN", "0")).items();
    assertNotEquals("0", text(reply.get(0)));
    int returned = names(reply.get(1)).size();
    assertTrue(returned >= 10 && returned < 30, "returned " + returned);
  }

  @Test
  void scanReturnsAllOriginalKeysWhileKeysAreAddedAndTablesGrow() {
    Set<String> original = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      h.run("SET", "orig" + i, "v");
      original.add("orig" + i);
    }
    Set<String> seen = new HashSet<>();
    String cursor = "0";
    int added = 0;
    int calls = 0;
    do {
      List<Reply> reply = ((Reply.Array) h.run("SCAN", cursor, "COUNT", "2")).items();
      cursor = text(reply.get(0));
      seen.addAll(names(reply.get(1)));
      // Several resizes of every shard's table happen mid-scan (16 -> 1024 buckets each).
      for (int i = 0; i < 20 && added < 3000; i++) {
        h.run("SET", "new" + added++, "v");
      }
      assertTrue(++calls < 10_000, "scan does not end");
    } while (!cursor.equals("0"));
    assertEquals(3000, added, "keys were still being added when the scan ended");
    assertTrue(seen.containsAll(original));
  }

  @Test
  void scanReturnsAllOriginalKeysWhileOtherKeysAreDeleted() {
    Set<String> kept = new HashSet<>();
    for (int i = 0; i < 600; i++) {
      h.run("SET", "k" + i, "v");
      if (i % 10 == 0) {
        kept.add("k" + i);
      }
    }
    Set<String> seen = new HashSet<>();
    String cursor = "0";
    int next = 0;
    int calls = 0;
    do {
      List<Reply> reply = ((Reply.Array) h.run("SCAN", cursor, "COUNT", "5")).items();
      cursor = text(reply.get(0));
      seen.addAll(names(reply.get(1)));
      assertTrue(++calls < 10_000, "scan does not end");
      for (int i = 0; i < 20 && next < 600; next++) {
        if (next % 10 != 0) {
          h.run("DEL", "k" + next); // shrinks tables
          i++;
        }
      }
    } while (!cursor.equals("0"));
    assertTrue(seen.containsAll(kept));
  }

  @Test
  void scanMatchAndTypeFilters() {
    for (int i = 0; i < 50; i++) {
      h.run("SET", "user:" + i, "v");
      h.run("SET", "item:" + i, "v");
    }
    List<String> users = scanAll("MATCH", "user:*", "COUNT", "7");
    assertEquals(50, new HashSet<>(users).size());
    assertTrue(users.stream().allMatch(k -> k.startsWith("user:")));
    assertEquals(100, new HashSet<>(scanAll("TYPE", "string")).size());
    assertEquals(100, new HashSet<>(scanAll("type", "STRING", "MATCH", "*")).size());
    assertEquals(List.of(), scanAll("TYPE", "list"));
    assertEquals(List.of(), scanAll("TYPE", "nosuchtype"));
    // the last MATCH wins, as in Redis
    assertEquals(Set.of("item:1", "item:10", "item:11", "item:12", "item:13", "item:14", "item:15",
        "item:16", "item:17", "item:18", "item:19"),
        new HashSet<>(scanAll("MATCH", "user:*", "match", "item:1*", "COUNT", "1000")));
  }

  @Test
  void scanTypeCountsKeyspaceHits() {
    h.run("SET", "a", "1");
    long hits = hits();
    scanAll("TYPE", "string");
    assertEquals(hits + 1, hits());
    scanAll();
    assertEquals(hits + 1, hits());
  }

  @Test
  void scanNeverReturnsExpiredKeysAndDeletesThemLazily() {
    for (int i = 0; i < 30; i++) {
      h.run("SET", "live" + i, "v");
      h.run("SET", "temp" + i, "v", "PX", "50");
    }
    h.clock.advance(50 + 1);
    h.mark();
    List<String> keys = scanAll("COUNT", "4");
    assertEquals(30, keys.size());
    assertTrue(keys.stream().allMatch(k -> k.startsWith("live")));
    assertEquals(30, h.newEffects().size());
    assertTrue(h.newEffects().stream().allMatch(e -> e.startsWith("DEL temp")));
    assertEquals("(integer) 0", h.cli("EXISTS", "temp0"));
    h.assertReplays();
  }

  @Test
  void scanOnEmptyDatabase() {
    assertEquals("1) \"0\"\n2) (empty array)", h.cli("SCAN", "0"));
  }

  @Test
  void scanSeesOnlyTheSelectedDatabase() {
    h.run("SET", "a", "1");
    h.select(2);
    h.run("SET", "b", "1");
    assertEquals(List.of("b"), scanAll());
  }

  @Test
  void scanCursorParsingLikeStrtoul() {
    h.run("SET", "a", "1");
    assertEquals("1) \"0\"\n2) 1) \"a\"", h.cli("SCAN", ""));
    assertEquals("1) \"0\"\n2) 1) \"a\"", h.cli("SCAN", "000"));
    assertEquals("1) \"0\"\n2) 1) \"a\"", h.cli("SCAN", "+0"));
    assertEquals("1) \"0\"\n2) 1) \"a\"", h.cli("SCAN", "-0"));
    for (String valid : List.of("-1", "+5", "007", "18446744073709551615", "-18446744073709551615")) {
      assertTrue(h.cli("SCAN", valid).startsWith("1) "), valid);
    }
    for (String invalid : List.of("abc", " 5", "5 ", "-", "+", "18446744073709551616",
        "-18446744073709551616", "99999999999999999999", "0x10", "1.5")) {
      assertEquals("(error) ERR invalid cursor", h.cli("SCAN", invalid), invalid);
    }
    assertEquals(0L, KeyCommands.parseCursor(new byte[0]));
    assertEquals(-1L, KeyCommands.parseCursor(bytes("18446744073709551615")));
    assertEquals(-1L, KeyCommands.parseCursor(bytes("-1")));
    assertEquals(1L, KeyCommands.parseCursor(bytes("-18446744073709551615")));
    assertThrows(CommandError.class, () -> KeyCommands.parseCursor(bytes("18446744073709551620")));
  }

  @Test
  void scanOptionErrors() {
    assertEquals("(error) ERR syntax error", h.cli("SCAN", "0", "COUNT", "0"));
    assertEquals("(error) ERR syntax error", h.cli("SCAN", "0", "COUNT", "-1"));
    assertEquals("(error) ERR value is not an integer or out of range", h.cli("SCAN", "0", "COUNT", "x"));
    assertEquals("(error) ERR syntax error", h.cli("SCAN", "0", "COUNT"));
    assertEquals("(error) ERR syntax error", h.cli("SCAN", "0", "MATCH"));
    assertEquals("(error) ERR syntax error", h.cli("SCAN", "0", "TYPE"));
    assertEquals("(error) ERR syntax error", h.cli("SCAN", "0", "FOO", "bar"));
    assertEquals("(error) ERR invalid cursor", h.cli("SCAN", "x", "COUNT", "0"));
    assertEquals("1) \"0\"\n2) (empty array)",
        h.cli("SCAN", "0", "COUNT", "9223372036854775807", "MATCH", "nomatch"));
    assertEquals("(error) ERR wrong number of arguments for 'scan' command", h.cli("SCAN"));
  }

  // ---- RANDOMKEY --------------------------------------------------------------------------

  @Test
  void randomkeyOnEmptyDatabaseIsNil() {
    assertEquals("(nil)", h.cli("RANDOMKEY"));
    assertEquals("$-1\r\n", h.wire("RANDOMKEY"));
    assertEquals("(error) ERR wrong number of arguments for 'randomkey' command", h.cli("RANDOMKEY", "x"));
  }

  @Test
  void randomkeyReachesKeysOfEveryShard() {
    Set<String> all = new HashSet<>();
    for (int shard = 0; shard < 4; shard++) {
      String key = keyOn(shard, "r");
      h.run("SET", key, "v");
      all.add(key);
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 400 && seen.size() < 4; i++) {
      seen.add(text(h.run("RANDOMKEY")));
    }
    assertEquals(all, seen);
  }

  @Test
  void randomkeySkipsAndDeletesExpiredKeys() {
    for (int i = 0; i < 20; i++) {
      h.run("SET", "t" + i, "v", "PX", "10");
    }
    h.run("SET", "live", "v");
    h.clock.advance(10 + 1);
    h.mark();
    for (int i = 0; i < 20; i++) {
      assertEquals("\"live\"", h.cli("RANDOMKEY"));
    }
    h.run("DEL", "live");
    for (int i = 0; i < 20; i++) {
      h.run("SET", "u" + i, "v", "PX", "10");
    }
    h.clock.advance(10 + 1);
    h.mark();
    assertEquals("(nil)", h.cli("RANDOMKEY"));
    assertEquals("(empty array)", h.cli("KEYS", "*"));
    assertEquals(20, h.newEffects().size());
    assertTrue(h.newEffects().stream().allMatch(e -> e.startsWith("DEL u")));
    h.assertReplays();
  }

  // ---- RENAME / RENAMENX ------------------------------------------------------------------

  @Test
  void renameSameShardKeepsTtlAndPropagatesAsSent() {
    h.run("SET", "{t}a", "1", "PX", "5000");
    h.run("SET", "{t}b", "old");
    h.mark();
    assertEquals("OK", h.cli("RENAME", "{t}a", "{t}b"));
    assertEquals("\"1\"", h.cli("GET", "{t}b"));
    assertEquals("(nil)", h.cli("GET", "{t}a"));
    assertEquals(List.of("RENAME {t}a {t}b"), h.newEffects());
    assertTrue(h.dump().contains("0 {t}b = \"1\" @" + (h.clock.millis() + 5000)));
    h.assertReplays();
  }

  @Test
  void renameAcrossShardsDeletesAndRecreatesWithTtl() {
    String src = keyOn(0, "src");
    String dst = keyOn(3, "dst");
    String plain = keyOn(2, "plain");
    long expireAt = h.clock.millis() + 5000;
    h.run("SET", src, "hello", "PXAT", Long.toString(expireAt));
    h.run("SET", dst, "old", "PX", "99999");
    h.mark();
    assertEquals("OK", h.cli("RENAME", src, dst));
    assertEquals("\"hello\"", h.cli("GET", dst));
    assertEquals("(integer) 0", h.cli("EXISTS", src));
    assertEquals(List.of("DEL " + src, "SET " + dst + " hello PXAT " + expireAt), h.newEffects());
    assertTrue(h.dump().contains("0 " + dst + " = \"hello\" @" + expireAt));
    assertEquals(1, h.keyspace(3).database(0).volatileCount());
    assertEquals(0, h.keyspace(0).database(0).volatileCount());
    h.assertReplays();

    // without a TTL the destination loses its own TTL
    h.mark();
    h.run("SET", plain, "p");
    assertEquals("OK", h.cli("RENAME", plain, dst));
    assertEquals("(integer) 0", h.cli("EXISTS", plain));
    assertTrue(h.dump().contains("0 " + dst + " = \"p\""));
    assertTrue(h.newEffects().contains("SET " + dst + " p"));
    assertTrue(h.newEffects().contains("DEL " + plain));
    h.assertReplays();
  }

  @Test
  void renameErrorsAndSameKey() {
    h.run("SET", "a", "1", "PX", "1000");
    h.mark();
    assertEquals("OK", h.cli("RENAME", "a", "a"));
    assertEquals("(integer) 0", h.cli("RENAMENX", "a", "a"));
    assertEquals(List.of(), h.newEffects(), "renaming a key to itself changes nothing");
    assertEquals(List.of("0 a = \"1\" @" + (h.clock.millis() + 1000)), h.dump());
    assertEquals("(error) ERR no such key", h.cli("RENAME", "missing", "a"));
    assertEquals("(error) ERR no such key", h.cli("RENAME", "missing", "missing"));
    assertEquals("(error) ERR no such key", h.cli("RENAMENX", "missing", "x"));
    assertEquals("(error) ERR wrong number of arguments for 'rename' command", h.cli("RENAME", "a"));
    assertEquals("(error) ERR wrong number of arguments for 'renamenx' command",
        h.cli("RENAMENX", "a", "b", "c"));
    h.clock.advance(1000 + 1);
    assertEquals("(error) ERR no such key", h.cli("RENAME", "a", "b"));
    assertEquals(List.of("DEL a"), h.newEffects());
  }

  @Test
  void renamenxOnlyWhenDestinationIsMissing() {
    String a = keyOn(1, "a");
    String b = keyOn(2, "b");
    String c = keyOn(1, "c");
    h.run("SET", a, "1");
    h.run("SET", b, "2");
    h.mark();
    assertEquals("(integer) 0", h.cli("RENAMENX", a, b));
    assertEquals(List.of(), h.newEffects());
    assertEquals("(integer) 1", h.cli("RENAMENX", a, c));
    assertEquals("\"1\"", h.cli("GET", c));
    assertEquals(List.of("RENAMENX " + a + " " + c), h.newEffects());
    assertEquals("(integer) 1", h.cli("RENAMENX", c, keyOn(3, "d")));
    h.assertReplays();
  }

  @Test
  void renameOverAnExpiredDestination() {
    String src = keyOn(0, "s");
    String dst = keyOn(1, "d");
    h.run("SET", src, "v");
    h.run("SET", dst, "old", "PX", "10");
    h.clock.advance(10 + 1);
    h.mark();
    assertEquals("(integer) 1", h.cli("RENAMENX", src, dst));
    assertEquals(List.of("DEL " + src, "DEL " + dst, "SET " + dst + " v"), h.newEffects());
    h.assertReplays();
  }

  @Test
  void renameTouchesTheValue() {
    h.run("SET", "a", "1");
    h.clock.advance(9000);
    h.run("RENAME", "a", "b");
    assertEquals("(integer) 0", h.cli("OBJECT", "IDLETIME", "b"));
  }

  // ---- COPY -------------------------------------------------------------------------------

  @Test
  void copySameShardCopiesTtlAndPropagatesAsSent() {
    long expireAt = h.clock.millis() + 3000;
    h.run("SET", "{t}a", "v", "PXAT", Long.toString(expireAt));
    h.mark();
    assertEquals("(integer) 1", h.cli("COPY", "{t}a", "{t}b"));
    assertEquals("\"v\"", h.cli("GET", "{t}b"));
    assertEquals("\"v\"", h.cli("GET", "{t}a"));
    assertEquals(List.of("COPY {t}a {t}b"), h.newEffects());
    assertTrue(h.dump().contains("0 {t}b = \"v\" @" + expireAt));
    assertTrue(h.dump().contains("0 {t}a = \"v\" @" + expireAt));
    h.assertReplays();
  }

  @Test
  void copyAcrossShardsRecreatesWithTtl() {
    String src = keyOn(1, "src");
    String dst = keyOn(2, "dst");
    long expireAt = h.clock.millis() + 3000;
    h.run("SET", src, "v", "PXAT", Long.toString(expireAt));
    h.mark();
    assertEquals("(integer) 1", h.cli("COPY", src, dst));
    assertEquals(List.of("SET " + dst + " v PXAT " + expireAt), h.newEffects());
    assertTrue(h.dump().contains("0 " + dst + " = \"v\" @" + expireAt));
    h.assertReplays();

    // REPLACE into another db of a different shard, without a TTL
    String plain = keyOn(3, "plain");
    h.run("SET", plain, "p");
    h.select(5);
    h.run("SET", src, "old", "PX", "100");
    h.select(0);
    h.mark();
    assertEquals("(integer) 0", h.cli("COPY", plain, src, "DB", "5"));
    assertEquals(List.of(), h.newEffects());
    assertEquals("(integer) 1", h.cli("COPY", plain, src, "DB", "5", "REPLACE"));
    assertEquals(List.of("[db5] SET " + src + " p"), h.newEffects());
    assertTrue(h.dump().contains("5 " + src + " = \"p\""));
    assertTrue(!h.dump().contains("5 " + src + " = \"p\" @"));
    h.assertReplays();
  }

  @Test
  void copyIsIndependentOfTheSource() {
    h.run("SET", "a", "v");
    h.run("COPY", "a", "b");
    byte[] a = (byte[]) h.keyspace(h.shardOf("a")).database(0).get(bytes("a")).value();
    byte[] b = (byte[]) h.keyspace(h.shardOf("b")).database(0).get(bytes("b")).value();
    assertTrue(a != b);
  }

  @Test
  void copyOptionsAndErrors() {
    h.run("SET", "a", "1");
    h.run("SET", "b", "2");
    assertEquals("(error) ERR source and destination objects are the same", h.cli("COPY", "a", "a"));
    assertEquals("(error) ERR source and destination objects are the same",
        h.cli("COPY", "a", "a", "DB", "0"));
    assertEquals("(error) ERR source and destination objects are the same",
        h.cli("COPY", "missing", "missing"));
    assertEquals("(integer) 0", h.cli("COPY", "missing", "x"));
    assertEquals("(integer) 0", h.cli("COPY", "a", "b"));
    assertEquals("\"2\"", h.cli("GET", "b"));
    assertEquals("(integer) 1", h.cli("COPY", "a", "b", "replace"));
    assertEquals("\"1\"", h.cli("GET", "b"));
    assertEquals("(error) ERR DB index is out of range", h.cli("COPY", "a", "b", "DB", "16"));
    assertEquals("(error) ERR DB index is out of range", h.cli("COPY", "a", "b", "DB", "-1"));
    assertEquals("(error) ERR DB index is out of range", h.cli("COPY", "missing", "missing", "DB", "99"));
    assertEquals("(error) ERR value is not an integer or out of range", h.cli("COPY", "a", "b", "DB", "x"));
    assertEquals("(error) ERR value is out of range, value must between -2147483648 and 2147483647",
        h.cli("COPY", "a", "b", "DB", "99999999999"));
    assertEquals("(error) ERR syntax error", h.cli("COPY", "a", "b", "DB"));
    assertEquals("(error) ERR syntax error", h.cli("COPY", "a", "b", "FOO"));
    assertEquals("(error) ERR wrong number of arguments for 'copy' command", h.cli("COPY", "a"));
    assertEquals("(integer) 1", h.cli("COPY", "a", "a", "DB", "1"));
    assertEquals("(integer) 1", h.cli("COPY", "a", "b", "REPLACE", "REPLACE", "DB", "1", "DB", "2"));
    h.select(2);
    assertEquals("\"1\"", h.cli("GET", "b"));
    h.select(1);
    assertEquals("\"1\"", h.cli("GET", "a"));
    h.assertReplays();
  }

  @Test
  void copyReadsTheSourceAndMissesExpiredOnes() {
    h.run("SET", "a", "1", "PX", "10");
    h.clock.advance(10 + 1);
    long misses = misses();
    assertEquals("(integer) 0", h.cli("COPY", "a", "b"));
    assertEquals(misses + 1, misses());
    h.run("SET", "c", "1");
    h.clock.advance(4000);
    assertEquals("(integer) 1", h.cli("COPY", "c", "d"));
    assertEquals("(integer) 0", h.cli("OBJECT", "IDLETIME", "c"));
  }

  // ---- MOVE -------------------------------------------------------------------------------

  @Test
  void moveKeepsTtlAndPropagatesAsSent() {
    long expireAt = h.clock.millis() + 8000;
    h.run("SET", "a", "v", "PXAT", Long.toString(expireAt));
    h.mark();
    assertEquals("(integer) 1", h.cli("MOVE", "a", "3"));
    assertEquals("(nil)", h.cli("GET", "a"));
    assertEquals(List.of("MOVE a 3"), h.newEffects());
    assertTrue(h.dump().contains("3 a = \"v\" @" + expireAt));
    assertEquals(1, h.keyspace(h.shardOf("a")).database(3).volatileCount());
    assertEquals(0, h.keyspace(h.shardOf("a")).database(0).volatileCount());
    h.assertReplays();
  }

  @Test
  void moveFromASelectedDatabase() {
    h.select(4);
    h.run("SET", "a", "v");
    h.mark();
    assertEquals("(integer) 1", h.cli("MOVE", "a", "0"));
    assertEquals(List.of("[db4] MOVE a 0"), h.newEffects());
    h.select(0);
    assertEquals("\"v\"", h.cli("GET", "a"));
    h.assertReplays();
  }

  @Test
  void moveErrorsAndExistingDestination() {
    h.run("SET", "a", "v");
    assertEquals("(error) ERR source and destination objects are the same", h.cli("MOVE", "a", "0"));
    assertEquals("(error) ERR source and destination objects are the same", h.cli("MOVE", "missing", "0"));
    assertEquals("(error) ERR DB index is out of range", h.cli("MOVE", "a", "16"));
    assertEquals("(error) ERR DB index is out of range", h.cli("MOVE", "a", "-1"));
    assertEquals("(error) ERR value is not an integer or out of range", h.cli("MOVE", "a", "x"));
    assertEquals("(error) ERR value is out of range, value must between -2147483648 and 2147483647",
        h.cli("MOVE", "a", "99999999999"));
    assertEquals("(error) ERR wrong number of arguments for 'move' command", h.cli("MOVE", "a"));
    assertEquals("(integer) 0", h.cli("MOVE", "missing", "1"));
    h.select(2);
    h.run("SET", "a", "z");
    h.select(0);
    h.mark();
    assertEquals("(integer) 0", h.cli("MOVE", "a", "2"));
    assertEquals(List.of(), h.newEffects());
    assertEquals("\"v\"", h.cli("GET", "a"));
    h.assertReplays();
  }

  @Test
  void moveOverAnExpiredDestination() {
    h.select(2);
    h.run("SET", "a", "old", "PX", "10");
    h.select(0);
    h.run("SET", "a", "v");
    h.clock.advance(10 + 1);
    h.mark();
    assertEquals("(integer) 1", h.cli("MOVE", "a", "2"));
    assertEquals(List.of("[db2] DEL a", "MOVE a 2"), h.newEffects());
    h.assertReplays();
  }

  // ---- OBJECT -----------------------------------------------------------------------------

  @Test
  void objectEncodingOfStrings() {
    String e44 = "x".repeat(44);
    String e45 = "x".repeat(45);
    String[][] cases = {
        {"1", "int"}, {"hello", "embstr"}, {"0", "int"}, {"-1", "int"},
        {"12345678901234567890", "embstr"}, {"1234567890123456789", "int"},
        {"9223372036854775807", "int"}, {"-9223372036854775808", "int"},
        {"9223372036854775808", "embstr"}, {e44, "embstr"}, {e45, "raw"}, {" 1", "embstr"},
        {"+1", "embstr"}, {"01", "embstr"}, {"-0", "embstr"}, {"", "embstr"}};
    for (String[] c : cases) {
      h.run("SET", "k", c[0]);
      assertEquals('"' + c[1] + '"', h.cli("OBJECT", "ENCODING", "k"), c[0]);
    }
    assertEquals("(nil)", h.cli("OBJECT", "ENCODING", "missing"));
  }

  @Test
  void objectRefcountSharesSmallIntegers() {
    String[][] cases = {{"0", "2147483647"}, {"1", "2147483647"}, {"9999", "2147483647"},
        {"10000", "1"}, {"-1", "1"}, {"hello", "1"}, {"01", "1"}};
    for (String[] c : cases) {
      h.run("SET", "k", c[0]);
      assertEquals("(integer) " + c[1], h.cli("object", "refcount", "k"), c[0]);
    }
    assertEquals("(nil)", h.cli("OBJECT", "REFCOUNT", "missing"));
  }

  @Test
  void objectIdletimeDoesNotTouch() {
    h.run("SET", "a", "1");
    h.clock.advance(2999);
    assertEquals("(integer) 2", h.cli("OBJECT", "IDLETIME", "a"));
    h.clock.advance(1);
    assertEquals("(integer) 3", h.cli("OBJECT", "IDLETIME", "a"));
    h.run("OBJECT", "ENCODING", "a");
    h.run("OBJECT", "REFCOUNT", "a");
    h.run("TYPE", "a");
    h.run("EXISTS", "a");
    assertEquals("(integer) 3", h.cli("OBJECT", "IDLETIME", "a"));
    h.run("GET", "a");
    assertEquals("(integer) 0", h.cli("OBJECT", "IDLETIME", "a"));
    assertEquals("(nil)", h.cli("OBJECT", "IDLETIME", "missing"));
  }

  @Test
  void objectFreqNeedsAnLfuPolicy() {
    h.run("SET", "a", "1");
    assertEquals(LFU_ERROR, h.cli("OBJECT", "FREQ", "a"));
    assertEquals("(nil)", h.cli("OBJECT", "FREQ", "missing"));
  }

  @Test
  void objectCountsHitsAndMisses() {
    h.run("SET", "a", "1");
    long hits = hits();
    long misses = misses();
    h.run("OBJECT", "ENCODING", "a");
    h.run("OBJECT", "REFCOUNT", "missing");
    assertEquals(hits + 1, hits());
    assertEquals(misses + 1, misses());
  }

  @Test
  void objectExpiredKeyIsNil() {
    h.run("SET", "a", "1", "PX", "10");
    h.clock.advance(10 + 1);
    assertEquals("(nil)", h.cli("OBJECT", "ENCODING", "a"));
  }

  @Test
  void objectHelpAndErrors() {
    List<String> help = names(h.run("OBJECT", "HELP"));
    assertEquals(15, help.size());
    assertEquals("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help.get(0));
    assertEquals("    Prints this help.", help.get(14));
    assertTrue(h.wire("OBJECT", "help").startsWith("*15\r\n+OBJECT <subcommand>"));
    assertEquals("(error) ERR wrong number of arguments for 'object' command", h.cli("OBJECT"));
    assertEquals("(error) ERR unknown subcommand 'foo'. Try OBJECT HELP.", h.cli("OBJECT", "foo"));
    assertEquals("(error) ERR wrong number of arguments for 'object|encoding' command",
        h.cli("OBJECT", "ENCODING"));
    assertEquals("(error) ERR wrong number of arguments for 'object|encoding' command",
        h.cli("OBJECT", "ENCODING", "a", "b"));
    assertEquals("(error) ERR wrong number of arguments for 'object|help' command",
        h.cli("OBJECT", "HELP", "x"));
  }

  // ---- declarations -----------------------------------------------------------------------

  @Test
  void declarationsMatchRedis() {
    assertArity("del", -2);
    assertArity("unlink", -2);
    assertArity("exists", -2);
    assertArity("type", 2);
    assertArity("keys", 2);
    assertArity("scan", -2);
    assertArity("randomkey", 1);
    assertArity("rename", 3);
    assertArity("renamenx", 3);
    assertArity("copy", -3);
    assertArity("move", 3);
    assertArity("touch", -2);
    assertArity("object", -2);
    assertEquals(io.redgrid.command.Route.ALL_SHARDS, h.table.lookup("keys").route());
    assertEquals(io.redgrid.command.Route.ALL_SHARDS, h.table.lookup("scan").route());
    assertEquals(io.redgrid.command.Route.ALL_SHARDS, h.table.lookup("randomkey").route());
    assertEquals(io.redgrid.command.Route.KEYS, h.table.lookup("copy").route());
    var encoding = h.table.lookup("object").subcommand(bytes("encoding"));
    assertEquals("object|encoding", encoding.fullName());
    assertEquals(2, encoding.keys().first());
  }

  private void assertArity(String name, int arity) {
    var spec = h.table.lookup(name);
    for (int argc = 1; argc <= 5; argc++) {
      boolean expected = arity >= 0 ? argc == arity : argc >= -arity;
      assertEquals(expected, spec.arity().accepts(argc), name + " with " + argc);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static List<String> names(Reply reply) {
    List<String> out = new ArrayList<>();
    for (Reply item : ((Reply.Array) reply).items()) {
      out.add(text(item));
    }
    return out;
  }

  private static String text(Reply reply) {
    if (reply instanceof Reply.Bulk b) {
      return new String(b.value(), StandardCharsets.UTF_8);
    }
    if (reply instanceof Reply.Simple s) {
      return s.text();
    }
    throw new AssertionError("not a string: " + reply);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
