package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.RestoreParams;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Persistence through a started node: restarts with and without the AOF, SAVE / BGSAVE /
 * BGREWRITEAOF / LASTSAVE / DEBUG RELOAD, the real redis-check-rdb / redis-check-aof /
 * redis-server on our files, a real Redis dump imported, damaged AOFs at start-up.
 */
class PersistenceEndToEndTest {
  private static final String[] AOF = {"--appendonly", "yes", "--save", ""};
  private static final String[] NO_AOF = {"--appendonly", "no", "--save", ""};

  private static NodeFixture start(Path dir, String... directives) {
    String[] args = new String[directives.length + 2];
    args[0] = "--dir";
    args[1] = dir.toString();
    System.arraycopy(directives, 0, args, 2, directives.length);
    return new NodeFixture(args);
  }

  /** Stops a node without saving and without the shutdown save: the files are what a crash leaves plus the last fsync. */
  private static void stopWithoutSave(NodeFixture fixture) {
    fixture.node.close(false);
  }

  private static Path tempDir() throws IOException {
    return Files.createTempDirectory("redgrid-persistence");
  }

  private static void writeEveryType(Jedis jedis) {
    jedis.set("string", "value");
    jedis.set("number", "12345");
    jedis.rpush("list", "a", "b", "c");
    jedis.hset("hash", Map.of("f1", "v1", "f2", "v2"));
    jedis.sadd("set", "x", "y", "z");
    jedis.sadd("intset", "1", "2", "3");
    jedis.zadd("zset", Map.of("one", 1.0, "two", 2.5, "neg", -3.0));
    for (int i = 0; i < 300; i++) {
      jedis.rpush("biglist", "element-" + i);
      jedis.hset("bighash", "field-" + i, "value-" + i);
      jedis.sadd("bigset", "member-" + i);
      jedis.zadd("bigzset", i * 1.5, "member-" + i);
    }
    jedis.set("long", "x".repeat(10_000));
    jedis.set("lasting", "ttl");
    jedis.expire("lasting", 10_000);
    for (int db = 1; db < 16; db++) {
      jedis.select(db);
      jedis.set("db-key", "in db " + db);
    }
    jedis.select(0);
  }

  private static void assertEveryType(Jedis jedis) {
    assertEquals("value", jedis.get("string"));
    assertEquals("12345", jedis.get("number"));
    assertEquals(List.of("a", "b", "c"), jedis.lrange("list", 0, -1));
    assertEquals(Map.of("f1", "v1", "f2", "v2"), jedis.hgetAll("hash"));
    assertEquals(Set.of("x", "y", "z"), jedis.smembers("set"));
    assertEquals(Set.of("1", "2", "3"), jedis.smembers("intset"));
    assertEquals(List.of("neg", "one", "two"), jedis.zrange("zset", 0, -1));
    assertEquals(2.5, jedis.zscore("zset", "two"));
    assertEquals(300, jedis.llen("biglist"));
    assertEquals("element-299", jedis.lindex("biglist", -1));
    assertEquals("value-150", jedis.hget("bighash", "field-150"));
    assertTrue(jedis.sismember("bigset", "member-7"));
    assertEquals(1.5 * 299, jedis.zscore("bigzset", "member-299"));
    assertEquals(10_000, jedis.strlen("long"));
    long ttl = jedis.ttl("lasting");
    assertTrue(ttl > 9_000 && ttl <= 10_000, "ttl " + ttl);
    for (int db = 1; db < 16; db++) {
      jedis.select(db);
      assertEquals("in db " + db, jedis.get("db-key"));
    }
    jedis.select(0);
  }

  @Test
  void everyTypeExpiryAndDatabasesSurviveARestartWithTheAof() throws Exception {
    Path dir = tempDir();
    NodeFixture first = start(dir, AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", first.port())) {
      writeEveryType(jedis);
      jedis.set("short", "gone soon");
      jedis.pexpire("short", 300);
      jedis.incrByFloat("float", 1.5);
      jedis.del("number");
      jedis.set("number", "12345");
    }
    stopWithoutSave(first);
    Thread.sleep(400);
    NodeFixture second = start(dir, AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", second.port())) {
      assertEveryType(jedis);
      assertNull(jedis.get("short"), "a key that expired while the node was down is gone");
      assertEquals("1.5", jedis.get("float"));
    } finally {
      stopWithoutSave(second);
    }
  }

