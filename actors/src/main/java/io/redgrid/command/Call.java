package io.redgrid.command;

import io.redgrid.blocking.BlockRequest;
import io.redgrid.blocking.BlockedClients;
import io.redgrid.keyspace.Clock;
import io.redgrid.keyspace.Database;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.protocol.Reply;
import io.redgrid.pubsub.KeyspaceEvents;
import io.redgrid.server.ClientSession;
import io.redgrid.server.ServerContext;
import io.redgrid.server.ServerStats;
import io.redgrid.tracking.Tracking;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One invocation of a command: its arguments, the database it addresses, the shards it may touch
 * and where its effects go. Argument helpers throw {@link CommandError} with Redis' texts.
 *
 * <p>Commands change the keyspace directly and record what they did as effects (deterministic
 * commands, as Redis propagates to its AOF); see {@code KeyspaceShard} for why this is safe.
 */
public final class Call {
  private static final byte[] DEL = {'D', 'E', 'L'};

  private final CommandSpec spec;
  private final byte[][] argv;
  private final int db;
  private final int protocol;
  private final ShardAccess shards;
  private final Effects effects;
  private final long now;
  private final boolean replaying;
  private final ClientSession session;
  private final ServerContext server;
  private final ServerStats stats;
  private final BlockedClients blocked;
  private final CommandTable table;
  private final KeyspaceEvents events;
  private final Tracking tracking;
  private final long client;
  private final io.redgrid.scripting.functions.FunctionRegistry functions;
  /** CLIENT NO-TOUCH: reads leave LRU/LFU data alone, except TOUCH's (Redis 7.2). */
  private final boolean noTouch;
  /** Inside EXEC: blocking commands take their non-blocking form (Redis' CLIENT_DENY_BLOCKING). */
  private final boolean denyBlocking;
  private final boolean inScript;
  private CompletionStage<?> deferral;
  private CompletionStage<Reply> laterReply;
  private BlockRequest blockRequest;
  /** Entries this write call looked up or stored, re-measured after it (values change in place). */
  private final boolean writes;
  private Database[] touchedDbs;
  private KeyEntry[] touched;
  private int touchedCount;

  Call(CommandTable table, CommandSpec spec, byte[][] argv, Context context) {
    this.table = table;
    this.spec = spec;
    this.argv = argv;
    this.db = context.db;
    this.protocol = context.protocol;
    this.shards = context.shards;
    this.effects = context.effects;
    this.now = context.clock.millis();
    this.replaying = context.replaying;
    this.session = context.session;
    this.server = context.server;
    this.stats = context.stats;
    this.blocked = context.blocked;
    this.events = context.events;
    this.tracking = context.tracking;
    this.client = context.client;
    this.noTouch = context.noTouch && !"touch".equals(spec.fullName());
    this.writes = spec.has(Flag.WRITE);
    this.denyBlocking = context.denyBlocking;
    this.functions = context.functions;
    this.inScript = context.inScript;
  }

  /** Where a call runs: built once per batch by the shard, the coordinator or the connection. */
  public static final class Context {
    /** The statistics of calls run outside a node (tools, replay of a file on its own). */
    private static final ServerStats DETACHED_STATS = new ServerStats();

    int db;
    int protocol = 2;
    ShardAccess shards;
    Effects effects = Effects.NONE;
    Clock clock = Clock.SYSTEM;
    boolean replaying;
    ClientSession session;
    ServerContext server;
    // Every node and test harness sets its own; a fresh ServerStats per context (a batch, a
    // command) cost dozens of allocations on the hot path.
    ServerStats stats = DETACHED_STATS;
    BlockedClients blocked;
    long client;
    boolean retry;
    KeyspaceEvents events = KeyspaceEvents.NONE;
    Tracking tracking;
    boolean noTouch;
    boolean denyBlocking;
    io.redgrid.scripting.functions.FunctionRegistry functions;

    /** The node's function libraries (FUNCTION, FCALL), live and while replaying. */
    public Context functions(io.redgrid.scripting.functions.FunctionRegistry functions) {
      this.functions = functions;
      return this;
    }

