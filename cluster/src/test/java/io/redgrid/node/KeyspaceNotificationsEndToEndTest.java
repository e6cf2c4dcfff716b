package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/** notify-keyspace-events over the wire: a Jedis pattern subscriber sees set, expire and active expiry's expired. */
class KeyspaceNotificationsEndToEndTest {
  private static NodeFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new NodeFixture();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static Jedis jedis() {
    return new Jedis("127.0.0.1", fixture.port());
  }

  @Test
  void setExpireAndActiveExpiryArePublishedInOrder() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    JedisPubSub listener = new JedisPubSub() {
      @Override
      public void onPMessage(String pattern, String channel, String message) {
        received.add(channel + " " + message);
      }

      @Override
      public void onPSubscribe(String pattern, int count) {
        subscribed.countDown();
      }
    };
    Thread thread = new Thread(() -> {
      try (Jedis sub = jedis()) {
        sub.psubscribe(listener, "__key*@0__:*");
      }
    });
    thread.start();
    try (Jedis client = jedis()) {
      assertTrue(subscribed.await(10, TimeUnit.SECONDS));
      assertEquals("OK", client.configSet("notify-keyspace-events", "KEA"));
      assertEquals("AKE", client.configGet("notify-keyspace-events").get("notify-keyspace-events"));
      client.set("k", "v");
      client.pexpire("k", 50);
      List<String> expected = List.of(
          "__keyspace@0__:k set", "__keyevent@0__:set k",
          "__keyspace@0__:k expire", "__keyevent@0__:expire k",
          "__keyspace@0__:k expired", "__keyevent@0__:expired k");
      for (String event : expected) {
        // Nobody reads k again: the expired event can only come from the active sweep.
        assertEquals(event, received.poll(10, TimeUnit.SECONDS));
      }
      assertEquals(0L, client.exists("k") ? 1L : 0L);
      assertEquals("OK", client.configSet("notify-keyspace-events", ""));
      client.set("quiet", "v");
      client.del("quiet");
      listener.punsubscribe();
      thread.join(10_000);
      assertEquals(null, received.poll());
    }
  }

  @Test
  void aServedBlpopPublishesPushThenPopThenDel() throws Exception {
    BlockingQueue<String> received = new LinkedBlockingQueue<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    JedisPubSub listener = new JedisPubSub() {
      @Override
      public void onPMessage(String pattern, String channel, String message) {
        received.add(channel + " " + message);
      }

      @Override
      public void onPSubscribe(String pattern, int count) {
        subscribed.countDown();
      }
    };
    Thread subscriber = new Thread(() -> {
      try (Jedis sub = jedis()) {
        sub.psubscribe(listener, "__keyspace@0__:bq");
      }
    });
    subscriber.start();
    try (Jedis client = jedis(); Jedis blocked = jedis()) {
      assertTrue(subscribed.await(10, TimeUnit.SECONDS));
      assertEquals("OK", client.configSet("notify-keyspace-events", "Kgl"));
      Thread popper = new Thread(() -> blocked.blpop(10, "bq"));
      popper.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!client.clientList().contains("cmd=blpop") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      client.rpush("bq", "x");
      popper.join(10_000);
      for (String event : List.of("rpush", "lpop", "del")) {
        assertEquals("__keyspace@0__:bq " + event, received.poll(10, TimeUnit.SECONDS));
      }
      client.configSet("notify-keyspace-events", "");
      listener.punsubscribe();
      subscriber.join(10_000);
    }
  }
}
