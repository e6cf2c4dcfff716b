package io.redgrid.rdb;

import io.redgrid.command.family.ValueTypes;
import io.redgrid.keyspace.HashValue;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.keyspace.ListValue;
import io.redgrid.keyspace.SetValue;
import io.redgrid.keyspace.SortedSetValue;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.TreeMap;

/** A keyspace with every type in small and large encodings, awkward strings and expiries, over several dbs. */
public final class Samples {
  /** The clock the samples' expiries are relative to. */
  public static final long NOW = 1_700_000_000_000L;

  private Samples() {}

  public static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static Keyspace keyspace() {
    Keyspace ks = new Keyspace(0, 16);
    Random random = new Random(1234);
    String[] strings = {"hello", "", "0", "12", "-5", "127", "128", "-128", "-129", "32767", "32768",
        "-32768", "-32769", "2147483647", "-2147483648", "2147483648", "12345678901",
        "9223372036854775807", "-9223372036854775808", "007", "+1", "-0", "1.5", " 1",
        "exactly twenty chars", "twenty-one characters", "abc".repeat(1000)};
    for (int i = 0; i < strings.length; i++) {
      put(ks, 0, "str:" + i, b(strings[i]), KeyEntry.NO_EXPIRY);
    }
    byte[] binary = new byte[5000];
    random.nextBytes(binary);
    put(ks, 0, "bin:random", binary, KeyEntry.NO_EXPIRY);
    put(ks, 0, "bin:ctl", new byte[] {0, '\r', '\n', (byte) 0xff, (byte) 0xc3, 1, 0}, KeyEntry.NO_EXPIRY);
    put(ks, 0, "big:compressible", b("redgrid ".repeat(20000)), KeyEntry.NO_EXPIRY);
    put(ks, 0, new String(new byte[] {'k', 0, (byte) 0xfe}, StandardCharsets.ISO_8859_1), b("binary key"),
        KeyEntry.NO_EXPIRY);

    ListValue small = list("a", "1", "-2", "", "x".repeat(70), "65536", "-9223372036854775808");
    put(ks, 1, "list:small", small, KeyEntry.NO_EXPIRY);
    ListValue large = new ListValue();
    for (int i = 0; i < 1000; i++) {
      large.addLast(b(i % 3 == 0 ? Integer.toString(i * 7919 - 500000) : "element-" + i));
    }
    large.addLast(b("long ".repeat(30000)));
    put(ks, 1, "list:large", large, NOW + 100_000);

    put(ks, 2, "set:ints", set("1", "2", "-3", "9223372036854775807", "-9223372036854775808", "70000"),
        KeyEntry.NO_EXPIRY);
    put(ks, 2, "set:strings", set("a", "b", "1", "x".repeat(100)), KeyEntry.NO_EXPIRY);
    SetValue bigInts = SetValue.empty();
    for (int i = 0; i < 600; i++) {
      bigInts.add(b(Integer.toString(i * 31 - 4000)));
    }
    put(ks, 2, "set:bigints", bigInts, KeyEntry.NO_EXPIRY);
    SetValue bigStrings = SetValue.empty();
    for (int i = 0; i < 300; i++) {
      bigStrings.add(b("member:" + i));
    }
    put(ks, 2, "set:bigstrings", bigStrings, NOW + 5);

    HashValue smallHash = new HashValue();
    smallHash.put(b("f1"), b("v1"));
    smallHash.put(b("n"), b("-42"));
    smallHash.put(b("empty"), b(""));
    smallHash.put(b("1000"), b("2000"));
    put(ks, 9, "hash:small", smallHash, KeyEntry.NO_EXPIRY);
    HashValue wideValue = new HashValue();
    wideValue.put(b("f"), b("v".repeat(65)));
    put(ks, 9, "hash:widevalue", wideValue, KeyEntry.NO_EXPIRY);
    HashValue largeHash = new HashValue();
    for (int i = 0; i < 600; i++) {
      largeHash.put(b("field:" + i), b(i % 2 == 0 ? Integer.toString(i) : "value " + i));
    }
    put(ks, 9, "hash:large", largeHash, NOW + 86_400_000);

    SortedSetValue smallZset = new SortedSetValue();
    double[] scores = {1, -2.5, 0, 1e300, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
        3.141592653589793, 1e-300, 123456789012345678.0};
    for (int i = 0; i < scores.length; i++) {
      smallZset.insert(b("m" + i), scores[i]);
    }
    put(ks, 15, "zset:small", smallZset, KeyEntry.NO_EXPIRY);
    SortedSetValue largeZset = new SortedSetValue(200, 10);
    for (int i = 0; i < 200; i++) {
      largeZset.insert(b("member" + i), i * 0.5 - 17);
    }
    put(ks, 15, "zset:large", largeZset, KeyEntry.NO_EXPIRY);
    SortedSetValue wideZset = new SortedSetValue(1, 100);
    wideZset.insert(b("w".repeat(100)), 42);
    put(ks, 15, "zset:widemember", wideZset, NOW + 1);
    return ks;
  }

  public static ListValue list(String... items) {
    ListValue list = new ListValue();
    for (String s : items) {
      list.addLast(b(s));
    }
    return list;
  }

  public static SetValue set(String... members) {
    SetValue set = SetValue.forMember(b(members[0]));
    for (String s : members) {
      set.add(b(s));
    }
    return set;
  }

  private static void put(Keyspace ks, int db, String key, Object value, long expireAt) {
    ks.database(db).put(key.getBytes(StandardCharsets.ISO_8859_1), value, expireAt);
  }

  /** db:key -> canonical value, encoding and expiry: equal maps mean equal keyspaces. */
  public static TreeMap<String, String> contents(Keyspace ks) {
    TreeMap<String, String> out = new TreeMap<>();
    for (int db = 0; db < ks.databaseCount(); db++) {
      int index = db;
      ks.database(db).forEach(e -> out.put(index + ":" + Canonical.text(e.key()),
          Canonical.describe(e.value()) + " enc=" + ValueTypes.encoding(e.value())
              + (e.hasExpiry() ? " @" + e.expireAt() : "")));
    }
    return out;
  }
}