    boolean inScript;

    /**
     * Run by a script's redis.call: no eviction nor OOM refusal of its own (Redis evicts before
     * the script and checks its commands against the memory state at its start).
     */
    public Context inScript(boolean inScript) {
      this.inScript = inScript;
      return this;
    }

    /** Inside EXEC: blocking commands answer at once, as their non-blocking form. */
    public Context denyBlocking(boolean denyBlocking) {
      this.denyBlocking = denyBlocking;
      return this;
    }

    /** CLIENT NO-TOUCH of the client running the call. */
    public Context noTouch(boolean noTouch) {
      this.noTouch = noTouch;
      return this;
    }

    /** Where reads are remembered and writes invalidate (CLIENT TRACKING); null: no tracking. */
    public Context tracking(Tracking tracking) {
      this.tracking = tracking;
      return this;
    }

    /** Where keyspace notifications go (notify-keyspace-events); {@link KeyspaceEvents#NONE} by default. */
    public Context events(KeyspaceEvents events) {
      this.events = events;
      return this;
    }

    public Context db(int db) {
      this.db = db;
      return this;
    }

    public Context protocol(int protocol) {
      this.protocol = protocol;
      return this;
    }

    public Context shards(ShardAccess shards) {
      this.shards = shards;
      return this;
    }

    public Context effects(Effects effects) {
      this.effects = effects;
      return this;
    }

    public Context clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Context replaying(boolean replaying) {
      this.replaying = replaying;
      return this;
    }

    public Context session(ClientSession session) {
      this.session = session;
      return this;
    }

    public Context server(ServerContext server) {
      this.server = server;
      return this;
    }

    public Context stats(ServerStats stats) {
      this.stats = stats;
      return this;
    }

    /** Where blocking commands wait and writes signal; null runs them in their non-blocking form. */
    public Context blocked(BlockedClients blocked) {
      this.blocked = blocked;
      return this;
    }

    /** The client a coordinated blocking command registers for, and whether this is its retry. */
    public Context client(long client, boolean retry) {
      this.client = client;
      this.retry = retry;
      return this;
    }

    public BlockedClients blocked() {
      return blocked;
    }

    public long client() {
      return client;
    }

    public boolean retry() {
      return retry;
    }

    public int db() {
      return db;
    }
  }

  // ---- arguments -------------------------------------------------------------------------

  /** The shards this call may touch, as given by whoever runs it (scripts run commands under it). */
  public ShardAccess shardAccess() {
    return shards;
  }

  /** Where this call's effects go (scripts record their commands' effects there too). */
  public Effects effects() {
    return effects;
  }

  public CommandSpec spec() {
    return spec;
  }

  public int argc() {
    return argv.length;
  }

  public byte[] arg(int index) {
    return argv[index];
  }

  public byte[][] argv() {
    return argv;
  }

  /** An argument as text, for rare non-data arguments (config names, client names in errors). */
  public String text(int index) {
    return new String(argv[index], StandardCharsets.UTF_8);
  }

  /** An integer argument; {@code ERR value is not an integer or out of range} otherwise. */
  public long longArg(int index) {
    return Numbers.parseLong(argv[index], Errors.NOT_INTEGER);
  }

  public long longArg(int index, String error) {
    return Numbers.parseLong(argv[index], error);
  }

  /** A float argument; {@code ERR value is not a valid float} otherwise. */
  public double doubleArg(int index) {
    return Numbers.parseDouble(argv[index], Errors.NOT_FLOAT);
  }

  /** True if the argument is {@code keyword}, compared ASCII case-insensitively without copying. */
  public boolean is(int index, String upperCaseKeyword) {
    return index < argv.length && equalsIgnoreCase(argv[index], upperCaseKeyword);
  }