  @Test
  void withoutTheAofARestartLoadsTheLastSaveOnly() throws Exception {
    Path dir = tempDir();
    NodeFixture first = start(dir, NO_AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", first.port())) {
      writeEveryType(jedis);
      assertEquals("OK", jedis.save());
      jedis.set("after-save", "lost");
    }
    stopWithoutSave(first);
    assertTrue(Files.exists(dir.resolve("dump.rdb")));
    NodeFixture second = start(dir, NO_AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", second.port())) {
      assertEveryType(jedis);
      assertNull(jedis.get("after-save"), "like Redis without AOF: writes after the last save are lost");
    } finally {
      stopWithoutSave(second);
    }
  }

  @Test
  void bgsaveLastsaveAndInfoPersistence() throws Exception {
    Path dir = tempDir();
    NodeFixture node = start(dir, NO_AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
      long before = jedis.lastsave();
      jedis.set("a", "1");
      jedis.set("b", "2");
      assertTrue(info(jedis).contains("rdb_changes_since_last_save:2\r\n"), info(jedis));
      Thread.sleep(1100);
      assertEquals("Background saving started", jedis.bgsave());
      awaitInfo(jedis, "rdb_bgsave_in_progress:0");
      awaitInfo(jedis, "rdb_saves:1");
      String info = info(jedis);
      assertTrue(info.contains("rdb_changes_since_last_save:0\r\n"), info);
      assertTrue(info.contains("rdb_last_bgsave_status:ok\r\n"), info);
      assertTrue(info.contains("aof_enabled:0\r\n"), info);
      assertTrue(info.contains("loading:0\r\n"), info);
      assertTrue(jedis.lastsave() > before, "LASTSAVE moves on a save");
      assertEquals("ERR syntax error", assertThrows(JedisDataException.class,
          () -> jedis.sendCommand(() -> "BGSAVE".getBytes(StandardCharsets.UTF_8), "NOW")).getMessage());
      assertTrue(Files.exists(dir.resolve("dump.rdb")));
      assertCheckRdb(dir.resolve("dump.rdb"));
      try (Stream<Path> snapshots = Files.list(dir.resolve(Node.SNAPSHOT_DIR))) {
        List<Path> files = snapshots.toList();
        assertEquals(16, files.size(), files.toString());
        assertCheckRdb(files.get(0));
      }
      assertEquals("OK", jedis.configSet("dbfilename", "other.rdb"));
      assertEquals("OK", jedis.configSet("rdbcompression", "no"));
      jedis.set("long", "y".repeat(1000));
      assertEquals("OK", jedis.save());
      assertTrue(Files.exists(dir.resolve("other.rdb")));
      assertTrue(Files.size(dir.resolve("other.rdb")) > 1000, "an uncompressed 1000-byte string");
      assertCheckRdb(dir.resolve("other.rdb"));
    } finally {
      stopWithoutSave(node);
    }
  }

  @Test
  void aRealRedisLoadsOurDumpAndWeImportTheirs() throws Exception {
    Path ours = tempDir();
    NodeFixture node = start(ours, NO_AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
      writeEveryType(jedis);
      assertEquals("OK", jedis.save());
    } finally {
      stopWithoutSave(node);
    }
    Path theirs = tempDir();
    Files.copy(ours.resolve("dump.rdb"), theirs.resolve("dump.rdb"));
    try (RedisTools.RedisServer redis = new RedisTools.RedisServer(theirs, "--save", "", "--appendonly", "no");
         Jedis jedis = redis.connect()) {
      assertEveryType(jedis);
      jedis.set("from-redis", "hello");
      jedis.rpush("redis-list", "1", "2");
      assertEquals("OK", jedis.save());
    }
    // RedGrid's first start on a directory with Redis' dump.rdb imports it.
    Path imported = tempDir();
    Files.copy(theirs.resolve("dump.rdb"), imported.resolve("dump.rdb"));
    NodeFixture importer = start(imported, NO_AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", importer.port())) {
      assertEveryType(jedis);
      assertEquals("hello", jedis.get("from-redis"));
      assertEquals(List.of("1", "2"), jedis.lrange("redis-list", 0, -1));
      assertTrue(info(jedis).contains("rdb_last_load_keys_loaded:"), info(jedis));
    } finally {
      stopWithoutSave(importer);
    }
  }

