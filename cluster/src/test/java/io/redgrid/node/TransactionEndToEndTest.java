package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.redgrid.keyspace.ShardMap;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

/** MULTI / EXEC / DISCARD / WATCH through a started node, with Jedis, Lettuce and raw RESP. */
class TransactionEndToEndTest {
  private static NodeFixture fixture;
  private static Jedis jedis;
  /** Two keys on different shards (16 shards by default). */
  private static String a;
  private static String b;

  @BeforeAll
  static void start() {
    fixture = new NodeFixture("--save", "");
    jedis = new Jedis("127.0.0.1", fixture.port());
    ShardMap map = new ShardMap(16);
    a = "account:a";
    for (int i = 0; ; i++) {
      String candidate = "account:b" + i;
      if (map.shardOf(candidate.getBytes()) != map.shardOf(a.getBytes())) {
        b = candidate;
        break;
      }
    }
  }

  @AfterAll
  static void stop() {
    jedis.close();
    fixture.close();
  }

  @BeforeEach
  void flush() {
    jedis.flushAll();
  }

  /** Sends {@code request} on a fresh connection; the replies must be exactly {@code expected}. */
  private static void assertRaw(String expected, String request) throws Exception {
    assertEquals(expected, fixture.raw(request, expected.length()));
  }

  @Test
  void queuesAndRunsInOrder() {
    Transaction transaction = jedis.multi();
    transaction.set(a, "10");
    transaction.incrBy(a, 5);
    transaction.set(b, "x");
    transaction.get(a);
    List<Object> results = transaction.exec();
    assertEquals(List.of("OK", 15L, "OK", "15"), results);
    assertEquals("15", jedis.get(a));
  }

  @Test
  void errorsAsRedis() throws Exception {
    assertRaw("+OK\r\n-ERR MULTI calls can not be nested\r\n-ERR WATCH inside MULTI is not allowed\r\n"
        + "+QUEUED\r\n*1\r\n+OK\r\n", "MULTI\r\nMULTI\r\nWATCH x\r\nSET a 1\r\nEXEC\r\n");
    assertRaw("-ERR EXEC without MULTI\r\n-ERR DISCARD without MULTI\r\n", "EXEC\r\nDISCARD\r\n");
    assertRaw("+OK\r\n-ERR Command not allowed inside a transaction\r\n"
        + "-EXECABORT Transaction discarded because of previous errors.\r\n", "MULTI\r\nSAVE\r\nEXEC\r\n");
    assertRaw("+OK\r\n-ERR unknown command 'FOO', with args beginning with: \r\n"
        + "-ERR wrong number of arguments for 'get' command\r\n+QUEUED\r\n"
        + "-EXECABORT Transaction discarded because of previous errors.\r\n$-1\r\n", "MULTI\r\nFOO\r\nGET\r\nSET never 1\r\nEXEC\r\nGET never\r\n");
    assertRaw("+OK\r\n+QUEUED\r\n+OK\r\n-ERR EXEC without MULTI\r\n$-1\r\n", "MULTI\r\nSET dropped 1\r\nDISCARD\r\nEXEC\r\nGET dropped\r\n");
  }

  @Test
  void runtimeErrorFailsOnlyItsCommand() throws Exception {
    assertRaw("+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n"
        + "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n:1\r\n", "MULTI\r\nSET s v\r\nLPUSH s x\r\nRPUSH l y\r\nEXEC\r\n");
    assertEquals("v", jedis.get("s"));
    assertEquals(List.of("y"), jedis.lrange("l", 0, -1));
  }

  @Test
  void blockingCommandsDoNotBlockInsideMulti() throws Exception {
    assertRaw("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n*-1\r\n:1\r\n", "MULTI\r\nBLPOP empty 0\r\nLPUSH other 1\r\nEXEC\r\n");
  }

