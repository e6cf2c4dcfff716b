package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.DENYOOM;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.READONLY;
import static io.redgrid.command.Flag.WRITE;
import static io.redgrid.command.KeySpec.every;
import static io.redgrid.command.KeySpec.single;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.command.KeySpec;
import io.redgrid.command.Numbers;
import io.redgrid.keyspace.Glob;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.SetValue;
import io.redgrid.protocol.Reply;
import io.redgrid.pubsub.KeyspaceEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Commands on set values.
 *
 * <p>Effects: SPOP's random outcome is journaled as {@code SREM key m...} (or {@code DEL key} when
 * the count takes the whole set, as Redis 7.0); the STORE commands journal the destination as
 * {@code DEL dst} plus {@code SADD dst m...} chunks on dst's shard, so no effect names a source key
 * of another shard; SMOVE across shards is {@code SREM src m} and {@code SADD dst m}.
 */
public final class SetCommands implements CommandFamily {
  static final byte[] SADD = StringCommands.bytes("SADD");
  static final byte[] SREM = StringCommands.bytes("SREM");
  private static final byte[] DEL = StringCommands.DEL;
  private static final byte[] PEXPIREAT = StringCommands.bytes("PEXPIREAT");
  private static final byte[] EMPTY = new byte[0];
  private static final byte[] ZERO_CURSOR = {'0'};

  /** Members per journaled SADD/SREM, so huge sets do not become one huge command. */
  static final int CHUNK = 128;
  /** Redis' SCAN default COUNT. */

  private static final String RANDOM_COUNT_RANGE =
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
  /** RedGrid's own limit: the largest reply list a JVM array can hold. */
  private static final long MAX_REPLY_ITEMS = Integer.MAX_VALUE - 8;
  private static final String TOO_MANY_REPEATS = "ERR value is out of range";
  private static final String NUMKEYS = "ERR numkeys should be greater than 0";
  private static final String TOO_MANY_NUMKEYS = "ERR Number of keys can't be greater than number of args";
  private static final String NEGATIVE_LIMIT = "ERR LIMIT can't be negative";

  private enum Algebra {
    INTER("sinterstore"), UNION("sunionstore"), DIFF("sdiffstore");

    final String storeEvent;

