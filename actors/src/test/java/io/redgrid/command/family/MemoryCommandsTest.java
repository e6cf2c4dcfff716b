package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.keyspace.Database;
import io.redgrid.keyspace.Footprint;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.Keyspace;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Memory accounting kept by every write, MEMORY USAGE/STATS/DOCTOR/HELP and the memory directives. */
class MemoryCommandsTest {
  private final CommandHarness h = new CommandHarness();

  /** Every entry's recorded footprint is what its value measures now, and the totals add up. */
  private void assertAccounted() {
    for (Keyspace keyspace : h.keyspaces()) {
      for (int db = 0; db < keyspace.databaseCount(); db++) {
        Database database = keyspace.database(db);
        AtomicLong sum = new AtomicLong();
        database.forEach(entry -> {
          assertEquals(Footprint.entry(entry.key(), entry.value()), entry.footprint(),
              () -> "stale footprint of " + new String(entry.key(), StandardCharsets.UTF_8));
          sum.addAndGet(entry.footprint());
        });
        assertEquals(sum.get(), database.entryBytes());
      }
    }
  }

  private long usage(String key) {
    return Long.parseLong(h.cli("MEMORY", "USAGE", key).replace("(integer) ", ""));
  }

  @Test
  void everyWriteKeepsTheAccountingExact() {
    String[][] commands = {
        {"SET", "s", "hello"}, {"APPEND", "s", " world"}, {"SETRANGE", "s", "20", "x"}, {"INCR", "n"},
        {"INCRBYFLOAT", "n", "1.5"}, {"MSET", "a", "1", "b", "2"},
        {"HSET", "h", "f1", "v1", "f2", "v2"}, {"HSET", "h", "f1", "a-much-longer-value-than-before"},
        {"HINCRBY", "h", "n", "5"}, {"HDEL", "h", "f2"}, {"HSETNX", "h", "f3", "x"},
        {"LPUSH", "l", "a", "b", "c", "d"}, {"RPUSH", "l", "e"}, {"LSET", "l", "0", "longer-element"},
        {"LINSERT", "l", "BEFORE", "c", "zz"}, {"LREM", "l", "1", "a"}, {"LTRIM", "l", "1", "-1"},
        {"LPOP", "l"}, {"RPOPLPUSH", "l", "l2"}, {"LMOVE", "l", "l2", "LEFT", "RIGHT"},
        {"SADD", "set", "1", "2", "3"}, {"SADD", "set", "text"}, {"SREM", "set", "1"}, {"SPOP", "set"},
        {"SMOVE", "set", "set2", "2"}, {"SUNIONSTORE", "set3", "set", "set2"}, {"SINTERSTORE", "set4", "set", "set3"},
        {"ZADD", "z", "1", "a", "2", "b", "3", "c"}, {"ZINCRBY", "z", "5", "a"}, {"ZREM", "z", "b"},
        {"ZPOPMIN", "z"}, {"ZUNIONSTORE", "z2", "1", "z"}, {"ZRANGESTORE", "z3", "z2", "0", "-1"},
        {"SORT", "l2", "ALPHA", "STORE", "sorted"}, {"RENAME", "h", "h2"}, {"COPY", "z2", "z4"},
        {"MOVE", "z4", "3"}, {"EXPIRE", "s", "10"}, {"PERSIST", "s"}, {"GETDEL", "a"}, {"GETSET", "b", "22"},
        {"DEL", "set3"}, {"HDEL", "h2", "f1", "n", "f3"}, {"SWAPDB", "0", "3"}, {"SWAPDB", "0", "3"},
        {"RPUSH", "q", "1", "2", "3", "4", "5"}, {"LPUSHX", "q", "0"}, {"RPUSHX", "q", "6"}, {"BLPOP", "q", "0"},
        {"BLMOVE", "q", "q2", "RIGHT", "LEFT", "0"}, {"LMPOP", "2", "nothing", "q", "LEFT", "COUNT", "2"},
        {"BRPOPLPUSH", "q", "q2", "0"}, {"HINCRBYFLOAT", "hf", "f", "1.25"}, {"HMSET", "hf", "a", "1", "b", "2"},
        {"SADD", "s1", "a", "b", "c"}, {"SADD", "s2", "b", "c", "d"}, {"SDIFFSTORE", "s3", "s1", "s2"},
        {"SINTERSTORE", "s1", "s1", "s2"}, {"SMOVE", "s2", "s1", "d"}, {"SPOP", "s2", "5"},
        {"ZADD", "zz", "1", "a", "2", "b", "3", "c", "4", "d"}, {"ZADD", "zz", "INCR", "10", "a"},
        {"ZREMRANGEBYSCORE", "zz", "2", "3"}, {"ZPOPMAX", "zz"}, {"ZMPOP", "1", "zz", "MIN"},
        {"ZADD", "zy", "1", "x"}, {"ZINTERSTORE", "zi", "2", "zy", "z2"}, {"ZDIFFSTORE", "zd", "1", "zy"},
        {"BZPOPMIN", "zy", "0"}, {"SETEX", "se", "100", "v"}, {"PSETEX", "pe", "100000", "v"},
        {"GETEX", "se", "PERSIST"}, {"SET", "s", "overwritten-by-a-longer-value"}, {"SETNX", "s", "x"},
        {"MSETNX", "m1", "1", "m2", "2"}, {"DECRBY", "m1", "100"}, {"RENAME", "m2", "m3"},
        {"RENAMENX", "m3", "m4"}, {"COPY", "hf", "hf-copy", "DB", "5"}, {"UNLINK", "hf"},
    };
    for (String[] command : commands) {
      String reply = h.cli(command);
      assertTrue(!reply.startsWith("(error)"), String.join(" ", command) + " -> " + reply);
      assertAccounted();
    }
    h.cli("SET", "ttl", "v", "PX", "10");
    h.clock.advance(20);
    assertEquals("(nil)", h.cli("GET", "ttl")); // lazy expiry removes it from the accounting
    assertAccounted();
    long before = h.stats.memory.dataset();
    h.cli("FLUSHALL");
    assertAccounted();
    assertTrue(h.stats.memory.dataset() < before);
    h.assertReplays();
  }

