package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.DENYOOM;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.READONLY;
import static io.redgrid.command.Flag.STALE;
import static io.redgrid.command.Flag.WRITE;
import static io.redgrid.command.KeySpec.every;
import static io.redgrid.command.KeySpec.single;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.command.Numbers;
import io.redgrid.keyspace.Database;
import io.redgrid.keyspace.Glob;
import io.redgrid.keyspace.HashValue;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.keyspace.SetValue;
import io.redgrid.protocol.Reply;
import io.redgrid.pubsub.KeyspaceEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Generic commands on keys of any type. */
public final class KeyCommands implements CommandFamily {
  private static final byte[] DEL = StringCommands.bytes("DEL");
  private static final byte[] UNLINK = StringCommands.bytes("UNLINK");

  private static final String SAME_OBJECT = "ERR source and destination objects are the same";
  private static final String INVALID_CURSOR = "ERR invalid cursor";
  private static final String NOT_INT =
      "ERR value is out of range, value must between -2147483648 and 2147483647";
  private static final String LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, "
      + "access frequency not tracked. Please note that when switching between policies at runtime "
      + "LRU and LFU data will take some time to adjust.";
  private static final String LRU_NOT_SELECTED = "ERR An LFU maxmemory policy is selected, "
      + "idle time not tracked. Please note that when switching between policies at runtime "
      + "LRU and LFU data will take some time to adjust.";
  /** Redis' SCAN default COUNT. */

