package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
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
  void stringsWorkOverResp3() {
    RedisCommands<String, String> redis = connection.sync();
    assertEquals("OK", redis.set("lettuce", "value"));
    assertEquals("value", redis.get("lettuce"));
    assertNull(redis.get("lettuce-missing"));
    assertEquals("PONG", redis.ping());
  }
}
