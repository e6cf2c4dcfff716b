package io.redgrid.rdb;

import static io.redgrid.rdb.Samples.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.family.ValueTypes;
import io.redgrid.keyspace.Database;
import io.redgrid.keyspace.HashValue;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.keyspace.ListValue;
import io.redgrid.keyspace.SetValue;
import io.redgrid.keyspace.SortedSetValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Compatibility with a real redis-server 7.0 both ways: RedGrid reads the dump.rdb Redis SAVEs
 * (every encoding it writes), and redis-check-rdb and redis-server accept the files RedGrid writes.
 */
class RdbRealRedisTest {
  private static final String LIBRARY = "#!lua name=rdbtest\n"
      + "redis.register_function('answer', function() return 42 end)";

  /** The samples with expiries moved an hour into the real future, so Redis keeps them. */
  private static Keyspace futureSamples() {
    Keyspace ks = Samples.keyspace();
    long shift = System.currentTimeMillis() + 3_600_000 - Samples.NOW;
    for (int db = 0; db < ks.databaseCount(); db++) {
      Database database = ks.database(db);
      List<KeyEntry> volatileKeys = new ArrayList<>();
      database.forEach(e -> {
        if (e.hasExpiry()) {
          volatileKeys.add(e);
        }
      });
      for (KeyEntry e : volatileKeys) {
        database.setExpireAt(e, e.expireAt() + shift);
      }
    }
    return ks;
  }