  @Test
  void pushInsideExecServesBlockedClient() throws Exception {
    try (Jedis blocked = new Jedis("127.0.0.1", fixture.port())) {
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<List<String>> popped = pool.submit(() -> blocked.blpop(5, "queue"));
      Thread.sleep(200);
      Transaction transaction = jedis.multi();
      transaction.rpush("queue", "job");
      transaction.exec();
      assertEquals(List.of("queue", "job"), popped.get(5, TimeUnit.SECONDS));
      pool.shutdown();
    }
  }

  @Test
  void selectInsideMultiChangesDbOfFollowingCommands() throws Exception {
    assertRaw("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n+OK\r\n", "MULTI\r\nSELECT 3\r\nSET indb3 v\r\nEXEC\r\n");
    assertNull(jedis.get("indb3"));
    jedis.select(3);
    assertEquals("v", jedis.get("indb3"));
    jedis.select(0);
  }

  @Test
  void watchAbortedByAnotherClientsWrite() {
    jedis.set(a, "1");
    jedis.watch(a, b);
    try (Jedis other = new Jedis("127.0.0.1", fixture.port())) {
      other.set(b, "touched");
    }
    Transaction transaction = jedis.multi();
    transaction.set(a, "2");
    assertNull(transaction.exec());
    assertEquals("1", jedis.get(a));
    // EXEC unwatched: the next transaction runs.
    transaction = jedis.multi();
    transaction.set(a, "3");
    assertEquals(List.of("OK"), transaction.exec());
  }

  @Test
  void watchNotAbortedWithoutWriteOrAfterUnwatchOrDiscard() {
    jedis.set(a, "1");
    jedis.watch(a);
    try (Jedis other = new Jedis("127.0.0.1", fixture.port())) {
      other.get(a);
      other.set("unrelated", "x");
      other.set(a, "same-db-other-client");
      jedis.unwatch();
      Transaction transaction = jedis.multi();
      transaction.incr("counter");
      assertEquals(List.of(1L), transaction.exec());
      jedis.watch(a);
      transaction = jedis.multi();
      transaction.discard();
      other.set(a, "after discard");
      transaction = jedis.multi();
      transaction.incr("counter");
      assertEquals(List.of(2L), transaction.exec());
    }
  }

  @Test
  void nullReplyInResp2AndResp3() throws Exception {
    try (NodeFixture.Raw client = new NodeFixture.Raw("127.0.0.1", fixture.port());
        Jedis other = new Jedis("127.0.0.1", fixture.port())) {
      assertEquals("+OK", client.send("WATCH w\r\n").line());
      other.set("w", "1");
      assertEquals("+OK\r\n+QUEUED\r\n*-1\r\n", client.send("MULTI\r\nPING\r\nEXEC\r\n").read(19));
      client.send("HELLO 3\r\nWATCH w\r\n");
      while (!client.line().equals("+OK")) {
        // HELLO's map, then WATCH's +OK
      }
      other.set("w", "2");
      assertEquals("+OK\r\n+QUEUED\r\n_\r\n", client.send("MULTI\r\nPING\r\nEXEC\r\n").read(17));
    }
  }

  @Test
  void watchAbortedByExpiryButNotByExpiryOfAnAlreadyExpiredKey() throws Exception {
    jedis.psetex("soon", 100, "v");
    jedis.watch("soon");
    Thread.sleep(250);
    Transaction transaction = jedis.multi();
    transaction.set("marker", "1");
    assertNull(transaction.exec(), "expired since WATCH");

    jedis.psetex("gone", 50, "v");
    Thread.sleep(150);
    jedis.watch("gone"); // already expired (or already deleted by active expiry)
    try (Jedis other = new Jedis("127.0.0.1", fixture.port())) {
      assertNull(other.get("gone")); // lazy expiry deletes it
    }
    transaction = jedis.multi();
    transaction.set("marker", "1");
    assertEquals(List.of("OK"), transaction.exec());
  }