    Algebra(String storeEvent) {
      this.storeEvent = storeEvent;
    }
  }

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("sadd").arity(atLeast(3)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("set")
            .keyFlags("RW", "insert").summary("Add one or more members to a set").runs(this::sadd),
        command("srem").arity(atLeast(3)).flags(WRITE, FAST).keys(single(1)).group("set")
            .keyFlags("RW", "delete").summary("Remove one or more members from a set").runs(this::srem),
        command("smembers").arity(exactly(2)).flags(READONLY).keys(single(1)).group("set")
            .tips("nondeterministic_output_order").summary("Get all the members in a set")
            .runs(this::smembers),
        command("sismember").arity(exactly(3)).flags(READONLY, FAST).keys(single(1)).group("set")
            .keyFlags("RO").summary("Determine if a given value is a member of a set").runs(this::sismember),
        command("smismember").arity(atLeast(3)).flags(READONLY, FAST).keys(single(1)).group("set")
            .since("6.2.0").summary("Returns the membership associated with the given elements for a set")
            .runs(this::smismember),
        command("scard").arity(exactly(2)).flags(READONLY, FAST).keys(single(1)).group("set")
            .keyFlags("RO").summary("Get the number of members in a set").runs(this::scard),
        command("spop").arity(atLeast(2)).flags(WRITE, FAST).keys(single(1)).group("set")
            .keyFlags("RW", "access", "delete").tips("nondeterministic_output")
            .summary("Remove and return one or multiple random members from a set").runs(this::spop),
        command("srandmember").arity(atLeast(2)).flags(READONLY).keys(single(1)).group("set")
            .tips("nondeterministic_output").summary("Get one or multiple random members from a set")
            .runs(this::srandmember),
        command("smove").arity(exactly(4)).flags(WRITE, FAST).keys(every(1, 2, 1)).group("set")
            .keyFlags("RW", "access", "delete").summary("Move a member from one set to another")
            .runs(this::smove),
        command("sinter").arity(atLeast(2)).flags(READONLY).keys(every(1, -1, 1)).group("set")
            .tips("nondeterministic_output_order").summary("Intersect multiple sets")
            .runs(call -> algebra(call, Algebra.INTER)),
        command("sintercard").arity(atLeast(3)).flags(READONLY).group("set").since("7.0.0")
            .keys(KeySpec.movable(0, 0, 0, SetCommands::numkeysPositions))
            .summary("Intersect multiple sets and return the cardinality of the result")
            .runs(this::sintercard),
        command("sunion").arity(atLeast(2)).flags(READONLY).keys(every(1, -1, 1)).group("set")
            .tips("nondeterministic_output_order").summary("Add multiple sets")
            .runs(call -> algebra(call, Algebra.UNION)),
        command("sdiff").arity(atLeast(2)).flags(READONLY).keys(every(1, -1, 1)).group("set")
            .tips("nondeterministic_output_order").summary("Subtract multiple sets")
            .runs(call -> algebra(call, Algebra.DIFF)),
        command("sinterstore").arity(atLeast(3)).flags(WRITE, DENYOOM).keys(every(1, -1, 1)).group("set")
            .summary("Intersect multiple sets and store the resulting set in a key")
            .runs(call -> store(call, Algebra.INTER)),
        command("sunionstore").arity(atLeast(3)).flags(WRITE, DENYOOM).keys(every(1, -1, 1)).group("set")
            .keyFlags("OW", "update").summary("Add multiple sets and store the resulting set in a key")
            .runs(call -> store(call, Algebra.UNION)),
        command("sdiffstore").arity(atLeast(3)).flags(WRITE, DENYOOM).keys(every(1, -1, 1)).group("set")
            .keyFlags("OW", "update").summary("Subtract multiple sets and store the resulting set in a key")
            .runs(call -> store(call, Algebra.DIFF)),
        command("sscan").arity(atLeast(3)).flags(READONLY).keys(single(1)).group("set").since("2.8.0")
            .tips("nondeterministic_output").summary("Incrementally iterate Set elements")
            .runs(this::sscan));
  }

  // ---- lookups -----------------------------------------------------------------------------

  /** The set at {@code key} for a write (touches it as Redis' lookupKeyWrite), null if missing. */
  private static SetValue writable(Call call, byte[] key) {
    KeyEntry entry = call.entry(key);
    SetValue set = asSet(entry);
    if (entry != null) {
      entry.touch(call.now());
    }
    return set;
  }

  private static SetValue asSet(KeyEntry entry) {
    if (entry == null) {
      return null;
    }
    if (!(entry.value() instanceof SetValue set)) {
      throw new CommandError(Errors.WRONGTYPE);
    }
    return set;
  }

  private static Reply setReply(SetValue set) {
    List<Reply> items = new ArrayList<>(set.size());
    set.forEach(member -> items.add(Reply.bulk(member)));
    return Reply.set(items);
  }

  // ---- single-set commands -----------------------------------------------------------------

  /** SADD key member [member ...]: a new key is an intset if the first member is an integer. */
  private Reply sadd(Call call) {
    byte[] key = call.arg(1);
    SetValue set = writable(call, key);
    if (set == null) {
      set = SetValue.forMember(call.arg(2));
      call.put(key, set, KeyEntry.NO_EXPIRY);
    }
    long added = 0;
    for (int i = 2; i < call.argc(); i++) {
      if (set.add(call.arg(i))) {
        added++;
      }
    }
    if (added > 0) {
      call.propagateAsSent();
      call.notify(KeyspaceEvents.SET, "sadd", key);
    }
    return Reply.integer(added);
  }

  /** SREM key member [member ...]: an emptied set is deleted (and so is it on replay). */
  private Reply srem(Call call) {
    byte[] key = call.arg(1);
    SetValue set = writable(call, key);
    if (set == null) {
      return Reply.ZERO;
    }
    long removed = 0;
    for (int i = 2; i < call.argc() && !set.isEmpty(); i++) {
      if (set.remove(call.arg(i))) {
        removed++;
      }
    }
    if (set.isEmpty()) {
      call.delete(key);
    }
    if (removed > 0) {
      call.propagateAsSent();
      call.notify(KeyspaceEvents.SET, "srem", key);
      if (set.isEmpty()) {
        call.notifyDeleted(key);
      }
    }
    return Reply.integer(removed);
  }

  /** SMEMBERS key: a RESP3 set; intsets in ascending order like Redis. */
  private Reply smembers(Call call) {
    SetValue set = call.readValue(call.arg(1), SetValue.class);
    return set == null ? Reply.set(List.of()) : setReply(set);
  }

  /** SISMEMBER key member */
  private Reply sismember(Call call) {
    SetValue set = call.readValue(call.arg(1), SetValue.class);
    return set != null && set.contains(call.arg(2)) ? Reply.ONE : Reply.ZERO;
  }

  /** SMISMEMBER key member [member ...] */
  private Reply smismember(Call call) {
    SetValue set = call.readValue(call.arg(1), SetValue.class);
    List<Reply> found = new ArrayList<>(call.argc() - 2);
    for (int i = 2; i < call.argc(); i++) {
      found.add(set != null && set.contains(call.arg(i)) ? Reply.ONE : Reply.ZERO);
    }
    return Reply.array(found);
  }

  /** SCARD key */
  private Reply scard(Call call) {
    SetValue set = call.readValue(call.arg(1), SetValue.class);
    return Reply.integer(set == null ? 0 : set.size());
  }

  // ---- random members ----------------------------------------------------------------------

  /**
   * SPOP key [count]: journaled as the concrete outcome, {@code SREM key m...} in chunks, or
   * {@code DEL key} when the count takes the whole set (Redis 7.0 writes one SREM per member
   * inside MULTI; the chunks leave the same data).
   */
  private Reply spop(Call call) {
    if (call.argc() > 3) {
      throw new CommandError(Errors.SYNTAX);
    }
    byte[] key = call.arg(1);
    if (call.argc() == 2) {
      SetValue set = writable(call, key);
      if (set == null) {
        return Reply.NULL;
      }
      byte[] member = set.popRandom(ThreadLocalRandom.current());
      if (set.isEmpty()) {
        call.delete(key);
      }
      call.propagate(key, SREM, key, member);
      call.notify(KeyspaceEvents.SET, "spop", key);
      if (set.isEmpty()) {
        call.notifyDeleted(key);
      }
      return Reply.bulk(member);
    }
    long count = Numbers.parseLong(call.arg(2), Errors.NOT_POSITIVE);
    if (count < 0) {
      throw new CommandError(Errors.NOT_POSITIVE);
    }
    SetValue set = writable(call, key);
    if (set == null || count == 0) {
      return Reply.set(List.of());
    }
    if (count >= set.size()) {
      Reply all = setReply(set);
      call.delete(key);
      call.propagate(key, DEL, key);
      call.notify(KeyspaceEvents.SET, "spop", key);
      call.notifyDeleted(key);
      return all;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<byte[]> popped = new ArrayList<>((int) count);
    for (long i = 0; i < count; i++) {
      popped.add(set.popRandom(random));
    }
    propagateChunks(call, call.db(), key, SREM, popped, false);
    call.notify(KeyspaceEvents.SET, "spop", key);
    List<Reply> items = new ArrayList<>(popped.size());
    for (byte[] member : popped) {
      items.add(Reply.bulk(member));
    }
    return Reply.set(items);
  }

  /**
   * SRANDMEMBER key [count]: a positive count gives distinct members (the whole set if it is
   * no larger), a negative one may repeat members. Always an array, never a RESP3 set.
   */
  private Reply srandmember(Call call) {
    if (call.argc() > 3) {
      throw new CommandError(Errors.SYNTAX);
    }
    byte[] key = call.arg(1);
    if (call.argc() == 2) {
      SetValue set = call.readValue(key, SetValue.class);
      return set == null ? Reply.NULL : Reply.bulk(set.random(ThreadLocalRandom.current()));
    }
    long count = call.longArg(2);
    if (count == Long.MIN_VALUE) {
      throw new CommandError(RANDOM_COUNT_RANGE);
    }
    SetValue set = call.readValue(key, SetValue.class);
    if (set == null || count == 0) {
      return Reply.EMPTY_ARRAY;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<Reply> items;
    if (count < 0) {
      long repeats = -count;
      if (repeats > MAX_REPLY_ITEMS) {
        // Redis would stream such a reply for ages; a Java list cannot even hold it.
        throw new CommandError(TOO_MANY_REPEATS);
      }
      items = new ArrayList<>((int) Math.min(repeats, 1 << 16));
      for (long i = 0; i < repeats; i++) {
        items.add(Reply.bulk(set.random(random)));
      }
    } else if (count >= set.size()) {
      items = new ArrayList<>(set.size());
      set.forEach(member -> items.add(Reply.bulk(member)));
    } else {
      List<byte[]> picked = set.randomDistinct((int) count, random);
      items = new ArrayList<>(picked.size());
      for (byte[] member : picked) {
        items.add(Reply.bulk(member));
      }
    }
    return Reply.array(items);
  }

  // ---- SMOVE -------------------------------------------------------------------------------

  /**
   * SMOVE source destination member: as sent when both keys are on one shard, otherwise
   * {@code SREM src m} on src's shard and {@code SADD dst m} (if it was added) on dst's.
   */
  private Reply smove(Call call) {
    byte[] source = call.arg(1);
    byte[] target = call.arg(2);
    byte[] member = call.arg(3);
    KeyEntry sourceEntry = call.entry(source);
    KeyEntry targetEntry = call.entry(target);
    if (sourceEntry == null) {
      return Reply.ZERO;
    }
    SetValue from = asSet(sourceEntry);
    SetValue to = asSet(targetEntry);
    sourceEntry.touch(call.now());
    if (targetEntry != null) {
      targetEntry.touch(call.now());
    }
    if (from == to) {
      return from.contains(member) ? Reply.ONE : Reply.ZERO;
    }
    if (!from.remove(member)) {
      return Reply.ZERO;
    }
    if (from.isEmpty()) {
      call.delete(source);
    }
    if (to == null) {
      to = SetValue.forMember(member);
      call.put(target, to, KeyEntry.NO_EXPIRY);
    }
    boolean added = to.add(member);
    if (call.database(0, source) == call.database(0, target)) {
      call.propagateAsSent();
    } else {
      call.propagate(source, SREM, source, member);
      if (added) {
        call.propagate(target, SADD, target, member);
      }
    }
    call.notify(KeyspaceEvents.SET, "srem", source);
    if (from.isEmpty()) {
      call.notifyDeleted(source);
    }
    if (added) {
      call.notify(KeyspaceEvents.SET, "sadd", target);
    }
    return Reply.ONE;
  }

  // ---- set algebra -------------------------------------------------------------------------

  /** SINTER / SUNION / SDIFF key [key ...]: a RESP3 set. */
  private Reply algebra(Call call, Algebra op) {
    SetValue[] sets = lookup(call, 1, call.argc());
    if (op == Algebra.INTER) {
      // Redis replies while walking the smallest set, so an intset's order shows through.
      List<Reply> items = new ArrayList<>();
      intersect(sets, Long.MAX_VALUE, member -> items.add(Reply.bulk(member)));
      return Reply.set(items);
    }
    return setReply(combine(sets, op));
  }

  /**
   * SINTERSTORE / SUNIONSTORE / SDIFFSTORE destination key [key ...]: overwrites any type and
   * drops the TTL; an empty result deletes the destination. Journaled on dst's shard only.
   */
  private Reply store(Call call, Algebra op) {
    byte[] target = call.arg(1);
    SetValue[] sets = lookup(call, 2, call.argc());
    SetValue result;
    if (op == Algebra.INTER) {
      SetValue intersection = SetValue.empty();
      intersect(sets, Long.MAX_VALUE, intersection::add);
      result = intersection;
    } else {
      result = combine(sets, op);
    }
    boolean existed = call.entry(target) != null;
    if (result.isEmpty()) {
      if (existed) {
        call.delete(target);
        call.propagate(target, DEL, target);
        call.notifyDeleted(target);
      }
      return Reply.ZERO;
    }
    call.put(target, result, KeyEntry.NO_EXPIRY);
    if (existed) {
      call.propagate(target, DEL, target);
    }
    propagateChunks(call, call.db(), target, SADD, result.members(), false);
    call.notify(KeyspaceEvents.SET, op.storeEvent, target);
    return Reply.integer(result.size());
  }

  /** SINTERCARD numkeys key [key ...] [LIMIT limit]: LIMIT 0 means no limit. */
  private Reply sintercard(Call call) {
    Long numkeys = Numbers.parseLongOrNull(call.arg(1));
    if (numkeys == null || numkeys < 1) {
      throw new CommandError(NUMKEYS);
    }
    if (numkeys > call.argc() - 2) {
      throw new CommandError(TOO_MANY_NUMKEYS);
    }
    int end = 2 + numkeys.intValue();
    long limit = 0;
    for (int i = end; i < call.argc(); i++) {
      if (call.is(i, "LIMIT") && i + 1 < call.argc()) {
        Long value = Numbers.parseLongOrNull(call.arg(++i));
        if (value == null || value < 0) {
          throw new CommandError(NEGATIVE_LIMIT);
        }
        limit = value;
      } else {
        throw new CommandError(Errors.SYNTAX);
      }
    }
    SetValue[] sets = lookup(call, 2, end);
    long[] count = {0};
    intersect(sets, limit == 0 ? Long.MAX_VALUE : limit, member -> count[0]++);
    return Reply.integer(count[0]);
  }

  /** Key positions of SINTERCARD; none when numkeys is invalid, so the command reports it. */
  static int[] numkeysPositions(byte[][] argv) {
    Long numkeys = argv.length > 1 ? Numbers.parseLongOrNull(argv[1]) : null;
    if (numkeys == null || numkeys < 1 || numkeys > argv.length - 2) {
      return new int[0];
    }
    int[] positions = new int[numkeys.intValue()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = 2 + i;
    }
    return positions;
  }

  /**
   * The sets at argument positions {@code [from, to)}, null for missing keys; every key is
   * type-checked first, as Redis 7.0 does even after a missing one.
   */
  private static SetValue[] lookup(Call call, int from, int to) {
    SetValue[] sets = new SetValue[to - from];
    for (int i = from; i < to; i++) {
      // Reads even for the STORE forms: Redis counts their misses and publishes keymiss.
      KeyEntry entry = call.read(call.arg(i));
      sets[i - from] = asSet(entry);
    }
    return sets;
  }

  /** Members of every set, walking the smallest, stopping after {@code limit} members. */
  private static void intersect(SetValue[] sets, long limit, Consumer<byte[]> out) {
    for (SetValue set : sets) {
      if (set == null) {
        return;
      }
    }
    SetValue[] bySize = sets.clone();
    Arrays.sort(bySize, Comparator.comparingInt(SetValue::size));
    long[] found = {0};
    for (byte[] member : bySize[0].members()) {
      if (found[0] >= limit) {
        return;
      }
      boolean everywhere = true;
      for (int i = 1; i < bySize.length && everywhere; i++) {
        everywhere = bySize[i] == bySize[0] || bySize[i].contains(member);
      }
      if (everywhere) {
        found[0]++;
        out.accept(member);
      }
    }
  }

  /** SUNION / SDIFF into a fresh set that starts as an intset, like Redis' dstset. */
  private static SetValue combine(SetValue[] sets, Algebra op) {
    SetValue result = SetValue.empty();
    if (op == Algebra.UNION) {
      for (SetValue set : sets) {
        if (set != null) {
          set.forEach(result::add);
        }
      }
      return result;
    }
    SetValue first = sets[0];
    if (first == null) {
      return result;
    }
    for (int i = 1; i < sets.length; i++) {
      if (sets[i] == first) {
        return result;
      }
    }
    first.forEach(member -> {
      for (int i = 1; i < sets.length; i++) {
        if (sets[i] != null && sets[i].contains(member)) {
          return;
        }
      }
      result.add(member);
    });
    return result;
  }

  // ---- SSCAN -------------------------------------------------------------------------------

  /**
   * SSCAN key cursor [MATCH pattern] [COUNT count]. An intset is returned whole with cursor 0,
   * as Redis does for compact encodings. A hash table is scanned with Redis' reverse-binary
   * cursor (at most COUNT*10 buckets per call): every member present from the start to the end
   * of a full iteration is returned at least once, even if the set grows or shrinks meanwhile;
   * members may be returned more than once, and ones added or removed meanwhile may or may not be.
   */
  private Reply sscan(Call call) {
    long cursor = KeyCommands.parseCursor(call.arg(2));
    SetValue set = call.readValue(call.arg(1), SetValue.class);
    if (set == null) {
      return Reply.array(Reply.bulk(ZERO_CURSOR), Reply.EMPTY_ARRAY);
    }
    ScanOptions options = ScanOptions.parse(call, 3, false);
    long count = options.count();
    byte[] pattern = options.pattern();
    List<byte[]> collected;
    long next;
    if (set.isIntset()) {
      collected = set.members();
      next = 0;
    } else {
      collected = new ArrayList<>();
      long iterations = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
      do {
        cursor = set.scan(cursor, collected::add);
      } while (cursor != 0 && iterations-- > 0 && collected.size() < count);
      next = cursor;
    }
    List<Reply> members = new ArrayList<>(collected.size());
    for (byte[] member : collected) {
      if (pattern == null || Glob.matches(pattern, member)) {
        members.add(Reply.bulk(member));
      }
    }
    return Reply.array(Reply.bulk(Long.toUnsignedString(next).getBytes(StandardCharsets.US_ASCII)),
        Reply.array(members));
  }

  // ---- journaling --------------------------------------------------------------------------

  /** Records {@code command key m1 m2 ...} in chunks of {@link #CHUNK} members, in db {@code db}. */
  private static void propagateChunks(Call call, int db, byte[] key, byte[] command, List<byte[]> members,
      boolean forceTable) {
    int start = 0;
    while (start < members.size()) {
      int end = Math.min(start + CHUNK, members.size());
      int extra = forceTable && start == 0 ? 1 : 0;
      byte[][] argv = new byte[2 + extra + end - start][];
      argv[0] = command;
      argv[1] = key;
      if (extra == 1) {
        argv[2] = EMPTY;
      }
      for (int i = start; i < end; i++) {
        argv[2 + extra + i - start] = members.get(i);
      }
      call.propagateIn(db, key, argv);
      start = end;
    }
  }

  /**
   * Effects that rebuild {@code set} at {@code key} in {@code db} on key's shard, for COPY and
   * RENAME across shards: {@code DEL key}, {@code SADD key m...} chunks, {@code PEXPIREAT}.
   * A hash table holding only integers (possible after removals) would come back as an intset,
   * so its first SADD also adds the non-integer empty member, removed again by {@code SREM key ""}:
   * plain Redis commands that leave the same members and encoding.
   */
  static void recreate(Call call, int db, byte[] key, SetValue set, long expireAt) {
    call.propagateIn(db, key, DEL, key);
    boolean forceTable = !set.isIntset() && set.allIntegers();
    propagateChunks(call, db, key, SADD, set.members(), forceTable);
    if (forceTable) {
      call.propagateIn(db, key, SREM, key, EMPTY);
    }
    if (expireAt != KeyEntry.NO_EXPIRY) {
      call.propagateIn(db, key, PEXPIREAT, key, Numbers.toBytes(expireAt));
    }
  }
}
