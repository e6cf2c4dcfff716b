package io.redgrid.persistence.rdb;

import io.redgrid.keyspace.Database;
import io.redgrid.keyspace.HashValue;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.keyspace.ListValue;
import io.redgrid.keyspace.SetValue;
import io.redgrid.keyspace.SortedSetValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds test keyspaces and renders one's contents (every db, key, value and expiry) for comparison. */
final class KeyspaceContents {
  private KeyspaceContents() {}

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Every value type in small and large encodings, binary and integer strings, expiries, in dbs
   * 0, 3 and 15; keys expire at {@code expireAt} (a time in the future) where they have a TTL.
   */
  static Keyspace sample(long expireAt) {
    Keyspace keyspace = new Keyspace(0, 16);
    Database db0 = keyspace.database(0);
    db0.put(b("string"), b("value"));
    db0.put(b("int"), b("12345"));
    db0.put(b("negative"), b("-9223372036854775808"));
    db0.put(b("empty"), new byte[0]);
    db0.put(b("binary"), new byte[] {0, (byte) 0xff, '\r', '\n', 7});
    db0.put(b("compressible"), b("abc".repeat(400)));
    db0.put(b("volatile-string"), b("v"), expireAt);
    db0.put(b("utf8 ключ"), b("значение"));

    ListValue small = new ListValue();
    small.addLast(b("a"));
    small.addLast(b("2"));
    small.addLast(b("c"));
    db0.put(b("list"), small);
    ListValue big = new ListValue();
    for (int i = 0; i < 1000; i++) {
      big.addLast(b("element-" + i + "-".repeat(i % 70)));
    }
    db0.put(b("biglist"), big, expireAt + 1000);

    Database db3 = keyspace.database(3);
    HashValue hash = new HashValue();
    hash.put(b("f1"), b("v1"));
    hash.put(b("f2"), b("22"));
    db3.put(b("hash"), hash);
    HashValue bigHash = new HashValue();
    for (int i = 0; i < 600; i++) {
      bigHash.put(b("field:" + i), b(i % 2 == 0 ? Integer.toString(i) : "x".repeat(i % 90)));
    }
    db3.put(b("bighash"), bigHash, expireAt);
    SetValue ints = SetValue.forMember(b("1"));
    ints.add(b("1"));
    ints.add(b("-5"));
    ints.add(b("100000000000"));
    db3.put(b("intset"), ints);
    SetValue words = SetValue.forMember(b("apple"));
    for (String w : List.of("apple", "pear", "plum", "7")) {
      words.add(b(w));
    }
    db3.put(b("set"), words);
    SetValue bigSet = SetValue.forMember(b("m0"));
    for (int i = 0; i < 700; i++) {
      bigSet.add(b("m" + i));
    }
    db3.put(b("bigset"), bigSet);

    Database db15 = keyspace.database(15);
    SortedSetValue zset = new SortedSetValue();
    zset.put(b("one"), 1);
    zset.put(b("half"), 0.5);
    zset.put(b("neg"), -3.25);
    zset.put(b("inf"), Double.POSITIVE_INFINITY);
    db15.put(b("zset"), zset, expireAt);
    SortedSetValue bigZset = new SortedSetValue();
    for (int i = 0; i < 300; i++) {
      bigZset.put(b("member-" + i), i * 1.5 - 100);
    }
    db15.put(b("bigzset"), bigZset);
    db15.put(b("string"), b("in db 15"));
    return keyspace;
  }

  /** Sorted lines {@code db key = value [@expireAt]}; hash fields sorted (their order is not kept). */
  static List<String> dump(Keyspace keyspace) {
    List<String> lines = new ArrayList<>();
    for (int db = 0; db < keyspace.databaseCount(); db++) {
      int index = db;
      keyspace.database(db).forEach(entry -> lines.add(index + " " + text(entry.key()) + " = "
          + describe(entry.value()) + (entry.hasExpiry() ? " @" + entry.expireAt() : "")));
    }
    lines.sort(null);
    return lines;
  }

  private static String describe(Object value) {
    if (value instanceof byte[] bytes) {
      StringBuilder out = new StringBuilder("\"");
      for (byte x : bytes) {
        out.append(x >= 32 && x < 127 ? Character.toString(x) : String.format("\\x%02x", x & 0xff));
      }
      return out.append('"').toString();
    }
    if (value instanceof HashValue hash) {
      List<String> fields = new ArrayList<>();
      for (HashValue.Field f = hash.first(); f != null; f = f.next()) {
        fields.add(text(f.name()) + "=" + text(f.value()));
      }
      fields.sort(null);
      return "hash" + fields;
    }
    return String.valueOf(value);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