  @Test
  void readsTheRdbARealRedisSaves() throws IOException {
    Keyspace samples = futureSamples();
    try (RealRedis redis = RealRedis.start(null)) {
      // small quicklist nodes, the inner ones LZF-compressed: more of Redis' list encoding
      assertEquals("OK", redis.call("CONFIG", "SET", "list-max-listpack-size", "4"));
      assertEquals("OK", redis.call("CONFIG", "SET", "list-compress-depth", "1"));
      load(redis, samples);
      assertEquals("rdbtest", redis.text("FUNCTION", "LOAD", LIBRARY));
      TreeSet<String> encodings = new TreeSet<>();
      Map<String, String> inRedis = contentsOf(redis, samples, encodings);
      assertEquals(new TreeSet<>(List.of("embstr", "hashtable", "int", "intset", "listpack",
          "quicklist", "raw", "skiplist")), encodings);
      // an LRU policy makes Redis write an IDLE opcode before every key
      assertEquals("OK", redis.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
      assertEquals("OK", redis.call("SAVE"));

      Map<String, String> read = new TreeMap<>();
      Map<String, String> aux = new TreeMap<>();
      List<String> functions = new ArrayList<>();
      try (InputStream in = Files.newInputStream(redis.rdbFile())) {
        new RdbReader(in).read(new RdbVisitor() {
          @Override
          public void aux(String key, String value) {
            aux.put(key, value);
          }

          @Override
          public void entry(int db, byte[] key, Object value, long expireAt) {
            read.put(db + ":" + Canonical.text(key), Canonical.describe(value)
                + (expireAt == KeyEntry.NO_EXPIRY ? "" : " @" + expireAt));
          }

          @Override
          public void function(byte[] code) {
            functions.add(new String(code, java.nio.charset.StandardCharsets.UTF_8));
          }
        });
      }
      assertEquals(inRedis, read);
      assertEquals(Samples.contents(samples).size(), read.size());
      assertTrue(aux.get("redis-ver").startsWith("7.0."), aux.toString());
      assertEquals("64", aux.get("redis-bits"));
      assertEquals(List.of(LIBRARY), functions);

      // and the whole file loads into a keyspace equal to the samples, encodings included
      Keyspace loaded = new Keyspace(0, 16);
      try (InputStream in = Files.newInputStream(redis.rdbFile())) {
        KeyspaceRdb.load(in, loaded, System.currentTimeMillis());
      }
      assertEquals(withoutStringEncodings(Samples.contents(samples)),
          withoutStringEncodings(Samples.contents(loaded)));
    }
  }

  @Test
  void redisCheckRdbAndRedisServerAcceptWhatRedGridWrites() throws Exception {
    Keyspace samples = futureSamples();
    for (RdbOptions options : List.of(RdbOptions.DEFAULT, new RdbOptions(false, false))) {
      Path dir = Files.createTempDirectory("redgrid-rdb-out");
      Path file = dir.resolve("dump.rdb");
      try (OutputStream out = Files.newOutputStream(file)) {
        KeyspaceRdb.write(samples, out, options, System.currentTimeMillis() / 1000,
            Map.of("redgrid-note", "written by a test"));
      }
      String[] check = RealRedis.run("redis-check-rdb", file.toString());
      assertEquals("0", check[0], check[1]);
      assertTrue(check[1].contains("RDB looks OK"), check[1]);
      if (options.checksum()) {
        assertTrue(check[1].contains("Checksum OK"), check[1]);
      }
      try (RealRedis redis = RealRedis.start(dir)) {
        TreeSet<String> encodings = new TreeSet<>();
        Map<String, String> inRedis = contentsOf(redis, samples, encodings);
        Map<String, String> expected = new TreeMap<>();
        for (int db = 0; db < samples.databaseCount(); db++) {
          int index = db;
          samples.database(db).forEach(e -> expected.put(index + ":" + Canonical.text(e.key()),
              Canonical.describe(e.value()) + (e.hasExpiry() ? " @" + e.expireAt() : "")));
        }
        assertEquals(expected, inRedis, options.toString());
        // Redis converts the plain types it loads to the encodings RedGrid reports
        for (int db = 0; db < samples.databaseCount(); db++) {
          redis.call("SELECT", Integer.toString(db));
          int index = db;
          List<String> mismatches = new ArrayList<>();
          for (byte[] key : keys(samples, db)) {
            Object value = samples.database(index).get(key).value();
            if (value instanceof byte[]) {
              continue;
            }
            String theirs = redis.text("OBJECT", "ENCODING", key);
            if (!ValueTypes.encoding(value).equals(theirs)) {
              mismatches.add(Canonical.text(key) + " " + ValueTypes.encoding(value) + " vs " + theirs);
            }
          }
          assertEquals(List.of(), mismatches);
        }
      }
    }
  }

  /** SET/RPUSH/SADD/HSET/ZADD + PEXPIREAT of every sample key. */
  private static void load(RealRedis redis, Keyspace samples) throws IOException {
    for (int db = 0; db < samples.databaseCount(); db++) {
      if (samples.database(db).size() == 0) {
        continue;
      }
      assertEquals("OK", redis.call("SELECT", Integer.toString(db)));
      for (byte[] key : keys(samples, db)) {
        KeyEntry e = samples.database(db).get(key);
        List<Object> args = new ArrayList<>();
        Object value = e.value();
        if (value instanceof byte[] bytes) {
          args.add("SET");
          args.add(key);
          args.add(bytes);
        } else if (value instanceof ListValue list) {
          args.add("RPUSH");
          args.add(key);
          for (int i = 0; i < list.size(); i++) {
            args.add(list.get(i));
          }
        } else if (value instanceof SetValue set) {
          args.add("SADD");
          args.add(key);
          set.forEach(args::add);
        } else if (value instanceof HashValue hash) {
          args.add("HSET");
          args.add(key);
          for (HashValue.Field f = hash.first(); f != null; f = f.next()) {
            args.add(f.name());
            args.add(f.value());
          }
        } else if (value instanceof SortedSetValue zset) {
          args.add("ZADD");
          args.add(key);
          for (SortedSetValue.Node n = zset.first(); n != null; n = n.next()) {
            args.add(score(n.score()));
            args.add(n.member());
          }
        }
        Object reply = redis.call(args.toArray());
        assertTrue(!(reply instanceof String s) || !s.startsWith("ERR:"), String.valueOf(reply));
        if (e.hasExpiry()) {
          assertEquals(1L, redis.call("PEXPIREAT", key, Long.toString(e.expireAt())));
        }
      }
    }
  }

  /** Canonical value + expiry of every sample key as the real Redis has it; collects OBJECT ENCODINGs. */
  private static Map<String, String> contentsOf(RealRedis redis, Keyspace samples, TreeSet<String> encodings)
      throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (int db = 0; db < samples.databaseCount(); db++) {
      assertEquals("OK", redis.call("SELECT", Integer.toString(db)));
      assertEquals((long) samples.database(db).size(), redis.call("DBSIZE"));
      for (byte[] key : keys(samples, db)) {
        long expireAt = (Long) redis.call("PEXPIRETIME", key);
        out.put(db + ":" + Canonical.text(key), Canonical.fromRedis(redis, key)
            + (expireAt < 0 ? "" : " @" + expireAt));
        encodings.add(redis.text("OBJECT", "ENCODING", key));
      }
    }
    return out;
  }

  private static List<byte[]> keys(Keyspace ks, int db) {
    List<byte[]> keys = new ArrayList<>();
    ks.database(db).forEach(e -> keys.add(e.key()));
    return keys;
  }

  private static String score(double d) {
    if (d == Double.POSITIVE_INFINITY) {
      return "+inf";
    }
    if (d == Double.NEGATIVE_INFINITY) {
      return "-inf";
    }
    return Double.toString(d);
  }

  /** Redis hands integer-looking strings back from an RDB as it stored them; only collections' encodings are compared. */
  private static Map<String, String> withoutStringEncodings(Map<String, String> contents) {
    Map<String, String> out = new TreeMap<>();
    contents.forEach((k, v) -> out.put(k, v.startsWith("string ")
        ? v.replaceAll(" enc=(int|embstr|raw)", "") : v));
    return out;
  }
}