  @Test
  void usedMemoryFollowsTheData() {
    long empty = h.stats.memory.used();
    h.cli("SET", "big", "x".repeat(10_000));
    long withBig = h.stats.memory.used();
    assertTrue(withBig - empty >= 10_000 && withBig - empty < 10_300, withBig - empty + " bytes");
    h.cli("DEL", "big");
    assertEquals(empty, h.stats.memory.used());
    assertTrue(h.stats.memory.peak() >= withBig);
    assertEquals("OK", h.cli("CONFIG", "RESETSTAT"));
    assertEquals(empty, h.stats.memory.peak());
  }

  @Test
  void memoryUsageReportsTheAccountedBytes() {
    h.cli("SET", "k", "value");
    assertEquals(Footprint.entry("k".getBytes(StandardCharsets.UTF_8), "value".getBytes(StandardCharsets.UTF_8)),
        usage("k"));
    h.cli("RPUSH", "l", "a", "b");
    long small = usage("l");
    h.cli("RPUSH", "l", "x".repeat(1000));
    assertTrue(usage("l") - small >= 1000);
    assertEquals("(nil)", h.cli("MEMORY", "USAGE", "missing"));
    assertEquals(usage("k"), usage("k")); // looking does not change it
    assertEquals(h.cli("MEMORY", "USAGE", "k"), h.cli("MEMORY", "USAGE", "k", "SAMPLES", "0"));
    assertEquals(h.cli("MEMORY", "USAGE", "k"), h.cli("memory", "usage", "k", "samples", "100"));
    assertEquals("(error) ERR syntax error", h.cli("MEMORY", "USAGE", "k", "SAMPLES", "-1"));
    assertEquals("(error) ERR value is not an integer or out of range", h.cli("MEMORY", "USAGE", "k", "SAMPLES", "x"));
    assertEquals("(error) ERR syntax error", h.cli("MEMORY", "USAGE", "k", "FOO", "1"));
    assertEquals("(error) ERR syntax error", h.cli("MEMORY", "USAGE", "k", "SAMPLES"));
    assertEquals("(error) ERR wrong number of arguments for 'memory|usage' command", h.cli("MEMORY", "USAGE"));
    assertEquals("(error) ERR unknown subcommand 'FOO'. Try MEMORY HELP.", h.cli("MEMORY", "FOO"));
  }

