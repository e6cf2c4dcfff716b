package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.keyspace.ShardMap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/** EVAL through a started node with Jedis: locks, cross-shard transfers, BUSY and SCRIPT KILL. */
class ScriptingEndToEndTest {
  private static NodeFixture fixture;
  private static String a;
  private static String b;

  private static final String UNLOCK =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
  private static final String TRANSFER =
      "local from = tonumber(redis.call('get', KEYS[1]) or '0') "
      + "redis.call('set', KEYS[1], from - 1) "
      + "redis.call('incrby', KEYS[2], 1) return 1";
  private static final String TOTAL =
      "return tonumber(redis.call('get', KEYS[1]) or '0') + tonumber(redis.call('get', KEYS[2]) or '0')";

  @BeforeAll
  static void start() {
    fixture = new NodeFixture("--save", "");
    ShardMap map = new ShardMap(16);
    a = "account:a";
    for (int i = 0; ; i++) {
      String candidate = "account:b" + i;
      if (map.shardOf(candidate.getBytes()) > map.shardOf(a.getBytes())) {
        b = candidate;
        break;
      }
    }
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static Jedis client() {
    return new Jedis("127.0.0.1", fixture.port(), 60_000);
  }

  @Test
  void evalRunsAgainstTheNode() {
    try (Jedis jedis = client()) {
      assertEquals("v", jedis.eval("redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])",
          List.of("k1"), List.of("v")));
      assertEquals("v", jedis.get("k1"));
      String sha = jedis.scriptLoad("return ARGV[1]");
      assertEquals("x", jedis.evalsha(sha, List.of(), List.of("x")));
      // keys not declared, on shards above or below: the script still runs isolated and right
      assertEquals(2L, jedis.eval("redis.call('set', '" + a + "', 1) redis.call('set', '" + b + "', 1) "
          + "return tonumber(redis.call('get', '" + a + "')) + tonumber(redis.call('get', '" + b + "'))", 0));
      assertEquals(2L, jedis.eval("redis.call('get', '" + b + "') redis.call('set', '" + a + "', 1) "
          + "return 2", List.of(b), List.of()));
      assertTrue(jedis.info("memory").contains("number_of_cached_scripts:"));
    }
  }

  @Test
  void bundledLibrariesAreThereAsInRedis() {
    try (Jedis jedis = client()) {
      jedis.hset("lib:h", "f", "1");
      // Values as redis-server 7.0.15 returns them for the same scripts.
      assertEquals("[1,2,{\"a\":\"b\"}]", jedis.eval("return cjson.encode({1, 2, {a='b'}})"));
      assertEquals("FFFF", jedis.eval("return bit.tohex(65535, -4)"));
      assertEquals(3L, jedis.eval("return #cmsgpack.unpack(cmsgpack.pack({1, 2, 3}))"));
      assertEquals(258L, jedis.eval("return struct.unpack('>H', struct.pack('>H', 258))"));
      assertEquals("1", jedis.eval("return cjson.decode(cjson.encode(redis.call('hgetall', KEYS[1])))[2]",
          1, "lib:h"));
    }
  }

  @Test
  void lockRecipeUnderConcurrentClients() throws Exception {
    int clients = 8;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger acquired = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> done = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      String token = "token-" + c;
      done.add(pool.submit(() -> {
        try (Jedis jedis = client()) {
          for (int i = 0; i < 30; i++) {
            while (!"OK".equals(jedis.set("lock", token, SetParams.setParams().nx().px(30_000)))) {
              Thread.onSpinWait();
            }
            if (inside.incrementAndGet() > 1) {
              overlaps.incrementAndGet();
            }
            acquired.incrementAndGet();
            inside.decrementAndGet();
            assertEquals(1L, jedis.eval(UNLOCK, List.of("lock"), List.of(token)));
            assertEquals(0L, jedis.eval(UNLOCK, List.of("lock"), List.of(token)));
          }
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertEquals(0, overlaps.get());
    assertEquals(clients * 30, acquired.get());
  }

  @Test
  void transfersAcrossShardsKeepTheTotalForConcurrentReaders() throws Exception {
    try (Jedis jedis = client()) {
      jedis.set(a, "1000");
      jedis.set(b, "0");
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger wrongTotals = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<Future<?>> writers = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      writers.add(pool.submit(() -> {
        try (Jedis jedis = client()) {
          for (int i = 0; i < 50; i++) {
            jedis.eval(TRANSFER, List.of(a, b), List.of());
          }
        }
        return null;
      }));
    }
    List<Future<?>> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      readers.add(pool.submit(() -> {
        try (Jedis jedis = client()) {
          while (!stop.get()) {
            Object total = jedis.evalReadonly(TOTAL, List.of(a, b), List.of());
            if (!Long.valueOf(1000).equals(total)) {
              wrongTotals.incrementAndGet();
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : writers) {
      f.get(120, TimeUnit.SECONDS);
    }
    stop.set(true);
    for (Future<?> f : readers) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertEquals(0, wrongTotals.get());
    try (Jedis jedis = client()) {
      assertEquals("800", jedis.get(a));
      assertEquals("200", jedis.get(b));
    }
  }

  @Test
  void endlessScriptIsKilledWhileOthersGetBusy() throws Exception {
    try (Jedis admin = client(); Jedis other = client()) {
      admin.configSet("busy-reply-threshold", "100");
      assertEquals("100", admin.configGet("lua-time-limit").get("lua-time-limit"));
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<String> looping = pool.submit(() -> {
        try (Jedis jedis = client()) {
          jedis.eval("while true do pcall(function() while true do end end) end", 0);
          return "returned";
        } catch (Exception e) {
          return e.getMessage();
        }
      });
      String busy = null;
      for (int i = 0; i < 600 && busy == null; i++) {
        try {
          other.ping();
          Thread.sleep(50);
        } catch (Exception e) {
          busy = e.getMessage();
        }
      }
      assertEquals("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", busy);
      assertEquals("OK", admin.scriptKill());
      String result = looping.get(60, TimeUnit.SECONDS);
      assertTrue(result.startsWith("ERR Script killed by user with SCRIPT KILL..."), result);
      pool.shutdown();
      admin.configSet("lua-time-limit", "5000");
      assertEquals("PONG", other.ping());
    }
  }

  @Test
  void evalInsideMultiRunsWithTheQueue() {
    try (Jedis jedis = client()) {
      redis.clients.jedis.Transaction multi = jedis.multi();
      multi.set(a, "5");
      multi.eval("return redis.call('incrby', KEYS[1], ARGV[1])", List.of(a), List.of("2"));
      multi.get(b);
      multi.sendCommand(redis.clients.jedis.Protocol.Command.SCRIPT, "LOAD", "return 'in multi'");
      List<Object> results = multi.exec();
      assertEquals("OK", results.get(0));
      assertEquals(7L, results.get(1));
      String sha = new String((byte[]) results.get(3), java.nio.charset.StandardCharsets.UTF_8);
      assertEquals(40, sha.length());
      assertEquals("in multi", jedis.evalsha(sha));
    }
  }

  @Test
  void redisCliEvalRunsAFileWithKeysAndArgs() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("script", ".lua");
    java.nio.file.Files.writeString(file, "redis.call('set', KEYS[1], ARGV[1])\nreturn {KEYS[1], ARGV[1], #KEYS, #ARGV}\n");
    RedisTools.Result result = RedisTools.run("redis-cli", "-p", Integer.toString(fixture.port()),
        "--eval", file.toString(), "clikey", ",", "cliarg");
    assertEquals("clikey\ncliarg\n1\n1\n", result.output());
    try (Jedis jedis = client()) {
      assertEquals("cliarg", jedis.get("clikey"));
    }
  }

  @Test
  void aScriptThatWroteIsUnkillableAndShutdownNosaveDropsItsEffects() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("redgrid-scripts");
    NodeFixture node = new NodeFixture("--dir", dir.toString(), "--save", "", "--appendonly", "yes");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Jedis admin = new Jedis("127.0.0.1", node.port(), 60_000)) {
      assertEquals("done", admin.eval("redis.call('set', 'kept', 'yes') return 'done'", 0));
      admin.configSet("busy-reply-threshold", "50");
      Future<String> looping = pool.submit(() -> {
        try (Jedis jedis = new Jedis("127.0.0.1", node.port(), 60_000)) {
          jedis.eval("redis.call('set', 'dropped', 'x') while true do end", 0);
          return "returned";
        } catch (Exception e) {
          return "failed";
        }
      });
      String kill = null;
      for (int i = 0; i < 600 && kill == null; i++) {
        try {
          admin.scriptKill();
          Thread.sleep(50); // NOTBUSY until the script runs: try again
        } catch (Exception e) {
          if (!e.getMessage().startsWith("NOTBUSY")) {
            kill = e.getMessage();
          }
        }
      }
      assertTrue(kill != null && kill.startsWith("UNKILLABLE Sorry the script already executed write commands"), kill);
      redis.clients.jedis.exceptions.JedisDataException busy = org.junit.jupiter.api.Assertions.assertThrows(
          redis.clients.jedis.exceptions.JedisDataException.class,
          () -> admin.sendCommand(() -> "SHUTDOWN".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      assertEquals("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.", busy.getMessage());
      try {
        admin.sendCommand(() -> "SHUTDOWN".getBytes(java.nio.charset.StandardCharsets.UTF_8), "NOSAVE");
      } catch (redis.clients.jedis.exceptions.JedisConnectionException expected) {
        // no reply: the node stops
      }
      node.node.terminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertEquals("failed", looping.get(60, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
    NodeFixture again = new NodeFixture("--dir", dir.toString(), "--save", "", "--appendonly", "yes");
    try (Jedis jedis = new Jedis("127.0.0.1", again.port(), 60_000)) {
      assertEquals("yes", jedis.get("kept"));
      assertEquals(null, jedis.get("dropped"));
    } finally {
      again.node.close(false);
    }
  }

  @Test
  void lettuceRunsScriptsOverResp3() {
    io.lettuce.core.RedisClient lettuce = io.lettuce.core.RedisClient.create(
        io.lettuce.core.RedisURI.create("127.0.0.1", fixture.port()));
    try (io.lettuce.core.api.StatefulRedisConnection<String, String> connection = lettuce.connect()) {
      io.lettuce.core.api.sync.RedisCommands<String, String> commands = connection.sync();
      String sha = commands.scriptLoad("return redis.call('incrby', KEYS[1], ARGV[1])");
      assertEquals(List.of(true, false), commands.scriptExists(sha, "0000000000000000000000000000000000000000"));
      assertEquals(3L, (Long) commands.evalsha(sha, io.lettuce.core.ScriptOutputType.INTEGER, new String[] {"lk"}, "3"));
      assertEquals(5L, (Long) commands.eval("return redis.call('incrby', KEYS[1], ARGV[1])",
          io.lettuce.core.ScriptOutputType.INTEGER, new String[] {"lk"}, "2"));
      assertEquals("OK", commands.eval("redis.setresp(3) return redis.call('set', KEYS[1], 'v')",
          io.lettuce.core.ScriptOutputType.STATUS, "lk2"));
      assertEquals(Boolean.TRUE, commands.eval("redis.setresp(3) return true", io.lettuce.core.ScriptOutputType.BOOLEAN));
      assertEquals("OK", commands.scriptFlush());
      assertEquals(List.of(false), commands.scriptExists(sha));
      io.lettuce.core.RedisCommandExecutionException noscript = org.junit.jupiter.api.Assertions.assertThrows(
          io.lettuce.core.RedisCommandExecutionException.class,
          () -> commands.evalsha(sha, io.lettuce.core.ScriptOutputType.INTEGER, new String[] {"lk"}, "3"));
      assertEquals("NOSCRIPT No matching script. Please use EVAL.", noscript.getMessage());
    } finally {
      lettuce.shutdown();
    }
  }

  @Test
  void scriptErrorsCountOnceInErrorstatsAsRedis() {
    try (Jedis jedis = client()) {
      jedis.configResetStat();
      jedis.set("s", "a");
      String[] scripts = {"return redis.call('incr','s')", "return redis.pcall('incr','s')",
          "return redis.call('nosuch')", "local ok = pcall(redis.call, 'get') return 1", "error('x')",
          "return {err='MINE x'}"};
      for (String script : scripts) {
        try {
          jedis.eval(script, 0);
        } catch (redis.clients.jedis.exceptions.JedisDataException expected) {
          // most of them fail
        }
      }
      String errors = jedis.info("errorstats");
      assertTrue(errors.contains("errorstat_ERR:count=5"), errors);
      assertTrue(errors.contains("errorstat_MINE:count=1"), errors);
      assertTrue(jedis.info("stats").contains("total_error_replies:6"), jedis.info("stats"));
      String commands = jedis.info("commandstats");
      assertTrue(commands.contains("cmdstat_get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0"), commands);
      assertTrue(commands.matches("(?s).*cmdstat_incr:calls=2,.*failed_calls=2.*"), commands);
      assertTrue(commands.matches("(?s).*cmdstat_eval:calls=6,.*failed_calls=5.*"), commands);
    }
  }

  @Test
  void aScriptPushServesABlockedClient() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Jedis jedis = client()) {
      Future<List<String>> popped = pool.submit(() -> {
        try (Jedis blocked = client()) {
          return blocked.blpop(60, "queue");
        }
      });
      for (int i = 0; i < 600 && !jedis.clientList().contains("cmd=blpop"); i++) {
        Thread.sleep(50);
      }
      assertEquals(1L, jedis.eval("return redis.call('rpush', KEYS[1], ARGV[1])", List.of("queue"), List.of("job")));
      assertEquals(List.of("queue", "job"), popped.get(60, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }
}
