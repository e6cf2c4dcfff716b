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
import io.redgrid.command.ExtendedFloat;
import io.redgrid.command.Numbers;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.protocol.Reply;
import io.redgrid.pubsub.KeyspaceEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Commands on string values. */
public final class StringCommands implements CommandFamily {
  static final byte[] SET = bytes("SET");
  static final byte[] DEL = bytes("DEL");
  static final byte[] PXAT = bytes("PXAT");
  static final byte[] KEEPTTL = bytes("KEEPTTL");

  /** Redis' default proto-max-bulk-len: the largest string a command may build. */
  public static final long DEFAULT_MAX_STRING_LENGTH = 512L * 1024 * 1024;

  private static final String DECREMENT_OVERFLOW = "ERR decrement would overflow";
  private static final String LCS_WRONGTYPE = "ERR The specified keys must contain string values";
  private static final String LCS_LEN_AND_IDX =
      "ERR If you want both the length and indexes, please just use IDX.";

  private static final byte[] EMPTY = new byte[0];

  private final long maxStringLength;

  public StringCommands() {
    this(DEFAULT_MAX_STRING_LENGTH);
  }

  /** A family with another string size limit (proto-max-bulk-len), e.g. a small one for tests. */
  public StringCommands(long maxStringLength) {
    this.maxStringLength = maxStringLength;
  }

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("get").arity(exactly(2)).flags(READONLY, FAST).keys(single(1)).group("string")
            .summary("Returns the string value of a key.").runs(this::get),
        command("set").arity(atLeast(3)).flags(WRITE, DENYOOM).keys(single(1)).group("string")
            .summary("Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.")
            .runs(this::set),
        command("setnx").arity(exactly(3)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("string")
            .summary("Set the string value of a key only when the key doesn't exist.").runs(this::setnx),
        command("setex").arity(exactly(4)).flags(WRITE, DENYOOM).keys(single(1)).group("string")
            .summary("Sets the string value and expiration time of a key. Creates the key if it doesn't exist.")
            .since("2.0.0").runs(this::setex),
        command("psetex").arity(exactly(4)).flags(WRITE, DENYOOM).keys(single(1)).group("string")
            .summary("Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.")
            .since("2.6.0").runs(this::psetex),
        command("getset").arity(exactly(3)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("string")
            .summary("Returns the previous string value of a key after setting it to a new value.").runs(this::getset),
        command("getdel").arity(exactly(2)).flags(WRITE, FAST).keys(single(1)).group("string")
            .summary("Returns the string value of a key after deleting the key.").since("6.2.0").runs(this::getdel),
        command("getex").arity(atLeast(2)).flags(WRITE, FAST).keys(single(1)).group("string")
            .summary("Returns the string value of a key after setting its expiration time.").since("6.2.0")
            .runs(this::getex),
        command("mget").arity(atLeast(2)).flags(READONLY, FAST).keys(every(1, -1, 1)).group("string")
            .summary("Atomically returns the string values of one or more keys.").runs(this::mget),
        command("mset").arity(atLeast(3)).flags(WRITE, DENYOOM).keys(every(1, -1, 2)).group("string")
            .summary("Atomically creates or modifies the string values of one or more keys.").since("1.0.1")
            .runs(this::mset),
        command("msetnx").arity(atLeast(3)).flags(WRITE, DENYOOM).keys(every(1, -1, 2)).group("string")
            .summary("Atomically modifies the string values of one or more keys only when all keys don't exist.")
            .since("1.0.1").runs(this::msetnx),
        command("append").arity(exactly(3)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("string")
            .summary("Appends a string to the value of a key. Creates the key if it doesn't exist.").since("2.0.0")
            .runs(this::append),
        command("strlen").arity(exactly(2)).flags(READONLY, FAST).keys(single(1)).group("string")
            .summary("Returns the length of a string value.").since("2.2.0").runs(this::strlen),
        command("getrange").arity(exactly(4)).flags(READONLY).keys(single(1)).group("string")
            .summary("Returns a substring of the string stored at a key.").since("2.4.0").runs(this::getrange),
        command("substr").arity(exactly(4)).flags(READONLY).keys(single(1)).group("string")
            .summary("Returns a substring from a string value.").runs(this::getrange),
        command("setrange").arity(exactly(4)).flags(WRITE, DENYOOM).keys(single(1)).group("string")
            .summary("Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.")
            .since("2.2.0").runs(this::setrange),
        command("incr").arity(exactly(2)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("string")
            .summary("Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.")
            .runs(call -> incrDecr(call, 1)),
        command("decr").arity(exactly(2)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("string")
            .summary("Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.")
            .runs(call -> incrDecr(call, -1)),
        command("incrby").arity(exactly(3)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("string")
            .summary("Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.")
            .runs(call -> incrDecr(call, call.longArg(2))),
        command("decrby").arity(exactly(3)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("string")
            .summary("Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.")
            .runs(this::decrby),
        command("incrbyfloat").arity(exactly(3)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("string")
            .summary("Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.")
            .since("2.6.0").runs(this::incrbyfloat),
        command("lcs").arity(atLeast(3)).flags(READONLY).keys(every(1, 2, 1)).group("string")
            .summary("Finds the longest common substring.").since("7.0.0").runs(this::lcs));
  }

  /** GET key */
  private Reply get(Call call) {
    return Reply.bulk(call.readString(call.arg(1)));
  }

  /** SET key value [NX | XX] [GET] [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL] */
  private Reply set(Call call) {
    SetOptions options = SetOptions.parse(call, 3, true);
    long expireAt = options.expireAt(call);
    byte[] key = call.arg(1);
    Reply previous = null;
    if (options.get) {
      // Redis answers the GET part first: a WRONGTYPE stops the SET.
      previous = Reply.bulk(call.readString(key));
    }
    KeyEntry existing = call.entry(key);
    if ((options.nx && existing != null) || (options.xx && existing == null)) {
      return options.get ? previous : Reply.NULL;
    }
    store(call, key, call.arg(2), existing, expireAt, options.keepTtl);
    return options.get ? previous : Reply.OK;
  }

  /** SETNX key value */
  private Reply setnx(Call call) {
    byte[] key = call.arg(1);
    if (call.entry(key) != null) {
      return Reply.ZERO;
    }
    store(call, key, call.arg(2), null, KeyEntry.NO_EXPIRY, false);
    return Reply.ONE;
  }

  /** SETEX key seconds value */
  private Reply setex(Call call) {
    return setWithExpiry(call, true);
  }

  /** PSETEX key milliseconds value */
  private Reply psetex(Call call) {
    return setWithExpiry(call, false);
  }

  private Reply setWithExpiry(Call call, boolean seconds) {
    long expireAt = SetOptions.absoluteExpiry(call, 2, seconds, true);
    byte[] key = call.arg(1);
    store(call, key, call.arg(3), null, expireAt, false);
    return Reply.OK;
  }

  /**
   * Stores a string and records it as {@code SET key value [PXAT t | KEEPTTL]}: absolute times
   * only, so replaying the journal later gives the same expiry.
   */
  static void store(Call call, byte[] key, byte[] value, KeyEntry existing, long expireAt, boolean keepTtl) {
    if (keepTtl && existing != null) {
      call.replace(key, value);
    } else {
      call.put(key, value, expireAt);
    }
    if (keepTtl) {
      call.propagate(key, SET, key, value, KEEPTTL);
    } else if (expireAt != KeyEntry.NO_EXPIRY) {
      call.propagate(key, SET, key, value, PXAT, Numbers.toBytes(expireAt));
    } else {
      call.propagate(key, SET, key, value);
    }
    call.notify(KeyspaceEvents.STRING, "set", key);
    if (!keepTtl && expireAt != KeyEntry.NO_EXPIRY) {
      call.notify(KeyspaceEvents.GENERIC, "expire", key);
    }
  }

  /** GETSET key value: the new value has no TTL. */
  private Reply getset(Call call) {
    byte[] key = call.arg(1);
    byte[] previous = call.readString(key);
    store(call, key, call.arg(2), null, KeyEntry.NO_EXPIRY, false);
    return Reply.bulk(previous);
  }

  /** GETDEL key */
  private Reply getdel(Call call) {
    byte[] key = call.arg(1);
    byte[] value = call.readString(key);
    if (value != null) {
      call.database(key).remove(key);
      call.propagate(key, DEL, key);
      call.notify(KeyspaceEvents.GENERIC, "del", key);
    }
    return Reply.bulk(value);
  }

  /**
   * GETEX key [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST]. Its effects are
   * {@code SET key value PXAT t} / {@code SET key value} (the value is at hand, and SET replays
   * without needing the expiry family), or {@code DEL key} for a time already past.
   */
  private Reply getex(Call call) {
    SetOptions options = SetOptions.parse(call, 2, false);
    byte[] key = call.arg(1);
    KeyEntry entry = call.read(key);
    if (entry == null) {
      return Reply.NULL;
    }
    if (!(entry.value() instanceof byte[] value)) {
      throw new CommandError(Errors.WRONGTYPE);
    }
    long expireAt = options.expireAt(call);
    if (options.absolute && expireAt <= call.now() && !call.replaying()) {
      call.database(key).remove(key);
      call.propagate(key, DEL, key);
      call.notify(KeyspaceEvents.GENERIC, "del", key);
    } else if (expireAt != KeyEntry.NO_EXPIRY) {
      call.setExpireAt(key, entry, expireAt);
      call.propagate(key, SET, key, value, PXAT, Numbers.toBytes(expireAt));
      call.notify(KeyspaceEvents.GENERIC, "expire", key);
    } else if (options.persist && entry.hasExpiry()) {
      call.setExpireAt(key, entry, KeyEntry.NO_EXPIRY);
      call.propagate(key, SET, key, value);
      call.notify(KeyspaceEvents.GENERIC, "persist", key);
    }
    return Reply.bulk(value);
  }

  /** MGET key [key ...]: keys of other types read as nil. */
  private Reply mget(Call call) {
    List<Reply> values = new ArrayList<>(call.argc() - 1);
    for (int i = 1; i < call.argc(); i++) {
      KeyEntry entry = call.read(call.arg(i));
      values.add(entry != null && entry.value() instanceof byte[] bytes ? Reply.bulk(bytes) : Reply.NULL);
    }
    return Reply.array(values);
  }

  /** MSET key value [key value ...] */
  private Reply mset(Call call) {
    if (call.argc() % 2 == 0) {
      throw Errors.wrongArity(call.spec().fullName());
    }
    for (int i = 1; i < call.argc(); i += 2) {
      store(call, call.arg(i), call.arg(i + 1), null, KeyEntry.NO_EXPIRY, false);
    }
    return Reply.OK;
  }

  /** MSETNX key value [key value ...]: all or nothing. */
  private Reply msetnx(Call call) {
    if (call.argc() % 2 == 0) {
      throw Errors.wrongArity(call.spec().fullName());
    }
    for (int i = 1; i < call.argc(); i += 2) {
      if (call.entry(call.arg(i)) != null) {
        return Reply.ZERO;
      }
    }
    mset(call);
    return Reply.ONE;
  }

  /** APPEND key value: creates the key even for an empty value, as Redis. */
  private Reply append(Call call) {
    byte[] key = call.arg(1);
    byte[] suffix = call.arg(2);
    byte[] current = call.writableString(key);
    byte[] result;
    if (current == null) {
      result = suffix;
      call.put(key, result, KeyEntry.NO_EXPIRY);
    } else {
      checkLength(call, current.length, suffix.length);
      // Stored arrays may be in replies still being written: build a new one, never mutate.
      result = new byte[current.length + suffix.length];
      System.arraycopy(current, 0, result, 0, current.length);
      System.arraycopy(suffix, 0, result, current.length, suffix.length);
      call.replace(key, result);
    }
    call.propagateAsSent();
    call.notify(KeyspaceEvents.STRING, "append", key);
    return Reply.integer(result.length);
  }

  /** STRLEN key */
  private Reply strlen(Call call) {
    byte[] value = call.readString(call.arg(1));
    return Reply.integer(value == null ? 0 : value.length);
  }

  /** GETRANGE key start end (and SUBSTR): inclusive, negative counts from the end. */
  private Reply getrange(Call call) {
    long start = call.longArg(2);
    long end = call.longArg(3);
    byte[] value = call.readString(call.arg(1));
    if (value == null) {
      return Reply.EMPTY_BULK;
    }
    long length = value.length;
    if (start < 0 && end < 0 && start > end) {
      return Reply.EMPTY_BULK;
    }
    if (start < 0) {
      start += length;
    }
    if (end < 0) {
      end += length;
    }
    start = Math.max(start, 0);
    end = Math.max(end, 0);
    if (end >= length) {
      end = length - 1;
    }
    if (start > end || length == 0) {
      return Reply.EMPTY_BULK;
    }
    byte[] range = new byte[(int) (end - start + 1)];
    System.arraycopy(value, (int) start, range, 0, range.length);
    return Reply.bulk(range);
  }

  /** SETRANGE key offset value: zero-padded; an empty value changes nothing, not even a missing key. */
  private Reply setrange(Call call) {
    long offset = call.longArg(2);
    if (offset < 0) {
      throw new CommandError(Errors.OUT_OF_RANGE_OFFSET);
    }
    byte[] key = call.arg(1);
    byte[] patch = call.arg(3);
    byte[] current = call.writableString(key);
    if (patch.length == 0) {
      return Reply.integer(current == null ? 0 : current.length);
    }
    checkLength(call, offset, patch.length);
    int end = (int) offset + patch.length;
    byte[] result = new byte[current == null ? end : Math.max(end, current.length)];
    if (current != null) {
      System.arraycopy(current, 0, result, 0, current.length);
    }
    System.arraycopy(patch, 0, result, (int) offset, patch.length);
    if (current == null) {
      call.put(key, result, KeyEntry.NO_EXPIRY);
    } else {
      call.replace(key, result);
    }
    call.propagateAsSent();
    call.notify(KeyspaceEvents.STRING, "setrange", key);
    return Reply.integer(result.length);
  }

  /** Redis' checkStringLength: the journal is trusted, as Redis trusts its master. */
  private void checkLength(Call call, long size, long append) {
    if (!call.replaying() && size > maxStringLength - append) {
      throw new CommandError(Errors.STRING_TOO_LONG);
    }
  }

  /** DECRBY key decrement: negating LLONG_MIN has its own error. */
  private Reply decrby(Call call) {
    long decrement = call.longArg(2);
    if (decrement == Long.MIN_VALUE) {
      throw new CommandError(DECREMENT_OVERFLOW);
    }
    return incrDecr(call, -decrement);
  }

  /** INCR, DECR, INCRBY, DECRBY: the TTL stays; deterministic, so recorded as sent. */
  private Reply incrDecr(Call call, long increment) {
    byte[] key = call.arg(1);
    byte[] current = call.writableString(key);
    long value = current == null ? 0 : Numbers.parseLong(current, Errors.NOT_INTEGER);
    if ((increment < 0 && value < 0 && increment < Long.MIN_VALUE - value)
        || (increment > 0 && value > 0 && increment > Long.MAX_VALUE - value)) {
      throw new CommandError(Errors.OVERFLOW);
    }
    value += increment;
    byte[] result = Numbers.toBytes(value);
    if (current == null) {
      call.put(key, result, KeyEntry.NO_EXPIRY);
    } else {
      call.replace(key, result);
    }
    call.propagateAsSent();
    call.notify(KeyspaceEvents.STRING, "incrby", key);
    return Reply.integer(value);
  }

  /**
   * INCRBYFLOAT key increment, in long double precision like Redis; recorded as
   * {@code SET key result KEEPTTL} so replay never depends on float arithmetic.
   */
  private Reply incrbyfloat(Call call) {
    byte[] key = call.arg(1);
    byte[] current = call.writableString(key);
    ExtendedFloat value = current == null ? ExtendedFloat.ZERO : ExtendedFloat.parse(current, Errors.NOT_FLOAT);
    ExtendedFloat increment = ExtendedFloat.parse(call.arg(2), Errors.NOT_FLOAT);
    ExtendedFloat sum = value.add(increment);
    if (sum.isInfinite()) {
      throw new CommandError(Errors.NAN_OR_INFINITY);
    }
    byte[] result = sum.toHumanBytes();
    if (current == null) {
      call.put(key, result, KeyEntry.NO_EXPIRY);
    } else {
      call.replace(key, result);
    }
    call.propagate(key, SET, key, result, KEEPTTL);
    call.notify(KeyspaceEvents.STRING, "incrbyfloat", key);
    return Reply.bulk(result);
  }

  /** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]; missing keys are empty strings. */
  private Reply lcs(Call call) {
    KeyEntry first = call.read(call.arg(1));
    KeyEntry second = call.read(call.arg(2));
    if ((first != null && !(first.value() instanceof byte[])) || (second != null && !(second.value() instanceof byte[]))) {
      throw new CommandError(LCS_WRONGTYPE);
    }
    boolean getLength = false;
    boolean getIndexes = false;
    boolean withMatchLength = false;
    long minMatchLength = 0;
    for (int i = 3; i < call.argc(); i++) {
      if (call.is(i, "IDX")) {
        getIndexes = true;
      } else if (call.is(i, "LEN")) {
        getLength = true;
      } else if (call.is(i, "WITHMATCHLEN")) {
        withMatchLength = true;
      } else if (call.is(i, "MINMATCHLEN") && i + 1 < call.argc()) {
        minMatchLength = Math.max(0, call.longArg(i + 1));
        i++;
      } else {
        throw new CommandError(Errors.SYNTAX);
      }
    }
    if (getIndexes && getLength) {
      throw new CommandError(LCS_LEN_AND_IDX);
    }
    byte[] a = first == null ? EMPTY : (byte[]) first.value();
    byte[] b = second == null ? EMPTY : (byte[]) second.value();
    return Lcs.compute(a, b, getLength, getIndexes, minMatchLength, withMatchLength, maxStringLength);
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The options of SET (and the expiry part of GETEX), accepted exactly as Redis'
   * parseExtendedStringArgumentsOrReply does: repeating an option is fine, mixing conflicting
   * ones is a syntax error, and only the last expiry's value is checked, after parsing.
   */
  static final class SetOptions {
    private static final int NONE = 0;
    private static final int EX = 1;
    private static final int PX = 2;
    private static final int EXAT = 3;
    private static final int PXAT_OPTION = 4;

    boolean nx;
    boolean xx;
    boolean get;
    boolean keepTtl;
    boolean persist;
    boolean absolute;
    private int expiry = NONE;
    private int expiryArg;

    /** Parses options from {@code from}; {@code set} allows NX/XX/GET/KEEPTTL, otherwise PERSIST (GETEX). */
    static SetOptions parse(Call call, int from, boolean set) {
      SetOptions o = new SetOptions();
      for (int i = from; i < call.argc(); i++) {
        boolean hasNext = i + 1 < call.argc();
        int option = hasNext ? expiryOption(call, i) : NONE;
        if (set && call.is(i, "NX") && !o.xx) {
          o.nx = true;
        } else if (set && call.is(i, "XX") && !o.nx) {
          o.xx = true;
        } else if (set && call.is(i, "GET")) {
          o.get = true;
        } else if (set && call.is(i, "KEEPTTL") && o.expiry == NONE) {
          o.keepTtl = true;
        } else if (!set && call.is(i, "PERSIST") && o.expiry == NONE) {
          o.persist = true;
        } else if (option != NONE && !o.keepTtl && !o.persist && (o.expiry == NONE || o.expiry == option)) {
          o.expiry = option;
          o.expiryArg = ++i;
        } else {
          throw new CommandError(Errors.SYNTAX);
        }
      }
      o.absolute = o.expiry == EXAT || o.expiry == PXAT_OPTION;
      return o;
    }

    private static int expiryOption(Call call, int i) {
      if (call.is(i, "EX")) {
        return EX;
      } else if (call.is(i, "PX")) {
        return PX;
      } else if (call.is(i, "EXAT")) {
        return EXAT;
      } else if (call.is(i, "PXAT")) {
        return PXAT_OPTION;
      }
      return NONE;
    }

    /** The absolute expiry in ms the options ask for, or NO_EXPIRY; errors as Redis. */
    long expireAt(Call call) {
      if (expiry == NONE) {
        return KeyEntry.NO_EXPIRY;
      }
      return absoluteExpiry(call, expiryArg, expiry == EX || expiry == EXAT, expiry == EX || expiry == PX);
    }

    /** Redis' getExpireMillisecondsOrReply, overflow checks included. */
    static long absoluteExpiry(Call call, int arg, boolean seconds, boolean relative) {
      long millis = call.longArg(arg);
      if (millis <= 0 || (seconds && millis > Long.MAX_VALUE / 1000)) {
        throw Errors.invalidExpireTime(call.spec().fullName());
      }
      if (seconds) {
        millis *= 1000;
      }
      if (relative) {
        // Wraps negative on overflow exactly as the C addition does.
        millis += call.now();
      }
      if (millis <= 0) {
        throw Errors.invalidExpireTime(call.spec().fullName());
      }
      return millis;
    }
  }
}
