package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.keyspace.ShardMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.KeyValue;

/** Blocking list pops through Jedis: FIFO service, timeouts, cross-shard wake-ups, unblocking. */
class BlockingEndToEndTest {
  private static NodeFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new NodeFixture();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static Jedis client() {
    Jedis jedis = new Jedis("127.0.0.1", fixture.port(), 20_000);
    return jedis;
  }

  /** Waits until {@code n} clients are blocked, as INFO clients reports. */
  private static void awaitBlocked(Jedis probe, int n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!probe.info("clients").contains("blocked_clients:" + n)) {
      assertTrue(System.currentTimeMillis() < deadline, probe.info("clients"));
      Thread.sleep(10);
    }
  }

  @Test
  void waitersAreServedInTheOrderTheyBlocked() throws Exception {
    try (Jedis probe = client()) {
      List<CompletableFuture<String>> waiters = new ArrayList<>();
      List<Jedis> clients = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Jedis jedis = client();
        clients.add(jedis);
        waiters.add(CompletableFuture.supplyAsync(() -> jedis.blpop(0, "fifo").get(1)));
        awaitBlocked(probe, i + 1);
      }
      assertEquals(3, probe.rpush("fifo", "first", "second", "third"));
      assertEquals("first", waiters.get(0).get(10, TimeUnit.SECONDS));
      assertEquals("second", waiters.get(1).get(10, TimeUnit.SECONDS));
      assertEquals("third", waiters.get(2).get(10, TimeUnit.SECONDS));
      assertEquals(0, probe.llen("fifo"));
      assertFalse(probe.exists("fifo"));
      clients.forEach(Jedis::close);
    }
  }

  @Test
  void aTimeoutAnswersNilAndFractionalTimeoutsWork() {
    try (Jedis jedis = client()) {
      long start = System.nanoTime();
      assertNull(jedis.blpop(0.2, "never"));
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(waited >= 190, "waited " + waited);
      assertNull(jedis.blmove("never", "other", ListDirection.LEFT, ListDirection.RIGHT, 0.1));
      JedisDataException negative = org.junit.jupiter.api.Assertions.assertThrows(JedisDataException.class,
          () -> jedis.blpop(-1, "k"));
      assertEquals("ERR timeout is negative", negative.getMessage());
    }
  }

  @Test
  void aPushOnAnotherShardWakesABlmove() throws Exception {
    ShardMap shards = new ShardMap(16);
    String src = "blmove-src";
    String dst = "blmove-dst";
    for (int i = 0; shards.shardOf(bytes(src)) == shards.shardOf(bytes(dst)); i++) {
      dst = "blmove-dst" + i;
    }
    String target = dst;
    try (Jedis waiter = client(); Jedis probe = client()) {
      CompletableFuture<String> moved = CompletableFuture.supplyAsync(
          () -> waiter.blmove(src, target, ListDirection.LEFT, ListDirection.RIGHT, 0));
      awaitBlocked(probe, 1);
      probe.lpush(src, "job");
      assertEquals("job", moved.get(10, TimeUnit.SECONDS));
      assertEquals(List.of("job"), probe.lrange(target, 0, -1));
      assertFalse(probe.exists(src));
    }
  }

  @Test
  void clientUnblockEndsTheWaitWithNilOrAnError() throws Exception {
    try (Jedis waiter = client(); Jedis probe = client()) {
      long id = waiter.clientId();
      CompletableFuture<KeyValue<String, String>> popped =
          CompletableFuture.supplyAsync(() -> waiter.brpop(0.0, "unblock-me"));
      awaitBlocked(probe, 1);
      assertEquals(1, probe.clientUnblock(id));
      assertNull(popped.get(10, TimeUnit.SECONDS));
      assertEquals(0, probe.clientUnblock(id));

      CompletableFuture<Object> failed = CompletableFuture.supplyAsync(() -> {
        try {
          return waiter.brpop(0.0, "unblock-me");
        } catch (JedisDataException e) {
          return e.getMessage();
        }
      });
      awaitBlocked(probe, 1);
      assertEquals(1, probe.clientUnblock(id, redis.clients.jedis.args.UnblockType.ERROR));
      assertEquals("UNBLOCKED client unblocked via CLIENT UNBLOCK", failed.get(10, TimeUnit.SECONDS));
      assertEquals("PONG", waiter.ping());
    }
  }

  @Test
  void aClientThatDisconnectsWhileBlockedTakesNothing() throws Exception {
    try (Jedis probe = client()) {
      Jedis leaving = client();
      CompletableFuture.runAsync(() -> {
        try {
          leaving.blpop(0, "left-behind");
        } catch (RuntimeException expected) {
          // the connection is closed under it
        }
      });
      awaitBlocked(probe, 1);
      leaving.disconnect();
      awaitBlocked(probe, 0);
      probe.rpush("left-behind", "kept");
      Thread.sleep(100);
      assertEquals(List.of("kept"), probe.lrange("left-behind", 0, -1));
      probe.del("left-behind");
    }
  }

  @Test
  void moveIntoTheWaitedDatabaseWakesTheClient() throws Exception {
    try (Jedis waiter = client(); Jedis probe = client()) {
      waiter.select(5);
      CompletableFuture<List<String>> popped = CompletableFuture.supplyAsync(() -> waiter.blpop(0, "moved"));
      awaitBlocked(probe, 1);
      probe.rpush("moved", "from-db0");
      assertEquals(1, probe.move("moved", 5));
      assertEquals(List.of("moved", "from-db0"), popped.get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aWorkQueueWithBrpopConsumersDeliversEveryJobExactlyOnce() throws Exception {
    int jobs = 300;
    ConcurrentLinkedQueue<String> done = new ConcurrentLinkedQueue<>();
    List<Thread> consumers = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      Thread consumer = new Thread(() -> {
        try (Jedis jedis = client()) {
          while (true) {
            KeyValue<String, String> job = jedis.brpop(2.0, "work-queue");
            if (job == null) {
              return;
            }
            done.add(job.getValue());
          }
        }
      });
      consumer.start();
      consumers.add(consumer);
    }
    try (Jedis producer = client()) {
      for (int i = 0; i < jobs; i++) {
        producer.lpush("work-queue", "job-" + i);
      }
    }
    for (Thread consumer : consumers) {
      consumer.join(30_000);
    }
    Set<String> distinct = new TreeSet<>(done);
    assertEquals(jobs, done.size(), "every job delivered once");
    assertEquals(jobs, distinct.size(), "no job delivered twice");
    List<String> sorted = new ArrayList<>(done);
    Collections.sort(sorted);
    assertTrue(sorted.contains("job-0") && sorted.contains("job-" + (jobs - 1)));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