  @Test
  void dumpAndRestoreTravelBetweenRedGridAndARealRedis() throws Exception {
    Path dir = tempDir();
    NodeFixture node = start(dir, NO_AOF);
    try (RedisTools.RedisServer redis = new RedisTools.RedisServer(tempDir(), "--save", "", "--appendonly", "no",
        "--enable-debug-command", "yes");
         Jedis real = redis.connect(); Jedis ours = new Jedis("127.0.0.1", node.port())) {
      writeEveryType(ours);
      writeEveryType(real);
      for (String key : List.of("string", "number", "list", "hash", "set", "intset", "zset", "biglist", "bighash",
          "bigset", "bigzset", "long")) {
        byte[] fromUs = ours.dump(key);
        byte[] fromRedis = real.dump(key);
        // Each side restores the other's payload under a new name; both must hold the same value.
        assertEquals("OK", real.restore(key + ":ours", 0, fromUs));
        assertEquals("OK", ours.restore(key + ":redis", 0, fromRedis));
        assertEquals(real.type(key), real.type(key + ":ours"), key);
        assertEquals(debugDigest(real, key), debugDigest(real, key + ":ours"), key);
        ours.rename(key + ":redis", key + ":copy");
      }
      ours.del("string", "number", "list", "hash", "set", "intset", "zset", "biglist", "bighash", "bigset",
          "bigzset", "long");
      for (String key : List.of("string", "number", "list", "hash", "set", "intset", "zset", "biglist", "bighash",
          "bigset", "bigzset", "long")) {
        ours.rename(key + ":copy", key);
      }
      assertEquals("OK", ours.restore("lasting", 10_000_000, ours.dump("lasting"),
          RestoreParams.restoreParams().replace()));
      assertEveryType(ours);
      JedisDataException busy = assertThrows(JedisDataException.class, () -> ours.restore("string", 0, ours.dump("list")));
      assertEquals("BUSYKEY Target key name already exists.", busy.getMessage());
      JedisDataException bad = assertThrows(JedisDataException.class,
          () -> ours.restore("new", 0, "not a payload".getBytes(StandardCharsets.UTF_8)));
      assertEquals("ERR DUMP payload version or checksum are wrong", bad.getMessage());
    } finally {
      stopWithoutSave(node);
    }
  }