  @Test
  void watchAbortedByFlushallOnlyWhenTheKeyExisted() {
    jedis.set(a, "1");
    jedis.watch(a);
    try (Jedis other = new Jedis("127.0.0.1", fixture.port())) {
      other.flushAll();
      Transaction transaction = jedis.multi();
      transaction.set("marker", "1");
      assertNull(transaction.exec());

      jedis.watch("missing");
      other.flushAll();
      transaction = jedis.multi();
      transaction.set("marker", "1");
      assertEquals(List.of("OK"), transaction.exec());

      jedis.set(a, "1");
      jedis.watch(a);
      other.swapDB(0, 1);
      transaction = jedis.multi();
      transaction.set("marker", "1");
      assertNull(transaction.exec(), "SWAPDB moved the watched key away");
      other.swapDB(0, 1);
    }
  }

  @Test
  void lettuceMultiExec() {
    RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", fixture.port()));
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> sync = connection.sync();
      assertEquals("OK", sync.multi());
      sync.set(a, "5");
      sync.incrby(b, 7);
      sync.mget(a, b);
      TransactionResult result = sync.exec();
      assertTrue(!result.wasDiscarded());
      assertEquals(3, result.size());
      assertEquals(7L, (Long) result.get(1));

      sync.watch(a);
      jedis.set(a, "changed");
      sync.multi();
      sync.set(a, "mine");
      assertTrue(sync.exec().wasDiscarded());
      assertEquals("changed", jedis.get(a));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void transfersAcrossShardsKeepTheTotal() throws Exception {
    ShardMap map = new ShardMap(16);
    assertNotEquals(map.shardOf(a.getBytes()), map.shardOf(b.getBytes()));
    jedis.set(a, "1000");
    jedis.set(b, "1000");
    int writers = 20;
    int transfers = 40;
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger wrongTotals = new AtomicInteger();
    AtomicInteger reads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      boolean watching = w % 2 == 0;
      futures.add(pool.submit(() -> {
        try (Jedis client = new Jedis("127.0.0.1", fixture.port())) {
          for (int i = 0; i < transfers; i++) {
            if (watching) {
              while (true) {
                client.watch(a, b);
                long from = Long.parseLong(client.get(a));
                Transaction transaction = client.multi();
                transaction.set(a, Long.toString(from - 3));
                transaction.incrBy(b, 3);
                if (transaction.exec() != null) {
                  break;
                }
              }
            } else {
              Transaction transaction = client.multi();
              transaction.decrBy(b, 2);
              transaction.incrBy(a, 2);
              assertEquals(2, transaction.exec().size());
            }
          }
        }
        return null;
      }));
    }
    for (int r = 0; r < 2; r++) {
      boolean useMulti = r == 0;
      futures.add(pool.submit(() -> {
        try (Jedis client = new Jedis("127.0.0.1", fixture.port())) {
          while (!done.get()) {
            List<String> values;
            if (useMulti) {
              Transaction transaction = client.multi();
              transaction.get(a);
              transaction.get(b);
              values = new ArrayList<>();
              for (Object value : transaction.exec()) {
                values.add((String) value);
              }
            } else {
              values = client.mget(a, b);
            }
            if (Long.parseLong(values.get(0)) + Long.parseLong(values.get(1)) != 2000) {
              wrongTotals.incrementAndGet();
            }
            reads.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (int i = 0; i < writers; i++) {
      futures.get(i).get(60, TimeUnit.SECONDS);
    }
    done.set(true);
    for (Future<?> future : futures) {
      future.get(10, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertEquals(0, wrongTotals.get());
    assertTrue(reads.get() > 0);
    long expectedA = 1000 - 3L * transfers * (writers / 2) + 2L * transfers * (writers / 2);
    assertEquals(Long.toString(expectedA), jedis.get(a));
    assertEquals(2000, Long.parseLong(jedis.get(a)) + Long.parseLong(jedis.get(b)));
  }

  @Test
  void transactionWritesSurviveRestart() throws Exception {
    Path dir = Files.createTempDirectory("redgrid-multi");
    NodeFixture node = new NodeFixture("--dir", dir.toString(), "--appendonly", "yes", "--save", "");
    try (Jedis client = new Jedis("127.0.0.1", node.port())) {
      Transaction transaction = client.multi();
      transaction.set(a, "100");
      transaction.incrBy(b, 42);
      transaction.rpush("list", "x", "y");
      assertNotNull(transaction.exec());
    }
    node.node.close(false);
    node = new NodeFixture("--dir", dir.toString(), "--appendonly", "yes", "--save", "");
    try (Jedis client = new Jedis("127.0.0.1", node.port())) {
      assertEquals("100", client.get(a));
      assertEquals("42", client.get(b));
      assertEquals(List.of("x", "y"), client.lrange("list", 0, -1));
    } finally {
      node.close();
    }
  }

  @Test
  void aclRefusalWhileQueueingAbortsExec() throws Exception {
    jedis.aclSetUser("limited", "on", "nopass", "+multi", "+exec", "+get", "+auth", "~*");
    try (NodeFixture.Raw client = new NodeFixture.Raw("127.0.0.1", fixture.port())) {
      assertEquals("+OK", client.send("AUTH limited x\r\n").line());
      assertEquals("+OK", client.send("MULTI\r\n").line());
      assertEquals("+QUEUED", client.send("GET k\r\n").line());
      assertEquals("-NOPERM this user has no permissions to run the 'set' command",
          client.send("SET k v\r\n").line());
      assertEquals("-EXECABORT Transaction discarded because of previous errors.",
          client.send("EXEC\r\n").line());
    } finally {
      jedis.aclDelUser("limited");
    }
  }

  @Test
  void statsCountExecAndItsCommands() throws Exception {
    jedis.configResetStat();
    assertRaw("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n"
        + "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
        + "+OK\r\n-ERR unknown command 'FOO', with args beginning with: \r\n"
        + "-EXECABORT Transaction discarded because of previous errors.\r\n",
        "MULTI\r\nSET m 1\r\nLPUSH m 1\r\nEXEC\r\nMULTI\r\nFOO\r\nEXEC\r\n");
    String commandstats = jedis.info("commandstats");
    assertTrue(commandstats.contains("cmdstat_multi:calls=2,"), commandstats);
    assertTrue(commandstats.contains("cmdstat_set:calls=1,"), commandstats);
    assertTrue(commandstats.matches("(?s).*cmdstat_lpush:calls=1,.*failed_calls=1.*"), commandstats);
    assertTrue(commandstats.matches("(?s).*cmdstat_exec:calls=2,[^\\r\\n]*failed_calls=1.*"), commandstats);
    String errorstats = jedis.info("errorstats");
    assertTrue(errorstats.contains("errorstat_EXECABORT:count=1"), errorstats);
    assertTrue(errorstats.contains("errorstat_WRONGTYPE:count=1"), errorstats);
    assertTrue(errorstats.contains("errorstat_ERR:count=1"), errorstats);
    assertTrue(jedis.info("stats").contains("total_error_replies:3"));
  }

  @Test
  void monitorShowsMultiCommandsThenExec() throws Exception {
    try (NodeFixture.Raw monitor = new NodeFixture.Raw("127.0.0.1", fixture.port())) {
      assertEquals("+OK", monitor.send("MONITOR\r\n").line());
      assertRaw("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n$1\r\n1\r\n",
          "MULTI\r\nSET m 1\r\nGET m\r\nEXEC\r\n");
      assertTrue(monitor.line().endsWith("\"MULTI\""));
      assertTrue(monitor.line().endsWith("\"SET\" \"m\" \"1\""));
      assertTrue(monitor.line().endsWith("\"GET\" \"m\""));
      assertTrue(monitor.line().endsWith("\"EXEC\""));
    }
  }

  @Test
  void clientPauseWriteHoldsAWritingExec() throws Exception {
    try (NodeFixture.Raw client = new NodeFixture.Raw("127.0.0.1", fixture.port())) {
      assertEquals("+OK\r\n+QUEUED\r\n", client.send("MULTI\r\nSET paused 1\r\n").read(14));
      jedis.clientPause(600, redis.clients.jedis.args.ClientPauseMode.WRITE);
      long start = System.nanoTime();
      assertEquals("*1\r\n+OK\r\n", client.send("EXEC\r\n").read(9));
      assertTrue(System.nanoTime() - start > 300_000_000L, "EXEC waited for the pause");
      assertEquals("+OK\r\n+QUEUED\r\n", client.send("MULTI\r\nGET paused\r\n").read(14));
      jedis.clientPause(600, redis.clients.jedis.args.ClientPauseMode.WRITE);
      start = System.nanoTime();
      assertEquals("*1\r\n$1\r\n1\r\n", client.send("EXEC\r\n").read(11));
      assertTrue(System.nanoTime() - start < 300_000_000L, "a read-only EXEC runs during the pause");
      jedis.clientUnpause();
    }
  }

  @Test
  void queueingOverMaxmemoryIsRefused() throws Exception {
    jedis.set("some", "data");
    jedis.configSet("maxmemory", "1");
    try {
      assertRaw("+OK\r\n-OOM command not allowed when used memory > 'maxmemory'.\r\n"
          + "-OOM command not allowed when used memory > 'maxmemory'.\r\n"
          + "-EXECABORT Transaction discarded because of previous errors.\r\n",
          "MULTI\r\nGET k\r\nPING\r\nEXEC\r\n");
    } finally {
      jedis.configSet("maxmemory", "0");
    }
  }

  @Test
  void execWithAWriteIsDiscardedWhenEvictionCannotMakeRoom() throws Exception {
    for (int i = 0; i < 50; i++) {
      jedis.set("persistent:" + i, "data"); // no TTL: volatile-lru has nothing to evict
    }
    jedis.configSet("maxmemory-policy", "volatile-lru");
    try (Jedis client = new Jedis("127.0.0.1", fixture.port())) {
      Transaction multi = client.multi();
      multi.set("a", "b");
      multi.get("a");
      jedis.configSet("maxmemory", "1"); // over the limit only after queueing
      JedisDataException refused = assertThrows(JedisDataException.class, multi::exec);
      assertEquals("EXECABORT Transaction discarded because of: OOM command not allowed when used "
          + "memory > 'maxmemory'.", refused.getMessage());
      jedis.configSet("maxmemory", "0");
      assertNull(client.get("a")); // nothing ran, and the client is out of MULTI
      assertEquals("data", client.get("persistent:7"));
      // A read-only queue still runs over the limit (only DENYOOM commands abort EXEC).
      jedis.configSet("maxmemory", "1");
      Transaction reads = client.multi();
      reads.get("persistent:7");
      assertEquals(List.of("data"), reads.exec());
    } finally {
      jedis.configSet("maxmemory", "0");
      jedis.configSet("maxmemory-policy", "noeviction");
    }
  }

  @Test
  void pipelinedWatchAfterWritesOnItsShard() throws Exception {
    assertRaw("+OK\r\n$1\r\n1\r\n+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n:2\r\n",
        "SET w 1\r\nGET w\r\nWATCH w\r\nMULTI\r\nINCR w\r\nEXEC\r\n");
    assertRaw("+OK\r\n+OK\r\n+OK\r\n+QUEUED\r\n*-1\r\n",
        "WATCH w\r\nSET w 5\r\nMULTI\r\nINCR w\r\nEXEC\r\n");
    assertEquals("5", jedis.get("w"));
  }

  @Test
  void emptyTransactionAndWholeKeyspaceCommands() throws Exception {
    assertRaw("+OK\r\n*0\r\n", "MULTI\r\nEXEC\r\n");
    assertRaw("+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n"
        + "*5\r\n+OK\r\n+OK\r\n:2\r\n+OK\r\n:0\r\n",
        "MULTI\r\nSET " + a + " 1\r\nSET " + b + " 2\r\nDBSIZE\r\nFLUSHDB\r\nDBSIZE\r\nEXEC\r\n");
    assertRaw("+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+PONG\r\n$2\r\nhi\r\n+OK\r\n",
        "MULTI\r\nPING\r\nECHO hi\r\nCLIENT SETNAME tx\r\nEXEC\r\n");
  }
}
