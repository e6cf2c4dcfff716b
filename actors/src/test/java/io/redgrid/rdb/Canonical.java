package io.redgrid.rdb;

import io.redgrid.keyspace.HashValue;
import io.redgrid.keyspace.ListValue;
import io.redgrid.keyspace.SetValue;
import io.redgrid.keyspace.SortedSetValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One text per value, independent of encoding and of hash table order, built either from a
 * RedGrid value or from a real Redis' replies: what the compatibility tests compare.
 */
public final class Canonical {
  private Canonical() {}

  public static String describe(Object value) {
    if (value instanceof byte[] b) {
      return "string " + text(b);
    }
    if (value instanceof ListValue list) {
      List<String> items = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        items.add(text(list.get(i)));
      }
      return "list " + items;
    }
    if (value instanceof SetValue set) {
      TreeSet<String> members = new TreeSet<>();
      set.forEach(m -> members.add(text(m)));
      return "set " + members;
    }
    if (value instanceof HashValue hash) {
      TreeMap<String, String> fields = new TreeMap<>();
      for (HashValue.Field f = hash.first(); f != null; f = f.next()) {
        fields.put(text(f.name()), text(f.value()));
      }
      return "hash " + fields;
    }
    if (value instanceof SortedSetValue zset) {
      List<String> items = new ArrayList<>();
      for (SortedSetValue.Node n = zset.first(); n != null; n = n.next()) {
        items.add(text(n.member()) + "=" + n.score());
      }
      return "zset " + items;
    }
    throw new IllegalArgumentException(String.valueOf(value));
  }

  /** The same description from a real Redis' TYPE, GET, LRANGE, SMEMBERS, HGETALL, ZRANGE. */
  @SuppressWarnings("unchecked")
  public static String fromRedis(RealRedis redis, byte[] key) throws IOException {
    String type = (String) redis.call("TYPE", key);
    switch (type) {
      case "string":
        return "string " + text((byte[]) redis.call("GET", key));
      case "list": {
        List<String> items = new ArrayList<>();
        for (Object o : (List<Object>) redis.call("LRANGE", key, "0", "-1")) {
          items.add(text((byte[]) o));
        }
        return "list " + items;
      }
      case "set": {
        TreeSet<String> members = new TreeSet<>();
        for (Object o : (List<Object>) redis.call("SMEMBERS", key)) {
          members.add(text((byte[]) o));
        }
        return "set " + members;
      }
      case "hash": {
        TreeMap<String, String> fields = new TreeMap<>();
        List<Object> flat = (List<Object>) redis.call("HGETALL", key);
        for (int i = 0; i < flat.size(); i += 2) {
          fields.put(text((byte[]) flat.get(i)), text((byte[]) flat.get(i + 1)));
        }
        return "hash " + fields;
      }
      case "zset": {
        List<String> items = new ArrayList<>();
        List<Object> flat = (List<Object>) redis.call("ZRANGE", key, "0", "-1", "WITHSCORES");
        for (int i = 0; i < flat.size(); i += 2) {
          String score = new String((byte[]) flat.get(i + 1), java.nio.charset.StandardCharsets.US_ASCII);
          double d = switch (score) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(score);
          };
          items.add(text((byte[]) flat.get(i)) + "=" + d);
        }
        return "zset " + items;
      }
      default:
        return type;
    }
  }

  /** Printable ASCII as is, everything else as \xNN, so binary values compare readably. */
  public static String text(byte[] b) {
    StringBuilder out = new StringBuilder();
    for (byte x : b) {
      int c = x & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        out.append((char) c);
      } else {
        out.append(String.format("\\x%02x", c));
      }
    }
    return out.toString();
  }
}
