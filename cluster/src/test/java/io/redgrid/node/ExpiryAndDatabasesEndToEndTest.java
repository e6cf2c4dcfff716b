package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/** Expiry, the 16 databases and whole-keyspace commands on a started node, through Jedis. */
class ExpiryAndDatabasesEndToEndTest {
  private static NodeFixture fixture;
  private Jedis jedis;

  @BeforeAll
  static void start() {
    fixture = new NodeFixture("--hz", "50");
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @BeforeEach
  void connect() {
    jedis = new Jedis("127.0.0.1", fixture.port());
    jedis.flushAll();
  }

  @AfterEach
  void disconnect() {
    jedis.close();
  }

  @Test
  void ttlsAreReportedAndKeysExpire() throws Exception {
    jedis.set("short", "v", SetParams.setParams().px(150));
    jedis.set("long", "v", SetParams.setParams().ex(1000));
    jedis.set("forever", "v");
    long ttl = jedis.ttl("long");
    assertTrue(ttl > 990 && ttl <= 1000, "ttl " + ttl);
    assertEquals(-1, jedis.ttl("forever"));
    assertEquals(-2, jedis.ttl("missing"));
    assertEquals(1, jedis.persist("long"));
    assertEquals(-1, jedis.ttl("long"));
    Thread.sleep(200);
    // Lazy expiry: the read itself must not see the key, whether or not the sweep ran.
    assertNull(jedis.get("short"));
    assertFalse(jedis.exists("short"));
  }

  @Test
  void activeExpiryRemovesKeysNobodyReads() throws Exception {
    for (int i = 0; i < 200; i++) {
      jedis.psetex("sweep:" + i, 50, "v");
    }
    jedis.set("stays", "v");
    long deadline = System.currentTimeMillis() + 5000;
    while (jedis.dbSize() > 1 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(1, jedis.dbSize(), "the sweep removed expired keys without any read");
    assertTrue(jedis.info("stats").contains("expired_keys:"));
  }

  @Test
  void expireOptionsFollowRedis() {
    jedis.set("k", "v");
    assertEquals(1, jedis.pexpire("k", 100_000));
    long pttl = jedis.pttl("k");
    assertTrue(pttl > 99_000 && pttl <= 100_000);
    assertEquals(0, jedis.expire("missing", 10));
    assertTrue(jedis.expireTime("k") > System.currentTimeMillis() / 1000);
    assertEquals(1, jedis.expire("k", -1));
    assertFalse(jedis.exists("k"));
  }

  @Test
  void sixteenDatabasesAreIsolated() {
    for (int db = 0; db < 16; db++) {
      jedis.select(db);
      jedis.set("k", "db" + db);
      jedis.set("only-in-" + db, "x");
    }
    for (int db = 0; db < 16; db++) {
      jedis.select(db);
      assertEquals("db" + db, jedis.get("k"));
      assertEquals(2, jedis.dbSize());
    }
    jedis.select(3);
    jedis.flushDB();
    assertEquals(0, jedis.dbSize());
    jedis.select(4);
    assertEquals(2, jedis.dbSize());
    assertEquals("OK", jedis.swapDB(4, 5));
    assertEquals("db5", jedis.get("k"));
    assertEquals(1, jedis.move("k", 3));
    jedis.select(3);
    assertEquals("db5", jedis.get("k"));
    assertThrows(JedisDataException.class, () -> jedis.select(16));
  }

  @Test
  void wholeKeyspaceCommandsSeeEveryShard() {
    Set<String> written = new TreeSet<>();
    for (int i = 0; i < 300; i++) {
      jedis.set("scan:" + i, "v");
      written.add("scan:" + i);
    }
    jedis.set("other", "v");
    assertEquals(written, new TreeSet<>(jedis.keys("scan:*")));
    Set<String> scanned = new TreeSet<>();
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("scan:*").count(20));
      scanned.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    assertEquals(written, scanned);
    assertEquals(301, jedis.dbSize());
    assertTrue(jedis.randomKey() != null);
    assertEquals("OK", jedis.flushAll());
    assertEquals(0, jedis.dbSize());
    assertNull(jedis.randomKey());
  }

  @Test
  void renameAndCopyAcrossShardsKeepValueAndTtl() {
    for (int i = 0; i < 40; i++) {
      jedis.set("src" + i, "value" + i, SetParams.setParams().ex(500));
      assertEquals("OK", jedis.rename("src" + i, "dst" + i));
      assertEquals("value" + i, jedis.get("dst" + i));
      assertTrue(jedis.ttl("dst" + i) > 400);
      assertFalse(jedis.exists("src" + i));
      assertTrue(jedis.copy("dst" + i, "copy" + i, false));
      assertEquals("value" + i, jedis.get("copy" + i));
    }
  }
}
