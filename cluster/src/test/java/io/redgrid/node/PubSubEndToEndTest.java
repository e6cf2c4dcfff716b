package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/** Pub/Sub over the wire: Jedis (RESP2), Lettuce (RESP3), raw bytes and the output limit. */
class PubSubEndToEndTest {
  private static NodeFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new NodeFixture();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  /** A raw RESP connection: send text, read exactly what was expected. */
  private static final class Raw implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Raw() throws IOException {
      this(0);
    }

    Raw(int receiveBuffer) throws IOException {
      socket = new Socket();
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer);
      }
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", fixture.port()));
      socket.setSoTimeout(5000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    Raw send(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return this;
    }

    /** Reads exactly as many bytes as {@code expected} has (or until closed / timed out). */
    String read(String expected) throws IOException {
      return read(expected.getBytes(StandardCharsets.UTF_8).length);
    }

    String read(int length) throws IOException {
      byte[] buffer = new byte[length];
      int have = 0;
      try {
        while (have < length) {
          int n = in.read(buffer, have, length - have);
          if (n < 0) {
            return new String(buffer, 0, have, StandardCharsets.UTF_8) + "<closed>";
          }
          have += n;
        }
      } catch (SocketTimeoutException e) {
        return new String(buffer, 0, have, StandardCharsets.UTF_8) + "<timeout>";
      }
      return new String(buffer, StandardCharsets.UTF_8);
    }

    void expect(String expected) throws IOException {
      assertEquals(expected, read(expected));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static Jedis jedis() {
    return new Jedis("127.0.0.1", fixture.port());
  }

  private static void awaitNumsub(Jedis jedis, String channel, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (jedis.pubsubNumSub(channel).get(channel) != expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("numsub of " + channel + " never became " + expected);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void resp2WireBytesMatchRedis() throws Exception {
    // Expected bytes recorded from redis-server 7.0 with the same commands.
    try (Raw sub = new Raw(); Jedis publisher = jedis()) {
      sub.send("SUBSCRIBE w1 w2\r\n");
      sub.expect("*3\r\n$9\r\nsubscribe\r\n$2\r\nw1\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$2\r\nw2\r\n:2\r\n");
      sub.send("PSUBSCRIBE w*\r\n");
      sub.expect("*3\r\n$10\r\npsubscribe\r\n$2\r\nw*\r\n:3\r\n");
      assertEquals(2, publisher.publish("w1", "hello"));
      sub.expect("*3\r\n$7\r\nmessage\r\n$2\r\nw1\r\n$5\r\nhello\r\n"
          + "*4\r\n$8\r\npmessage\r\n$2\r\nw*\r\n$2\r\nw1\r\n$5\r\nhello\r\n");
      sub.send("PING\r\nPING hi\r\nGET x\r\nCLIENT LIST\r\n");
      sub.expect("*2\r\n$4\r\npong\r\n$0\r\n\r\n*2\r\n$4\r\npong\r\n$2\r\nhi\r\n"
          + "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"
          + "-ERR Can't execute 'client|list': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
      sub.send("UNSUBSCRIBE w1\r\n");
      sub.expect("*3\r\n$11\r\nunsubscribe\r\n$2\r\nw1\r\n:2\r\n");
      sub.send("UNSUBSCRIBE\r\n");
      sub.expect("*3\r\n$11\r\nunsubscribe\r\n$2\r\nw2\r\n:1\r\n");
      sub.send("UNSUBSCRIBE\r\n");
      sub.expect("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:1\r\n");
      sub.send("PUNSUBSCRIBE\r\nGET x\r\nPING\r\n");
      sub.expect("*3\r\n$12\r\npunsubscribe\r\n$2\r\nw*\r\n:0\r\n$-1\r\n+PONG\r\n");
      sub.send("SSUBSCRIBE s1\r\nPSUBSCRIBE p*\r\n");
      sub.expect("*3\r\n$10\r\nssubscribe\r\n$2\r\ns1\r\n:1\r\n*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:1\r\n");
      assertEquals(0, publisher.publish("s1", "not for shard subscribers"));
      sub.send("RESET\r\nGET x\r\n");
      sub.expect("+RESET\r\n$-1\r\n");
      assertEquals(0, publisher.pubsubNumPat());
    }
  }

  @Test
  void resp3WireBytesMatchRedis() throws Exception {
    try (Raw sub = new Raw(); Jedis publisher = jedis()) {
      sub.send("HELLO 3\r\n");
      String hello = sub.read(1);
      assertEquals("%", hello);
      sub.send("PING\r\n"); // find the end of the HELLO map: read until +PONG
      StringBuilder skipped = new StringBuilder();
      while (!skipped.toString().endsWith("+PONG\r\n")) {
        skipped.append(sub.read(1));
      }
      sub.send("SUBSCRIBE r1\r\nUNSUBSCRIBE\r\n");
      sub.expect(">3\r\n$9\r\nsubscribe\r\n$2\r\nr1\r\n:1\r\n"
          + ">3\r\n$11\r\nunsubscribe\r\n$2\r\nr1\r\n:0\r\n");
      sub.send("UNSUBSCRIBE\r\nPUNSUBSCRIBE\r\nSUNSUBSCRIBE\r\n");
      sub.expect(">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n>3\r\n$12\r\npunsubscribe\r\n_\r\n:0\r\n"
          + ">3\r\n$12\r\nsunsubscribe\r\n_\r\n:0\r\n");
      sub.send("SSUBSCRIBE r2\r\nPING\r\nGET nothing\r\n");
      sub.expect(">3\r\n$10\r\nssubscribe\r\n$2\r\nr2\r\n:1\r\n+PONG\r\n_\r\n");
      assertEquals(1L, publisher.sendCommand(() -> redis.clients.jedis.util.SafeEncoder.encode("SPUBLISH"), "r2", "sharded"));
      sub.expect(">3\r\n$8\r\nsmessage\r\n$2\r\nr2\r\n$7\r\nsharded\r\n");
      assertEquals(0, publisher.publish("r2", "plain"));
      sub.send("SUNSUBSCRIBE r2\r\n");
      sub.expect(">3\r\n$12\r\nsunsubscribe\r\n$2\r\nr2\r\n:0\r\n");
      sub.send("PSUBSCRIBE r*\r\n");
      sub.expect(">3\r\n$10\r\npsubscribe\r\n$2\r\nr*\r\n:1\r\n");
      assertEquals(1, publisher.publish("r9", "m"));
      sub.expect(">4\r\n$8\r\npmessage\r\n$2\r\nr*\r\n$2\r\nr9\r\n$1\r\nm\r\n");
      sub.send("PING hi\r\n");
      sub.expect("$2\r\nhi\r\n");
    }
  }

  @Test
  void jedisReceivesAThousandMessagesInOrder() throws Exception {
    List<String> received = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch subscribed = new CountDownLatch(2);
    JedisPubSub listener = new JedisPubSub() {
      @Override
      public void onMessage(String channel, String message) {
        received.add(channel + ":" + message);
        if (received.size() == 2000) {
          unsubscribe();
          punsubscribe();
        }
      }

      @Override
      public void onPMessage(String pattern, String channel, String message) {
        received.add(pattern + ">" + channel + ":" + message);
        if (received.size() == 2000) {
          unsubscribe();
          punsubscribe();
        }
      }

      @Override
      public void onSubscribe(String channel, int count) {
        subscribed.countDown();
      }

      @Override
      public void onPSubscribe(String pattern, int count) {
        subscribed.countDown();
      }
    };
    Thread thread = new Thread(() -> {
      try (Jedis sub = jedis()) {
        sub.subscribe(listener, "order");
      }
    });
    thread.start();
    try (Jedis publisher = jedis()) {
      awaitNumsub(publisher, "order", 1);
      listener.psubscribe("ord*");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (publisher.pubsubNumPat() != 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      for (int i = 0; i < 1000; i++) {
        assertEquals(2, publisher.publish("order", "m" + i));
      }
      thread.join(20_000);
      assertEquals(2000, received.size());
      List<String> direct = new ArrayList<>();
      List<String> patterned = new ArrayList<>();
      for (String message : received) {
        (message.startsWith("ord*>") ? patterned : direct).add(message);
      }
      for (int i = 0; i < 1000; i++) {
        assertEquals("order:m" + i, direct.get(i));
        assertEquals("ord*>order:m" + i, patterned.get(i));
      }
      assertEquals(0L, publisher.pubsubNumSub("order").get("order"));
    }
  }

  @Test
  void manySubscribersAndIntrospection() throws Exception {
    List<Raw> subscribers = new ArrayList<>();
    try (Jedis publisher = jedis()) {
      for (int i = 0; i < 5; i++) {
        Raw sub = new Raw().send("SUBSCRIBE news.a news.b\r\n");
        sub.read("*3\r\n$9\r\nsubscribe\r\n$6\r\nnews.a\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$6\r\nnews.b\r\n:2\r\n");
        subscribers.add(sub);
      }
      for (int i = 0; i < 3; i++) {
        Raw sub = new Raw().send("PSUBSCRIBE news.* n?ws.a\r\n");
        sub.read("*3\r\n$10\r\npsubscribe\r\n$6\r\nnews.*\r\n:1\r\n*3\r\n$10\r\npsubscribe\r\n$6\r\nn?ws.a\r\n:2\r\n");
        subscribers.add(sub);
      }
      // 5 channel subscribers, and 3 clients each matching with two patterns.
      assertEquals(11, publisher.publish("news.a", "x"));
      assertEquals(8, publisher.publish("news.b", "x"));
      assertEquals(3, publisher.publish("news.c", "x"));
      assertEquals(0, publisher.publish("other", "x"));
      Map<String, Long> numsub = publisher.pubsubNumSub("news.a", "news.b", "news.c");
      assertEquals(5L, numsub.get("news.a"));
      assertEquals(5L, numsub.get("news.b"));
      assertEquals(0L, numsub.get("news.c"));
      assertEquals(2, publisher.pubsubNumPat());
      List<String> channels = new ArrayList<>(publisher.pubsubChannels());
      Collections.sort(channels);
      assertEquals(List.of("news.a", "news.b"), channels);
      assertEquals(List.of("news.b"), publisher.pubsubChannels("*b"));
      String clients = publisher.clientList();
      assertTrue(clients.contains("flags=P db=0 sub=2 psub=0 ssub=0"), clients);
      assertTrue(clients.contains("flags=P db=0 sub=0 psub=2 ssub=0"), clients);
      // A closed connection leaves no subscription behind.
      for (Raw sub : subscribers) {
        sub.close();
      }
      awaitNumsub(publisher, "news.a", 0);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (publisher.pubsubNumPat() != 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(0, publisher.pubsubNumPat());
      assertEquals(List.of(), publisher.pubsubChannels());
    }
  }

  @Test
  void lettuceResp3SubscriberAlsoRunsCommands() throws Exception {
    RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", fixture.port()));
    try (StatefulRedisPubSubConnection<String, String> connection = client.connectPubSub();
        Jedis publisher = jedis()) {
      List<String> received = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch done = new CountDownLatch(3);
      connection.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          received.add(channel + ":" + message);
          done.countDown();
        }

        @Override
        public void message(String pattern, String channel, String message) {
          received.add(pattern + ">" + channel + ":" + message);
          done.countDown();
        }
      });
      connection.sync().subscribe("lettuce");
      connection.sync().psubscribe("lett*");
      // RESP3: an ordinary command on the subscribed connection is answered.
      assertEquals("OK", connection.sync().set("lettuce-key", "v"));
      assertEquals("v", connection.sync().get("lettuce-key"));
      assertEquals(2, publisher.publish("lettuce", "one"));
      assertEquals(1, publisher.publish("lettx", "two"));
      assertEquals("v", connection.sync().get("lettuce-key"));
      assertTrue(done.await(10, TimeUnit.SECONDS), received.toString());
      assertEquals(3, received.size());
      assertTrue(received.contains("lettuce:one"), received.toString());
      assertTrue(received.contains("lett*>lettuce:one"), received.toString());
      assertTrue(received.contains("lett*>lettx:two"), received.toString());
      connection.sync().unsubscribe("lettuce");
      assertEquals(0L, publisher.pubsubNumSub("lettuce").get("lettuce"));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aSubscriberThatNeverReadsIsCutOffWhileOthersKeepReceiving() throws Exception {
    floodWithLimits("pubsub 1mb 0 0");
  }

  @Test
  void aSubscriberOverTheSoftLimitForTooLongIsCutOff() throws Exception {
    floodWithLimits("pubsub 0 256kb 0");
  }

  /** Smaller limits than Redis' 32mb 8mb 60, set the way a user does: CONFIG SET. */
  private void floodWithLimits(String limits) throws Exception {
    try (Jedis admin = jedis()) {
      assertEquals("OK", admin.configSet("client-output-buffer-limit", limits));
    }
    try (Raw slow = new Raw(4096); Jedis publisher = jedis()) {
      slow.send("SUBSCRIBE flood\r\n");
      slow.expect("*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n");
      List<String> received = Collections.synchronizedList(new ArrayList<>());
      JedisPubSub listener = new JedisPubSub() {
        @Override
        public void onMessage(String channel, String message) {
          received.add(message);
          if (message.equals("end")) {
            unsubscribe();
          }
        }
      };
      Thread thread = new Thread(() -> {
        try (Jedis sub = jedis()) {
          sub.subscribe(listener, "flood");
        }
      });
      thread.start();
      awaitNumsub(publisher, "flood", 2);
      String payload = "x".repeat(16 * 1024);
      int published = 0;
      // The slow client's socket buffers absorb some; then its queue passes 1 MB and it goes.
      while (publisher.pubsubNumSub("flood").get("flood") == 2 && published < 20_000) {
        publisher.publish("flood", payload);
        published++;
      }
      assertEquals(1L, publisher.pubsubNumSub("flood").get("flood"), "slow subscriber still there");
      assertTrue(published < 20_000);
      assertEquals(1, publisher.publish("flood", "end"));
      thread.join(20_000);
      assertEquals(published + 1, received.size());
      assertTrue(publisher.clientList().lines().noneMatch(line -> line.contains("sub=1")
          && line.contains("cmd=subscribe") && !line.contains("lib-name=jedis")),
          publisher.clientList());
    } finally {
      try (Jedis admin = jedis()) {
        admin.configSet("client-output-buffer-limit", "pubsub 32mb 8mb 60");
      }
    }
  }
}
