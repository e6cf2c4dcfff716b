package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.DENYOOM;
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
import io.redgrid.rdb.DumpPayload;
import io.redgrid.rdb.RdbFormatException;
import io.redgrid.rdb.RdbOptions;
import java.util.ArrayList;
import java.util.List;

/** DUMP and RESTORE: values serialized as Redis 7.0's RDB payloads, interchangeable with Redis. */
public final class DumpCommands implements CommandFamily {
  private static final String BUSYKEY = "BUSYKEY Target key name already exists.";
  private static final String BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong";
  private static final String BAD_FORMAT = "ERR Bad data format";
  private static final String BAD_TTL = "ERR Invalid TTL value, must be >= 0";
  private static final String BAD_IDLETIME = "ERR Invalid IDLETIME value, must be >= 0";
  private static final String BAD_FREQ = "ERR Invalid FREQ value, must be >= 0 and <= 255";

  static final byte[] RESTORE = StringCommands.bytes("RESTORE");
  private static final byte[] REPLACE = StringCommands.bytes("REPLACE");
  private static final byte[] ABSTTL = StringCommands.bytes("ABSTTL");
  private static final byte[] IDLETIME = StringCommands.bytes("IDLETIME");
  private static final byte[] FREQ = StringCommands.bytes("FREQ");

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("dump").arity(exactly(2)).flags(READONLY).keys(single(1)).since("2.6.0")
            .tips("nondeterministic_output")
            .summary("Return a serialized version of the value stored at the specified key.")
            .complexity("O(1) to access the key and additional O(N*M) to serialize it, where N is the "
                + "number of Redis objects composing the value and M their average size. For small "
                + "string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).")
            .runs(this::dump),
        command("restore").arity(atLeast(4)).flags(WRITE, DENYOOM).keys(single(1)).since("2.6.0")
            .acl("dangerous").keyFlags("OW", "update")
            .summary("Create a key using the provided serialized value, previously obtained using DUMP.")
            .complexity("O(1) to create the new key and additional O(N*M) to reconstruct the serialized "
                + "value, where N is the number of Redis objects composing the value and M their average "
                + "size. For small string values the time complexity is thus O(1)+O(1*M) where M is "
                + "small, so simply O(1). However for sorted set values the complexity is "
                + "O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).")
            .runs(this::restore));
  }

  /** DUMP key: the payload, or nil. RedGrid encodes values in plain RDB types, which Redis loads. */
  private Reply dump(Call call) {
    KeyEntry entry = call.read(call.arg(1));
    if (entry == null) {
      return Reply.NULL;
    }
    return Reply.bulk(DumpPayload.dump(entry.value(), RdbOptions.DEFAULT));
  }

  /**
   * RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency], with
   * Redis' order of checks: options, busy key, TTL, payload footer, payload body.
   */
  private Reply restore(Call call) {
    byte[] key = call.arg(1);
    boolean replace = false;
    boolean absttl = false;
    long idle = -1;
    long freq = -1;
    for (int i = 4; i < call.argc(); i++) {
      boolean hasValue = i + 1 < call.argc();
      if (call.is(i, "REPLACE")) {
        replace = true;
      } else if (call.is(i, "ABSTTL")) {
        absttl = true;
      } else if (call.is(i, "IDLETIME") && hasValue && freq == -1) {
        idle = call.longArg(++i);
        if (idle < 0) {
          throw new CommandError(BAD_IDLETIME);
        }
      } else if (call.is(i, "FREQ") && hasValue && idle == -1) {
        freq = call.longArg(++i);
        if (freq < 0 || freq > 255) {
          throw new CommandError(BAD_FREQ);
        }
      } else {
        throw new CommandError(Errors.SYNTAX);
      }
    }
    if (!replace && call.entry(key) != null) {
      throw new CommandError(BUSYKEY);
    }
    long ttl = call.longArg(2);
    if (ttl < 0) {
      throw new CommandError(BAD_TTL);
    }
    byte[] payload = call.arg(3);
    if (!DumpPayload.verify(payload)) {
      throw new CommandError(BAD_PAYLOAD);
    }
    Object value;
    try {
      value = DumpPayload.restore(payload);
    } catch (RdbFormatException e) {
      throw new CommandError(BAD_FORMAT);
    }
    boolean deleted = replace && call.delete(key);
    long expireAt = KeyEntry.NO_EXPIRY;
    if (ttl > 0) {
      expireAt = absttl ? ttl : saturatedAdd(call.now(), ttl);
      // Redis' checkAlreadyExpired: never while loading, so a replayed RESTORE recreates the key.
      if (expireAt <= call.now() && !call.replaying()) {
        if (deleted) {
          call.propagate(key, StringCommands.DEL, key);
          call.notify(KeyspaceEvents.GENERIC, "del", key);
        }
        return Reply.OK;
      }
    }
    KeyEntry entry = call.put(key, value, expireAt);
    // Redis' objectSetLRUOrLFU: FREQ counts under an LFU policy, IDLETIME under the others.
    boolean lfu = call.memory().policy().lfu();
    if (!lfu && idle >= 0) {
      entry.touch(call.now() - Math.min(idle, Long.MAX_VALUE / 2000) * 1000);
    }
    if (lfu && freq >= 0) {
      entry.setFrequency((int) freq);
      entry.touch(call.now());
    }
    call.propagate(key, effect(key, expireAt, payload, idle, freq));
    call.notify(KeyspaceEvents.GENERIC, "restore", key);
    return Reply.OK;
  }

  /**
   * The journaled form: the same payload, an absolute expiry and REPLACE, so replaying rebuilds
   * this value whatever the key held (as Redis rewrites a relative TTL to ABSTTL).
   */
  private static byte[][] effect(byte[] key, long expireAt, byte[] payload, long idle, long freq) {
    List<byte[]> argv = new ArrayList<>(10);
    argv.add(RESTORE);
    argv.add(key);
    argv.add(Numbers.toBytes(expireAt == KeyEntry.NO_EXPIRY ? 0 : expireAt));
    argv.add(payload);
    argv.add(REPLACE);
    if (expireAt != KeyEntry.NO_EXPIRY) {
      argv.add(ABSTTL);
    }
    if (idle >= 0) {
      argv.add(IDLETIME);
      argv.add(Numbers.toBytes(idle));
    }
    if (freq >= 0) {
      argv.add(FREQ);
      argv.add(Numbers.toBytes(freq));
    }
    return argv.toArray(new byte[0][]);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
