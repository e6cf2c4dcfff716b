package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.DENYOOM;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.READONLY;
import static io.redgrid.command.Flag.WRITE;
import static io.redgrid.command.KeySpec.single;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.command.ExtendedFloat;
import io.redgrid.command.Numbers;
import io.redgrid.keyspace.Glob;
import io.redgrid.keyspace.HashValue;
import io.redgrid.keyspace.HashValue.Field;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.protocol.Reply;
import io.redgrid.pubsub.KeyspaceEvents;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Commands on hash values. */
public final class HashCommands implements CommandFamily {
  static final byte[] HSET = StringCommands.bytes("HSET");
  private static final byte[] DEL = StringCommands.bytes("DEL");
  private static final byte[] PEXPIREAT = StringCommands.bytes("PEXPIREAT");

  private static final String NOT_INTEGER_VALUE = "ERR hash value is not an integer";
  private static final String NOT_FLOAT_VALUE = "ERR hash value is not a float";
  private static final String NAN_OR_INFINITY_INCREMENT = "ERR value is NaN or Infinity";
  private static final String OUT_OF_RANGE = "ERR value is out of range";
  private static final String COUNT_OUT_OF_RANGE =
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
  /** Redis' SCAN default COUNT. */
  /** Redis' HRANDFIELD_SUB_STRATEGY_MUL: above count * 3 > size, sample by elimination. */
  private static final long SUB_STRATEGY_MUL = 3;
  /**
   * The most replies a Java list can hold. Redis 7.0 has no limit on a negative HRANDFIELD count
   * without WITHVALUES (it builds the reply until memory runs out); RedGrid refuses beyond this.
   */
  private static final long MAX_REPLY_ITEMS = Integer.MAX_VALUE - 8;
  /** Fields per HSET when a hash is rebuilt on another shard (RENAME, COPY). */
  private static final int RECREATE_CHUNK = 128;

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("hset").arity(atLeast(4)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("hash")
            .since("2.0.0").summary("Set the string value of a hash field")
            .complexity("O(1) for each field/value pair added, so O(N) to add N field/value pairs when "
                + "the command is called with multiple field/value pairs.")
            .runs(call -> hset(call, false)),
        command("hmset").arity(atLeast(4)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("hash")
            .since("2.0.0").summary("Set multiple hash fields to multiple values")
            .complexity("O(N) where N is the number of fields being set.")
            .runs(call -> hset(call, true)),
        command("hsetnx").arity(exactly(4)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("hash")
            .since("2.0.0").summary("Set the value of a hash field, only if the field does not exist")
            .complexity("O(1)").keyFlags("RW", "insert").runs(this::hsetnx),
        command("hget").arity(exactly(3)).flags(READONLY, FAST).keys(single(1)).group("hash")
            .since("2.0.0").summary("Get the value of a hash field").complexity("O(1)").runs(this::hget),
        command("hmget").arity(atLeast(3)).flags(READONLY, FAST).keys(single(1)).group("hash")
            .since("2.0.0").summary("Get the values of all the given hash fields")
            .complexity("O(N) where N is the number of fields being requested.").runs(this::hmget),
        command("hgetall").arity(exactly(2)).flags(READONLY).keys(single(1)).group("hash")
            .since("2.0.0").summary("Get all the fields and values in a hash")
            .complexity("O(N) where N is the size of the hash.")
            .tips("nondeterministic_output_order").runs(this::hgetall),
        command("hkeys").arity(exactly(2)).flags(READONLY).keys(single(1)).group("hash")
            .since("2.0.0").summary("Get all the fields in a hash")
            .complexity("O(N) where N is the size of the hash.")
            .tips("nondeterministic_output_order").runs(call -> hkeysOrVals(call, true)),
        command("hvals").arity(exactly(2)).flags(READONLY).keys(single(1)).group("hash")
            .since("2.0.0").summary("Get all the values in a hash")
            .complexity("O(N) where N is the size of the hash.")
            .tips("nondeterministic_output_order").runs(call -> hkeysOrVals(call, false)),
        command("hdel").arity(atLeast(3)).flags(WRITE, FAST).keys(single(1)).group("hash")
            .since("2.0.0").summary("Delete one or more hash fields")
            .complexity("O(N) where N is the number of fields to be removed.")
            .keyFlags("RW", "delete").runs(this::hdel),
        command("hexists").arity(exactly(3)).flags(READONLY, FAST).keys(single(1)).group("hash")
            .since("2.0.0").summary("Determine if a hash field exists").complexity("O(1)")
            .keyFlags("RO").runs(this::hexists),
        command("hlen").arity(exactly(2)).flags(READONLY, FAST).keys(single(1)).group("hash")
            .since("2.0.0").summary("Get the number of fields in a hash").complexity("O(1)")
            .keyFlags("RO").runs(this::hlen),
        command("hstrlen").arity(exactly(3)).flags(READONLY, FAST).keys(single(1)).group("hash")
            .since("3.2.0").summary("Get the length of the value of a hash field").complexity("O(1)")
            .keyFlags("RO").runs(this::hstrlen),
        command("hincrby").arity(exactly(4)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("hash")
            .since("2.0.0").summary("Increment the integer value of a hash field by the given number")
            .complexity("O(1)").keyFlags("RW", "access", "update").runs(this::hincrby),
        command("hincrbyfloat").arity(exactly(4)).flags(WRITE, DENYOOM, FAST).keys(single(1))
            .group("hash").since("2.6.0").summary("Increment the float value of a hash field by the given amount")
            .complexity("O(1)").keyFlags("RW", "access", "update").runs(this::hincrbyfloat),
        command("hrandfield").arity(atLeast(2)).flags(READONLY).keys(single(1)).group("hash")
            .since("6.2.0").summary("Get one or multiple random fields from a hash")
            .complexity("O(N) where N is the number of fields returned")
            .tips("nondeterministic_output").runs(this::hrandfield),
        command("hscan").arity(atLeast(3)).flags(READONLY).keys(single(1)).group("hash")
            .since("2.8.0").summary("Incrementally iterate hash fields and associated values")
            .complexity("O(1) for every call. O(N) for a complete iteration, including enough command "
                + "calls for the cursor to return back to 0. N is the number of elements inside the collection..")
            .tips("nondeterministic_output").runs(this::hscan));
  }

  // ---- writing -------------------------------------------------------------------------------

  /**
   * HSET key field value [field value ...] (replies the number of new fields) and HMSET (replies
   * OK). Deterministic, so recorded as sent, like Redis.
   */
  private Reply hset(Call call, boolean hmset) {
    if (call.argc() % 2 == 1) {
      throw Errors.wrongArity(call.spec().fullName());
    }
    byte[] key = call.arg(1);
    HashValue hash = writableOrCreate(call, key);
    long created = 0;
    for (int i = 2; i < call.argc(); i += 2) {
      if (hash.put(call.arg(i), call.arg(i + 1))) {
        created++;
      }
    }
    call.propagateAsSent();
    call.notify(KeyspaceEvents.HASH, "hset", key);
    return hmset ? Reply.OK : Reply.integer(created);
  }

  /** HSETNX key field value: recorded as {@code HSET key field value} when it sets. */
  private Reply hsetnx(Call call) {
    byte[] key = call.arg(1);
    HashValue hash = writableOrCreate(call, key);
    byte[] field = call.arg(2);
    if (hash.find(field) != null) {
      return Reply.ZERO;
    }
    hash.put(field, call.arg(3));
    call.propagate(key, HSET, key, field, call.arg(3));
    call.notify(KeyspaceEvents.HASH, "hset", key);
    return Reply.ONE;
  }

  /**
   * HDEL key field [field ...]: recorded as sent when it deletes anything; a hash left empty is
   * deleted, and replaying the same HDEL empties and deletes it the same way.
   */
  private Reply hdel(Call call) {
    byte[] key = call.arg(1);
    HashValue hash = call.writableValue(key, HashValue.class);
    if (hash == null) {
      return Reply.ZERO;
    }
    long deleted = 0;
    for (int i = 2; i < call.argc(); i++) {
      if (hash.remove(call.arg(i))) {
        deleted++;
        if (hash.isEmpty()) {
          call.delete(key);
          break;
        }
      }
    }
    if (deleted > 0) {
      call.propagateAsSent();
      call.notify(KeyspaceEvents.HASH, "hdel", key);
      if (hash.isEmpty()) {
        call.notifyDeleted(key);
      }
    }
    return Reply.integer(deleted);
  }

  /** HINCRBY key field increment: deterministic, recorded as sent. */
  private Reply hincrby(Call call) {
    long increment = call.longArg(3);
    byte[] key = call.arg(1);
    HashValue hash = writableOrCreate(call, key);
    byte[] field = call.arg(2);
    byte[] current = hash.get(field);
    long value = current == null ? 0 : Numbers.parseLong(current, NOT_INTEGER_VALUE);
    if ((increment < 0 && value < 0 && increment < Long.MIN_VALUE - value)
        || (increment > 0 && value > 0 && increment > Long.MAX_VALUE - value)) {
      throw new CommandError(Errors.OVERFLOW);
    }
    value += increment;
    hash.put(field, Numbers.toBytes(value));
    call.propagateAsSent();
    call.notify(KeyspaceEvents.HASH, "hincrby", key);
    return Reply.integer(value);
  }

  /**
   * HINCRBYFLOAT key field increment, in long double precision like Redis; recorded as
   * {@code HSET key field result} so replay never depends on float arithmetic.
   */
  private Reply hincrbyfloat(Call call) {
    ExtendedFloat increment = ExtendedFloat.parse(call.arg(3), Errors.NOT_FLOAT);
    if (increment.isInfinite()) {
      throw new CommandError(NAN_OR_INFINITY_INCREMENT);
    }
    byte[] key = call.arg(1);
    HashValue hash = writableOrCreate(call, key);
    byte[] field = call.arg(2);
    byte[] current = hash.get(field);
    ExtendedFloat value = current == null ? ExtendedFloat.ZERO : ExtendedFloat.parse(current, NOT_FLOAT_VALUE);
    ExtendedFloat sum = value.add(increment);
    if (sum.isInfinite()) {
      throw new CommandError(Errors.NAN_OR_INFINITY);
    }
    byte[] result = sum.toHumanBytes();
    hash.put(field, result);
    call.propagate(key, HSET, key, field, result);
    call.notify(KeyspaceEvents.HASH, "hincrbyfloat", key);
    return Reply.bulk(result);
  }

  /**
   * The hash at {@code key} for a write, created empty (and stored) if missing, as Redis'
   * hashTypeLookupWriteOrCreate. Every caller adds a field before returning without error, so
   * an empty hash is never left behind.
   */
  private static HashValue writableOrCreate(Call call, byte[] key) {
    HashValue hash = call.writableValue(key, HashValue.class);
    if (hash == null) {
      hash = new HashValue();
      call.put(key, hash, KeyEntry.NO_EXPIRY);
    }
    return hash;
  }

  // ---- reading -------------------------------------------------------------------------------

  /** HGET key field */
  private Reply hget(Call call) {
    HashValue hash = call.readValue(call.arg(1), HashValue.class);
    return hash == null ? Reply.NULL : Reply.bulk(hash.get(call.arg(2)));
  }

  /** HMGET key field [field ...]: nil for missing fields (all of them for a missing key). */
  private Reply hmget(Call call) {
    HashValue hash = call.readValue(call.arg(1), HashValue.class);
    List<Reply> values = new ArrayList<>(call.argc() - 2);
    for (int i = 2; i < call.argc(); i++) {
      values.add(hash == null ? Reply.NULL : Reply.bulk(hash.get(call.arg(i))));
    }
    return Reply.array(values);
  }

  /** HGETALL key: a map in RESP3 (flat array in RESP2), in the hash's iteration order. */
  private Reply hgetall(Call call) {
    HashValue hash = call.readValue(call.arg(1), HashValue.class);
    if (hash == null) {
      return Reply.map(List.of());
    }
    List<Reply> items = new ArrayList<>(hash.size() * 2);
    for (Field f = hash.first(); f != null; f = f.next()) {
      items.add(Reply.bulk(f.name()));
      items.add(Reply.bulk(f.value()));
    }
    return Reply.map(items);
  }

  /** HKEYS key / HVALS key: plain arrays, empty for a missing key in both protocols. */
  private Reply hkeysOrVals(Call call, boolean keys) {
    HashValue hash = call.readValue(call.arg(1), HashValue.class);
    if (hash == null) {
      return Reply.EMPTY_ARRAY;
    }
    List<Reply> items = new ArrayList<>(hash.size());
    for (Field f = hash.first(); f != null; f = f.next()) {
      items.add(Reply.bulk(keys ? f.name() : f.value()));
    }
    return Reply.array(items);
  }

  /** HEXISTS key field */
  private Reply hexists(Call call) {
    HashValue hash = call.readValue(call.arg(1), HashValue.class);
    return hash != null && hash.find(call.arg(2)) != null ? Reply.ONE : Reply.ZERO;
  }

  /** HLEN key */
  private Reply hlen(Call call) {
    HashValue hash = call.readValue(call.arg(1), HashValue.class);
    return Reply.integer(hash == null ? 0 : hash.size());
  }

  /** HSTRLEN key field: 0 for a missing key or field. */
  private Reply hstrlen(Call call) {
    HashValue hash = call.readValue(call.arg(1), HashValue.class);
    byte[] value = hash == null ? null : hash.get(call.arg(2));
    return Reply.integer(value == null ? 0 : value.length);
  }

  // ---- HRANDFIELD ----------------------------------------------------------------------------

  /**
   * HRANDFIELD key [count [WITHVALUES]]: nothing is written, so nothing is recorded. The
   * argument checks come before the key lookup, as in Redis' hrandfieldCommand.
   */
  private Reply hrandfield(Call call) {
    if (call.argc() < 3) {
      HashValue hash = call.readValue(call.arg(1), HashValue.class);
      return hash == null ? Reply.NULL : Reply.bulk(hash.random(ThreadLocalRandom.current()).name());
    }
    long count = call.longArg(2);
    if (count == Long.MIN_VALUE) {
      throw new CommandError(COUNT_OUT_OF_RANGE);
    }
    boolean withValues = false;
    if (call.argc() > 4 || (call.argc() == 4 && !call.is(3, "WITHVALUES"))) {
      throw new CommandError(Errors.SYNTAX);
    } else if (call.argc() == 4) {
      withValues = true;
      if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
        throw new CommandError(OUT_OF_RANGE);
      }
    }
    return randomFields(call, count, withValues);
  }

  private Reply randomFields(Call call, long requested, boolean withValues) {
    HashValue hash = call.readValue(call.arg(1), HashValue.class);
    if (hash == null || requested == 0) {
      return Reply.EMPTY_ARRAY;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean pairs = withValues && call.protocol() > 2;
    int size = hash.size();
    long count = Math.abs(requested);
    if (requested < 0 || count == 1) {
      // Repeats allowed: independent uniform picks, in random order.
      if (count > (withValues && !pairs ? MAX_REPLY_ITEMS / 2 : MAX_REPLY_ITEMS)) {
        throw new CommandError(OUT_OF_RANGE);
      }
      List<Reply> items = new ArrayList<>((int) (withValues && !pairs ? count * 2 : count));
      for (long i = 0; i < count; i++) {
        add(items, hash.random(random), withValues, pairs);
      }
      return Reply.array(items);
    }
    List<Reply> items = new ArrayList<>((int) Math.min(size, count) * (withValues && !pairs ? 2 : 1));
    if (count >= size) {
      for (Field f = hash.first(); f != null; f = f.next()) {
        add(items, f, withValues, pairs);
      }
    } else if (count * SUB_STRATEGY_MUL > size) {
      // Many of the fields: a partial Fisher-Yates shuffle over the positions.
      int[] positions = new int[size];
      for (int i = 0; i < size; i++) {
        positions[i] = i;
      }
      for (int i = 0; i < count; i++) {
        int pick = i + random.nextInt(size - i);
        int chosen = positions[pick];
        positions[pick] = positions[i];
        add(items, hash.at(chosen), withValues, pairs);
      }
    } else {
      // Few of the fields: draw until enough distinct ones came up.
      Set<Integer> seen = new HashSet<>();
      while (seen.size() < count) {
        int pick = random.nextInt(size);
        if (seen.add(pick)) {
          add(items, hash.at(pick), withValues, pairs);
        }
      }
    }
    return Reply.array(items);
  }

  /** A field in HRANDFIELD's reply: alone, followed by its value (RESP2) or as a pair (RESP3). */
  private static void add(List<Reply> items, Field f, boolean withValues, boolean pairs) {
    if (pairs) {
      items.add(Reply.array(Reply.bulk(f.name()), Reply.bulk(f.value())));
    } else {
      items.add(Reply.bulk(f.name()));
      if (withValues) {
        items.add(Reply.bulk(f.value()));
      }
    }
  }

  // ---- HSCAN ---------------------------------------------------------------------------------

  /**
   * HSCAN key cursor [MATCH pattern] [COUNT count]. As Redis: the cursor is checked first, a
   * missing key is an empty scan without looking at the options, and a listpack hash is returned
   * whole with cursor 0. A hashtable hash is walked with {@link HashValue#scan}'s reverse-binary
   * cursor, so every field present for the whole iteration is returned at least once.
   */
  private Reply hscan(Call call) {
    long cursor = KeyCommands.parseCursor(call.arg(2));
    HashValue hash = call.readValue(call.arg(1), HashValue.class);
    if (hash == null) {
      return Reply.array(Reply.bulk(ZERO_CURSOR), Reply.EMPTY_ARRAY);
    }
    ScanOptions options = ScanOptions.parse(call, 3, false);
    long count = options.count();
    byte[] pattern = options.pattern();
    List<Field> visited = new ArrayList<>();
    long next;
    if (hash.isListpack()) {
      for (Field f = hash.first(); f != null; f = f.next()) {
        visited.add(f);
      }
      next = 0;
    } else {
      // Redis bounds the work per call to COUNT*10 bucket visits, so sparse tables still return.
      long iterations = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
      next = cursor;
      do {
        next = hash.scan(next, visited::add);
      } while (next != 0 && iterations-- > 0 && visited.size() < count);
    }
    List<Reply> items = new ArrayList<>(visited.size() * 2);
    for (Field f : visited) {
      if (pattern == null || Glob.matches(pattern, f.name())) {
        items.add(Reply.bulk(f.name()));
        items.add(Reply.bulk(f.value()));
      }
    }
    return Reply.array(Reply.bulk(next == 0 ? ZERO_CURSOR : Numbers.toBytes(next)), Reply.array(items));
  }

  private static final byte[] ZERO_CURSOR = {'0'};

  /**
   * Effects rebuilding {@code hash} at {@code key} in {@code db} on the key's shard (RENAME, COPY
   * across shards): {@code DEL key}, {@code HSET key f v ...} in chunks of 128 fields in iteration
   * order, then {@code PEXPIREAT key t} if it has a TTL. A hash that went to hashtable only by
   * size and later shrank comes back as listpack, as after a Redis DEBUG RELOAD.
   */
  static void recreate(Call call, int db, byte[] key, HashValue hash, long expireAt) {
    call.propagateIn(db, key, DEL, key);
    Field f = hash.first();
    while (f != null) {
      List<byte[]> command = new ArrayList<>(2 + 2 * RECREATE_CHUNK);
      command.add(HSET);
      command.add(key);
      for (int n = 0; n < RECREATE_CHUNK && f != null; n++, f = f.next()) {
        command.add(f.name());
        command.add(f.value());
      }
      call.propagateIn(db, key, command.toArray(new byte[0][]));
    }
    if (expireAt != KeyEntry.NO_EXPIRY) {
      call.propagateIn(db, key, PEXPIREAT, key, Numbers.toBytes(expireAt));
    }
  }
}
