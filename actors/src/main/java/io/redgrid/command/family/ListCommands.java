package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.DENYOOM;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.READONLY;
import static io.redgrid.command.Flag.WRITE;
import static io.redgrid.command.KeySpec.every;
import static io.redgrid.command.KeySpec.movable;
import static io.redgrid.command.KeySpec.single;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.command.Numbers;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.ListValue;
import io.redgrid.protocol.Reply;
import io.redgrid.pubsub.KeyspaceEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Commands on list values. The pop and move cores are static so that the blocking forms
 * (BLPOP, BLMOVE, BLMPOP ...) can run them once a key has elements.
 *
 * <p>Effects: deterministic commands propagate as sent; pops propagate as {@code LPOP key [n]}
 * or {@code RPOP key [n]} with the number actually popped (as Redis rewrites LMPOP), and a move
 * is {@code LMOVE src dst FROM TO} when both keys share a shard, otherwise a pop on the source's
 * shard and a push on the destination's. A list emptied by a command is deleted by the same
 * command on replay, so no extra DEL is needed.
 */
public final class ListCommands implements CommandFamily {
  static final byte[] LPOP = bytes("LPOP");
  static final byte[] RPOP = bytes("RPOP");
  static final byte[] LPUSH = bytes("LPUSH");
  static final byte[] RPUSH = bytes("RPUSH");
  static final byte[] LMOVE = bytes("LMOVE");
  static final byte[] LEFT = bytes("LEFT");
  static final byte[] RIGHT = bytes("RIGHT");

  /** The count argument of {@link #pop} that asks for one element as a bulk reply (no COUNT). */
  public static final long NO_COUNT = -1;

  /** Elements per RPUSH when a list is rebuilt on another shard (COPY, RENAME). */
  static final int RECREATE_CHUNK = 128;

  private static final String INDEX_OUT_OF_RANGE = "ERR index out of range";
  private static final String RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, "
      + "2 from the second ... or use negative to start from the end of the list";
  private static final String COUNT_NEGATIVE = "ERR COUNT can't be negative";
  private static final String MAXLEN_NEGATIVE = "ERR MAXLEN can't be negative";
  private static final String NUMKEYS_NOT_POSITIVE = "ERR numkeys should be greater than 0";
  private static final String COUNT_NOT_POSITIVE = "ERR count should be greater than 0";