  /** Redis' DEBUG DIGEST-VALUE: equal digests mean equal values, whatever their encoding. */
  private static String debugDigest(Jedis jedis, String key) {
    Object reply = jedis.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.UTF_8), "DIGEST-VALUE", key);
    Object first = ((List<?>) reply).get(0);
    return new String((byte[]) first, StandardCharsets.UTF_8);
  }

  @Test
  void rewriteThenRestartKeepsEverythingAndRedisToolsAcceptTheAof() throws Exception {
    Path dir = tempDir();
    NodeFixture first = start(dir, AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", first.port())) {
      writeEveryType(jedis);
      for (int i = 0; i < 1000; i++) {
        jedis.set("key:" + i, "before-" + i);
      }
      assertEquals("Background append only file rewriting started", jedis.bgrewriteaof());
      awaitInfo(jedis, "aof_rewrites:1");
      awaitInfo(jedis, "aof_rewrite_in_progress:0");
      assertTrue(info(jedis).contains("aof_last_bgrewrite_status:ok\r\n"), info(jedis));
      for (int i = 0; i < 1000; i += 2) {
        jedis.set("key:" + i, "after-" + i);
      }
    }
    stopWithoutSave(first);
    Path aofDir = dir.resolve("appendonlydir");
    String manifest = Files.readString(aofDir.resolve("appendonly.aof.manifest"));
    assertTrue(manifest.contains("type b"), manifest);
    assertTrue(manifest.contains("type i"), manifest);
    assertCheckAof(aofDir.resolve("appendonly.aof.manifest"));
    // A real Redis 7 loads our multi-part AOF (RDB base + annotated incremental file) as its own.
    Path copy = tempDir();
    copyTree(dir, copy);
    try (RedisTools.RedisServer redis = new RedisTools.RedisServer(copy, "--save", "", "--appendonly", "yes");
         Jedis jedis = redis.connect()) {
      assertEveryType(jedis);
      assertEquals("after-998", jedis.get("key:998"));
      assertEquals("before-999", jedis.get("key:999"));
    }
    NodeFixture second = start(dir, AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", second.port())) {
      assertEveryType(jedis);
      for (int i = 0; i < 1000; i++) {
        assertEquals((i % 2 == 0 ? "after-" : "before-") + i, jedis.get("key:" + i));
      }
    } finally {
      stopWithoutSave(second);
    }
  }

  @Test
  void aTruncatedTailIsLoadedUpToTheLastWholeWriteOrRefused() throws Exception {
    Path dir = tempDir();
    Path incr = journalKeys(dir, 100, true);
    try (RandomAccessFile file = new RandomAccessFile(incr.toFile(), "rw")) {
      file.setLength(file.length() - 50);
    }
    Path copy = tempDir();
    copyTree(dir, copy);
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> start(copy, "--appendonly", "yes", "--save", "", "--aof-load-truncated", "no"));
    assertTrue(refused.getMessage().contains(incr.getFileName().toString()), refused.getMessage());
    NodeFixture second = start(dir, AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", second.port())) {
      assertEquals(100, jedis.dbSize());
      assertEquals("value-99", jedis.get("key:99"));
      assertNull(jedis.get("last"));
    } finally {
      stopWithoutSave(second);
    }
  }

  @Test
  void corruptionInTheMiddleRefusesToStartNamingFileAndOffset() throws Exception {
    Path dir = tempDir();
    Path incr = journalKeys(dir, 100, false);
    try (RandomAccessFile file = new RandomAccessFile(incr.toFile(), "rw")) {
      file.seek(file.length() / 2);
      file.write("GARBAGE GARBAGE GARBAGE".getBytes(StandardCharsets.US_ASCII));
    }
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> start(dir, AOF));
    assertTrue(refused.getMessage().contains(incr.getFileName().toString()), refused.getMessage());
    assertTrue(refused.getMessage().contains("offset"), refused.getMessage());
  }

  @Test
  void shutdownSavesWhenRulesExistAndNosaveDoesNot() throws Exception {
    Path dir = tempDir();
    NodeFixture node = start(dir, "--appendonly", "no");
    try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
      jedis.set("kept", "yes");
      shutdown(jedis);
    }
    node.node.terminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertTrue(Files.exists(dir.resolve("dump.rdb")));
    NodeFixture again = start(dir, "--appendonly", "no");
    try (Jedis jedis = new Jedis("127.0.0.1", again.port())) {
      assertEquals("yes", jedis.get("kept"));
      jedis.set("not-kept", "no");
      shutdown(jedis, "NOSAVE");
    }
    again.node.terminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    NodeFixture third = start(dir, "--appendonly", "no");
    try (Jedis jedis = new Jedis("127.0.0.1", third.port())) {
      assertEquals("yes", jedis.get("kept"));
      assertNull(jedis.get("not-kept"));
    } finally {
      stopWithoutSave(third);
    }
  }

  @Test
  void flushallSavesWhenRulesExist() throws Exception {
    Path dir = tempDir();
    NodeFixture node = start(dir, "--appendonly", "no");
    try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
      jedis.set("a", "1");
      assertEquals("OK", jedis.save());
      assertEquals("OK", jedis.flushAll());
      awaitInfo(jedis, "rdb_saves:2");
      awaitInfo(jedis, "rdb_bgsave_in_progress:0");
    }
    stopWithoutSave(node);
    NodeFixture again = start(dir, "--appendonly", "no");
    try (Jedis jedis = new Jedis("127.0.0.1", again.port())) {
      assertEquals(0, jedis.dbSize());
    } finally {
      stopWithoutSave(again);
    }
  }

  @Test
  void debugReloadAndLoadaofKeepTheData() throws Exception {
    Path dir = tempDir();
    NodeFixture node = start(dir, AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
      writeEveryType(jedis);
      assertEquals("OK", debug(jedis, "RELOAD"));
      assertEveryType(jedis);
      assertEquals("OK", debug(jedis, "LOADAOF"));
      assertEveryType(jedis);
    } finally {
      stopWithoutSave(node);
    }
  }

  @Test
  void configSetAppendonlyYesStartsTheAofWithTheWholeDataset() throws Exception {
    Path dir = tempDir();
    NodeFixture first = start(dir, NO_AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", first.port())) {
      writeEveryType(jedis);
      assertEquals("OK", jedis.configSet("appendonly", "yes"));
      awaitInfo(jedis, "aof_rewrites:1");
      awaitInfo(jedis, "aof_rewrite_in_progress:0");
      assertTrue(info(jedis).contains("aof_enabled:1\r\n"), info(jedis));
      jedis.set("after", "journaled");
      assertEquals("OK", jedis.configSet("appendfsync", "always"));
      jedis.set("always", "synced");
    }
    stopWithoutSave(first);
    NodeFixture second = start(dir, AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", second.port())) {
      assertEveryType(jedis);
      assertEquals("journaled", jedis.get("after"));
      assertEquals("synced", jedis.get("always"));
    } finally {
      stopWithoutSave(second);
    }
  }

  @Test
  void saveRulesAndAutomaticAofRewritesRunByThemselves() throws Exception {
    Path dir = tempDir();
    NodeFixture node = start(dir, "--appendonly", "yes", "--save", "1 3");
    try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
      jedis.set("a", "1");
      jedis.set("b", "2");
      Thread.sleep(1500);
      assertTrue(info(jedis).contains("rdb_saves:0\r\n"), "two changes do not meet the rule 1 3");
      jedis.set("c", "3");
      awaitInfo(jedis, "rdb_saves:1");
      assertTrue(Files.exists(dir.resolve("dump.rdb")));
      assertEquals("OK", jedis.configSet("auto-aof-rewrite-min-size", "4kb"));
      assertEquals("OK", jedis.configSet("auto-aof-rewrite-percentage", "100"));
      assertTrue(info(jedis).contains("aof_rewrites:0\r\n"), info(jedis));
      for (int i = 0; i < 100; i++) {
        jedis.set("filler:" + i, "x".repeat(100));
      }
      awaitInfo(jedis, "aof_rewrites:1");
      awaitInfo(jedis, "aof_rewrite_in_progress:0");
      String manifest = Files.readString(dir.resolve("appendonlydir").resolve("appendonly.aof.manifest"));
      assertTrue(manifest.contains("type b"), manifest);
    } finally {
      stopWithoutSave(node);
    }
  }

  @Test
  void whileLoadingCommandsGetLoadingAndInfoSaysSo() throws Exception {
    NodeFixture node = start(tempDir(), NO_AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
      node.node.context().loading(() -> true);
      JedisDataException loading = assertThrows(JedisDataException.class, () -> jedis.get("k"));
      assertEquals("LOADING Redis is loading the dataset in memory", loading.getMessage());
      assertTrue(jedis.info("persistence").contains("loading:1\r\n"));
      node.node.context().loading(() -> false);
      assertNull(jedis.get("k"));
    } finally {
      stopWithoutSave(node);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** SHUTDOWN has no reply: the connection just closes. */
  private static void shutdown(Jedis jedis, String... options) {
    try {
      jedis.sendCommand(() -> "SHUTDOWN".getBytes(StandardCharsets.UTF_8), options);
    } catch (redis.clients.jedis.exceptions.JedisConnectionException expected) {
      return;
    }
    throw new AssertionError("SHUTDOWN replied");
  }

  private static String debug(Jedis jedis, String subcommand) {
    Object reply = jedis.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.UTF_8), subcommand);
    return new String((byte[]) reply, StandardCharsets.UTF_8);
  }

  static String info(Jedis jedis) {
    return jedis.info("persistence");
  }

  static void awaitInfo(Jedis jedis, String line) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!info(jedis).contains(line + "\r\n")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("INFO persistence never showed " + line + ":\n" + info(jedis));
      }
      Thread.sleep(20);
    }
  }

  /** Journals {@code count} keys (and a 100-byte "last" one) on a node that then stops; returns the incremental AOF file. */
  private static Path journalKeys(Path dir, int count, boolean last) throws IOException {
    NodeFixture node = start(dir, AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
      for (int i = 0; i < count; i++) {
        jedis.set("key:" + i, "value-" + i);
      }
      if (last) {
        jedis.set("last", "x".repeat(100));
      }
    }
    stopWithoutSave(node);
    return incrFile(dir);
  }

  private static Path incrFile(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("appendonlydir"))) {
      return files.filter(path -> path.getFileName().toString().endsWith(".incr.aof"))
          .max(java.util.Comparator.comparing(Path::toString)).orElseThrow();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }



  private static void assertCheckRdb(Path file) throws Exception {
    RedisTools.Result result = RedisTools.run("redis-check-rdb", file.toString());
    assertEquals(0, result.exitCode(), result.output());
    assertTrue(result.output().contains("RDB looks OK!"), result.output());
  }

  private static void assertCheckAof(Path file) throws Exception {
    RedisTools.Result result = RedisTools.run("redis-check-aof", file.toString());
    assertEquals(0, result.exitCode(), result.output());
    assertFalse(result.output().contains("not valid"), result.output());
  }
}
