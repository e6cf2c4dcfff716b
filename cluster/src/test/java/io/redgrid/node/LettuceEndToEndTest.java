package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A started node driven by Lettuce, which opens every connection with HELLO 3 (RESP3). */
class LettuceEndToEndTest {
  private static NodeFixture fixture;
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> connection;

  @BeforeAll
  static void start() {
    fixture = new NodeFixture();
    client = RedisClient.create(RedisURI.create("127.0.0.1", fixture.port()));
    connection = client.connect();
  }

  @AfterAll
  static void stop() {
    connection.close();
    client.shutdown();
    fixture.close();
  }

  @Test
  void theHandshakeNegotiatedResp3() {
    String clientInfo = connection.sync().clientInfo();
    assertTrue(clientInfo.contains("resp=3"), clientInfo);
  }

  @Test
  void stringsWorkOverResp3() {
    RedisCommands<String, String> redis = connection.sync();
    assertEquals("OK", redis.set("lettuce", "value"));
    assertEquals("value", redis.get("lettuce"));
    assertNull(redis.get("lettuce-missing"));
    assertEquals("PONG", redis.ping());
    assertEquals(10L, redis.append("lettuce", "+more"));
    assertEquals(5L, redis.incrby("lettuce-counter", 5));
    assertEquals(2.5, redis.incrbyfloat("lettuce-float", 2.5));
    RedisCommandExecutionException wrongType = assertThrows(RedisCommandExecutionException.class,
        () -> redis.incr("lettuce"));
    assertEquals("ERR value is not an integer or out of range", wrongType.getMessage());
  }

  @Test
  void multiKeyCommandsAcrossShards() {
    RedisCommands<String, String> redis = connection.sync();
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      values.put("lmulti:" + i, "v" + i);
    }
    assertEquals("OK", redis.mset(values));
    List<KeyValue<String, String>> read = redis.mget(values.keySet().toArray(new String[0]));
    for (int i = 0; i < 50; i++) {
      assertEquals("v" + i, read.get(i).getValue());
    }
    assertEquals(50L, redis.exists(values.keySet().toArray(new String[0])));
    assertEquals(50L, redis.del(values.keySet().toArray(new String[0])));
  }

  @Test
  void expiryOverResp3() {
    RedisCommands<String, String> redis = connection.sync();
    redis.set("lexp", "v", SetArgs.Builder.ex(Duration.ofSeconds(100)));
    long ttl = redis.ttl("lexp");
    assertTrue(ttl > 95 && ttl <= 100, "ttl " + ttl);
    assertTrue(redis.persist("lexp"));
    assertEquals(-1L, redis.ttl("lexp"));
    assertEquals(-2L, redis.pttl("lexp-missing"));
  }

  @Test
  void tenThousandPipelinedCommandsReplyInOrder() throws Exception {
    try (StatefulRedisConnection<String, String> pipelined = client.connect()) {
      RedisAsyncCommands<String, String> async = pipelined.async();
      pipelined.setAutoFlushCommands(false);
      List<RedisFuture<?>> futures = new ArrayList<>();
      List<RedisFuture<Long>> counters = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        if (i % 2 == 0) {
          futures.add(async.set("lpipe:" + (i % 97), Integer.toString(i)));
        } else {
          RedisFuture<Long> counter = async.incr("lpipe-counter");
          counters.add(counter);
          futures.add(counter);
        }
      }
      pipelined.flushCommands();
      assertTrue(LettuceFutures.awaitAll(30, TimeUnit.SECONDS, futures.toArray(new RedisFuture[0])));
      for (int i = 0; i < counters.size(); i++) {
        assertEquals(i + 1L, counters.get(i).get());
      }
      pipelined.setAutoFlushCommands(true);
      assertEquals(Integer.toString(9998), async.get("lpipe:" + (9998 % 97)).get());
    }
  }
}