  public static boolean equalsIgnoreCase(byte[] bytes, String upperCase) {
    if (bytes.length != upperCase.length()) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i];
      if (b >= 'a' && b <= 'z') {
        b -= 32;
      }
      if (b != upperCase.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static boolean equalsIgnoreCase(byte[] bytes, byte[] upperCase) {
    if (bytes.length != upperCase.length) {
      return false;
    }
    for (int i = 0; i < bytes.length; i++) {
      int b = bytes[i];
      if (b >= 'a' && b <= 'z') {
        b -= 32;
      }
      if (b != upperCase[i]) {
        return false;
      }
    }
    return true;
  }

  // ---- context ---------------------------------------------------------------------------

  /** The database index this call addresses (SELECTed by the connection). */
  public int db() {
    return db;
  }

  public int protocol() {
    return protocol;
  }

  /** Milliseconds of the keyspace clock, fixed for the whole call like Redis' cached mstime. */
  public long now() {
    return now;
  }

  public boolean replaying() {
    return replaying;
  }

  /** The connection, for connection and server commands; null inside a shard. */
  public ClientSession session() {
    return session;
  }

  /** The running node, for connection and server commands; null inside a shard. */
  public ServerContext server() {
    return server;
  }

  public ServerStats stats() {
    return stats;
  }

  /** The node's function libraries; null where there are none (a context that did not set them). */
  public io.redgrid.scripting.functions.FunctionRegistry functions() {
    return functions;
  }

  /** The client running this call (0 for the server itself: replay, expiry). */
  public long client() {
    return client;
  }

  /** Client-side caching of the node, or null where there is none (replay, unit tests). */
  public Tracking tracking() {
    return tracking;
  }

  /** Every shard this call holds, in shard order (all of them for whole-keyspace commands). */
  public List<Keyspace> shards() {
    return shards.all();
  }

  /**
   * Keeps the shards held and the reply back until {@code stage} completes (DEBUG SLEEP):
   * waiting without blocking a thread.
   */
  public void deferUntil(CompletionStage<?> stage) {
    this.deferral = stage;
  }

  public CompletionStage<?> deferral() {
    return deferral;
  }

  /**
   * A connection command whose reply comes later (SAVE): the connection writes what
   * {@code reply} completes with, then goes on with the client's next command.
   */
  public void replyLater(CompletionStage<Reply> reply) {
    this.laterReply = reply;
  }

  /** The coordinator token holding this call's shards (SAVE under every shard), or 0. */
  public long holdToken() {
    return shards.holdToken();
  }

  public CompletionStage<Reply> laterReply() {
    return laterReply;
  }

  /**
   * A blocking command found every key empty: waits for {@code keys} (timeout 0 = forever).
   * Where clients cannot block (inside MULTI, a script, a unit test) this is the timeout reply
   * at once, the non-blocking form Redis uses there.
   */
  public Reply block(byte[][] keys, long timeoutMillis, Reply timeoutReply) {
    if (blocked == null || denyBlocking) {
      return timeoutReply;
    }
    blockRequest = new BlockRequest(keys, timeoutMillis, timeoutReply);
    return BlockedClients.BLOCKED;
  }

  /** What {@link #block} asked for, or null: read by whoever runs the call, to register it. */
  public BlockRequest blockRequest() {
    return blockRequest;
  }

  // ---- keyspace --------------------------------------------------------------------------

  /** The raw database holding {@code key} in the addressed db: no expiry, no statistics. */
  public Database database(byte[] key) {
    return shards.keyspaceFor(key).database(db);
  }

  public Database database(int index, byte[] key) {
    return shards.keyspaceFor(key).database(index);
  }

  /** The live entry of {@code key}, or null; an expired key is deleted first (lazy expiry). */
  public KeyEntry entry(byte[] key) {
    return entry(db, key);
  }

  public KeyEntry entry(int index, byte[] key) {
    Keyspace keyspace = shards.keyspaceFor(key);
    Database database = keyspace.database(index);
    KeyEntry entry = database.get(key);
    if (entry == null) {
      return null;
    }
    if (entry.isExpired(now) && !replaying) {
      if (stats.expiryPaused) {
        return null; // CLIENT PAUSE: expired for the reader, deleted once the pause ends
      }
      database.remove(key);
      stats.expiredKeys.increment();
      effects.add(keyspace.shardId(), index, new byte[][] {DEL, key});
      notify(index, KeyspaceEvents.EXPIRED, "expired", key);
      stats.watchedKeys.touch(index, key, true);
      if (tracking != null) {
        tracking.invalidate(key, 0);
      }
      return null;
    }
    if (writes) {
      if (!replaying) {
        // Redis' lookupKeyWrite counts as an access too (LRU time or LFU counter).
        accessed(entry);
      }
      if (!(entry.value() instanceof byte[])) {
        remember(database, entry);
      }
    }
    return entry;
  }

  /** Like {@link #entry} for a read: counts a keyspace hit or miss and the access time. */
  public KeyEntry read(byte[] key) {
    KeyEntry entry = entry(db, key);
    if (entry == null) {
      stats.keyspaceMisses.increment();
      notify(db, KeyspaceEvents.KEY_MISS, "keymiss", key);
    } else {
      stats.keyspaceHits.increment();
      if (!writes || replaying) { // a write's lookup counted the access already
        accessed(entry);
      }
    }
    return entry;
  }

  /** The string value of {@code key} for a read, null if missing, WRONGTYPE if not a string. */
  public byte[] readString(byte[] key) {
    return readValue(key, byte[].class);
  }

  /** The string value of {@code key} for a write, null if missing, WRONGTYPE if not a string. */
  public byte[] writableString(byte[] key) {
    return writableValue(key, byte[].class);
  }

  /** The value of {@code key} for a read (counts hits/misses), null if missing, WRONGTYPE if not a {@code type}. */
  public <T> T readValue(byte[] key, Class<T> type) {
    return valueAs(read(key), type);
  }

  /** The value of {@code key} for a write, null if missing, WRONGTYPE if not a {@code type}. */
  public <T> T writableValue(byte[] key, Class<T> type) {
    return valueAs(entry(key), type);
  }

  private static <T> T valueAs(KeyEntry entry, Class<T> type) {
    if (entry == null) {
      return null;
    }
    if (!type.isInstance(entry.value())) {
      throw new CommandError(Errors.WRONGTYPE);
    }
    return type.cast(entry.value());
  }

  /** Stores a value with an absolute expiry (or {@link KeyEntry#NO_EXPIRY}): like SET. */
  public KeyEntry put(byte[] key, Object value, long expireAt) {
    if (notifying(KeyspaceEvents.NEW)) {
      notifyIfNew(db, key);
    }
    Database database = database(key);
    KeyEntry entry = database.put(key, value, expireAt);
    stored(database, entry);
    return entry;
  }

  /** Stores a value keeping the key's expiry: like APPEND, INCR, SETRANGE. */
  public KeyEntry replace(byte[] key, Object value) {
    Database database = database(key);
    KeyEntry entry = database.put(key, value);
    stored(database, entry);
    return entry;
  }

  /** Deletes a live key; false if it did not exist (or had expired). */
  public boolean delete(byte[] key) {
    return entry(key) != null && database(key).remove(key) != null;
  }

  public void setExpireAt(byte[] key, KeyEntry entry, long expireAt) {
    database(key).setExpireAt(entry, expireAt);
  }

  // ---- keyspace notifications ----------------------------------------------------------

  /** Redis' notifyKeyspaceEvent in the call's db; nothing while replaying or when the class is off. */
  public void notify(int type, String event, byte[] key) {
    notify(db, type, event, key);
  }

  public void notify(int index, int type, String event, byte[] key) {
    if (!replaying && events.enabled(type)) {
      events.publish(type, event, index, key);
    }
  }

  /**
   * Redis' {@code new} event (class n), which its dbAdd emits before the command's own event:
   * call before storing a key that may not exist. {@link #put} does it itself.
   */
  public void notifyIfNew(int index, byte[] key) {
    if (notifying(KeyspaceEvents.NEW) && database(index, key).get(key) == null) {
      events.publish(KeyspaceEvents.NEW, "new", index, key);
    }
  }

  /** Whether {@code type} events are published: lets a command skip building event arguments. */
  public boolean notifying(int type) {
    return !replaying && events.enabled(type);
  }

  /**
   * Writes to a key emit the type event then, if the write emptied a collection, {@code del}
   * (Redis deletes empty collections and notifies after the type event).
   */
  public void notifyDeleted(byte[] key) {
    notify(db, KeyspaceEvents.GENERIC, "del", key);
  }

  // ---- effects ---------------------------------------------------------------------------

  /** Records this call's own arguments as its effect, for commands that are deterministic as sent. */
  public void propagateAsSent() {
    propagate(argv[spec.keys().first() > 0 ? spec.keys().first() : 1], argv);
  }

  /** Records an effect on the shard owning {@code key}, in the addressed db. */
  public void propagate(byte[] key, byte[]... command) {
    effects.add(shards.keyspaceFor(key).shardId(), db, command);
    signal(db, command);
  }

  /** Records an effect on the shard owning {@code key} in database {@code index}. */
  public void propagateIn(int index, byte[] key, byte[]... command) {
    effects.add(shards.keyspaceFor(key).shardId(), index, command);
    signal(index, command);
  }

  /**
   * Records an effect of a keyless command that runs on shard 0 (FUNCTION LOAD ...): on the first
   * held shard, which is shard 0 wherever such a command is routed.
   */
  public void propagateKeyless(byte[]... command) {
    effects.add(shards.all().get(0).shardId(), db, command);
  }

  /** Records an effect on every held shard (FLUSHALL, SWAPDB ...). */
  public void propagateToAll(byte[]... command) {
    for (Keyspace keyspace : shards.all()) {
      effects.add(keyspace.shardId(), db, command);
    }
    if (blocked != null) {
      blocked.signalAll();
    }
    if (tracking != null && !replaying && command.length > 0
        && (equalsIgnoreCase(command[0], "FLUSHALL") || equalsIgnoreCase(command[0], "FLUSHDB"))) {
      tracking.flush(client);
    }
  }

  /**
   * Tells blocked clients that the keys an effect wrote may have data now. Reading the keys off
   * the effect itself covers every writer (pushes, LMOVE, RENAME, COPY, MOVE, later EXEC and
   * scripts) without each command remembering to signal; it costs nothing while nobody blocks.
   */
  private void signal(int index, byte[][] command) {
    boolean tracked = tracking != null && !replaying && tracking.active();
    boolean watched = !replaying && stats.watchedKeys.active();
    if (!tracked && !watched && (blocked == null || blocked.count() == 0)) {
      return;
    }
    CommandSpec written;
    try {
      written = table.resolve(command);
    } catch (CommandError e) {
      return;
    }
    for (int position : written.keys().positions(command)) {
      if (blocked != null && blocked.count() > 0) {
        blocked.signal(index, command[position]);
      }
      if (tracked) {
        tracking.invalidate(command[position], client);
      }
      if (watched) {
        stats.watchedKeys.touch(index, command[position], false);
      }
    }
  }

  /**
   * Redis' touchAllWatchedKeysInDb, called by FLUSHDB / FLUSHALL / SWAPDB before they change
   * {@code index}: watched keys of it that exist there (or in {@code other}, the db SWAPDB
   * brings in; -1 for none) dirty their watchers.
   */
  public void touchWatchedDb(int index, int other) {
    if (replaying || !stats.watchedKeys.active()) {
      return;
    }
    stats.watchedKeys.touchDb(index, key -> shards.keyspaceFor(key).database(index).get(key) != null
        || (other >= 0 && shards.keyspaceFor(key).database(other).get(key) != null));
  }

  /**
   * Signals a key an effect does not name in its own database (MOVE, COPY ... DB n): clients
   * blocked on it in {@code index} try again.
   */
  public void keyReady(int index, byte[] key) {
    if (blocked != null && blocked.count() > 0) {
      blocked.signal(index, key);
    }
  }

  // ---- memory ----------------------------------------------------------------------------

  /** The node's memory accounting and maxmemory settings. */
  public io.redgrid.memory.MemoryGovernor memory() {
    return stats.memory;
  }

  /** An access by a command: Redis' updateLFU under an LFU policy, the LRU time otherwise. */
  private void accessed(KeyEntry entry) {
    if (noTouch) {
      return; // CLIENT NO-TOUCH: this client's lookups leave LRU/LFU alone
    }
    io.redgrid.memory.MemoryGovernor memory = stats.memory;
    if (memory.policy().lfu()) {
      io.redgrid.memory.Lfu.access(entry, now, memory.logFactor(), memory.decayTime());
    } else {
      entry.touch(now);
    }
  }

  private void stored(Database database, KeyEntry entry) {
    if (entry.lastAccess() == 0 && stats.memory.policy().lfu()) {
      io.redgrid.memory.Lfu.created(entry, now);
    } else {
      accessed(entry);
    }
    if (writes && !(entry.value() instanceof byte[])) {
      remember(database, entry);
    }
  }

  private void remember(Database database, KeyEntry entry) {
    if (touched == null) {
      touched = new KeyEntry[4];
      touchedDbs = new Database[4];
    } else {
      for (int i = 0; i < touchedCount; i++) {
        if (touched[i] == entry) {
          return;
        }
      }
      if (touchedCount == touched.length) {
        touched = java.util.Arrays.copyOf(touched, touchedCount * 2);
        touchedDbs = java.util.Arrays.copyOf(touchedDbs, touchedCount * 2);
      }
    }
    touched[touchedCount] = entry;
    touchedDbs[touchedCount++] = database;
  }

  /** After a write: collection values changed in place report their new size to their database. */
  void remeasureTouched() {
    for (int i = 0; i < touchedCount; i++) {
      touchedDbs[i].remeasure(touched[i]);
    }
    touchedCount = 0;
  }

  /**
   * Redis' performEvictions before every command (processCommand runs it for reads too): evicts
   * from the shards this call holds while used_memory is over maxmemory; the OOM error if a
   * DENYOOM command may not run.
   */
  public Reply performEvictions() {
    io.redgrid.memory.MemoryGovernor memory = stats.memory;
    if (replaying || inScript || memory.maxmemory() <= 0) {
      return null;
    }
    // A connection command holds no shard: it cannot evict, only be refused when nothing can.
    List<Keyspace> held = shards == null ? List.of() : shards.all();
    io.redgrid.memory.Evictor.Result result = held.isEmpty()
        ? (memory.used() <= memory.maxmemory() ? io.redgrid.memory.Evictor.Result.OK
            : memory.policy() != io.redgrid.memory.EvictionPolicy.NOEVICTION && memory.othersCanEvict(held)
                ? io.redgrid.memory.Evictor.Result.RUNNING : io.redgrid.memory.Evictor.Result.FAIL)
        : io.redgrid.memory.Evictor.perform(memory, held, now, this::evict);
    if (result == io.redgrid.memory.Evictor.Result.FAIL && spec.has(Flag.DENYOOM)) {
      return Reply.error(OOM);
    }
    return null;
  }

  private static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

  /** Evicts one key: deleted, persisted as DEL, notified as {@code evicted}, invalidated, counted. */
  private boolean evict(Keyspace keyspace, int index, KeyEntry entry) {
    Database database = keyspace.database(index);
    byte[] key = entry.key();
    if (database.get(key) != entry) {
      return false;
    }
    database.remove(key);
    stats.evictedKeys.increment();
    effects.add(keyspace.shardId(), index, new byte[][] {DEL, key});
    notify(index, KeyspaceEvents.EVICTED, "evicted", key);
    stats.watchedKeys.touch(index, key, false);
    if (tracking != null) {
      tracking.invalidate(key, 0);
    }
    return true;
  }

  /** Shorthand for replies built from text. */
  public static Reply bulk(String text) {
    return Reply.bulk(text.getBytes(StandardCharsets.UTF_8));
  }
}