  @Override
  public List<CommandSpec> commands() {
    String pushComplexity = "O(1) for each element added, so O(N) to add N elements when the command is "
        + "called with multiple arguments.";
    return List.of(
        command("lpush").arity(atLeast(3)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("list")
            .keyFlags("RW", "insert").summary("Prepend one or multiple elements to a list")
            .complexity(pushComplexity).runs(call -> push(call, true, false)),
        command("rpush").arity(atLeast(3)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("list")
            .keyFlags("RW", "insert").summary("Append one or multiple elements to a list")
            .complexity(pushComplexity).runs(call -> push(call, false, false)),
        command("lpushx").arity(atLeast(3)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("list")
            .keyFlags("RW", "insert").summary("Prepend an element to a list, only if the list exists")
            .since("2.2.0").complexity(pushComplexity).runs(call -> push(call, true, true)),
        command("rpushx").arity(atLeast(3)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("list")
            .keyFlags("RW", "insert").summary("Append an element to a list, only if the list exists")
            .since("2.2.0").complexity(pushComplexity).runs(call -> push(call, false, true)),
        command("lpop").arity(atLeast(2)).flags(WRITE, FAST).keys(single(1)).group("list")
            .keyFlags("RW", "access", "delete").summary("Remove and get the first elements in a list")
            .complexity("O(N) where N is the number of elements returned").runs(call -> popCommand(call, true)),
        command("rpop").arity(atLeast(2)).flags(WRITE, FAST).keys(single(1)).group("list")
            .keyFlags("RW", "access", "delete").summary("Remove and get the last elements in a list")
            .complexity("O(N) where N is the number of elements returned").runs(call -> popCommand(call, false)),
        command("llen").arity(exactly(2)).flags(READONLY, FAST).keys(single(1)).group("list")
            .keyFlags("RO").summary("Get the length of a list").complexity("O(1)").runs(this::llen),
        command("lrange").arity(exactly(4)).flags(READONLY).keys(single(1)).group("list")
            .summary("Get a range of elements from a list")
            .complexity("O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest "
                + "end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.")
            .runs(this::lrange),
        command("lindex").arity(exactly(3)).flags(READONLY).keys(single(1)).group("list")
            .summary("Get an element from a list by its index")
            .complexity("O(N) where N is the number of elements to traverse to get to the element at index. "
                + "This makes asking for the first or the last element of the list O(1).")
            .runs(this::lindex),
        command("lset").arity(exactly(4)).flags(WRITE, DENYOOM).keys(single(1)).group("list")
            .summary("Set the value of an element in a list by its index")
            .complexity("O(N) where N is the length of the list. Setting either the first or the last element "
                + "of the list is O(1).")
            .runs(this::lset),
        command("linsert").arity(exactly(5)).flags(WRITE, DENYOOM).keys(single(1)).group("list")
            .keyFlags("RW", "insert").summary("Insert an element before or after another element in a list")
            .since("2.2.0")
            .complexity("O(N) where N is the number of elements to traverse before seeing the value pivot. This "
                + "means that inserting somewhere on the left end on the list (head) can be considered O(1) and "
                + "inserting somewhere on the right end (tail) is O(N).")
            .runs(this::linsert),
        command("lrem").arity(exactly(4)).flags(WRITE).keys(single(1)).group("list")
            .keyFlags("RW", "delete").summary("Remove elements from a list")
            .complexity("O(N+M) where N is the length of the list and M is the number of elements removed.")
            .runs(this::lrem),
        command("ltrim").arity(exactly(4)).flags(WRITE).keys(single(1)).group("list")
            .keyFlags("RW", "delete").summary("Trim a list to the specified range")
            .complexity("O(N) where N is the number of elements to be removed by the operation.")
            .runs(this::ltrim),
        command("lpos").arity(atLeast(3)).flags(READONLY).keys(single(1)).group("list")
            .summary("Return the index of matching elements on a list").since("6.0.6")
            .complexity("O(N) where N is the number of elements in the list, for the average case. When "
                + "searching for elements near the head or the tail of the list, or when the MAXLEN option is "
                + "provided, the command may run in constant time.")
            .runs(this::lpos),
        command("lmove").arity(exactly(5)).flags(WRITE, DENYOOM).keys(every(1, 2, 1)).group("list")
            .keyFlags("RW", "access", "delete")
            .summary("Pop an element from a list, push it to another list and return it").since("6.2.0")
            .complexity("O(1)").runs(this::lmove),
        command("rpoplpush").arity(exactly(3)).flags(WRITE, DENYOOM).keys(every(1, 2, 1)).group("list")
            .keyFlags("RW", "access", "delete")
            .summary("Remove the last element in a list, prepend it to another list and return it")
            .since("1.2.0").complexity("O(1)").runs(this::rpoplpush),
        command("lmpop").arity(atLeast(4)).flags(WRITE).keys(movable(0, 0, 0, ListCommands::lmpopKeys))
            .group("list").keyFlags("RW", "access", "delete").summary("Pop elements from a list")
            .since("7.0.0")
            .complexity("O(N+M) where N is the number of provided keys and M is the number of elements returned.")
            .runs(this::lmpop));
  }

  // ---- push ----------------------------------------------------------------------------------

  /** LPUSH / RPUSH / LPUSHX / RPUSHX key element [element ...] */
  private Reply push(Call call, boolean left, boolean onlyExisting) {
    byte[] key = call.arg(1);
    KeyEntry entry = writableEntry(call, key);
    ListValue list;
    if (entry == null) {
      if (onlyExisting) {
        return Reply.ZERO;
      }
      list = new ListValue();
      call.put(key, list, KeyEntry.NO_EXPIRY);
    } else {
      list = (ListValue) entry.value();
    }
    for (int i = 2; i < call.argc(); i++) {
      if (left) {
        list.addFirst(call.arg(i));
      } else {
        list.addLast(call.arg(i));
      }
    }
    call.propagateAsSent();
    call.notify(KeyspaceEvents.LIST, left ? "lpush" : "rpush", key);
    return Reply.integer(list.size());
  }

  // ---- pop -----------------------------------------------------------------------------------

  /** LPOP / RPOP key [count] */
  private Reply popCommand(Call call, boolean left) {
    if (call.argc() > 3) {
      throw Errors.wrongArity(call.spec().fullName());
    }
    boolean hasCount = call.argc() == 3;
    long count = hasCount ? call.longArg(2, Errors.NOT_POSITIVE) : NO_COUNT;
    if (hasCount && count < 0) {
      throw new CommandError(Errors.NOT_POSITIVE);
    }
    byte[] key = call.arg(1);
    ListValue list = writableList(call, key);
    if (list == null) {
      return hasCount ? Reply.NULL_ARRAY : Reply.NULL;
    }
    if (count == 0) {
      return Reply.EMPTY_ARRAY;
    }
    return pop(call, key, left, count);
  }

  /**
   * Pops from the list at {@code key}: one element as a bulk reply when {@code count} is
   * {@link #NO_COUNT}, else up to {@code count} (at least 1) as an array, in pop order. Deletes
   * the emptied key and records {@code LPOP|RPOP key [n]}. Returns null, changing nothing, when
   * the key is missing or empty; WRONGTYPE if it holds another type. For BLPOP/BRPOP and the
   * blocking forms once the key has elements.
   */
  public static Reply pop(Call call, byte[] key, boolean left, long count) {
    KeyEntry entry = writableEntry(call, key);
    if (entry == null) {
      return null;
    }
    ListValue list = (ListValue) entry.value();
    if (list.isEmpty()) {
      return null;
    }
    Reply reply;
    if (count == NO_COUNT) {
      reply = Reply.bulk(left ? list.removeFirst() : list.removeLast());
      call.propagate(key, left ? LPOP : RPOP, key);
    } else {
      int n = (int) Math.min(count, list.size());
      List<Reply> items = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        items.add(Reply.bulk(left ? list.removeFirst() : list.removeLast()));
      }
      reply = Reply.array(items);
      call.propagate(key, left ? LPOP : RPOP, key, Numbers.toBytes(n));
    }
    call.notify(KeyspaceEvents.LIST, left ? "lpop" : "rpop", key);
    if (list.isEmpty()) {
      call.database(key).remove(key);
      call.notifyDeleted(key);
    }
    return reply;
  }

  // ---- LMPOP ---------------------------------------------------------------------------------

  /** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] */
  private Reply lmpop(Call call) {
    MpopArgs args = MpopArgs.parse(call, 1);
    Reply reply = mpop(call, args.firstKey, args.numkeys, args.left, args.count);
    return reply == null ? Reply.NULL_ARRAY : reply;
  }

  /**
   * LMPOP's arguments from the numkeys position on: {@code numkeys key... LEFT|RIGHT [COUNT n]},
   * with Redis' error texts; shared with BLMPOP (numkeys at 2 after the timeout).
   */
  public record MpopArgs(int firstKey, int numkeys, boolean left, long count) {
    public static MpopArgs parse(Call call, int numkeysIndex) {
      long numkeys = Numbers.parseLong(call.arg(numkeysIndex), NUMKEYS_NOT_POSITIVE);
      if (numkeys < 1) {
        throw new CommandError(NUMKEYS_NOT_POSITIVE);
      }
      if (numkeys >= call.argc() - numkeysIndex - 1) {
        throw new CommandError(Errors.SYNTAX);
      }
      int whereIndex = numkeysIndex + (int) numkeys + 1;
      boolean left = side(call, whereIndex);
      long count = -1;
      for (int i = whereIndex + 1; i < call.argc(); i++) {
        if (count == -1 && call.is(i, "COUNT") && i + 1 < call.argc()) {
          count = Numbers.parseLong(call.arg(++i), COUNT_NOT_POSITIVE);
          if (count < 1) {
            throw new CommandError(COUNT_NOT_POSITIVE);
          }
        } else {
          throw new CommandError(Errors.SYNTAX);
        }
      }
      return new MpopArgs(numkeysIndex + 1, (int) numkeys, left, count == -1 ? 1 : count);
    }
  }

  /**
   * Pops up to {@code count} elements from the first non-empty list among the {@code numkeys}
   * keys from argument {@code firstKey}; replies {@code [key, [elements...]]} and records
   * {@code LPOP|RPOP key n}. Returns null when every key is missing or empty; WRONGTYPE as soon
   * as a key before the first non-empty list holds another type. For LMPOP and BLMPOP.
   */
  public static Reply mpop(Call call, int firstKey, int numkeys, boolean left, long count) {
    for (int i = firstKey; i < firstKey + numkeys; i++) {
      byte[] key = call.arg(i);
      Reply popped = pop(call, key, left, count);
      if (popped != null) {
        return Reply.array(Reply.bulk(key), popped);
      }
    }
    return null;
  }

  /** LMPOP's key positions for routing; none when numkeys is unusable (the command then fails). */
  static int[] lmpopKeys(byte[][] argv) {
    return numkeysPositions(argv, 1);
  }

  /** Key positions of a {@code numkeys key...} run starting at {@code numkeysIndex}; also for BLMPOP. */
  public static int[] numkeysPositions(byte[][] argv, int numkeysIndex) {
    if (numkeysIndex >= argv.length) {
      return new int[0];
    }
    Long numkeys = Numbers.parseLongOrNull(argv[numkeysIndex]);
    if (numkeys == null || numkeys < 1 || numkeys > argv.length - numkeysIndex - 1) {
      return new int[0];
    }
    int[] positions = new int[numkeys.intValue()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = numkeysIndex + 1 + i;
    }
    return positions;
  }

  // ---- move ----------------------------------------------------------------------------------

  /** LMOVE source destination LEFT|RIGHT LEFT|RIGHT */
  private Reply lmove(Call call) {
    boolean fromLeft = side(call, 3);
    boolean toLeft = side(call, 4);
    Reply reply = move(call, call.arg(1), call.arg(2), fromLeft, toLeft);
    return reply == null ? Reply.NULL : reply;
  }

  /** RPOPLPUSH source destination */
  private Reply rpoplpush(Call call) {
    Reply reply = move(call, call.arg(1), call.arg(2), false, true);
    return reply == null ? Reply.NULL : reply;
  }

  /**
   * Pops an element from {@code src} and pushes it onto {@code dst} (the same key rotates),
   * replying with the element. Returns null, changing nothing, when {@code src} is missing or
   * empty; WRONGTYPE if either key holds another type (the destination is only checked when
   * the source has elements, as Redis does). For LMOVE, RPOPLPUSH, BLMOVE and BRPOPLPUSH.
   */
  public static Reply move(Call call, byte[] src, byte[] dst, boolean fromLeft, boolean toLeft) {
    KeyEntry srcEntry = writableEntry(call, src);
    if (srcEntry == null || ((ListValue) srcEntry.value()).isEmpty()) {
      return null;
    }
    ListValue source = (ListValue) srcEntry.value();
    KeyEntry dstEntry = writableEntry(call, dst);
    byte[] element = fromLeft ? source.removeFirst() : source.removeLast();
    ListValue target;
    if (dstEntry != null) {
      target = (ListValue) dstEntry.value();
    } else {
      target = new ListValue();
      call.put(dst, target, KeyEntry.NO_EXPIRY);
    }
    if (toLeft) {
      target.addFirst(element);
    } else {
      target.addLast(element);
    }
    if (source.isEmpty()) {
      call.database(src).remove(src);
    }
    if (call.database(src) == call.database(dst)) {
      call.propagate(src, LMOVE, src, dst, fromLeft ? LEFT : RIGHT, toLeft ? LEFT : RIGHT);
    } else {
      call.propagate(src, fromLeft ? LPOP : RPOP, src);
      call.propagate(dst, toLeft ? LPUSH : RPUSH, dst, element);
    }
    // Redis pushes (and notifies) before it reports the pop and the emptied source.
    call.notify(KeyspaceEvents.LIST, toLeft ? "lpush" : "rpush", dst);
    call.notify(KeyspaceEvents.LIST, fromLeft ? "lpop" : "rpop", src);
    if (source.isEmpty()) {
      call.notifyDeleted(src);
    }
    return Reply.bulk(element);
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** LLEN key */
  private Reply llen(Call call) {
    ListValue list = call.readValue(call.arg(1), ListValue.class);
    return list == null ? Reply.ZERO : Reply.integer(list.size());
  }

  /** LRANGE key start stop */
  private Reply lrange(Call call) {
    long start = call.longArg(2);
    long end = call.longArg(3);
    ListValue list = call.readValue(call.arg(1), ListValue.class);
    if (list == null) {
      return Reply.EMPTY_ARRAY;
    }
    long size = list.size();
    if (start < 0) {
      start += size;
    }
    if (end < 0) {
      end += size;
    }
    if (start < 0) {
      start = 0;
    }
    if (start > end || start >= size) {
      return Reply.EMPTY_ARRAY;
    }
    if (end >= size) {
      end = size - 1;
    }
    List<Reply> items = new ArrayList<>((int) (end - start + 1));
    for (int i = (int) start; i <= end; i++) {
      items.add(Reply.bulk(list.get(i)));
    }
    return Reply.array(items);
  }

  /** LINDEX key index: WRONGTYPE is reported before a bad index, as Redis checks the key first. */
  private Reply lindex(Call call) {
    ListValue list = call.readValue(call.arg(1), ListValue.class);
    if (list == null) {
      return Reply.NULL;
    }
    int index = index(list, call.longArg(2));
    return index < 0 ? Reply.NULL : Reply.bulk(list.get(index));
  }

  /** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
  private Reply lpos(Call call) {
    byte[] element = call.arg(2);
    long rank = 1;
    long count = -1;
    long maxlen = 0;
    for (int i = 3; i < call.argc(); i++) {
      boolean more = i + 1 < call.argc();
      if (more && call.is(i, "RANK")) {
        rank = call.longArg(++i);
        if (rank == 0) {
          throw new CommandError(RANK_ZERO);
        }
      } else if (more && call.is(i, "COUNT")) {
        count = nonNegative(call, ++i, COUNT_NEGATIVE);
      } else if (more && call.is(i, "MAXLEN")) {
        maxlen = nonNegative(call, ++i, MAXLEN_NEGATIVE);
      } else {
        throw new CommandError(Errors.SYNTAX);
      }
    }
    boolean fromTail = rank < 0;
    // -Long.MIN_VALUE stays negative, like Redis' C arithmetic: then every match qualifies.
    if (rank < 0) {
      rank = -rank;
    }
    ListValue list = call.readValue(call.arg(1), ListValue.class);
    if (list == null) {
      return count != -1 ? Reply.EMPTY_ARRAY : Reply.NULL;
    }
    int size = list.size();
    List<Reply> found = count != -1 ? new ArrayList<>() : null;
    long matches = 0;
    for (int scanned = 0; scanned < size && (maxlen == 0 || scanned < maxlen); scanned++) {
      int index = fromTail ? size - 1 - scanned : scanned;
      if (!Arrays.equals(list.get(index), element)) {
        continue;
      }
      matches++;
      if (matches >= rank) {
        if (found == null) {
          return Reply.integer(index);
        }
        found.add(Reply.integer(index));
        if (count != 0 && matches - rank + 1 >= count) {
          break;
        }
      }
    }
    return found == null ? Reply.NULL : Reply.array(found);
  }

  // ---- in-place writes -----------------------------------------------------------------------

  /** LSET key index element */
  private Reply lset(Call call) {
    byte[] key = call.arg(1);
    ListValue list = writableList(call, key);
    if (list == null) {
      throw new CommandError(Errors.NO_SUCH_KEY);
    }
    int index = index(list, call.longArg(2));
    if (index < 0) {
      throw new CommandError(INDEX_OUT_OF_RANGE);
    }
    list.set(index, call.arg(3));
    call.propagateAsSent();
    call.notify(KeyspaceEvents.LIST, "lset", key);
    return Reply.OK;
  }

  /** LINSERT key BEFORE|AFTER pivot element */
  private Reply linsert(Call call) {
    boolean after;
    if (call.is(2, "AFTER")) {
      after = true;
    } else if (call.is(2, "BEFORE")) {
      after = false;
    } else {
      throw new CommandError(Errors.SYNTAX);
    }
    ListValue list = writableList(call, call.arg(1));
    if (list == null) {
      return Reply.ZERO;
    }
    int pivot = list.indexOf(call.arg(3));
    if (pivot < 0) {
      return Reply.integer(-1);
    }
    list.insert(after ? pivot + 1 : pivot, call.arg(4));
    call.propagateAsSent();
    call.notify(KeyspaceEvents.LIST, "linsert", call.arg(1));
    return Reply.integer(list.size());
  }

  /** LREM key count element: count > 0 from the head, < 0 from the tail, 0 all. */
  private Reply lrem(Call call) {
    long count = call.longArg(2);
    byte[] key = call.arg(1);
    ListValue list = writableList(call, key);
    if (list == null) {
      return Reply.ZERO;
    }
    // -Long.MIN_VALUE overflows; any limit beyond the list's size means "all matches from the tail".
    long limit = count == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(count);
    int removed = list.removeMatching(call.arg(3), limit, count < 0);
    if (removed > 0) {
      if (list.isEmpty()) {
        call.database(key).remove(key);
      }
      call.propagateAsSent();
      call.notify(KeyspaceEvents.LIST, "lrem", key);
      if (list.isEmpty()) {
        call.notifyDeleted(key);
      }
    }
    return Reply.integer(removed);
  }

  /** LTRIM key start stop */
  private Reply ltrim(Call call) {
    long start = call.longArg(2);
    long end = call.longArg(3);
    byte[] key = call.arg(1);
    ListValue list = writableList(call, key);
    if (list == null) {
      return Reply.OK;
    }
    long size = list.size();
    if (start < 0) {
      start += size;
    }
    if (end < 0) {
      end += size;
    }
    if (start < 0) {
      start = 0;
    }
    long fromHead;
    long fromTail;
    if (start > end || start >= size) {
      fromHead = size;
      fromTail = 0;
    } else {
      if (end >= size) {
        end = size - 1;
      }
      fromHead = start;
      fromTail = size - end - 1;
    }
    if (fromHead + fromTail > 0) {
      list.trim((int) fromHead, (int) fromTail);
      if (list.isEmpty()) {
        call.database(key).remove(key);
      }
      call.propagateAsSent();
    }
    // Redis reports ltrim even when nothing was trimmed.
    call.notify(KeyspaceEvents.LIST, "ltrim", key);
    if (list.isEmpty()) {
      call.notifyDeleted(key);
    }
    return Reply.OK;
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** The live entry of a list for a write (touched), null if missing, WRONGTYPE if not a list. */
  private static KeyEntry writableEntry(Call call, byte[] key) {
    KeyEntry entry = call.entry(key);
    if (entry == null) {
      return null;
    }
    if (!(entry.value() instanceof ListValue)) {
      throw new CommandError(Errors.WRONGTYPE);
    }
    entry.touch(call.now());
    return entry;
  }

  private static ListValue writableList(Call call, byte[] key) {
    KeyEntry entry = writableEntry(call, key);
    return entry == null ? null : (ListValue) entry.value();
  }

  /** A Redis list index (negative from the tail) as a position, or -1 if out of range. */
  private static int index(ListValue list, long index) {
    long size = list.size();
    if (index < 0) {
      index += size;
    }
    return index < 0 || index >= size ? -1 : (int) index;
  }

  /** LEFT or RIGHT (any case), else a syntax error. */
  static boolean side(Call call, int index) {
    if (call.is(index, "LEFT")) {
      return true;
    }
    if (call.is(index, "RIGHT")) {
      return false;
    }
    throw new CommandError(Errors.SYNTAX);
  }

  /** getPositiveLongFromObjectOrReply with a message: the same text for a non-integer. */
  private static long nonNegative(Call call, int index, String error) {
    long value = Numbers.parseLong(call.arg(index), error);
    if (value < 0) {
      throw new CommandError(error);
    }
    return value;
  }

  /**
   * Effects rebuilding {@code list} at {@code key} in {@code db} on the key's shard (COPY or
   * RENAME across shards): {@code DEL key}, then {@code RPUSH key ...} in chunks, then
   * {@code PEXPIREAT key t} if it has a TTL.
   */
  static void recreate(Call call, int db, byte[] key, ListValue list, long expireAt) {
    call.propagateIn(db, key, StringCommands.DEL, key);
    int size = list.size();
    for (int start = 0; start < size; start += RECREATE_CHUNK) {
      int end = Math.min(size, start + RECREATE_CHUNK);
      byte[][] command = new byte[2 + end - start][];
      command[0] = RPUSH;
      command[1] = key;
      for (int i = start; i < end; i++) {
        command[2 + i - start] = list.get(i);
      }
      call.propagateIn(db, key, command);
    }
    if (expireAt != KeyEntry.NO_EXPIRY) {
      call.propagateIn(db, key, PEXPIREAT, key, Numbers.toBytes(expireAt));
    }
  }

  private static final byte[] PEXPIREAT = bytes("PEXPIREAT");

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
