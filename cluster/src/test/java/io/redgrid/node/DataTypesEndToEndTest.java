package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.Tuple;
import redis.clients.jedis.util.KeyValue;

/** Lists, hashes, sets and sorted sets used the way applications use them, via Jedis and Lettuce. */
class DataTypesEndToEndTest {
  private static NodeFixture fixture;
  private static RedisClient lettuce;
  private static StatefulRedisConnection<String, String> connection;

  @BeforeAll
  static void start() {
    fixture = new NodeFixture();
    lettuce = RedisClient.create(RedisURI.create("127.0.0.1", fixture.port()));
    connection = lettuce.connect();
  }

  @AfterAll
  static void stop() {
    connection.close();
    lettuce.shutdown();
    fixture.close();
  }

  @Test
  void leaderboardTopTenWithJedis() {
    try (Jedis jedis = new Jedis("127.0.0.1", fixture.port())) {
      for (int i = 0; i < 50; i++) {
        jedis.zadd("leaderboard", i * 10.5, "player" + i);
      }
      jedis.zincrby("leaderboard", 1000, "player3");
      List<Tuple> top = jedis.zrevrangeWithScores("leaderboard", 0, 9);
      assertEquals(10, top.size());
      assertEquals("player3", top.get(0).getElement());
      assertEquals(1031.5, top.get(0).getScore());
      assertEquals("player49", top.get(1).getElement());
      assertEquals(514.5, top.get(1).getScore());
      assertEquals(0L, jedis.zrevrank("leaderboard", "player3"));
      assertEquals(50, jedis.zcard("leaderboard"));
      assertEquals(List.of("player0", "player1"), jedis.zrangeByScore("leaderboard", "-inf", "(21"));
    }
  }

  @Test
  void leaderboardOverResp3WithLettuce() {
    RedisCommands<String, String> redis = connection.sync();
    redis.zadd("lboard", 1.5, "a");
    redis.zadd("lboard", 17, "b");
    redis.zadd("lboard", 3, "c");
    List<ScoredValue<String>> top = redis.zrevrangeWithScores("lboard", 0, 1);
    assertEquals("b", top.get(0).getValue());
    assertEquals(17.0, top.get(0).getScore());
    assertEquals("c", top.get(1).getValue());
    assertEquals(1.5, redis.zscore("lboard", "a"));
  }

  @Test
  void sessionHash() {
    RedisCommands<String, String> redis = connection.sync();
    Map<String, String> session = new LinkedHashMap<>();
    session.put("user", "42");
    session.put("cart", "3");
    assertEquals(2L, redis.hset("session:abc", session));
    assertEquals(5L, redis.hincrby("session:abc", "cart", 2));
    assertTrue(redis.expire("session:abc", 1800));
    assertEquals(Map.of("user", "42", "cart", "5"), redis.hgetall("session:abc"));
    assertEquals(1L, redis.hdel("session:abc", "cart"));
    assertEquals(List.of("user"), redis.hkeys("session:abc"));
    assertTrue(redis.ttl("session:abc") > 1790);
    try (Jedis jedis = new Jedis("127.0.0.1", fixture.port())) {
      assertEquals("42", jedis.hget("session:abc", "user"));
      assertEquals("hash", jedis.type("session:abc"));
      JedisDataException wrongType = assertThrows(JedisDataException.class, () -> jedis.lpush("session:abc", "x"));
      assertTrue(wrongType.getMessage().startsWith("WRONGTYPE"));
    }
  }

  @Test
  void tagSets() {
    try (Jedis jedis = new Jedis("127.0.0.1", fixture.port())) {
      jedis.sadd("tags:post1", "java", "redis", "akka");
      jedis.sadd("tags:post2", "redis", "python");
      assertEquals(Set.of("redis"), jedis.sinter("tags:post1", "tags:post2"));
      assertEquals(Set.of("java", "redis", "akka", "python"), jedis.sunion("tags:post1", "tags:post2"));
      assertEquals(2, jedis.sunionstore("tags:common", "tags:post2", "tags:post2"));
      assertTrue(jedis.sismember("tags:post1", "akka"));
      assertEquals(1, jedis.smove("tags:post1", "tags:post2", "akka"));
      assertEquals(3, jedis.scard("tags:post2"));
      assertEquals(2, jedis.srem("tags:post1", "java", "redis"));
      assertFalse(jedis.exists("tags:post1"), "an emptied set is deleted");
    }
  }

  @Test
  void listsAsQueuesAndBzpopminWakeUp() throws Exception {
    try (Jedis jedis = new Jedis("127.0.0.1", fixture.port()); Jedis waiter = new Jedis("127.0.0.1", fixture.port())) {
      jedis.rpush("queue", "a", "b", "c");
      assertEquals(List.of("a", "b", "c"), jedis.lrange("queue", 0, -1));
      assertEquals("c", jedis.rpop("queue"));
      assertEquals("a", jedis.lindex("queue", -2));
      CompletableFuture<KeyValue<String, Tuple>> popped =
          CompletableFuture.supplyAsync(() -> waiter.bzpopmin(0, "prio"));
      long deadline = System.currentTimeMillis() + 10_000;
      while (!jedis.info("clients").contains("blocked_clients:1")) {
        assertTrue(System.currentTimeMillis() < deadline);
        Thread.sleep(10);
      }
      jedis.zadd("prio", 2, "later");
      KeyValue<String, Tuple> first = popped.get(10, TimeUnit.SECONDS);
      assertEquals("prio", first.getKey());
      assertEquals("later", first.getValue().getElement());
      assertNull(waiter.bzpopmin(0.05, "prio"));
    }
  }

  @Test
  void crossShardCommandsOnCollections() {
    try (Jedis jedis = new Jedis("127.0.0.1", fixture.port())) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String key = "zs" + i;
        keys.add(key);
        jedis.zadd(key, i, "m" + i);
        jedis.zadd(key, 1, "shared");
      }
      assertEquals(9, jedis.zunionstore("zs-union", keys.toArray(new String[0])));
      assertEquals(8.0, jedis.zscore("zs-union", "shared"));
      assertEquals("OK", jedis.rename("zs-union", "zs-renamed"));
      assertEquals(9, jedis.zcard("zs-renamed"));
      jedis.rpush("src-list", "x", "y");
      assertEquals("y", jedis.rpoplpush("src-list", "other-list"));
      assertTrue(jedis.copy("other-list", "copied-list", false));
      assertEquals(List.of("y"), jedis.lrange("copied-list", 0, -1));
    }
  }
}
