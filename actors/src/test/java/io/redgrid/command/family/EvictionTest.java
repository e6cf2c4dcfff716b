package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** maxmemory: OOM under noeviction, each policy's choice of victims, and how evictions are persisted and announced. */
class EvictionTest {
  private static final String OOM = "(error) OOM command not allowed when used memory > 'maxmemory'.";
  private final CommandHarness h = new CommandHarness();

  private void limitTo(long bytes, String policy) {
    // No eviction time limit: a cold JIT could otherwise stop a cycle early (as Redis' tenacity does).
    assertEquals("OK", h.cli("CONFIG", "SET", "maxmemory-eviction-tenacity", "100"));
    assertEquals("OK", h.cli("CONFIG", "SET", "maxmemory", Long.toString(bytes), "maxmemory-policy", policy));
  }

  /** Lifts the limit without a command: in the harness every command holds the shards and may evict. */
  private void noLimit() {
    try {
      h.config.set(java.util.Map.of("maxmemory", "0"));
    } catch (io.redgrid.config.ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  private int count(String prefix, int n) {
    int present = 0;
    for (int i = 0; i < n; i++) {
      if (h.cli("EXISTS", prefix + i).equals("(integer) 1")) {
        present++;
      }
    }
    return present;
  }

  @Test
  void noevictionRefusesDenyoomCommandsButNotDeletes() {
    h.cli("SET", "k", "v");
    limitTo(h.stats.memory.used() - 1, "noeviction");
    assertEquals(OOM, h.cli("SET", "other", "v"));
    assertEquals(OOM, h.cli("RPUSH", "l", "a"));
    assertEquals(OOM, h.cli("APPEND", "k", "more"));
    assertEquals("\"v\"", h.cli("GET", "k"));
    assertEquals("(nil)", h.cli("GET", "other"));
    assertEquals("(integer) 1", h.cli("EXISTS", "k"));
    assertEquals(List.of("SET k v"), h.effects()); // the refused commands changed and persisted nothing
    assertEquals("(integer) 1", h.cli("DEL", "k")); // DEL is not DENYOOM
    assertEquals("(integer) 0", h.stats.evictedKeys.sum() == 0 ? "(integer) 0" : "evicted");
    assertEquals("OK", h.cli("CONFIG", "SET", "maxmemory", "0"));
    assertEquals("OK", h.cli("SET", "other", "v"));
  }

  @Test
  void allkeysLruEvictsTheLeastRecentlyUsed() {
    String value = "x".repeat(200);
    for (int i = 0; i < 200; i++) {
      h.cli("SET", "old" + i, value);
      h.clock.advance(10);
    }
    h.clock.advance(100_000);
    for (int i = 0; i < 20; i++) {
      h.cli("SET", "hot" + i, value);
    }
    long used = h.stats.memory.used();
    limitTo(used - 100 * 300, "allkeys-lru");
    h.clock.advance(1000);
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 20; i++) {
        h.cli("GET", "hot" + i);
      }
      h.cli("SET", "new" + round, value);
      h.clock.advance(10);
    }
    // evictions run before a write, so the last write may add its own key over the limit
    assertTrue(h.stats.memory.used() <= h.stats.memory.maxmemory() + 400);
    assertEquals(20, count("hot", 20), "recently used keys survive");
    assertEquals(20, count("new", 20));
    int old = count("old", 200);
    assertTrue(old < 200 - 100 && old > 40, old + " old keys left");
    long evicted = h.stats.evictedKeys.sum();
    assertEquals(200 - old, evicted);
    assertTrue(h.cli("INFO", "stats").contains("evicted_keys:" + evicted + "\r\n"));
    assertTrue(h.effects().stream().filter(e -> e.startsWith("DEL old")).count() == evicted);
    h.assertReplays();
  }

  @Test
  void evictionsAreAnnouncedAndInvalidated() {
    List<String> events = h.psubscribe("__key*__:*");
    h.cli("CONFIG", "SET", "notify-keyspace-events", "Ee");
    h.cli("SET", "victim", "v");
    limitTo(h.stats.memory.used() - 1, "allkeys-random");
    h.cli("SET", "x", "y"); // evicts victim (the only key) before it runs
    noLimit(); // else the next command, a read too, evicts again
    assertEquals(List.of("__keyevent@0__:evicted victim"), events);
    assertEquals("(integer) 0", h.cli("EXISTS", "victim"));
    assertEquals(1, h.stats.evictedKeys.sum());
  }