  @Test
  void memoryStatsDoctorHelpPurgeMallocStats() {
    h.cli("SET", "k", "v");
    h.select(2);
    h.cli("SET", "k2", "v");
    String stats = h.cli("MEMORY", "STATS");
    for (String field : new String[] {"peak.allocated", "total.allocated", "startup.allocated", "replication.backlog",
        "clients.slaves", "clients.normal", "cluster.links", "aof.buffer", "lua.caches", "functions.caches", "db.0",
        "db.2", "overhead.hashtable.main", "overhead.hashtable.expires", "overhead.hashtable.slot-to-keys",
        "overhead.total", "keys.count", "keys.bytes-per-key", "dataset.bytes", "dataset.percentage",
        "peak.percentage", "allocator.allocated", "allocator.active", "allocator.resident",
        "allocator-fragmentation.ratio", "allocator-fragmentation.bytes", "allocator-rss.ratio",
        "allocator-rss.bytes", "rss-overhead.ratio", "rss-overhead.bytes", "fragmentation", "fragmentation.bytes"}) {
      assertTrue(stats.contains('"' + field + '"'), field + " in\n" + stats);
    }
    assertTrue(!stats.contains("\"db.1\""));
    assertTrue(stats.matches("(?s).*\"keys.count\"\\n\\d+\\) \\(integer\\) 2\\n.*"), stats);
    assertTrue(stats.contains("\"total.allocated\"\n4) (integer) " + h.stats.memory.used()), stats);
    assertTrue(h.cli("MEMORY", "DOCTOR").startsWith("\"Hi Sam, this instance is empty or is using very little memory"));
    assertEquals("OK", h.cli("MEMORY", "PURGE"));
    assertTrue(h.cli("MEMORY", "MALLOC-STATS").contains("heap.used"));
    String help = h.cli("MEMORY", "HELP");
    assertTrue(help.startsWith("1) MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"), help);
    assertTrue(help.contains("USAGE <key> [SAMPLES <count>]"), help);
    assertEquals("(error) ERR wrong number of arguments for 'memory|stats' command", h.cli("MEMORY", "STATS", "x"));
  }