  private static final List<Reply> OBJECT_HELP = help(
      "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.",
      "HELP",
      "    Prints this help.");

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("del").arity(atLeast(2)).flags(WRITE).keys(every(1, -1, 1))
            .summary("Deletes one or more keys.").runs(call -> delete(call, DEL)),
        command("unlink").arity(atLeast(2)).flags(WRITE, FAST).keys(every(1, -1, 1)).since("4.0.0")
            .summary("Asynchronously deletes one or more keys.").runs(call -> delete(call, UNLINK)),
        command("exists").arity(atLeast(2)).flags(READONLY, FAST).keys(every(1, -1, 1))
            .summary("Determines whether one or more keys exist.").runs(this::exists),
        command("type").arity(exactly(2)).flags(READONLY, FAST).keys(single(1))
            .summary("Determines the type of value stored at a key.").runs(this::type),
        command("keys").arity(exactly(2)).flags(READONLY).allShards().acl("dangerous")
            .summary("Returns all key names that match a pattern.").runs(this::keys),
        command("scan").arity(atLeast(2)).flags(READONLY).allShards().since("2.8.0")
            .summary("Iterates over the key names in the database.").runs(this::scan),
        command("randomkey").arity(exactly(1)).flags(READONLY).allShards()
            .summary("Returns a random key name from the database.").runs(this::randomkey),
        command("rename").arity(exactly(3)).flags(WRITE).keys(every(1, 2, 1))
            .summary("Renames a key and overwrites the destination.").runs(call -> rename(call, false)),
        command("renamenx").arity(exactly(3)).flags(WRITE, FAST).keys(every(1, 2, 1))
            .summary("Renames a key only when the target key name doesn't exist.")
            .runs(call -> rename(call, true)),
        command("copy").arity(atLeast(3)).flags(WRITE, DENYOOM).keys(every(1, 2, 1)).since("6.2.0")
            .summary("Copies the value of a key to a new key.").runs(this::copy),
        command("move").arity(exactly(3)).flags(WRITE, FAST).keys(single(1))
            .summary("Moves a key to another database.").runs(this::move),
        command("touch").arity(atLeast(2)).flags(READONLY, FAST).keys(every(1, -1, 1)).since("3.2.1")
            .summary("Returns the number of existing keys out of those specified after updating the "
                + "time they were last accessed.").runs(this::touch),
        command("object").arity(atLeast(2)).since("2.2.3")
            .summary("A container for object introspection commands.").subcommands(
                command("encoding").arity(exactly(3)).flags(READONLY).keys(single(2)).since("2.2.3")
                    .summary("Returns the internal encoding of a Redis object.").runs(this::objectEncoding),
                command("freq").arity(exactly(3)).flags(READONLY).keys(single(2)).since("4.0.0")
                    .summary("Returns the logarithmic access frequency counter of a Redis object.")
                    .runs(this::objectFreq),
                command("idletime").arity(exactly(3)).flags(READONLY).keys(single(2)).since("2.2.3")
                    .summary("Returns the time since the last access to a Redis object.")
                    .runs(this::objectIdletime),
                command("refcount").arity(exactly(3)).flags(READONLY).keys(single(2)).since("2.2.3")
                    .summary("Returns the reference count of a value of a key.").runs(this::objectRefcount),
                command("help").arity(exactly(2)).flags(LOADING, STALE).since("6.2.0")
                    .summary("Returns helpful text about the different subcommands.")
                    .runs(call -> Reply.array(OBJECT_HELP))));
  }

  // ---- deleting and testing ----------------------------------------------------------------

  /** DEL key [key ...] and UNLINK key [key ...]: freeing lazily is invisible here. */
  private Reply delete(Call call, byte[] effect) {
    long deleted = 0;
    for (int i = 1; i < call.argc(); i++) {
      byte[] key = call.arg(i);
      if (call.delete(key)) {
        call.propagate(key, effect, key);
        call.notify(KeyspaceEvents.GENERIC, "del", key);
        deleted++;
      }
    }
    return Reply.integer(deleted);
  }

  /** EXISTS key [key ...]: a key named twice counts twice. */
  private Reply exists(Call call) {
    long found = 0;
    for (int i = 1; i < call.argc(); i++) {
      if (lookupNoTouch(call, call.arg(i)) != null) {
        found++;
      }
    }
    return Reply.integer(found);
  }

  /** TYPE key */
  private Reply type(Call call) {
    KeyEntry entry = lookupNoTouch(call, call.arg(1));
    return Reply.simple(entry == null ? "none" : ValueTypes.typeName(entry.value()));
  }

  /** TOUCH key [key ...] */
  private Reply touch(Call call) {
    long touched = 0;
    for (int i = 1; i < call.argc(); i++) {
      if (call.read(call.arg(i)) != null) {
        touched++;
      }
    }
    return Reply.integer(touched);
  }

  /**
   * A read that counts a keyspace hit or miss but leaves the access time alone, as Redis'
   * LOOKUP_NOTOUCH (EXISTS, TYPE, OBJECT).
   */
  private static KeyEntry lookupNoTouch(Call call, byte[] key) {
    KeyEntry entry = call.entry(key);
    if (entry == null) {
      call.stats().keyspaceMisses.increment();
      call.notify(KeyspaceEvents.KEY_MISS, "keymiss", key);
    } else {
      call.stats().keyspaceHits.increment();
    }
    return entry;
  }

  // ---- whole keyspace ----------------------------------------------------------------------

  /** KEYS pattern: like Redis 7.0 it skips expired keys without deleting them. */
  private Reply keys(Call call) {
    byte[] pattern = call.arg(1);
    boolean all = Glob.matchesAll(pattern);
    long now = call.now();
    List<Reply> found = new ArrayList<>();
    for (Keyspace keyspace : call.shards()) {
      keyspace.database(call.db()).forEach(entry -> {
        if ((all || Glob.matches(pattern, entry.key())) && !expired(entry, now)) {
          found.add(Reply.bulk(entry.key()));
        }
      });
    }
    return Reply.array(found);
  }

  /**
   * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
   *
   * <p>The cursor walks the shards in order, each with its own Dict (reverse-binary) cursor:
   * {@code cursor = dictCursor * shardCount + shardIndex}. Cursor 0 is shard 0 at dict cursor 0,
   * the start; when a shard's dict cursor comes back to 0 the scan moves on to the next shard at
   * dict cursor 0 (encoded as that shard's index, never 0), and after the last shard it returns 0.
   * So a full iteration visits every shard completely, and Dict's guarantee (every key present
   * for the whole scan is returned, even across resizes) holds for the whole keyspace. Dict
   * cursors stay below the table size, so the product cannot overflow.
   */
  private Reply scan(Call call) {
    long cursor = parseCursor(call.arg(1));
    ScanOptions options = ScanOptions.parse(call, 2, true);
    long count = options.count();
    byte[] pattern = options.pattern();
    byte[] typeName = options.type();

    List<Keyspace> shards = call.shards();
    int shardCount = shards.size();
    int shard = (int) Long.remainderUnsigned(cursor, shardCount);
    long dictCursor = Long.divideUnsigned(cursor, shardCount);
    // Redis bounds the work per call to COUNT*10 bucket visits, so sparse tables still return.
    long iterations = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
    List<KeyEntry> collected = new ArrayList<>();
    do {
      dictCursor = shards.get(shard).database(call.db()).scan(dictCursor, collected::add);
      if (dictCursor == 0 && ++shard == shardCount) {
        break;
      }
    } while (iterations-- > 0 && collected.size() < count);
    long next = shard == shardCount ? 0 : dictCursor * shardCount + shard;

    // Filtering after collecting, as Redis does: COUNT counts visited keys, and expired keys are
    // deleted (Call.entry) only now, never while a Dict is being scanned.
    List<Reply> keys = new ArrayList<>(collected.size());
    for (KeyEntry candidate : collected) {
      byte[] key = candidate.key();
      if (pattern != null && !Glob.matches(pattern, key)) {
        continue;
      }
      KeyEntry entry = typeName == null ? call.entry(key) : lookupNoTouch(call, key);
      if (entry == null) {
        continue;
      }
      if (typeName != null && !isType(typeName, ValueTypes.typeName(entry.value()))) {
        continue;
      }
      keys.add(Reply.bulk(key));
    }
    return Reply.array(Reply.bulk(Long.toUnsignedString(next)), Reply.array(keys));
  }

  /** SCAN TYPE compares case-insensitively (strcasecmp), without a String per key. */
  private static boolean isType(byte[] wanted, String name) {
    if (wanted.length != name.length()) {
      return false;
    }
    for (int i = 0; i < wanted.length; i++) {
      int c = wanted[i];
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses a SCAN cursor as Redis does with strtoul: an unsigned 64-bit decimal, optional sign
   * (a negative value wraps around), no leading space, nothing after the digits; the empty
   * string is cursor 0.
   */
  static long parseCursor(byte[] text) {
    if (text.length == 0) {
      return 0;
    }
    int i = 0;
    boolean negative = false;
    if (text[0] == '+' || text[0] == '-') {
      negative = text[0] == '-';
      i = 1;
    }
    if (i == text.length) {
      throw new CommandError(INVALID_CURSOR);
    }
    long value = 0;
    long limit = Long.divideUnsigned(-1L, 10);
    for (; i < text.length; i++) {
      int digit = text[i] - '0';
      if (digit < 0 || digit > 9 || Long.compareUnsigned(value, limit) > 0) {
        throw new CommandError(INVALID_CURSOR);
      }
      long shifted = value * 10;
      value = shifted + digit;
      if (Long.compareUnsigned(value, shifted) < 0) {
        throw new CommandError(INVALID_CURSOR);
      }
    }
    return negative ? -value : value;
  }

  /** RANDOMKEY: expired keys picked on the way are deleted (and propagated) and another drawn. */
  private Reply randomkey(Call call) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<Keyspace> shards = call.shards();
    while (true) {
      long total = 0;
      for (Keyspace keyspace : shards) {
        total += keyspace.database(call.db()).size();
      }
      if (total == 0) {
        return Reply.NULL;
      }
      // Weighted by size so every key is about equally likely, whatever shard it is on.
      long pick = random.nextLong(total);
      Database database = null;
      for (Keyspace keyspace : shards) {
        database = keyspace.database(call.db());
        if (pick < database.size()) {
          break;
        }
        pick -= database.size();
      }
      KeyEntry entry = database.random(random);
      if (!expired(entry, call.now())) {
        return Reply.bulk(entry.key());
      }
      call.entry(entry.key());
    }
  }

  private static boolean expired(KeyEntry entry, long now) {
    return entry.isExpired(now);
  }

  // ---- renaming, copying, moving -------------------------------------------------------------

  /** RENAME key newkey / RENAMENX key newkey: the value keeps its TTL. */
  private Reply rename(Call call, boolean nx) {
    byte[] source = call.arg(1);
    byte[] target = call.arg(2);
    KeyEntry entry = call.entry(source);
    if (entry == null) {
      throw new CommandError(Errors.NO_SUCH_KEY);
    }
    entry.touch(call.now());
    if (java.util.Arrays.equals(source, target)) {
      return nx ? Reply.ZERO : Reply.OK;
    }
    if (call.entry(target) != null && nx) {
      return Reply.ZERO;
    }
    Object value = entry.value();
    long expireAt = entry.expireAt();
    call.database(source).remove(source);
    // Redis deletes the target and adds it anew, so "new" fires even when it existed.
    call.database(target).remove(target);
    call.put(target, value, expireAt);
    if (sameShard(call, source, target)) {
      call.propagateAsSent();
    } else {
      call.propagate(source, DEL, source);
      recreate(call, call.db(), target, value, expireAt);
    }
    call.notify(KeyspaceEvents.GENERIC, "rename_from", source);
    call.notify(KeyspaceEvents.GENERIC, "rename_to", target);
    return nx ? Reply.ONE : Reply.OK;
  }

  /** COPY source destination [DB destination-db] [REPLACE]: the copy gets the source's TTL. */
  private Reply copy(Call call) {
    byte[] source = call.arg(1);
    byte[] target = call.arg(2);
    int targetDb = call.db();
    boolean replace = false;
    for (int i = 3; i < call.argc(); i++) {
      if (call.is(i, "REPLACE")) {
        replace = true;
      } else if (call.is(i, "DB") && i + 1 < call.argc()) {
        targetDb = databaseArg(call, ++i);
      } else {
        throw new CommandError(Errors.SYNTAX);
      }
    }
    if (targetDb == call.db() && java.util.Arrays.equals(source, target)) {
      throw new CommandError(SAME_OBJECT);
    }
    KeyEntry entry = call.read(source);
    if (entry == null) {
      return Reply.ZERO;
    }
    if (call.entry(targetDb, target) != null && !replace) {
      return Reply.ZERO;
    }
    Object value = ValueTypes.duplicate(entry.value());
    long expireAt = entry.expireAt();
    // Redis deletes a replaced target and adds it anew, so "new" fires even when it existed.
    call.database(targetDb, target).remove(target);
    call.notifyIfNew(targetDb, target);
    call.database(targetDb, target).put(target, value, expireAt).touch(call.now());
    if (sameShard(call, source, target)) {
      call.propagateAsSent();
      call.keyReady(targetDb, target);
    } else {
      recreate(call, targetDb, target, value, expireAt);
    }
    call.notify(targetDb, KeyspaceEvents.GENERIC, "copy_to", target);
    return Reply.ONE;
  }

  /** MOVE key db: the key stays on its shard (same name), so the command propagates as sent. */
  private Reply move(Call call) {
    byte[] key = call.arg(1);
    int targetDb = databaseArg(call, 2);
    if (targetDb == call.db()) {
      throw new CommandError(SAME_OBJECT);
    }
    KeyEntry entry = call.entry(key);
    if (entry == null) {
      return Reply.ZERO;
    }
    entry.touch(call.now());
    if (call.entry(targetDb, key) != null) {
      return Reply.ZERO;
    }
    Object value = entry.value();
    long expireAt = entry.expireAt();
    call.database(key).remove(key);
    call.notifyIfNew(targetDb, key);
    call.database(targetDb, key).put(key, value, expireAt).touch(call.now());
    call.propagateAsSent();
    call.keyReady(targetDb, key);
    call.notify(KeyspaceEvents.GENERIC, "move_from", key);
    call.notify(targetDb, KeyspaceEvents.GENERIC, "move_to", key);
    return Reply.ONE;
  }

  /** A database index argument as COPY and MOVE take it (Redis' getIntFromObject, then selectDb). */
  private static int databaseArg(Call call, int index) {
    long value = call.longArg(index);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new CommandError(NOT_INT);
    }
    // The keyspace knows the database count: call.server() is null inside a shard.
    if (value < 0 || value >= call.shards().get(0).databaseCount()) {
      throw new CommandError(Errors.DB_OUT_OF_RANGE);
    }
    return (int) value;
  }

  /**
   * Each (shard, db) pair has its own Database, so two keys are on one shard exactly when they
   * resolve to the same Database of the same index.
   */
  private static boolean sameShard(Call call, byte[] first, byte[] second) {
    return call.database(0, first) == call.database(0, second);
  }

  /**
   * Records, on the shard owning {@code key}, effects that rebuild {@code key} in {@code db}
   * with this value and expiry whatever the key held before: how a value that crossed shards
   * (RENAME, COPY) is journaled, since an effect may only name keys of its own shard.
   * Strings are {@code SET key value [PXAT t]}; a value type that cannot be written by one
   * overwriting command must start with {@code DEL key} and add its building commands here.
   */
  static void recreate(Call call, int db, byte[] key, Object value, long expireAt) {
    if (value instanceof byte[] bytes) {
      if (expireAt == KeyEntry.NO_EXPIRY) {
        call.propagateIn(db, key, StringCommands.SET, key, bytes);
      } else {
        call.propagateIn(db, key, StringCommands.SET, key, bytes, StringCommands.PXAT,
            Numbers.toBytes(expireAt));
      }
      return;
    }
    if (value instanceof SetValue set) {
      SetCommands.recreate(call, db, key, set, expireAt);
      return;
    }
    if (value instanceof HashValue hash) {
      HashCommands.recreate(call, db, key, hash, expireAt);
      return;
    }
    if (value instanceof io.redgrid.keyspace.ListValue list) {
      ListCommands.recreate(call, db, key, list, expireAt);
      return;
    }
    if (value instanceof io.redgrid.keyspace.SortedSetValue zset) {
      SortedSetCommands.rebuild(call, db, key, zset);
      if (expireAt != KeyEntry.NO_EXPIRY) {
        call.propagateIn(db, key, StringCommands.bytes("PEXPIREAT"), key, Numbers.toBytes(expireAt));
      }
      return;
    }
    throw new IllegalStateException("no replay form for " + value.getClass().getName());
  }

  // ---- OBJECT ----------------------------------------------------------------------------------

  /** OBJECT ENCODING key */
  private Reply objectEncoding(Call call) {
    KeyEntry entry = lookupNoTouch(call, call.arg(2));
    return entry == null ? Reply.NULL : Call.bulk(ValueTypes.encoding(entry.value()));
  }

  /** OBJECT FREQ key: the decayed LFU counter (Redis' LFUDecrAndReturn); only an LFU policy tracks it. */
  private Reply objectFreq(Call call) {
    KeyEntry entry = lookupNoTouch(call, call.arg(2));
    if (entry == null) {
      return Reply.NULL;
    }
    if (!call.memory().policy().lfu()) {
      throw new CommandError(LFU_NOT_SELECTED);
    }
    return Reply.integer(io.redgrid.memory.Lfu.decayed(entry, call.now(), call.memory().decayTime()));
  }

  /** OBJECT IDLETIME key: seconds since the last access; looking does not count as access. */
  private Reply objectIdletime(Call call) {
    KeyEntry entry = lookupNoTouch(call, call.arg(2));
    if (entry == null) {
      return Reply.NULL;
    }
    if (call.memory().policy().lfu()) {
      throw new CommandError(LRU_NOT_SELECTED);
    }
    return Reply.integer(Math.max(0, call.now() - entry.lastAccess()) / 1000);
  }

  /** OBJECT REFCOUNT key */
  private Reply objectRefcount(Call call) {
    KeyEntry entry = lookupNoTouch(call, call.arg(2));
    return entry == null ? Reply.NULL : Reply.integer(ValueTypes.refcount(entry.value()));
  }

  private static List<Reply> help(String... lines) {
    List<Reply> replies = new ArrayList<>(lines.length);
    for (String line : lines) {
      replies.add(Reply.simple(line));
    }
    return List.copyOf(replies);
  }
}
