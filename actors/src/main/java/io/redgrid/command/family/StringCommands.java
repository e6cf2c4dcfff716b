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
import io.redgrid.command.Numbers;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Commands on string values. */
public final class StringCommands implements CommandFamily {
  static final byte[] SET = bytes("SET");
  static final byte[] PXAT = bytes("PXAT");
  static final byte[] KEEPTTL = bytes("KEEPTTL");

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("get").arity(exactly(2)).flags(READONLY, FAST).keys(single(1)).group("string")
            .summary("Returns the string value of a key.").runs(this::get),
        command("set").arity(atLeast(3)).flags(WRITE, DENYOOM).keys(single(1)).group("string")
            .summary("Sets the string value of a key, ignoring its type.").runs(this::set),
        command("mget").arity(atLeast(2)).flags(READONLY, FAST).keys(every(1, -1, 1)).group("string")
            .summary("Atomically returns the string values of one or more keys.").runs(this::mget),
        command("mset").arity(atLeast(3)).flags(WRITE, DENYOOM).keys(every(1, -1, 2)).group("string")
            .summary("Atomically creates or modifies the string values of one or more keys.").runs(this::mset));
  }

  /** GET key */
  private Reply get(Call call) {
    return Reply.bulk(call.readString(call.arg(1)));
  }

  /** SET key value [NX | XX] [GET] [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL] */
  private Reply set(Call call) {
    SetOptions options = SetOptions.parse(call, 3, true);
    byte[] key = call.arg(1);
    byte[] value = call.arg(2);
    KeyEntry existing = call.entry(key);
    Reply previous = null;
    if (options.get) {
      if (existing != null && !(existing.value() instanceof byte[])) {
        throw new CommandError(Errors.WRONGTYPE);
      }
      previous = Reply.bulk(existing == null ? null : (byte[]) existing.value());
    }
    if ((options.nx && existing != null) || (options.xx && existing == null)) {
      return options.get ? previous : Reply.NULL;
    }
    store(call, key, value, existing, options.expireAt, options.keepTtl);
    return options.get ? previous : Reply.OK;
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
  }

  /** MGET key [key ...] */
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
      throw Errors.wrongArity("mset");
    }
    for (int i = 1; i < call.argc(); i += 2) {
      store(call, call.arg(i), call.arg(i + 1), null, KeyEntry.NO_EXPIRY, false);
    }
    return Reply.OK;
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** The expiry and condition options shared by SET (and GETEX for the expiry part). */
  static final class SetOptions {
    boolean nx;
    boolean xx;
    boolean get;
    boolean keepTtl;
    boolean persist;
    long expireAt = KeyEntry.NO_EXPIRY;

    /** Parses options from {@code from}; {@code conditions} allows NX/XX/GET (SET) or PERSIST (GETEX). */
    static SetOptions parse(Call call, int from, boolean conditions) {
      SetOptions o = new SetOptions();
      boolean expirySeen = false;
      String name = call.spec().fullName();
      for (int i = from; i < call.argc(); i++) {
        boolean hasNext = i + 1 < call.argc();
        if (conditions && call.is(i, "NX") && !o.xx) {
          o.nx = true;
        } else if (conditions && call.is(i, "XX") && !o.nx) {
          o.xx = true;
        } else if (conditions && call.is(i, "GET")) {
          o.get = true;
        } else if (conditions && call.is(i, "KEEPTTL") && !expirySeen) {
          o.keepTtl = true;
          expirySeen = true;
        } else if (!conditions && call.is(i, "PERSIST") && !expirySeen) {
          o.persist = true;
          expirySeen = true;
        } else if (hasNext && !expirySeen && (call.is(i, "EX") || call.is(i, "PX")
            || call.is(i, "EXAT") || call.is(i, "PXAT"))) {
          expirySeen = true;
          long amount = call.longArg(i + 1);
          o.expireAt = absoluteExpiry(call, i, amount, name);
          i++;
        } else {
          throw new CommandError(Errors.SYNTAX);
        }
      }
      return o;
    }

    private static long absoluteExpiry(Call call, int option, long amount, String name) {
      if (amount <= 0) {
        throw Errors.invalidExpireTime(name);
      }
      boolean seconds = call.is(option, "EX") || call.is(option, "EXAT");
      boolean relative = call.is(option, "EX") || call.is(option, "PX");
      long millis;
      try {
        millis = seconds ? Math.multiplyExact(amount, 1000L) : amount;
        return relative ? Math.addExact(millis, call.now()) : millis;
      } catch (ArithmeticException e) {
        throw Errors.invalidExpireTime(name);
      }
    }
  }
}
