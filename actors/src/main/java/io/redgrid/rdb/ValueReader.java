package io.redgrid.rdb;

import io.redgrid.keyspace.HashValue;
import io.redgrid.keyspace.ListValue;
import io.redgrid.keyspace.SetValue;
import io.redgrid.keyspace.SortedSetValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * rdbLoadObject: turns one typed value of any encoding Redis 7.0 loads into RedGrid's value
 * classes, whose own rules then pick the encoding Redis would end with (intset, listpack ...).
 */
final class ValueReader {
  private ValueReader() {}

  /** The value, or null for an empty collection (Redis skips empty keys). */
  static Object read(RdbInput in, int type) throws IOException {
    String unsupported = Rdb.unsupportedTypeName(type);
    if (unsupported != null) {
      throw in.error("RDB type " + type + " (" + unsupported + ") is not supported by RedGrid");
    }
    return switch (type) {
      case Rdb.TYPE_STRING -> in.readString();
      case Rdb.TYPE_LIST -> list(readStrings(in, in.readPlainLength()));
      case Rdb.TYPE_SET -> set(in, readStrings(in, in.readPlainLength()));
      case Rdb.TYPE_ZSET, Rdb.TYPE_ZSET_2 -> zset(in, type == Rdb.TYPE_ZSET_2);
      case Rdb.TYPE_HASH -> hash(in, readStrings(in, checkedPairs(in, in.readPlainLength())));
      case Rdb.TYPE_HASH_ZIPMAP -> hash(in, blob(in, Packed::zipmap));
      case Rdb.TYPE_LIST_ZIPLIST -> list(blob(in, Packed::ziplist));
      case Rdb.TYPE_SET_INTSET -> set(in, blob(in, Packed::intset));
      case Rdb.TYPE_SET_LISTPACK -> set(in, blob(in, Packed::listpack));
      case Rdb.TYPE_ZSET_ZIPLIST -> zsetPairs(in, blob(in, Packed::ziplist));
      case Rdb.TYPE_ZSET_LISTPACK -> zsetPairs(in, blob(in, Packed::listpack));
      case Rdb.TYPE_HASH_ZIPLIST -> hash(in, blob(in, Packed::ziplist));
      case Rdb.TYPE_HASH_LISTPACK -> hash(in, blob(in, Packed::listpack));
      case Rdb.TYPE_LIST_QUICKLIST, Rdb.TYPE_LIST_QUICKLIST_2 -> quicklist(in, type);
      default -> throw in.error("Unknown RDB encoding type " + type);
    };
  }

  private interface BlobDecoder {
    List<byte[]> decode(byte[] blob);
  }

  private static List<byte[]> blob(RdbInput in, BlobDecoder decoder) throws IOException {
    long start = in.offset();
    byte[] blob = in.readString();
    try {
      return decoder.decode(blob);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new RdbFormatException("Corrupt packed value: " + e.getMessage(), start);
    }
  }

  private static long checkedPairs(RdbInput in, long pairs) throws IOException {
    if (pairs > Integer.MAX_VALUE / 2) {
      throw in.error("Invalid hash length " + pairs);
    }
    return pairs * 2;
  }

  private static List<byte[]> readStrings(RdbInput in, long count) throws IOException {
    if (count > Integer.MAX_VALUE - 16) {
      throw in.error("Invalid collection length " + count);
    }
    List<byte[]> out = new ArrayList<>((int) Math.min(count, 1 << 16));
    for (long i = 0; i < count; i++) {
      out.add(in.readString());
    }
    return out;
  }

  private static ListValue list(List<byte[]> elements) {
    if (elements.isEmpty()) {
      return null;
    }
    ListValue list = new ListValue();
    for (byte[] e : elements) {
      list.addLast(e);
    }
    return list;
  }

  private static SetValue set(RdbInput in, List<byte[]> members) throws IOException {
    if (members.isEmpty()) {
      return null;
    }
    SetValue set = SetValue.forMember(members.get(0));
    for (byte[] m : members) {
      if (!set.add(m)) {
        throw in.error("Duplicate set members detected");
      }
    }
    return set;
  }

