package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.keyspace.ShardMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/** A started node driven by Jedis, a real Redis client, over TCP. */
class JedisEndToEndTest {
  private static NodeFixture fixture;
  private Jedis jedis;

  @BeforeAll
  static void start() {
    fixture = new NodeFixture();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @BeforeEach
  void connect() {
    jedis = new Jedis("127.0.0.1", fixture.port());
  }

  @AfterEach
  void disconnect() {
    jedis.close();
  }

  @Test
  void setAndGetAStringRoundTrip() {
    assertEquals("OK", jedis.set("greeting", "hello"));
    assertEquals("hello", jedis.get("greeting"));
    assertNull(jedis.get("no-such-key"));
  }

  @Test
  void binaryValuesSurviveUnchanged() {
    byte[] value = {0, 1, '\r', '\n', (byte) 0xff, '$', '*'};
    jedis.set("binary".getBytes(StandardCharsets.UTF_8), value);
    assertEquals(List.of((byte) 0, (byte) 1), List.of(jedis.get("binary".getBytes(StandardCharsets.UTF_8))[0],
        jedis.get("binary".getBytes(StandardCharsets.UTF_8))[1]));
    assertTrue(java.util.Arrays.equals(value, jedis.get("binary".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void msetAcrossShardsIsReadBackByMget() {
    List<String> keysAndValues = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      keysAndValues.add("mkey" + i);
      keysAndValues.add("value" + i);
    }
    assertEquals("OK", jedis.mset(keysAndValues.toArray(new String[0])));
    List<String> values = jedis.mget("mkey0", "mkey17", "missing", "mkey49");
    assertEquals(java.util.Arrays.asList("value0", "value17", null, "value49"), values);
    assertEquals(3, jedis.del("mkey0", "mkey17", "mkey49", "missing"));
  }

  @Test
  void databasesAreSeparate() {
    jedis.select(0);
    jedis.set("dbkey", "zero");
    jedis.select(5);
    assertNull(jedis.get("dbkey"));
    jedis.set("dbkey", "five");
    jedis.select(0);
    assertEquals("zero", jedis.get("dbkey"));
    JedisDataException error = assertThrows(JedisDataException.class, () -> jedis.select(16));
    assertEquals("ERR DB index is out of range", error.getMessage());
  }

  @Test
  void tenThousandPipelinedCommandsReplyInOrder() {
    Pipeline pipeline = jedis.pipelined();
    List<Response<String>> replies = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      pipeline.set("p" + (i % 100), Integer.toString(i));
      replies.add(pipeline.get("p" + (i % 100)));
    }
    pipeline.sync();
    for (int i = 0; i < 5000; i++) {
      assertEquals(Integer.toString(i), replies.get(i).get());
    }
  }

  @Test
  void badInputGetsRedisErrorsAndTheConnectionStaysUsable() {
    JedisDataException arity = assertThrows(JedisDataException.class,
        () -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.GET));
    assertEquals("ERR wrong number of arguments for 'get' command", arity.getMessage());
    JedisDataException unknown = assertThrows(JedisDataException.class,
        () -> jedis.sendCommand(() -> "NOSUCHCOMMAND".getBytes(StandardCharsets.UTF_8), "a", "b"));
    assertEquals("ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'a' 'b' ", unknown.getMessage());
    JedisDataException syntax = assertThrows(JedisDataException.class,
        () -> jedis.sendCommand(redis.clients.jedis.Protocol.Command.SET, "k", "v", "NX", "XX"));
    assertEquals("ERR syntax error", syntax.getMessage());
    assertEquals("PONG", jedis.ping());
  }

  @Test
  void malformedRespIsAnsweredWithAProtocolErrorAndTheConnectionClosed() throws Exception {
    String reply = fixture.raw("*1\r\n$abc\r\n", 1000);
    assertEquals("-ERR Protocol error: invalid bulk length\r\n<closed>", reply);
    String inline = fixture.raw("PING\r\nECHO hi\r\n", 14);
    assertEquals("+PONG\r\n$2\r\nhi\r\n", inline);
  }

  @Test
  void readersNeverSeeHalfOfACrossShardMset() throws Exception {
    ShardMap shards = new ShardMap(16);
    String first = "atomic-a";
    String second = "atomic-b";
    for (int i = 0; shards.shardOf(second.getBytes(StandardCharsets.UTF_8))
        == shards.shardOf(first.getBytes(StandardCharsets.UTF_8)); i++) {
      second = "atomic-b" + i;
    }
    String secondKey = second;
    jedis.mset(first, "0", secondKey, "0");
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicReference<String> torn = new AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      Thread reader = new Thread(() -> {
        try (Jedis client = new Jedis("127.0.0.1", fixture.port())) {
          while (running.get() && torn.get() == null) {
            List<String> pair = client.mget(first, secondKey);
            if (!pair.get(0).equals(pair.get(1))) {
              torn.set(pair.toString());
            }
          }
        }
      });
      reader.start();
      readers.add(reader);
    }
    try (Jedis writer = new Jedis("127.0.0.1", fixture.port())) {
      for (int i = 1; i <= 500; i++) {
        writer.mset(first, Integer.toString(i), secondKey, Integer.toString(i));
      }
    }
    running.set(false);
    for (Thread reader : readers) {
      reader.join();
    }
    assertNull(torn.get(), "a reader saw a partial MSET");
    assertEquals(List.of("500", "500"), jedis.mget(first, secondKey));
    assertNotEquals(shards.shardOf(first.getBytes(StandardCharsets.UTF_8)),
        shards.shardOf(secondKey.getBytes(StandardCharsets.UTF_8)));
  }
}
