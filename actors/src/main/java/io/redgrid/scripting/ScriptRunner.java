package io.redgrid.scripting;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.CommandTable;
import io.redgrid.command.Flag;
import io.redgrid.command.Route;
import io.redgrid.command.ShardAccess;
import io.redgrid.config.ServerConfig;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The node's one script thread and its Lua VM, like Redis' single VM: every script (and every
 * EXEC that contains one) runs here, one at a time. The thread takes the shards a script
 * declares (blocking on the coordinator is fine: it is not an actor thread), runs the script
 * with its commands going straight to the held keyspaces, releases (each shard persists the
 * effects) and completes the client's reply.
 *
 * <p>Undeclared keys: a command of the script on a key of a shard not held takes that shard if
 * it is above every held one (the increasing-id rule keeps that deadlock-free); otherwise a
 * script that has not written yet is rerun from the start holding every shard, and one that
 * has written fails with {@link #UNDECLARED} and its sha is remembered so later runs take every
 * shard from the start. A script never runs with part of what it touched unheld.
 */
public final class ScriptRunner implements AutoCloseable {
  public static final String NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";
  public static final String BUSY =
      "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
  /** BUSY while a function runs (Redis' slowscripterr); {@link #BUSY} is EVAL's. */
  public static final String BUSY_FUNCTION =
      "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
  public static final String NOTBUSY = "NOTBUSY No scripts in execution right now.";
  static final String UNKILLABLE = "UNKILLABLE Sorry the script already executed write commands "
      + "against the dataset. You can either wait the script termination or kill the server in a "
      + "hard way using the SHUTDOWN NOSAVE command.";
  static final String KILLED = "ERR Script killed by user with SCRIPT KILL...";
  static final String SHUTDOWN = "ERR Script killed by SHUTDOWN NOSAVE";
  static final String UNDECLARED = "ERR Script accessed a key of a shard it did not declare after "
      + "writing; pass every key the script touches in KEYS (its next runs take every shard)";

  /** Takes shards for a script; the coordinator in a node, plain keyspaces in unit tests. */
  public interface ShardSource {
    /** Blocks until the shards are held. */
    Held acquire(int[] shards);

    int shardCount();

    int shardOf(byte[] key);
  }

  /** Shards through the node's coordinator (the script thread blocks; it is no actor thread). */
  public static ShardSource coordinated(io.redgrid.coordinator.Coordinator coordinator) {
    return new ShardSource() {
      @Override
      public Held acquire(int[] shards) {
        io.redgrid.coordinator.Coordinator.Holding holding = coordinator.acquire(shards).toCompletableFuture().join();
        return new Held() {
          @Override
          public io.redgrid.keyspace.Keyspace keyspaceFor(byte[] key) {
            return holding.keyspaceFor(key);
          }

          @Override
          public List<io.redgrid.keyspace.Keyspace> all() {
            return holding.all();
          }

          @Override
          public long holdToken() {
            return holding.holdToken();
          }

          @Override
          public boolean holds(int shard) {
            return holding.holds(shard);
          }

          @Override
          public boolean acquireAbove(int shard) {
            return holding.acquireAbove(shard);
          }

          @Override
          public io.redgrid.command.Effects effects() {
            return holding.effects();
          }

          @Override
          public CompletionStage<Void> release() {
            return holding.release();
          }

          @Override
          public void abandon() {
            holding.abandon();
          }
        };
      }

      @Override
      public int shardCount() {
        return coordinator.shardMap().shardCount();
      }

      @Override
      public int shardOf(byte[] key) {
        return coordinator.shardMap().shardOf(key);
      }
    };
  }

  /** Shards held for one script run. */
  public interface Held extends ShardAccess {
    io.redgrid.command.Effects effects();

    /**
     * Persists the effects and frees the shards; completes once persisted. The script thread does
     * not wait: a later run's lock requests queue behind this release at each shard.
     */
    CompletionStage<Void> release();

    /** Frees the shards persisting nothing (a script stopped by shutdown). */
    default void abandon() {}
  }

  /** Thrown out of a script run that must start again holding every shard. */
  static final class Restart extends RuntimeException {
    Restart() {
      super(null, null, false, false);
    }
  }

  /**
   * What a script command runs: EVAL's cached script, or (FCALL) a function a registry found.
   * {@code name} is what errors report after "script:" and what the undeclared-key policy
   * remembers.
   */
  public interface Target {
    String name();

    ScriptFlags flags();

    /** Runs on the script thread with the engine, the command's KEYS and ARGV and its host. */
    Reply invoke(LuaEngine engine, List<byte[]> keys, List<byte[]> args, LuaEngine.Host host);

    /** A function (FCALL) rather than an EVAL script: BUSY and KILL texts, FUNCTION STATS. */
    default boolean function() {
      return false;
    }
  }

  /**
   * Finds the target of a script command other than EVAL/EVALSHA (FCALL): throws CommandError.
   * It runs before the runner's numkeys checks (FCALL looks its function up first), so it checks
   * numkeys itself with its command's texts.
   */
  @FunctionalInterface
  public interface Resolver {
    Target resolve(Call call);
  }

  /** A script in the cache: its body and the compiled function. */
  record Script(String sha, byte[] body, int functionRef, ScriptFlags flags) implements Target {
    @Override
    public String name() {
      return sha;
    }

    @Override
    public Reply invoke(LuaEngine engine, List<byte[]> keys, List<byte[]> args, LuaEngine.Host host) {
      return engine.call(functionRef, keys, args, host, sha);
    }
  }

  private final Map<String, Resolver> resolvers = new ConcurrentHashMap<>();

  /**
   * Plugs another script command in (FCALL, FCALL_RO: {@code name numkeys key... arg...}, the
   * same shape as EVAL): the runner takes its shards, applies its flags and runs its target.
   */
  public void register(String commandName, Resolver resolver) {
    resolvers.put(commandName.toLowerCase(java.util.Locale.ROOT), resolver);
  }

  private final CommandTable table;
  private final ServerConfig config;
  /** SELECT in a script changes the script's db only; recognised by identity. */
  private final CommandSpec selectSpec;
  private final Thread thread;
  private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
  private LuaEngine engine;
  /** sha -> script; written by the script thread only, read by SCRIPT EXISTS anywhere. */
  private final Map<String, Script> cache = new ConcurrentHashMap<>();
  private volatile int cachedScripts;
  private volatile long cachedBytes;
  private volatile long luaMemory;
  /** Scripts that touched an undeclared shard after writing: they take every shard from the start. */
  private final Set<String> undeclared = ConcurrentHashMap.newKeySet();
  private volatile Run current;
  private volatile boolean closed;

  /** A script run, which may run under the shards the previous run still holds. */
  private interface SharingTask extends Runnable {}

  /** How many script runs may share one holding before it is released anyway. */
  private static final int MAX_SHARED_RUNS = 64;

  /**
   * Shards kept from the last script run while more script runs are queued: a run whose shards
   * are held (or lie above every held one) runs under them without a lock round trip of its own,
   * one after another as Redis runs scripts. Their replies wait for the common release, which
   * persists all their effects; any other task, or an empty queue, releases first. Only the
   * script thread touches these.
   */
  private Held open;
  private ShardSource openSource;
  private int openRuns;
  private final List<java.util.function.Consumer<Throwable>> afterRelease = new ArrayList<>();

  public ScriptRunner(CommandTable table, ServerConfig config) {
    this.table = table;
    this.config = config;
    this.selectSpec = table.lookup("select");
    // A deep stack: replies of nested tables convert recursively, down to Lua's own limit.
    this.thread = new Thread(null, this::loop, "redgrid-script", 64L * 1024 * 1024);
    thread.setDaemon(true);
    thread.start();
    execute(() -> {
      engine = new LuaEngine();
      luaMemory = engine.memoryBytes();
    });
  }

  private void loop() {
    while (!closed) {
      Runnable task;
      try {
        task = tasks.take();
      } catch (InterruptedException e) {
        return;
      }
      try {
        if (!(task instanceof SharingTask)) {
          releaseOpen();
        }
        task.run();
        if (tasks.isEmpty() && !closed) {
          releaseOpen();
        }
      } catch (Throwable t) {
        // one task failing must not end the script thread
      }
    }
    if (engine != null) {
      engine.close();
    }
  }

  /** Runs {@code task} on the script thread (FUNCTION and EXEC with scripts use it). */
  public void execute(Runnable task) {
    tasks.add(task);
  }

  /** Runs {@code work} on the script thread and completes with its result. */
  public <T> CompletableFuture<T> submit(Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    execute(() -> complete(result, work));
    return result;
  }

  /** As {@link #submit}, for a script run that may share the shards still held. */
  private <T> CompletableFuture<T> submitSharing(Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    execute((SharingTask) () -> complete(result, work));
    return result;
  }

  private static <T> void complete(CompletableFuture<T> result, Supplier<T> work) {
    try {
      result.complete(work.get());
    } catch (Throwable t) {
      result.completeExceptionally(t);
    }
  }

  /** The shards for a script run: those still held when they cover it, else newly taken. */
  private Held obtain(int[] wanted, ShardSource source) {
    if (open != null && openSource == source && openRuns < MAX_SHARED_RUNS && covers(open, wanted)) {
      openRuns++;
      return open;
    }
    releaseOpen();
    open = source.acquire(wanted);
    openSource = source;
    openRuns = 1;
    return open;
  }

  /** Whether {@code held} has every wanted shard, taking those above its highest (deadlock-free). */
  private static boolean covers(Held held, int[] wanted) {
    for (int shard : wanted) {
      if (!held.holds(shard) && !held.acquireAbove(shard)) {
        return false;
      }
    }
    return true;
  }

  /** Releases the shared shards; the runs under them reply once their effects are persisted. */
  private void releaseOpen() {
    if (open == null) {
      return;
    }
    Held held = open;
    List<java.util.function.Consumer<Throwable>> waiting = List.copyOf(afterRelease);
    open = null;
    openSource = null;
    openRuns = 0;
    afterRelease.clear();
    held.release().whenComplete((ignored, failure) -> waiting.forEach(reply -> reply.accept(failure)));
  }

  /** SHUTDOWN NOSAVE: frees the shared shards persisting nothing; their runs get no reply. */
  private void abandonOpen() {
    if (open == null) {
      return;
    }
    Held held = open;
    open = null;
    openSource = null;
    openRuns = 0;
    afterRelease.clear();
    try {
      held.abandon();
    } catch (RuntimeException ignored) {
      // the node is stopping anyway
    }
  }

  /**
   * Whether a command must run on the script thread: scripts, and SCRIPT LOAD / FLUSH, which use
   * the VM (an EXEC queueing one of them runs there as a whole).
   */
  public static boolean needsScriptThread(CommandSpec spec) {
    return spec.route() == Route.SCRIPT || spec.fullName().equals("script|load")
        || spec.fullName().equals("script|flush");
  }

  public boolean onScriptThread() {
    return Thread.currentThread() == thread;
  }

  /** The VM; only on the script thread. */
  public LuaEngine engine() {
    return engine;
  }

  // ---- top-level runs from a connection ------------------------------------------------------

  /**
   * Runs EVAL / EVALSHA (or their _RO forms) for a client: on the script thread, holding the
   * shards of its declared keys (every shard when there are none), then replies.
   */
  public CompletionStage<Reply> run(CommandSpec spec, byte[][] argv, Supplier<Call.Context> context,
      ShardSource shards) {
    // The client always gets a reply, even if something unexpected broke the run.
    CompletableFuture<CompletionStage<Reply>> run = spec.keys().hasKeys()
        ? submitSharing(() -> runTopLevel(spec, argv, context, shards))
        : submit(() -> runKeyless(spec, argv, context, shards));
    return run.thenCompose(reply -> reply)
        .exceptionally(failure -> Reply.error("ERR internal error: " + failure));
  }

  /**
   * A keyless command of the script thread (FUNCTION LOAD / DELETE / FLUSH / RESTORE): it runs
   * here because it touches the functions' Lua state, holding shard 0, where keyless commands
   * persist their effects.
   */
  private CompletionStage<Reply> runKeyless(CommandSpec spec, byte[][] argv, Supplier<Call.Context> contexts,
      ShardSource source) {
    Held held = source.acquire(new int[] {0});
    Call call = table.prepare(spec, argv, contexts.get().shards(held).effects(held.effects()));
    Reply reply = table.run(call);
    if (closed) {
      try {
        held.abandon();
      } catch (RuntimeException ignored) {
        // the node is stopping anyway
      }
      return CompletableFuture.completedFuture(null);
    }
    return held.release().thenApply(ignored -> reply);
  }

  private CompletionStage<Reply> runTopLevel(CommandSpec spec, byte[][] argv, Supplier<Call.Context> contexts,
      ShardSource source) {
    long start = System.nanoTime();
    Call.Context first = contexts.get();
    Call probe = table.prepare(spec, argv, first.shards(NO_SHARDS));
    Resolved resolved;
    try {
      resolved = resolve(probe);
    } catch (CommandError e) {
      Reply error = Reply.error(e.getMessage());
      probe.stats().commands.record(probe, error, System.nanoTime() - start);
      return CompletableFuture.completedFuture(error);
    }
    Target script = resolved.target();
    int numkeys = resolved.numkeys();
    boolean all = numkeys == 0 || undeclared.contains(script.name());
    while (true) {
      int[] wanted = all ? allShards(source.shardCount()) : shardsOf(argv, numkeys, source);
      Held held = obtain(wanted, source);
      Call.Context context = contexts.get().shards(held).effects(held.effects());
      Call call = table.prepare(spec, argv, context);
      Reply reply;
      try {
        call.performEvictions(); // as Redis' processCommand before EVAL (which is not denyoom)
        reply = runScript(call, script, numkeys);
      } catch (Restart restart) {
        releaseOpen(); // this run executed nothing; earlier runs sharing the shards reply
        all = true;
        continue;
      } catch (RuntimeException | StackOverflowError e) {
        reply = Reply.error("ERR internal error: " + e);
      }
      if (closed) {
        // SHUTDOWN NOSAVE: nothing of this run is persisted; the shards are freed for shutdown.
        abandonOpen();
        return CompletableFuture.completedFuture(null);
      }
      boolean counted = lastRunCounted(reply);
      call.stats().commands.record(call, reply, System.nanoTime() - start, !counted);
      if (counted) {
        // Redis does not count a script failing with its redis.call's error twice; the
        // connection counts every error reply it writes, so take that one back here.
        call.stats().errorReplies.add(-1);
      }
      if (call.tracking() != null) {
        call.tracking().flushBroadcast();
      }
      Reply result = reply;
      CompletableFuture<Reply> replied = new CompletableFuture<>();
      afterRelease.add(failure -> {
        if (failure != null) {
          replied.completeExceptionally(failure);
          return;
        }
        if (call.server() != null && call.server().blocked() != null) {
          call.server().blocked().serveReady(); // clients blocked on keys the script pushed to
        }
        replied.complete(result);
      });
      return replied;
    }
  }

  private static int[] allShards(int count) {
    int[] all = new int[count];
    for (int i = 0; i < count; i++) {
      all[i] = i;
    }
    return all;
  }

  private static int[] shardsOf(byte[][] argv, int numkeys, ShardSource source) {
    int[] shards = new int[numkeys];
    for (int i = 0; i < numkeys; i++) {
      shards[i] = source.shardOf(argv[3 + i]);
    }
    return Arrays.stream(shards).sorted().distinct().toArray();
  }

  // ---- a script run under a call (EVAL's handler; EXEC runs it here with every shard held) ----

  /** EVAL's handler: runs the script of {@code call} under the call's shards. */
  public Reply evalHere(Call call) {
    if (!onScriptThread()) {
      // Unit tests run commands on their own thread; a node always comes through run().
      try {
        return submit(() -> evalHere(call)).join();
      } catch (java.util.concurrent.CompletionException e) {
        if (e.getCause() instanceof RuntimeException failure) {
          throw failure;
        }
        throw e;
      }
    }
    Resolved resolved = resolve(call);
    return runScript(call, resolved.target(), resolved.numkeys());
  }

  /** What a script command runs and how many keys it declares. */
  private record Resolved(Target target, int numkeys) {}

  /**
   * EVAL checks numkeys before it compiles; FCALL (a registered resolver) looks its function up
   * first and checks numkeys with its own texts, as Redis 7.0 does.
   */
  private Resolved resolve(Call call) {
    if (resolvers.containsKey(call.spec().name())) {
      Target target = scriptOf(call);
      return new Resolved(target, numkeys(call));
    }
    int numkeys = numkeys(call);
    return new Resolved(scriptOf(call), numkeys);
  }

  /** numkeys of EVAL-style argv with Redis' errors. */
  static int numkeys(Call call) {
    long numkeys = call.longArg(2);
    if (numkeys > call.argc() - 3) {
      throw new CommandError("ERR Number of keys can't be greater than number of args");
    }
    if (numkeys < 0) {
      throw new CommandError("ERR Number of keys can't be negative");
    }
    return (int) numkeys;
  }

  /** The script EVAL names (compiled and cached) or EVALSHA names (NOSCRIPT if unknown). */
  private Target scriptOf(Call call) {
    Resolver resolver = resolvers.get(call.spec().name());
    if (resolver != null) {
      return resolver.resolve(call);
    }
    if (call.spec().name().startsWith("evalsha")) {
      String sha = new String(call.arg(1), StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
      Script script = cache.get(sha);
      if (script == null) {
        throw new CommandError(NOSCRIPT);
      }
      return script;
    }
    return load(call.arg(1));
  }

  /** SCRIPT LOAD / EVAL: compiles and caches a body; errors as Redis reports them. */
  Script load(byte[] body) {
    String sha = LuaEngine.sha1Hex(body);
    Script known = cache.get(sha);
    if (known != null) {
      return known;
    }
    ScriptFlags flags = ScriptFlags.parse(body);
    byte[] code = flags.code(body);
    int ref;
    try {
      ref = engine.load(code, "@user_script");
    } catch (LuaEngine.ScriptError e) {
      throw new CommandError("ERR Error compiling script (new function): " + e.getMessage());
    }
    Script script = new Script(sha, body, ref, flags);
    cache.put(sha, script);
    cachedScripts = cache.size();
    cachedBytes += body.length;
    luaMemory = engine.memoryBytes();
    return script;
  }

  boolean exists(String sha) {
    return cache.containsKey(sha.toLowerCase(java.util.Locale.ROOT));
  }

  void flush() {
    for (Script script : cache.values()) {
      engine.unload(script.functionRef());
    }
    cache.clear();
    undeclared.clear();
    cachedScripts = 0;
    cachedBytes = 0;
    engine.collectGarbage();
    luaMemory = engine.memoryBytes();
  }

  private Reply runScript(Call call, Target script, int numkeys) {
    ScriptFlags flags = script.flags();
    boolean readOnly = call.spec().has(Flag.READONLY) || flags.noWrites();
    if (flags.shebang()) {
      // Redis 7.0 checks a shebang script's declared needs before it runs.
      if (!flags.allowOom() && !readOnly && overMemory(call)) {
        return Reply.error("OOM command not allowed when used memory > 'maxmemory'.");
      }
    }
    List<byte[]> keys = new ArrayList<>(numkeys);
    List<byte[]> args = new ArrayList<>(call.argc() - 3 - numkeys);
    for (int i = 0; i < numkeys; i++) {
      keys.add(call.arg(3 + i));
    }
    for (int i = 3 + numkeys; i < call.argc(); i++) {
      args.add(call.arg(i));
    }
    Run run = new Run(call, readOnly, flags, overMemory(call), script.name());
    run.target = script;
    current = run;
    lastRun = run;
    try {
      Reply reply;
      try {
        reply = script.invoke(engine, keys, args, run);
      } catch (LuaEngine.ScriptError e) {
        reply = Reply.error(e.getMessage());
      }
      if (run.restart) {
        throw new Restart();
      }
      return reply;
    } finally {
      current = null;
      luaMemory = engine.memoryBytes();
    }
  }

  /** The last run of this thread, for its errorstats bookkeeping; script thread only. */
  private Run lastRun;

  private boolean lastRunCounted(Reply reply) {
    return lastRun != null && lastRun.alreadyCounted(reply);
  }

  private static boolean overMemory(Call call) {
    return call.stats().memory.fullWithoutEviction();
  }

  /** One running script: what its redis.call does, and whether it may still be killed. */
  private final class Run implements LuaEngine.Host {
    final Call call;
    final boolean readOnly;
    final ScriptFlags flags;
    final boolean oomAtStart;
    final String sha;
    /** What runs (an EVAL script or a function). */
    Target target;
    final long startedNanos = System.nanoTime();
    int db;
    volatile boolean wrote;
    volatile boolean killRequested;
    boolean restart;

    Run(Call call, boolean readOnly, ScriptFlags flags, boolean oomAtStart, String sha) {
      this.sha = sha;
      this.call = call;
      this.readOnly = readOnly;
      this.flags = flags;
      this.oomAtStart = oomAtStart;
      this.db = call.db();
    }

    @Override
    public Reply command(byte[][] argv, int protocol) {
      if (restart) {
        return Reply.error("ERR restart"); // even a pcall'd call must not run: the run starts over
      }
      CommandSpec spec;
      try {
        spec = table.resolve(argv);
      } catch (CommandError e) {
        String message = e.getMessage();
        if (message.startsWith("ERR wrong number of arguments")) {
          return refuse(argv, "ERR Wrong number of args calling Redis command from script");
        }
        return refuse(argv, "ERR Unknown Redis command called from script");
      }
      if (spec.has(Flag.NOSCRIPT) || spec.has(Flag.BLOCKING)) {
        // Redis 7.0 flags every blocking command noscript as well
        return refuse(argv, "ERR This Redis command is not allowed from script");
      }
      if (spec.isWrite()) {
        if (readOnly) {
          return refuse(argv, "ERR Write commands are not allowed from read-only scripts.");
        }
      }
      if (spec.has(Flag.DENYOOM) && oomAtStart && !flags.allowOom()) {
        return refuse(argv, "OOM command not allowed when used memory > 'maxmemory'.");
      }
      io.redgrid.acl.Acl acl = call.server() == null ? null : call.server().acl();
      if (acl != null && call.session() != null && !acl.permitsAll(call.session())) {
        String denied = acl.check(call.session(), spec, argv, call.now(),
            () -> io.redgrid.command.family.ConnectionCommands.clientInfo(call), "lua");
        if (denied != null) {
          return refuse(argv, scriptAclError(denied));
        }
      }
      if (spec == selectSpec) {
        // SELECT changes the script's database only, never its caller's.
        Long index = io.redgrid.command.Numbers.parseLongOrNull(argv[1]);
        if (index == null) {
          return Reply.error(io.redgrid.command.Errors.NOT_INTEGER);
        }
        if (index < 0 || index >= config.getLong("databases")) {
          return Reply.error(io.redgrid.command.Errors.DB_OUT_OF_RANGE);
        }
        db = index.intValue();
        feedMonitors(spec, argv); // after it ran, as Redis: the line shows the new db
        return Reply.OK;
      }
      if (!holdsShardsOf(spec, argv)) {
        if (!wrote) {
          restart = true;
          return Reply.error("ERR restart");
        }
        undeclared.add(sha);
        return Reply.error(UNDECLARED);
      }
      ShardAccess shards = call.shardAccess();
      Call.Context context = new Call.Context()
          .db(db)
          .protocol(protocol)
          .shards(shards)
          .effects(recording(call.effects()))
          .stats(call.stats())
          .session(call.session())
          .server(call.server())
          .blocked(call.server() == null ? null : call.server().blocked())
          .denyBlocking(true)
          .inScript(true)
          .client(call.client(), false);
      if (call.server() != null) {
        context.events(call.server().keyspaceEvents()).tracking(call.server().tracking());
      }
      feedMonitors(spec, argv);
      Call inner = table.prepare(spec, argv, context);
      Reply reply = table.run(inner);
      if (reply == null || reply == io.redgrid.blocking.BlockedClients.BLOCKED) {
        reply = Reply.NULL;
      }
      if (reply instanceof Reply.Error error) {
        // Counted here (errorstats, total_error_replies) as in Redis, even if the script swallows it.
        call.stats().errorReplies.increment();
        counted.add(error.message());
      }
      return reply;
    }

    /** Redis 7.0's texts for a script command the caller's user may not run. */
    private static String scriptAclError(String denied) {
      if (denied.contains("one of the keys")) {
        return "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments";
      }
      if (denied.contains("one of the channels")) {
        return "ERR The user executing the script can't publish to the channel mentioned in the command";
      }
      if (denied.startsWith("NOPERM this user has no permissions to run")) {
        return "ERR The user executing the script can't run this command or subcommand";
      }
      return "ERR The user executing the script is lacking the permissions for the command";
    }

    /** Errors counted in errorstats where they arose; the script's final error is not counted again. */
    final List<String> counted = new ArrayList<>();

    /** A command refused by the script checks: its rejected_calls and errorstats, as Redis. */
    private Reply refuse(byte[][] argv, String error) {
      table.rejected(argv, error, call.stats());
      call.stats().errorReplies.increment();
      counted.add(error);
      return Reply.error(error);
    }

    boolean alreadyCounted(Reply reply) {
      if (reply instanceof Reply.Error error) {
        for (String message : counted) {
          if (error.message().startsWith(message)) {
            return true;
          }
        }
      }
      return false;
    }

    private io.redgrid.command.Effects recording(io.redgrid.command.Effects effects) {
      return (shard, index, argv) -> {
        wrote = true;
        effects.add(shard, index, argv);
      };
    }

    private void feedMonitors(CommandSpec spec, byte[][] argv) {
      io.redgrid.server.Monitors monitors = call.server() == null ? null : call.server().monitors();
      if (monitors != null && monitors.active()) {
        monitors.feed("lua", db, spec, argv, io.redgrid.server.Monitors.nowMicros());
      }
    }

    /** Whether every shard the command needs is held, taking higher ones on the way. */
    private boolean holdsShardsOf(CommandSpec spec, byte[][] argv) {
      ShardAccess shards = call.shardAccess();
      io.redgrid.keyspace.ShardMap map = shardMap();
      if (map == null) {
        return true;
      }
      int[] needed;
      if (spec.route() == Route.ALL_SHARDS) {
        needed = allShards(map.shardCount());
      } else if (spec.route() == Route.KEYS) {
        int[] positions = spec.keys().positions(argv);
        needed = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
          needed[i] = map.shardOf(argv[positions[i]]);
        }
        needed = Arrays.stream(needed).sorted().distinct().toArray();
      } else {
        return true;
      }
      for (int shard : needed) {
        if (!shards.holds(shard) && !shards.acquireAbove(shard)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void log(int level, String message) {
      org.slf4j.LoggerFactory.getLogger("redgrid.script").info("script log [{}] {}", level, message);
    }

    @Override
    public Boolean aclCheck(byte[][] argv) {
      // As Redis: the command (and subcommand) must exist; the argument count is not checked.
      CommandSpec spec = table.lookup(argv[0]);
      if (spec != null && !spec.subcommands().isEmpty() && argv.length > 1) {
        spec = spec.subcommand(argv[1]);
      }
      if (spec == null) {
        return null;
      }
      io.redgrid.acl.Acl acl = call.server() == null ? null : call.server().acl();
      if (acl == null || call.session() == null || acl.permitsAll(call.session())) {
        return Boolean.TRUE;
      }
      return acl.check(call.session(), spec, argv, call.now(), () -> "") == null;
    }

    @Override
    public String interruption() {
      if (restart) {
        return "ERR restart"; // even a pcall'd redis.call stops the run: it starts over
      }
      if (closed) {
        return SHUTDOWN;
      }
      if (killRequested) {
        return KILLED; // stays set: the run ends even if the script pcalls the error
      }
      return null;
    }
  }

  private volatile io.redgrid.keyspace.ShardMap shardMap;

  /** The shard map the undeclared-key policy checks keys against (null: every key is held). */
  public void shardMap(io.redgrid.keyspace.ShardMap shardMap) {
    this.shardMap = shardMap;
  }

  private io.redgrid.keyspace.ShardMap shardMap() {
    return shardMap;
  }

  // ---- BUSY, SCRIPT KILL, SHUTDOWN -----------------------------------------------------------

  /** The BUSY error for the run in progress: FUNCTION KILL's text while a function runs. */
  public String busyError() {
    Run run = current;
    return run != null && run.target.function() ? BUSY_FUNCTION : BUSY;
  }

  /** The function running now, for FUNCTION STATS: name, command, milliseconds so far. */
  public record RunningFunction(String name, byte[][] command, long durationMillis) {}

  /** The running function, or null (none, or an EVAL script: see {@link #evalRunning}). */
  public RunningFunction runningFunction() {
    Run run = current;
    if (run == null || !run.target.function()) {
      return null;
    }
    return new RunningFunction(run.target.name(), run.call.argv(),
        (System.nanoTime() - run.startedNanos) / 1_000_000);
  }

  /** Whether an EVAL script (not a function) runs now (FUNCTION STATS answers BUSY then). */
  public boolean evalRunning() {
    Run run = current;
    return run != null && !run.target.function();
  }

  /** Whether a script has run longer than busy-reply-threshold: other clients get -BUSY. */
  public boolean busy() {
    Run run = current;
    if (run == null) {
      return false;
    }
    long threshold = config.getLong("busy-reply-threshold");
    return threshold > 0 && System.nanoTime() - run.startedNanos > threshold * 1_000_000L;
  }

  /** Whether a script is running now (SHUTDOWN without NOSAVE is refused then, as Redis' BUSY). */
  public boolean running() {
    return current != null;
  }

  /** SCRIPT KILL: null when the script will stop, else the error to reply. */
  String kill() {
    return kill(false);
  }

  /**
   * SCRIPT KILL ({@code function} false) or FUNCTION KILL: null when the run will stop, else the
   * error to reply; each refuses the other's kind with the BUSY text naming the right command.
   */
  public String kill(boolean function) {
    Run run = current;
    if (run == null || !busy()) {
      // As Redis, which only reads SCRIPT KILL once a script is past busy-reply-threshold.
      return NOTBUSY;
    }
    if (run.wrote) {
      return UNKILLABLE;
    }
    if (function != run.target.function()) {
      return function ? BUSY : BUSY_FUNCTION;
    }
    run.killRequested = true;
    return null;
  }

  /**
   * SHUTDOWN NOSAVE: a running script stops at its next check and its unreleased effects are
   * never persisted; the thread ends.
   */
  @Override
  public void close() {
    closed = true;
    tasks.add(() -> { });
  }

  // ---- INFO memory -----------------------------------------------------------------------------

  public long luaMemory() {
    return luaMemory;
  }

  public int cachedScripts() {
    return cachedScripts;
  }

  /** used_memory_scripts_eval: the cached bodies plus Redis-like per-entry overhead. */
  public long scriptsMemory() {
    return cachedBytes + cachedScripts * 96L;
  }

  private static final ShardAccess NO_SHARDS = new ShardAccess() {
    @Override
    public io.redgrid.keyspace.Keyspace keyspaceFor(byte[] key) {
      throw new IllegalStateException("no shard held");
    }

    @Override
    public List<io.redgrid.keyspace.Keyspace> all() {
      return List.of();
    }
  };
}
