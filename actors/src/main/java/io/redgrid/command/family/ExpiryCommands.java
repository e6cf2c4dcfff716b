package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.READONLY;
import static io.redgrid.command.Flag.WRITE;
import static io.redgrid.command.KeySpec.single;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.command.Numbers;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.protocol.Reply;
import io.redgrid.pubsub.KeyspaceEvents;
import java.util.List;

/** Commands that set, read and remove key expiry times. */
public final class ExpiryCommands implements CommandFamily {
  private static final byte[] PEXPIREAT = StringCommands.bytes("PEXPIREAT");
  private static final byte[] PERSIST = StringCommands.bytes("PERSIST");
  private static final byte[] DEL = StringCommands.bytes("DEL");

  private static final String NX_INCOMPATIBLE =
      "ERR NX and XX, GT or LT options at the same time are not compatible";
  private static final String GT_LT_INCOMPATIBLE = "ERR GT and LT options at the same time are not compatible";

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("expire").arity(atLeast(3)).flags(WRITE, FAST).keys(single(1)).since("1.0.0")
            .summary("Set a key's time to live in seconds").runs(call -> expire(call, true, true)),
        command("pexpire").arity(atLeast(3)).flags(WRITE, FAST).keys(single(1)).since("2.6.0")
            .summary("Set a key's time to live in milliseconds").runs(call -> expire(call, false, true)),
        command("expireat").arity(atLeast(3)).flags(WRITE, FAST).keys(single(1)).since("1.2.0")
            .summary("Set the expiration for a key as a UNIX timestamp").runs(call -> expire(call, true, false)),
        command("pexpireat").arity(atLeast(3)).flags(WRITE, FAST).keys(single(1)).since("2.6.0")
            .summary("Set the expiration for a key as a UNIX timestamp specified in milliseconds")
            .runs(call -> expire(call, false, false)),
        command("ttl").arity(exactly(2)).flags(READONLY, FAST).keys(single(1)).since("1.0.0")
            .summary("Get the time to live for a key in seconds").runs(call -> ttl(call, false, false)),
        command("pttl").arity(exactly(2)).flags(READONLY, FAST).keys(single(1)).since("2.6.0")
            .summary("Get the time to live for a key in milliseconds").runs(call -> ttl(call, true, false)),
        command("expiretime").arity(exactly(2)).flags(READONLY, FAST).keys(single(1)).since("7.0.0")
            .summary("Get the expiration Unix timestamp for a key").runs(call -> ttl(call, false, true)),
        command("pexpiretime").arity(exactly(2)).flags(READONLY, FAST).keys(single(1)).since("7.0.0")
            .summary("Get the expiration Unix timestamp for a key in milliseconds")
            .runs(call -> ttl(call, true, true)),
        command("persist").arity(exactly(2)).flags(WRITE, FAST).keys(single(1)).since("2.2.0")
            .summary("Remove the expiration from a key").runs(this::persist));
  }

  /**
   * EXPIRE | PEXPIRE | EXPIREAT | PEXPIREAT key time [NX | XX] [GT | LT], as Redis 7.0's
   * expireGenericCommand: options are checked before the time, the time before the key.
   */
  private Reply expire(Call call, boolean seconds, boolean relative) {
    Condition condition = Condition.parse(call);
    long when = absoluteTime(call, call.longArg(2), seconds, relative);
    byte[] key = call.arg(1);
    KeyEntry entry = call.entry(key);
    if (entry == null) {
      return Reply.integer(0);
    }
    entry.touch(call.now());
    if (!condition.allows(entry.expireAt(), when)) {
      return Reply.integer(0);
    }
    // Redis' checkAlreadyExpired: a past time deletes, except while loading the journal, where
    // the time is set as recorded and a later DEL in the journal (or expiry) removes the key.
    if (when <= call.now() && !call.replaying()) {
      call.database(key).remove(key);
      call.propagate(key, DEL, key);
      call.notify(KeyspaceEvents.GENERIC, "del", key);
      return Reply.integer(1);
    }
    // -1 means "no expiry" in the keyspace; a replayed time that far in the past is just "expired".
    call.setExpireAt(key, entry, Math.max(when, 0));
    call.propagate(key, PEXPIREAT, key, Numbers.toBytes(when));
    call.notify(KeyspaceEvents.GENERIC, "expire", key);
    return Reply.integer(1);
  }

  /** The absolute expiry in ms; overflow is checked exactly where Redis checks it. */
  private static long absoluteTime(Call call, long amount, boolean seconds, boolean relative) {
    long when = amount;
    // Java's division truncates toward zero like C's, so the bounds are Redis' own.
    if (seconds) {
      if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
        throw Errors.invalidExpireTime(call.spec().fullName());
      }
      when *= 1000;
    }
    long base = relative ? call.now() : 0;
    if (when > Long.MAX_VALUE - base) {
      throw Errors.invalidExpireTime(call.spec().fullName());
    }
    return when + base;
  }

  /** TTL | PTTL | EXPIRETIME | PEXPIRETIME key: -2 missing, -1 no expiry, else the time. */
  private Reply ttl(Call call, boolean millis, boolean absolute) {
    // Redis looks the key up with LOOKUP_NOTOUCH: counts a hit or miss, keeps the access time.
    KeyEntry entry = call.entry(call.arg(1));
    if (entry == null) {
      call.stats().keyspaceMisses.increment();
      call.notify(KeyspaceEvents.KEY_MISS, "keymiss", call.arg(1));
      return Reply.integer(-2);
    }
    call.stats().keyspaceHits.increment();
    if (!entry.hasExpiry()) {
      return Reply.integer(-1);
    }
    long time = absolute ? entry.expireAt() : entry.expireAt() - call.now();
    if (time < 0) {
      time = 0;
    }
    return Reply.integer(millis ? time : roundToSeconds(time));
  }

  /** Redis' (ms + 500) / 1000 without its overflow near Long.MAX_VALUE; {@code ms} is never negative. */
  private static long roundToSeconds(long ms) {
    return ms / 1000 + (ms % 1000 + 500) / 1000;
  }

  /** PERSIST key */
  private Reply persist(Call call) {
    byte[] key = call.arg(1);
    KeyEntry entry = call.entry(key);
    if (entry == null) {
      return Reply.integer(0);
    }
    entry.touch(call.now());
    if (!entry.hasExpiry()) {
      return Reply.integer(0);
    }
    call.setExpireAt(key, entry, KeyEntry.NO_EXPIRY);
    call.propagate(key, PERSIST, key);
    call.notify(KeyspaceEvents.GENERIC, "persist", key);
    return Reply.integer(1);
  }

  /** The NX / XX / GT / LT options of the EXPIRE family (Redis 7.0). */
  private record Condition(boolean nx, boolean xx, boolean gt, boolean lt) {
    static Condition parse(Call call) {
      boolean nx = false;
      boolean xx = false;
      boolean gt = false;
      boolean lt = false;
      for (int i = 3; i < call.argc(); i++) {
        if (call.is(i, "NX")) {
          nx = true;
        } else if (call.is(i, "XX")) {
          xx = true;
        } else if (call.is(i, "GT")) {
          gt = true;
        } else if (call.is(i, "LT")) {
          lt = true;
        } else {
          // Redis' addReplyErrorFormat turns line breaks into spaces so the reply stays one line.
          throw new CommandError("ERR Unsupported option " + call.text(i).replace('\r', ' ').replace('\n', ' '));
        }
      }
      if (nx && (xx || gt || lt)) {
        throw new CommandError(NX_INCOMPATIBLE);
      }
      if (gt && lt) {
        throw new CommandError(GT_LT_INCOMPATIBLE);
      }
      return new Condition(nx, xx, gt, lt);
    }

    /** Whether the new time may replace {@code current} (-1: none, which GT and LT see as infinite). */
    boolean allows(long current, long when) {
      boolean none = current == KeyEntry.NO_EXPIRY;
      if (nx && !none) {
        return false;
      }
      if (xx && none) {
        return false;
      }
      if (gt && (none || when <= current)) {
        return false;
      }
      return !lt || none || when < current;
    }
  }
}
