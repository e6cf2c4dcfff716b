package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/** maxmemory and eviction on a started node through Jedis: RedGrid as a cache. */
class MemoryEndToEndTest {
  private static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
  private static NodeFixture fixture;
  private Jedis jedis;

  @BeforeAll
  static void start() {
    fixture = new NodeFixture("--maxmemory", "20mb", "--maxmemory-policy", "allkeys-lru");
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @BeforeEach
  void connect() {
    jedis = new Jedis("127.0.0.1", fixture.port());
    jedis.configSet("maxmemory", "20mb", "maxmemory-policy", "allkeys-lru");
    jedis.flushAll();
  }

  @AfterEach
  void disconnect() {
    jedis.configSet("maxmemory", "0");
    jedis.flushAll();
    jedis.close();
  }

  /** Waits for a condition that a shard's eviction timer (hz 10) may bring about. */
  private static void eventually(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what);
      }
      Thread.sleep(20);
    }
  }

  private long info(String section, String field) {
    for (String line : jedis.info(section).split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1));
      }
    }
    throw new AssertionError(field + " not in INFO " + section);
  }

  /** The cache test of the issue: 5x maxmemory written, memory bounded, the keys in use survive. */
  @Test
  void allkeysLruCacheStaysBoundedAndKeepsTheKeysInUse() {
    long maxmemory = 20L * 1024 * 1024;
    assertEquals(maxmemory, info("memory", "maxmemory"));
    long evictedBefore = info("stats", "evicted_keys");
    List<String> hot = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      hot.add("hot:" + i);
      jedis.set("hot:" + i, "value-" + i);
    }
    String value = "v".repeat(1000);
    long written = 0;
    long maxUsed = 0;
    int key = 0;
    while (written < 5 * maxmemory) {
      Pipeline pipeline = jedis.pipelined();
      for (int i = 0; i < 500; i++) {
        pipeline.set("cache:" + key++, value);
        written += 1000;
      }
      List<Response<String>> reads = new ArrayList<>();
      for (String name : hot) {
        reads.add(pipeline.get(name));
      }
      pipeline.sync();
      for (int i = 0; i < hot.size(); i++) {
        assertEquals("value-" + i, reads.get(i).get(), "hot key " + i + " after " + written + " bytes");
      }
      maxUsed = Math.max(maxUsed, info("memory", "used_memory"));
    }
    long evicted = info("stats", "evicted_keys") - evictedBefore;
    System.out.printf("cache test: wrote %,d bytes, max used_memory %,d (maxmemory %,d), evicted %,d keys%n",
        written, maxUsed, maxmemory, evicted);
    assertTrue(evicted > 0);
    assertTrue(maxUsed <= maxmemory + maxmemory / 20, "used_memory reached " + maxUsed);
    assertTrue(info("memory", "used_memory") <= maxmemory + maxmemory / 20);
    long keys = jedis.dbSize();
    assertTrue(keys < key, keys + " keys left of " + key);
    assertEquals(key + 50 - evicted, keys);
    for (String name : hot) {
      assertNotNull(jedis.get(name));
    }
  }

  @Test
  void noevictionRefusesWritesWithRedisErrorButDeletesRun() {
    jedis.set("k", "v");
    jedis.configSet("maxmemory", "1", "maxmemory-policy", "noeviction");
    JedisDataException refused = assertThrows(JedisDataException.class, () -> jedis.set("k2", "v"));
    assertEquals(OOM, refused.getMessage());
    assertEquals("v", jedis.get("k"));
    assertEquals(1, jedis.del("k"));
    // a multi-shard write refused the same way through the coordinator
    JedisDataException mset = assertThrows(JedisDataException.class, () -> jedis.mset("a", "1", "b", "2", "c", "3"));
    assertEquals(OOM, mset.getMessage());
    assertEquals(0, jedis.exists("a", "b", "c"));
  }

  @Test
  void volatileTtlEvictsTheSoonestExpiring() throws InterruptedException {
    jedis.set("{ttl}forever", "v");
    for (int i = 0; i < 20; i++) {
      jedis.setex("{ttl}t:" + i, 1000 + i, "v".repeat(100));
    }
    long used = info("memory", "used_memory");
    // 32 samples cover the 20 candidates: the choice is exact rather than approximated.
    jedis.configSet("maxmemory", Long.toString(used - 1), "maxmemory-policy", "volatile-ttl",
        "maxmemory-eviction-tenacity", "100", "maxmemory-samples", "32");
    // One hash tag, one shard: the policy's order is exact within the shard that evicts.
    jedis.set("{ttl}trigger", "v");
    eventually(() -> !jedis.exists("{ttl}t:0"), "soonest-expiring key evicted first: " + jedis.keys("*")
        + " evicted " + info("stats", "evicted_keys") + " used " + info("memory", "used_memory") + " of " + used);
    assertEquals("v", jedis.get("{ttl}forever"));
    String[] rest = new String[19];
    for (int i = 1; i < 20; i++) {
      rest[i - 1] = "{ttl}t:" + i;
    }
    assertEquals(19, jedis.exists(rest));
    jedis.configSet("maxmemory-samples", "5");
    jedis.configSet("maxmemory-eviction-tenacity", "10");
  }

  @Test
  void lfuKeepsTheHotKeysAndObjectFreqFollowsThePolicy() throws InterruptedException {
    assertEquals("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that"
        + " when switching between policies at runtime LRU and LFU data will take some time to adjust.",
        assertThrows(JedisDataException.class, () -> {
          jedis.set("x", "v");
          jedis.objectFreq("x");
        }).getMessage());
    jedis.configSet("maxmemory", "0", "maxmemory-policy", "allkeys-lfu");
    String value = "v".repeat(500);
    // One shard (hash tag): each shard evicts its own best candidates (README), so the test
    // compares keys that compete in the same pool.
    for (int i = 0; i < 1000; i++) {
      jedis.set("{lfu}cold:" + i, value);
    }
    for (int i = 0; i < 10; i++) {
      jedis.set("{lfu}hot:" + i, value);
      Pipeline pipeline = jedis.pipelined();
      for (int hit = 0; hit < 300; hit++) {
        pipeline.get("{lfu}hot:" + i);
      }
      pipeline.sync();
    }
    assertTrue(jedis.objectFreq("{lfu}hot:0") > 5);
    assertEquals(5, jedis.objectFreq("{lfu}cold:0"));
    long used = info("memory", "used_memory");
    jedis.configSet("maxmemory", Long.toString(used - 200_000), "maxmemory-eviction-tenacity", "100");
    for (int i = 0; i < 100; i++) {
      jedis.set("{lfu}new:" + i, "n");
    }
    long limit = used - 200_000;
    eventually(() -> info("memory", "used_memory") <= limit, "under maxmemory");
    for (int i = 0; i < 10; i++) {
      assertEquals(value, jedis.get("{lfu}hot:" + i));
    }
    assertTrue(info("stats", "evicted_keys") > 0);
    jedis.configSet("maxmemory-eviction-tenacity", "10");
  }

  @Test
  void evictionsAreNotifiedAsEvicted() throws Exception {
    jedis.configSet("notify-keyspace-events", "Ee", "maxmemory", "0");
    CompletableFuture<String> received = new CompletableFuture<>();
    CompletableFuture<Void> subscribed = new CompletableFuture<>();
    JedisPubSub listener = new JedisPubSub() {
      @Override
      public void onPSubscribe(String pattern, int count) {
        subscribed.complete(null);
      }

      @Override
      public void onPMessage(String pattern, String channel, String message) {
        received.complete(channel + " " + message);
        punsubscribe();
      }
    };
    Thread thread = new Thread(() -> {
      try (Jedis subscriber = new Jedis("127.0.0.1", fixture.port())) {
        subscriber.psubscribe(listener, "__keyevent@*__:evicted");
      }
    });
    thread.start();
    subscribed.get(5, TimeUnit.SECONDS);
    jedis.set("victim", "v");
    jedis.configSet("maxmemory", Long.toString(info("memory", "used_memory") - 1), "maxmemory-policy", "allkeys-random");
    jedis.set("other-shard-key-" + 0, "v");
    String event = received.get(5, TimeUnit.SECONDS);
    jedis.configSet("maxmemory", "0");
    assertTrue(event.startsWith("__keyevent@0__:evicted "), event);
    thread.join(5000);
    jedis.configSet("notify-keyspace-events", "");
  }

  /** Evictions are journaled as DEL: after a restart without a limit the evicted keys stay gone. */
  @Test
  void evictionsSurviveARestart() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("redgrid-memory");
    java.util.Set<String> kept;
    NodeFixture node = new NodeFixture("--dir", dir.toString(), "--appendonly", "yes", "--save", "",
        "--maxmemory", "3mb", "--maxmemory-policy", "allkeys-random");
    try (Jedis client = new Jedis("127.0.0.1", node.port())) {
      String value = "r".repeat(1000);
      for (int i = 0; i < 5000; i++) {
        client.set("restart:" + i, value);
      }
      long usedMemory = 0;
      for (String line : client.info("memory").split("\r\n")) {
        if (line.startsWith("used_memory:")) {
          usedMemory = Long.parseLong(line.substring("used_memory:".length()));
        }
      }
      assertTrue(usedMemory <= 3L * 1024 * 1024 + 10_000, "used_memory " + usedMemory);
      Thread.sleep(300); // the last write may leave the node just over: the shards' timers finish
      kept = new java.util.TreeSet<>(client.keys("*"));
      assertTrue(kept.size() < 5000 && kept.size() > 500, kept.size() + " keys kept");
    } finally {
      node.close();
    }
    NodeFixture again = new NodeFixture("--dir", dir.toString(), "--appendonly", "yes", "--save", "");
    try (Jedis client = new Jedis("127.0.0.1", again.port())) {
      java.util.Set<String> recovered = new java.util.TreeSet<>(client.keys("*"));
      java.util.Set<String> lost = new java.util.TreeSet<>(kept);
      lost.removeAll(recovered);
      java.util.Set<String> revived = new java.util.TreeSet<>(recovered);
      revived.removeAll(kept);
      assertEquals("[] []", lost + " " + revived, kept.size() + " keys before, " + recovered.size() + " after");
    } finally {
      again.close();
    }
  }

  /** redis-cli sees the same replies and error texts from RedGrid as from a real Redis 7.0. */
  @Test
  void redisCliRepliesMatchARealRedis() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("redgrid-memory-redis");
    jedis.configSet("maxmemory", "0", "maxmemory-policy", "noeviction");
    try (RedisTools.RedisServer redis = new RedisTools.RedisServer(dir, "--save", "", "--appendonly", "no")) {
      redis.connect().close(); // listening before the first redis-cli
      String[][] script = {
          {"SET", "k", "v"},
          {"OBJECT", "FREQ", "k"},
          {"OBJECT", "FREQ", "missing"},
          {"MEMORY", "USAGE", "missing"},
          {"MEMORY", "USAGE", "k", "SAMPLES", "-1"},
          {"MEMORY", "USAGE", "k", "SAMPLES", "x"},
          {"MEMORY", "USAGE", "k", "NOPE"},
          {"MEMORY", "USAGE"},
          {"MEMORY", "HELP"},
          {"MEMORY", "PURGE"},
          {"CONFIG", "SET", "maxmemory-policy", "nope"},
          {"CONFIG", "SET", "maxmemory", "1kk"},
          {"CONFIG", "SET", "maxmemory-samples", "0"},
          {"CONFIG", "SET", "lfu-log-factor", "-1"},
          {"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"},
          {"OBJECT", "IDLETIME", "k"},
          {"CONFIG", "SET", "maxmemory-policy", "noeviction", "maxmemory", "1"},
          {"SET", "k2", "v"},
          {"RPUSH", "list", "a"},
          {"DEL", "k"},
          {"CONFIG", "SET", "maxmemory", "0"},
          {"CONFIG", "GET", "maxmemory-policy"},
      };
      for (String[] command : script) {
        String[] ours = new String[command.length + 2];
        String[] theirs = new String[command.length + 2];
        ours[0] = theirs[0] = "-p";
        ours[1] = Integer.toString(fixture.port());
        theirs[1] = Integer.toString(redis.port);
        System.arraycopy(command, 0, ours, 2, command.length);
        System.arraycopy(command, 0, theirs, 2, command.length);
        assertEquals(RedisTools.run("redis-cli", theirs).output(), RedisTools.run("redis-cli", ours).output(),
            String.join(" ", command));
      }
    }
  }

  /** Lettuce (RESP3): MEMORY USAGE, MEMORY STATS as a RESP3 map, OBJECT FREQ, the OOM error. */
  @Test
  void lettuceOverResp3() {
    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(
        io.lettuce.core.RedisURI.create("127.0.0.1", fixture.port()));
    try (io.lettuce.core.api.StatefulRedisConnection<String, String> connection = client.connect()) {
      io.lettuce.core.api.sync.RedisCommands<String, String> redis = connection.sync();
      redis.configSet("maxmemory-policy", "allkeys-lfu");
      redis.set("lettuce", "value");
      assertEquals(5L, redis.objectFreq("lettuce"));
      assertTrue(redis.memoryUsage("lettuce") > 64);
      redis.configSet("maxmemory", "1");
      redis.configSet("maxmemory-policy", "noeviction");
      io.lettuce.core.RedisCommandExecutionException oom = assertThrows(
          io.lettuce.core.RedisCommandExecutionException.class, () -> redis.set("other", "v"));
      assertEquals(OOM, oom.getMessage());
      assertEquals(1L, redis.del("lettuce"));
      redis.configSet("maxmemory", "0");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void memoryCommandsAnswer() {
    jedis.set("k", "value");
    Long usage = jedis.memoryUsage("k");
    assertTrue(usage > 64 && usage < 200, "MEMORY USAGE " + usage);
    assertEquals(null, jedis.memoryUsage("missing"));
    Map<String, Object> stats = jedis.memoryStats();
    assertTrue(stats.containsKey("total.allocated") && stats.containsKey("keys.count"), stats.toString());
    assertTrue(jedis.memoryDoctor().startsWith("Hi Sam"));
    assertEquals("OK", jedis.memoryPurge());
  }
}