  @Test
  void evictedKeysAreInvalidatedForTrackingClients() {
    List<Reply> pushes = new ArrayList<>();
    h.session.protocol(3);
    h.session.onPush(pushes::add);
    assertEquals("OK", h.cli("CLIENT", "TRACKING", "ON"));
    h.cli("SET", "cached", "v");
    assertEquals("\"v\"", h.cli("GET", "cached"));
    limitTo(h.stats.memory.used() - 1, "allkeys-random");
    h.cli("SET", "x", "y");
    assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\ncached\r\n", pushes.stream()
        .map(p -> new String(io.redgrid.protocol.RespWriter.encode(p, 3), StandardCharsets.UTF_8))
        .collect(java.util.stream.Collectors.joining()));
  }

  @Test
  void volatilePoliciesOnlyEvictKeysWithATtlAndOtherwiseRefuse() {
    h.cli("SET", "persistent", "v");
    limitTo(h.stats.memory.used() - 1, "volatile-lru");
    assertEquals(OOM, h.cli("SET", "k", "v"));
    assertEquals("(integer) 1", h.cli("EXISTS", "persistent"));
    h.cli("CONFIG", "SET", "maxmemory", "0");
    h.cli("SET", "t1", "v", "EX", "100");
    h.cli("SET", "t2", "v", "EX", "5");
    h.cli("SET", "t3", "v", "EX", "50");
    long used = h.stats.memory.used();
    limitTo(used - 1, "volatile-ttl");
    assertEquals("OK", h.cli("SET", "k", "v"));
    assertEquals("(integer) 0", h.cli("EXISTS", "t2"), "the soonest-expiring key goes first " + h.effects());
    assertEquals("(integer) 3", h.cli("EXISTS", "t1", "t3", "persistent"));
    limitTo(h.stats.memory.used() - 1, "volatile-ttl");
    assertEquals("OK", h.cli("SET", "k2", "v"));
    assertEquals("(integer) 0", h.cli("EXISTS", "t3"));
    assertEquals("(integer) 2", h.cli("EXISTS", "t1", "persistent"));
    h.assertReplays();
  }

  @Test
  void volatileTtlPrefersSoonestAmongMany() {
    for (int i = 0; i < 100; i++) {
      h.cli("SET", "t" + i, "v", "EX", Integer.toString(1000 + i));
    }
    limitTo(h.stats.memory.used() - 20 * 90, "volatile-ttl");
    h.cli("SET", "k", "v");
    int survivorsAmongSoonest = count("t", 10);
    int survivors = count("t", 100);
    assertTrue(survivors < 100);
    // the pool approximates: most of what went is among the soonest to expire
    assertTrue(survivorsAmongSoonest < 5, survivorsAmongSoonest + " of the 10 soonest left");
  }

  @Test
  void allkeysLfuKeepsTheHotKeys() {
    h.cli("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
    String value = "x".repeat(100);
    for (int i = 0; i < 100; i++) {
      h.cli("SET", "cold" + i, value);
    }
    for (int i = 0; i < 10; i++) {
      h.cli("SET", "hot" + i, value);
      for (int hit = 0; hit < 200; hit++) {
        h.cli("GET", "hot" + i);
      }
    }
    limitTo(h.stats.memory.used() - 50 * 200, "allkeys-lfu");
    h.cli("SET", "trigger", value);
    assertEquals(10, count("hot", 10));
    int cold = count("cold", 100);
    assertTrue(cold < 60, cold + " cold keys left");
  }

  @Test
  void randomPoliciesEvictSomething() {
    h.cli("SET", "a", "v", "EX", "100");
    h.cli("SET", "b", "v");
    limitTo(h.stats.memory.used() - 1, "volatile-random");
    assertEquals("OK", h.cli("SET", "c", "v"));
    assertEquals("(integer) 0", h.cli("EXISTS", "a"));
    assertEquals("(integer) 1", h.cli("EXISTS", "b"));
    limitTo(h.stats.memory.used() - 1, "allkeys-random");
    assertEquals("OK", h.cli("SET", "d", "v"));
    noLimit(); // else EXISTS, a read too, evicts again
    assertEquals("(integer) 2", h.cli("EXISTS", "b", "c", "d"));
  }

  @Test
  void readsEvictTooAndReplayNeverEvicts() {
    h.cli("SET", "k", "v");
    limitTo(h.stats.memory.used() - 1, "allkeys-lru");
    // As Redis' processCommand: evictions run before any command, a read included.
    assertEquals("(nil)", h.cli("GET", "k"));
    assertEquals(1, h.stats.evictedKeys.sum());
    assertEquals("OK", h.cli("SET", "k2", "v"));
    h.assertReplays(); // replay runs with the same limit but never evicts
  }
}
