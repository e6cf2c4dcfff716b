package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.DENYOOM;
import static io.redgrid.command.Flag.READONLY;
import static io.redgrid.command.Flag.WRITE;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.command.KeySpec;
import io.redgrid.keyspace.HashValue;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.ListValue;
import io.redgrid.keyspace.SetValue;
import io.redgrid.keyspace.SortedSetValue;
import io.redgrid.protocol.Reply;
import io.redgrid.pubsub.KeyspaceEvents;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * SORT and SORT_RO, as Redis 7.0's sort.c: numeric or ALPHA order, BY patterns ({@code *}
 * replaced by the element, {@code ->field} reading a hash field), BY without {@code *} to skip
 * sorting, GET patterns and {@code #}, LIMIT, DESC and (SORT only) STORE.
 *
 * <p>Routing: BY and GET name keys derived from the sorted elements, which no key spec can
 * declare before the command has run. Both commands are therefore declared {@code allShards()}:
 * the coordinator holds every shard, so pattern lookups through {@link Call#read} are safe
 * wherever the keys live and the whole command is atomic. The key spec still names the sorted
 * key and STORE's destination (COMMAND GETKEYS, movablekeys) as Redis does.
 *
 * <p>Ordering: the sort is stable, as glibc's qsort (a merge sort) is; numeric ties fall back to
 * the elements' bytes as in Redis. ALPHA without STORE compares like strcoll in the C locale (up
 * to the first NUL byte), with STORE like memcmp, as Redis does.
 *
 * <p>Effects: nothing without STORE. With STORE, the destination is rebuilt on its own shard as
 * {@code DEL dst} plus {@code RPUSH dst e...} chunks of 128 (no effect names the sorted key or a
 * pattern key, which may live on other shards); an empty result is {@code DEL dst} if it existed.
 */
public final class SortCommands implements CommandFamily {
  private static final String NOT_DOUBLE = "ERR One or more scores can't be converted into double";
  private static final String COMPLEXITY = "O(N+M*log(M)) where N is the number of elements in the list or"
      + " set to sort, and M the number of returned elements. When the elements are not sorted,"
      + " complexity is O(N).";
  private static final byte[] EMPTY = new byte[0];

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("sort").arity(atLeast(2)).flags(WRITE, DENYOOM)
            .keys(KeySpec.movable(1, 1, 1, SortCommands::sortKeys)).allShards()
            .group("generic").acl("set", "sortedset", "list", "dangerous").keyFlags("RO", "access")
            .summary("Sort the elements in a list, set or sorted set").since("1.0.0").complexity(COMPLEXITY)
            .runs(call -> sort(call, false)),
        command("sort_ro").arity(atLeast(2)).flags(READONLY)
            .keys(KeySpec.movable(1, 1, 1, argv -> argv.length > 1 ? new int[] {1} : new int[0])).allShards()
            .group("generic").acl("set", "sortedset", "list", "dangerous").keyFlags("RO", "access")
            .summary("Sort the elements in a list, set or sorted set. Read-only variant of SORT.")
            .since("7.0.0").complexity(COMPLEXITY)
            .runs(call -> sort(call, true)));
  }

  /**
   * SORT's keys as Redis' sortGetKeys finds them: the sorted key and the last STORE destination,
   * skipping the arguments of LIMIT, GET and BY.
   */
  static int[] sortKeys(byte[][] argv) {
    if (argv.length < 2) {
      return new int[0];
    }
    int store = -1;
    for (int i = 2; i < argv.length; i++) {
      if (Call.equalsIgnoreCase(argv[i], "LIMIT")) {
        i += 2;
      } else if (Call.equalsIgnoreCase(argv[i], "GET") || Call.equalsIgnoreCase(argv[i], "BY")) {
        i += 1;
      } else if (Call.equalsIgnoreCase(argv[i], "STORE") && i + 1 < argv.length) {
        store = i + 1;
      }
    }
    return store < 0 ? new int[] {1} : new int[] {1, store};
  }

  /** The options of one SORT call, parsed as Redis does: left to right, the last one wins. */
  private static final class Options {
    boolean desc;
    boolean alpha;
    /** Set by any BY pattern without {@code *}, and never reset by a later BY (as Redis). */
    boolean dontSort;
    long limitStart;
    long limitCount = -1;
    byte[] by;
    final List<byte[]> gets = new ArrayList<>();
    byte[] store;

    static Options parse(Call call, boolean readonly) {
      Options o = new Options();
      int argc = call.argc();
      for (int j = 2; j < argc; j++) {
        int left = argc - j - 1;
        if (call.is(j, "ASC")) {
          o.desc = false;
        } else if (call.is(j, "DESC")) {
          o.desc = true;
        } else if (call.is(j, "ALPHA")) {
          o.alpha = true;
        } else if (call.is(j, "LIMIT") && left >= 2) {
          o.limitStart = call.longArg(j + 1);
          o.limitCount = call.longArg(j + 2);
          j += 2;
        } else if (!readonly && call.is(j, "STORE") && left >= 1) {
          o.store = call.arg(++j);
        } else if (call.is(j, "BY") && left >= 1) {
          o.by = call.arg(++j);
          if (indexOf(o.by, (byte) '*', 0, cLength(o.by)) < 0) {
            o.dontSort = true;
          }
        } else if (call.is(j, "GET") && left >= 1) {
          o.gets.add(call.arg(++j));
        } else {
          throw new CommandError(Errors.SYNTAX);
        }
      }
      return o;
    }
  }

  /** One element to sort with what it sorts by. */
  private static final class Item {
    final byte[] element;
    double score;
    /** ALPHA with BY: the looked-up value, null if missing. */
    byte[] by;

    Item(byte[] element) {
      this.element = element;
    }
  }

  private static Reply sort(Call call, boolean readonly) {
    Options o = Options.parse(call, readonly);
    KeyEntry entry = call.read(call.arg(1));
    Object value = entry == null ? null : entry.value();
    if (value != null && !(value instanceof ListValue || value instanceof SetValue
        || value instanceof SortedSetValue)) {
      throw new CommandError(Errors.WRONGTYPE);
    }
    boolean dontSort = o.dontSort;
    boolean alpha = o.alpha;
    byte[] by = o.by;
    // An unsorted set would store its hash order, which differs between servers: Redis sorts it.
    if (dontSort && value instanceof SetValue && o.store != null) {
      dontSort = false;
      alpha = true;
      by = null;
    }
    if (value instanceof SortedSetValue zset) {
      zset.convertToSkiplist();
    }

    int length = size(value);
    // Redis 7.0's LIMIT sanity checks, clamped to the length so nothing overflows.
    long start = Math.min(Math.max(o.limitStart, 0), length);
    long count = Math.min(Math.max(o.limitCount, -1), length);
    long end = count < 0 ? length - 1 : start + count - 1;
    if (start >= length) {
      start = length - 1;
      end = length - 2;
    }
    if (end >= length) {
      end = length - 1;
    }

    List<Item> items;
    if (dontSort && (value instanceof ListValue || value instanceof SortedSetValue)) {
      // Native order (reversed by DESC), loading only the LIMIT range.
      items = range(value, (int) start, (int) Math.max(end - start + 1, 0), o.desc);
      end -= start;
      start = 0;
    } else {
      items = all(value);
      if (!dontSort) {
        if (!score(call, items, by, alpha)) {
          throw new CommandError(NOT_DOUBLE);
        }
        items.sort(order(alpha, by != null, o.store != null, o.desc));
      }
    }

    if (o.store == null) {
      List<Reply> out = new ArrayList<>();
      for (long j = start; j <= end; j++) {
        byte[] element = items.get((int) j).element;
        if (o.gets.isEmpty()) {
          out.add(Reply.bulk(element));
        }
        for (byte[] pattern : o.gets) {
          byte[] found = lookup(call, pattern, element);
          out.add(found == null ? Reply.NULL : Reply.bulk(found));
        }
      }
      return Reply.array(out);
    }
    ListValue stored = new ListValue();
    for (long j = start; j <= end; j++) {
      byte[] element = items.get((int) j).element;
      if (o.gets.isEmpty()) {
        stored.addLast(element);
      }
      for (byte[] pattern : o.gets) {
        byte[] found = lookup(call, pattern, element);
        stored.addLast(found == null ? EMPTY : found);
      }
    }
    store(call, o.store, stored);
    return Reply.integer(stored.size());
  }

  /** Replaces {@code dst} with the result (any type, TTL dropped); an empty result deletes it. */
  private static void store(Call call, byte[] dst, ListValue list) {
    if (list.isEmpty()) {
      if (call.delete(dst)) {
        call.propagate(dst, StringCommands.DEL, dst);
        call.notifyDeleted(dst);
      }
      return;
    }
    call.put(dst, list, KeyEntry.NO_EXPIRY);
    ListCommands.recreate(call, call.db(), dst, list, KeyEntry.NO_EXPIRY);
    // Redis files sortstore under the list class.
    call.notify(KeyspaceEvents.LIST, "sortstore", dst);
  }

  private static int size(Object value) {
    if (value instanceof ListValue list) {
      return list.size();
    }
    if (value instanceof SetValue set) {
      return set.size();
    }
    if (value instanceof SortedSetValue zset) {
      return zset.size();
    }
    return 0;
  }

  /** Every element: list order, set iteration order, or sorted set order. */
  private static List<Item> all(Object value) {
    List<Item> items = new ArrayList<>(size(value));
    if (value instanceof ListValue list) {
      for (int i = 0; i < list.size(); i++) {
        items.add(new Item(list.get(i)));
      }
    } else if (value instanceof SetValue set) {
      set.forEach(member -> items.add(new Item(member)));
    } else if (value instanceof SortedSetValue zset) {
      for (SortedSetValue.Node n = zset.first(); n != null; n = n.next()) {
        items.add(new Item(n.member()));
      }
    }
    return items;
  }

  /** {@code count} elements from position {@code start} of a list or sorted set, from the tail if {@code desc}. */
  private static List<Item> range(Object value, int start, int count, boolean desc) {
    List<Item> items = new ArrayList<>(count);
    if (count == 0) {
      return items;
    }
    int length = size(value);
    int first = desc ? length - 1 - start : start;
    if (value instanceof ListValue list) {
      for (int k = 0; k < count; k++) {
        items.add(new Item(list.get(desc ? first - k : first + k)));
      }
    } else {
      SortedSetValue.Node n = ((SortedSetValue) value).byRank(first);
      for (int k = 0; k < count; k++, n = desc ? n.previous() : n.next()) {
        items.add(new Item(n.member()));
      }
    }
    return items;
  }

  /**
   * Loads what each element sorts by; false if a numeric score is not a double. Like Redis it
   * looks every element up even after a bad score (the reads count and expire keys).
   */
  private static boolean score(Call call, List<Item> items, byte[] by, boolean alpha) {
    boolean valid = true;
    for (Item item : items) {
      byte[] value = item.element;
      if (by != null) {
        value = lookup(call, by, item.element);
        if (value == null) {
          continue;
        }
      }
      if (alpha) {
        if (by != null) {
          item.by = value;
        }
      } else {
        item.score = Strtod.parse(value);
        if (Double.isNaN(item.score)) {
          valid = false;
        }
      }
    }
    return valid;
  }

  /** Redis' sortCompare for these options. */
  private static Comparator<Item> order(boolean alpha, boolean byPattern, boolean store, boolean desc) {
    Comparator<byte[]> strings = store ? Arrays::compareUnsigned : SortCommands::strcmp;
    Comparator<Item> order;
    if (!alpha) {
      order = (a, b) -> a.score > b.score ? 1 : a.score < b.score ? -1
          : Arrays.compareUnsigned(a.element, b.element);
    } else if (byPattern) {
      order = (a, b) -> {
        if (a.by == null || b.by == null) {
          return a.by == b.by ? 0 : a.by == null ? -1 : 1;
        }
        return strings.compare(a.by, b.by);
      };
    } else {
      order = (a, b) -> strings.compare(a.element, b.element);
    }
    return desc ? order.reversed() : order;
  }

  /** strcoll in the C locale: unsigned bytes up to the first NUL, as C strings. */
  static int strcmp(byte[] a, byte[] b) {
    for (int i = 0; ; i++) {
      int x = i < a.length ? a[i] & 0xFF : 0;
      int y = i < b.length ? b[i] & 0xFF : 0;
      if (x != y) {
        return x - y;
      }
      if (x == 0) {
        return 0;
      }
    }
  }

  /**
   * Redis' lookupKeyByPattern: {@code #} is the element itself; otherwise the first {@code *} is
   * replaced by the element and, if {@code ->field} follows it, the hash field is read. Null when
   * the pattern has no {@code *}, the key is missing or of another type, or the field is missing.
   * Like Redis' C code, the searches stop at a NUL byte in the pattern.
   */
  static byte[] lookup(Call call, byte[] pattern, byte[] element) {
    int cLength = cLength(pattern);
    if (cLength == 1 && pattern[0] == '#') {
      return element;
    }
    int star = indexOf(pattern, (byte) '*', 0, cLength);
    if (star < 0) {
      return null;
    }
    byte[] field = null;
    int arrow = indexOfArrow(pattern, star + 1, cLength);
    if (arrow >= 0 && arrow + 2 < cLength) {
      field = Arrays.copyOfRange(pattern, arrow + 2, pattern.length);
    }
    int postfix = pattern.length - star - 1 - (field != null ? field.length + 2 : 0);
    byte[] key = new byte[star + element.length + postfix];
    System.arraycopy(pattern, 0, key, 0, star);
    System.arraycopy(element, 0, key, star, element.length);
    System.arraycopy(pattern, star + 1, key, star + element.length, postfix);
    KeyEntry entry = call.read(key);
    if (entry == null) {
      return null;
    }
    if (field != null) {
      return entry.value() instanceof HashValue hash ? hash.get(field) : null;
    }
    return entry.value() instanceof byte[] string ? string : null;
  }

  /** Length of {@code bytes} as a C string: up to the first NUL. */
  private static int cLength(byte[] bytes) {
    int n = 0;
    while (n < bytes.length && bytes[n] != 0) {
      n++;
    }
    return n;
  }

  private static int indexOf(byte[] bytes, byte b, int from, int end) {
    for (int i = from; i < end; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOfArrow(byte[] bytes, int from, int end) {
    for (int i = from; i + 1 < end; i++) {
      if (bytes[i] == '-' && bytes[i + 1] == '>') {
        return i;
      }
    }
    return -1;
  }
}