  private static HashValue hash(RdbInput in, List<byte[]> pairs) throws IOException {
    if (pairs.size() % 2 != 0) {
      throw in.error("Hash with an odd number of fields and values");
    }
    if (pairs.isEmpty()) {
      return null;
    }
    HashValue hash = new HashValue();
    for (int i = 0; i < pairs.size(); i += 2) {
      if (!hash.put(pairs.get(i), pairs.get(i + 1))) {
        throw in.error("Duplicate hash fields detected");
      }
    }
    return hash;
  }

  private static SortedSetValue zset(RdbInput in, boolean binary) throws IOException {
    long count = in.readPlainLength();
    if (count > Integer.MAX_VALUE - 16) {
      throw in.error("Invalid zset length " + count);
    }
    List<byte[]> members = new ArrayList<>((int) Math.min(count, 1 << 16));
    double[] scores = new double[(int) Math.min(count, 1 << 16)];
    for (long i = 0; i < count; i++) {
      members.add(in.readString());
      double score = binary ? in.readBinaryDouble() : in.readStringDouble();
      if (Double.isNaN(score)) {
        throw in.error("Zset with NAN score detected");
      }
      if (i >= scores.length) {
        scores = Arrays.copyOf(scores, (int) Math.min(count, scores.length * 2L));
      }
      scores[(int) i] = score;
    }
    return zsetOf(in, members, scores);
  }

  private static SortedSetValue zsetPairs(RdbInput in, List<byte[]> pairs) throws IOException {
    if (pairs.size() % 2 != 0) {
      throw in.error("Sorted set with an odd number of members and scores");
    }
    List<byte[]> members = new ArrayList<>(pairs.size() / 2);
    double[] scores = new double[pairs.size() / 2];
    for (int i = 0; i < pairs.size(); i += 2) {
      members.add(pairs.get(i));
      double score = parseScore(pairs.get(i + 1));
      if (Double.isNaN(score)) {
        throw in.error("Invalid sorted set score");
      }
      scores[i / 2] = score;
    }
    return zsetOf(in, members, scores);
  }

  /**
   * A score stored as text (listpack/ziplist entries, RDB_TYPE_ZSET) as Redis' strtod reads it
   * ("inf", "-inf", hex); NaN if the text is not entirely a number.
   */
  static double parseScore(byte[] text) {
    return text.length == 0 ? Double.NaN : io.redgrid.command.Numbers.strtod(text, 0);
  }


  /** Redis picks listpack or skiplist from the final size and longest member. */
  private static SortedSetValue zsetOf(RdbInput in, List<byte[]> members, double[] scores)
      throws IOException {
    if (members.isEmpty()) {
      return null;
    }
    long longest = 0;
    for (byte[] m : members) {
      longest = Math.max(longest, m.length);
    }
    SortedSetValue zset = new SortedSetValue(members.size(), longest);
    for (int i = 0; i < members.size(); i++) {
      if (zset.get(members.get(i)) != null) {
        throw in.error("Duplicate zset fields detected");
      }
      zset.insert(members.get(i), scores[i]);
    }
    return zset;
  }

  private static ListValue quicklist(RdbInput in, int type) throws IOException {
    long nodes = in.readPlainLength();
    ListValue list = new ListValue();
    for (long i = 0; i < nodes; i++) {
      int container = Rdb.QUICKLIST_NODE_PACKED;
      if (type == Rdb.TYPE_LIST_QUICKLIST_2) {
        long c = in.readPlainLength();
        if (c != Rdb.QUICKLIST_NODE_PLAIN && c != Rdb.QUICKLIST_NODE_PACKED) {
          throw in.error("Quicklist integrity check failed: unknown container " + c);
        }
        container = (int) c;
      }
      if (container == Rdb.QUICKLIST_NODE_PLAIN) {
        list.addLast(in.readString());
        continue;
      }
      List<byte[]> elements = blob(in, type == Rdb.TYPE_LIST_QUICKLIST_2 ? Packed::listpack : Packed::ziplist);
      for (byte[] e : elements) {
        list.addLast(e);
      }
    }
    return list.isEmpty() ? null : list;
  }
}
