package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
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
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.FunctionStats;

/**
 * FCALL / FCALL_RO through a started node: keys on different shards, read-only calls, Lettuce,
 * FUNCTION STATS of a running function and FUNCTION KILL while other clients get BUSY.
 */
class FunctionCallEndToEndTest {
  private static NodeFixture fixture;
  private static String a;
  private static String b;

  static final String BANK = "#!lua name=bank\n"
      + "redis.register_function('transfer', function(keys, args)\n"
      + "  local amount = tonumber(args[1])\n"
      + "  redis.call('DECRBY', keys[1], amount)\n"
      + "  return redis.call('INCRBY', keys[2], amount)\n"
      + "end)\n"
      + "redis.register_function{function_name='total', flags={'no-writes'}, callback=function(keys)\n"
      + "  return tonumber(redis.call('GET', keys[1]) or '0') + tonumber(redis.call('GET', keys[2]) or '0')\n"
      + "end}\n"
      + "redis.register_function('spin', function() while true do end end)\n"
      + "redis.register_function('echo', function(keys, args) return {keys[1], args[1], args[2]} end)\n"
      + "redis.register_function('wspin', function(keys) redis.call('SET', keys[1], 'x') while true do end end)";

  @BeforeAll
  static void start() {
    fixture = new NodeFixture("--save", "");
    ShardMap map = new ShardMap(16);
    a = "account:a";
    for (int i = 0; ; i++) {
      String candidate = "account:b" + i;
      if (map.shardOf(candidate.getBytes()) != map.shardOf(a.getBytes())) {
        b = candidate;
        break;
      }
    }
    try (Jedis jedis = client()) {
      assertEquals("bank", jedis.functionLoad(BANK));
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
  void transfersAcrossShardsKeepTheTotalForReadOnlyReaders() throws Exception {
    try (Jedis jedis = client()) {
      jedis.set(a, "1000");
      jedis.set(b, "0");
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger wrongTotals = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(5);
    List<Future<?>> writers = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      writers.add(pool.submit(() -> {
        try (Jedis jedis = client()) {
          for (int i = 0; i < 50; i++) {
            jedis.fcall("transfer", List.of(a, b), List.of("2"));
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
            if (!Long.valueOf(1000).equals(jedis.fcallReadonly("total", List.of(a, b), List.of()))) {
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
      assertEquals("700", jedis.get(a));
      assertEquals("300", jedis.get(b));
      JedisDataException ro = assertThrows(JedisDataException.class,
          () -> jedis.fcallReadonly("transfer", List.of(a, b), List.of("1")));
      assertEquals("ERR Can not execute a script with write flag using *_ro command.", ro.getMessage());
      JedisDataException missing = assertThrows(JedisDataException.class,
          () -> jedis.fcall("nope", List.of(), List.of()));
      assertEquals("ERR Function not found", missing.getMessage());
    }
  }

  @Test
  void transactionsQueueFcallAndFunctionLoad() {
    try (Jedis jedis = client()) {
      jedis.set("tx:a", "10");
      redis.clients.jedis.Transaction multi = jedis.multi();
      multi.fcall("transfer", List.of("tx:a", "tx:b"), List.of("4"));
      multi.functionLoad("#!lua name=txlib\nredis.register_function('txf', function() return 'in tx' end)");
      multi.fcall("echo", List.of("k"), List.of("x", "y"));
      List<Object> results = multi.exec();
      assertEquals(4L, results.get(0));
      assertEquals("txlib", results.get(1));
      assertEquals("6", jedis.get("tx:a"));
      assertEquals("in tx", jedis.fcall("txf", List.of(), List.of()));
      assertEquals("OK", jedis.functionDelete("txlib"));
      String memory = jedis.info("memory");
      assertTrue(memory.contains("number_of_libraries:1\r\n"), memory);
      assertTrue(memory.contains("number_of_functions:5\r\n"), memory);
      assertTrue(memory.matches("(?s).*used_memory_vm_functions:[1-9][0-9]*\r\n.*"), memory);
    }
  }

  @Test
  void aFunctionThatWroteIsUnkillableAndShutdownNosaveEndsTheNode() throws Exception {
    NodeFixture own = new NodeFixture("--save", "", "--busy-reply-threshold", "100");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (Jedis admin = new Jedis("127.0.0.1", own.port(), 60_000)) {
      admin.functionLoad(BANK);
      Future<String> looping = pool.submit(() -> {
        try (Jedis jedis = new Jedis("127.0.0.1", own.port(), 60_000)) {
          jedis.fcall("wspin", List.of("spun"), List.of());
          return "returned";
        } catch (Exception e) {
          return e.getMessage();
        }
      });
      String unkillable = null;
      for (int i = 0; i < 600 && unkillable == null; i++) {
        try {
          admin.functionKill();
        } catch (JedisDataException e) {
          if (e.getMessage().startsWith("UNKILLABLE")) {
            unkillable = e.getMessage();
          }
        }
        Thread.sleep(50);
      }
      assertEquals("UNKILLABLE Sorry the script already executed write commands against the dataset. You can "
          + "either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.",
          unkillable);
      try {
        admin.shutdown(redis.clients.jedis.params.ShutdownParams.shutdownParams().nosave());
      } catch (Exception closedByServer) {
        // the node closes the connection as it stops
      }
      looping.get(60, TimeUnit.SECONDS); // the caller's connection ends with the node
    } finally {
      pool.shutdownNow();
      try {
        own.close();
      } catch (RuntimeException alreadyStopped) {
        // SHUTDOWN stopped it
      }
    }
  }

  @Test
  void lettuceCallsFunctions() {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + fixture.port());
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      List<Object> echoed = connection.sync().fcall("echo", ScriptOutputType.MULTI, new String[] {"k"}, "x", "y");
      assertEquals(List.of("k", "x", "y"), echoed);
      assertTrue(connection.sync().functionList().stream().anyMatch(library -> "bank".equals(library.get("library_name"))));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void endlessFunctionIsKilledWhileOthersGetBusy() throws Exception {
    try (Jedis admin = client(); Jedis other = client()) {
      admin.configSet("busy-reply-threshold", "100");
      assertNull(admin.functionStats().getRunningScript());
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<String> looping = pool.submit(() -> {
        try (Jedis jedis = client()) {
          jedis.fcall("spin", List.of(), List.of());
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
      assertEquals("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.", busy);
      FunctionStats stats = admin.functionStats();
      assertNotNull(stats.getRunningScript());
      assertEquals("spin", stats.getRunningScript().get("name"));
      JedisDataException wrongKill = assertThrows(JedisDataException.class, admin::scriptKill);
      assertEquals("BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.",
          wrongKill.getMessage());
      assertEquals("OK", admin.functionKill());
      String result = looping.get(60, TimeUnit.SECONDS);
      assertEquals("ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:10.", result);
      pool.shutdown();
      admin.configSet("busy-reply-threshold", "5000");
      assertEquals("PONG", other.ping());
      JedisDataException notBusy = assertThrows(JedisDataException.class, admin::functionKill);
      assertEquals("NOTBUSY No scripts in execution right now.", notBusy.getMessage());
    }
  }
}