  @Test
  void directivesAsRedis() {
    assertEquals("1) \"maxmemory\"\n2) \"0\"", h.cli("CONFIG", "GET", "maxmemory"));
    assertEquals("OK", h.cli("CONFIG", "SET", "maxmemory", "100mb"));
    assertEquals("1) \"maxmemory\"\n2) \"104857600\"", h.cli("CONFIG", "GET", "maxmemory"));
    assertEquals(104857600, h.stats.memory.maxmemory());
    assertEquals("OK", h.cli("CONFIG", "SET", "maxmemory", "1gb"));
    assertEquals(1L << 30, h.stats.memory.maxmemory());
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
        h.cli("CONFIG", "SET", "maxmemory", "abc"));
    assertEquals("OK", h.cli("CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LFU"));
    assertEquals("1) \"maxmemory-policy\"\n2) \"allkeys-lfu\"", h.cli("CONFIG", "GET", "maxmemory-policy"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of"
        + " the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu,"
        + " allkeys-random, noeviction", h.cli("CONFIG", "SET", "maxmemory-policy", "foo"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'maxmemory-samples') - argument must be between"
        + " 1 and 2147483647 inclusive", h.cli("CONFIG", "SET", "maxmemory-samples", "0"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'maxmemory-eviction-tenacity') - argument must"
        + " be between 0 and 100 inclusive", h.cli("CONFIG", "SET", "maxmemory-eviction-tenacity", "101"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'lfu-log-factor') - argument must be between"
        + " 0 and 2147483647 inclusive", h.cli("CONFIG", "SET", "lfu-log-factor", "-1"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'lfu-decay-time') - argument must be between"
        + " 0 and 2147483647 inclusive", h.cli("CONFIG", "SET", "lfu-decay-time", "-1"));
    assertEquals("OK", h.cli("CONFIG", "SET", "maxmemory-samples", "10", "maxmemory-eviction-tenacity", "50",
        "lfu-log-factor", "1", "lfu-decay-time", "0"));
    assertEquals(10, h.stats.memory.samples());
    assertEquals(50, h.stats.memory.tenacity());
    assertEquals(1, h.stats.memory.logFactor());
    assertEquals(0, h.stats.memory.decayTime());
    assertEquals("1) \"lfu-decay-time\"\n2) \"0\"", h.cli("CONFIG", "GET", "lfu-decay-time"));
  }

  @Test
  void infoMemoryComesFromTheAccounting() {
    h.cli("CONFIG", "SET", "maxmemory", "10mb", "maxmemory-policy", "allkeys-lru");
    h.cli("SET", "k", "v");
    String info = h.cli("INFO", "memory");
    assertTrue(info.contains("used_memory:" + h.stats.memory.used() + "\r\n"), info);
    assertTrue(info.contains("maxmemory:10485760\r\n"), info);
    assertTrue(info.contains("maxmemory_human:10.00M\r\n"), info);
    assertTrue(info.contains("maxmemory_policy:allkeys-lru\r\n"), info);
    assertTrue(info.contains("mem_not_counted_for_evict:0\r\n"), info);
    assertTrue(info.contains("used_memory_peak:"), info);
    assertTrue(h.cli("INFO", "stats").contains("evicted_keys:0\r\n"));
  }

  @Test
  void idleTimeAndFreqFollowThePolicy() {
    h.cli("SET", "k", "v");
    h.clock.advance(3000);
    assertEquals("(integer) 3", h.cli("OBJECT", "IDLETIME", "k"));
    assertEquals("(error) ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that"
        + " when switching between policies at runtime LRU and LFU data will take some time to adjust.",
        h.cli("OBJECT", "FREQ", "k"));
    h.cli("CONFIG", "SET", "maxmemory-policy", "volatile-lfu");
    assertEquals("(error) ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when"
        + " switching between policies at runtime LRU and LFU data will take some time to adjust.",
        h.cli("OBJECT", "IDLETIME", "k"));
    h.cli("SET", "new", "v");
    assertEquals("(integer) 5", h.cli("OBJECT", "FREQ", "new")); // LFU_INIT_VAL
    assertEquals("(nil)", h.cli("OBJECT", "FREQ", "missing"));
    for (int i = 0; i < 2000; i++) {
      h.cli("GET", "new");
    }
    long hot = Long.parseLong(h.cli("OBJECT", "FREQ", "new").replace("(integer) ", ""));
    // lfu-log-factor 10: 2000 hits climb to about 24 (sum of 10*(c-5)+1 over the counter values)
    assertTrue(hot > 17 && hot < 32, "freq " + hot);
    h.clock.advance(3 * 60_000); // lfu-decay-time 1: one less per idle minute
    assertEquals("(integer) " + (hot - 3), h.cli("OBJECT", "FREQ", "new"));
    h.cli("CONFIG", "SET", "lfu-decay-time", "0");
    assertEquals("(integer) " + hot, h.cli("OBJECT", "FREQ", "new"));
  }
}
