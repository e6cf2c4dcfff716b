package io.redgrid.node;

import akka.Done;
import akka.stream.BoundedSourceQueue;
import akka.stream.QueueOfferResult;
import akka.util.ByteString;
import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandSpec;
import io.redgrid.blocking.BlockedClients;
import io.redgrid.command.CommandTable;
import io.redgrid.command.Flag;
import io.redgrid.command.Route;
import io.redgrid.coordinator.Coordinator;
import io.redgrid.keyspace.ShardMap;
import io.redgrid.protocol.ProtocolException;
import io.redgrid.protocol.Reply;
import io.redgrid.protocol.RespLimits;
import io.redgrid.protocol.RespParser;
import io.redgrid.protocol.RespWriter;
import io.redgrid.server.ClientSession;
import io.redgrid.shard.ShardMessage;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * One client connection: turns each chunk of bytes read into the bytes of its replies.
 *
 * <p>Commands take effect in the order the client sent them, as in Redis: consecutive commands
 * for the same shard travel as one message (one persist for the batch), and the next group is
 * sent only when the previous one has replied. Sending groups for different shards in parallel
 * would be faster, but another client could then see a later write of this connection before an
 * earlier one. The stream asks for the next chunk only when this one's replies are written, so
 * a client that does not read its replies stops being read (backpressure, bounded memory).
 */
final class Connection {
  /**
   * Bytes for the client: replies and pushes in the order they happened. {@code written}, if
   * any, completes once they have left the queue (so reading waits for replies to be taken);
   * {@code close} ends the connection after them.
   */
  record Output(ByteString bytes, CompletableFuture<Done> written, boolean close) {}

  /** Commands a RESP2 subscriber may still send (Redis' processCommand check). */
  private static final Set<String> ALLOWED_WHILE_SUBSCRIBED = Set.of(
      "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe",
      "punsubscribe", "quit", "reset");

  private final ClientSession session;
  private final NodeContext node;
  private final CommandTable table;
  /** WATCH runs holding its keys' shards with the session; EXEC runs the queue: compared by identity. */
  private final CommandSpec watchSpec;
  private final CommandSpec execSpec;
  private final ShardMap shardMap;
  private final Coordinator coordinator;
  private final Executor executor;
  private final RespParser parser;
  private final RespWriter writer = new RespWriter();
  private final ArrayDeque<byte[][]> pending = new ArrayDeque<>();
  /** Guards the writer and the queue: replies (connection thread) and pushes (publishers). */
  private final Object outputLock = new Object();
  private final AtomicLong queuedBytes = new AtomicLong();
  private BoundedSourceQueue<Output> out;
  private boolean cutOff;
  private long softLimitSince;

  Connection(ClientSession session, NodeContext node) {
    this.session = session;
    this.node = node;
    this.table = node.table();
    this.watchSpec = table.lookup("watch");
    this.execSpec = table.lookup("exec");
    this.shardMap = node.shardMap();
    this.coordinator = node.coordinator();
    this.executor = node.executor();
    this.parser = new RespParser(new RespLimits(
        node.config().protoMaxBulkLength(), RespLimits.DEFAULT.maxMultibulkLength(),
        RespLimits.DEFAULT.maxInlineLength()));
  }

  /** Connects the outgoing queue; pushes for this client go there from now on. */
  void attach(BoundedSourceQueue<Output> out) {
    this.out = out;
    session.onPush(this::push);
    session.onOutputBytes(queuedBytes::get);
  }

  /** Called as an output leaves the queue for the socket. */
  Output taken(Output output) {
    queuedBytes.addAndGet(-output.bytes().size());
    node.stats().writesProcessed.increment();
    if (output.written() != null) {
      output.written().complete(Done.getInstance());
    }
    return output;
  }

  /** Bytes offered to the socket and not yet taken by it (the output buffer Redis limits). */
  long queuedBytes() {
    return queuedBytes.get();
  }

  /** A push from any thread: after the replies written so far, before later ones. */
  private void push(Reply push) {
    synchronized (outputLock) {
      if (cutOff) {
        return;
      }
      writer.write(push, session.protocol());
      flush(null, false);
    }
  }

  /** Moves what the writer holds to the queue; holds outputLock. */
  private void flush(CompletableFuture<Done> written, boolean close) {
    if (writer.size() == 0 && written == null && !close) {
      return;
    }
    // toByteArray is already a fresh copy: no need for fromArray's second one.
    ByteString bytes = ByteString.fromArrayUnsafe(writer.toByteArray());
    writer.reset();
    if (cutOff) {
      if (written != null) {
        written.complete(Done.getInstance());
      }
      return;
    }
    node.stats().netOutputBytes.add(bytes.size());
    long queued = queuedBytes.addAndGet(bytes.size());
    QueueOfferResult offered = out.offer(new Output(bytes, written, close));
    if (offered != QueueOfferResult.enqueued() || overLimit(queued)) {
      // Redis' client-output-buffer-limit: the client is disconnected, others keep receiving.
      cutOff = true;
      if (written != null) {
        written.complete(Done.getInstance());
      }
      session.kill();
    }
  }

  private boolean overLimit(long queued) {
    OutputLimits limits = session.subscriptions().active() ? node.pubsubLimits() : node.normalLimits();
    if (limits.none()) {
      softLimitSince = 0;
      return false; // normal clients have no output limit in Redis' default configuration
    }
    if (limits.hard() > 0 && queued > limits.hard()) {
      return true;
    }
    if (limits.soft() > 0 && queued > limits.soft()) {
      long now = System.nanoTime();
      if (softLimitSince == 0) {
        softLimitSince = now;
      } else if (now - softLimitSince > limits.softNanos()) {
        return true;
      }
    } else {
      softLimitSince = 0;
    }
    return false;
  }

  /**
   * Parses a chunk, runs its complete commands in order and queues their replies; completes
   * once they have been taken for the socket.
   */
  CompletionStage<Done> process(ByteString chunk) {
    node.stats().netInputBytes.add(chunk.size());
    node.stats().readsProcessed.increment();
    session.busy(true, System.currentTimeMillis());
    ProtocolException protocolError = null;
    try {
      for (ByteBuffer buffer : chunk.getByteBuffers()) {
        parser.feed(buffer);
      }
    } catch (ProtocolException e) {
      protocolError = e;
    }
    for (byte[][] argv; (argv = parser.next()) != null; ) {
      pending.add(argv);
    }
    ProtocolException failure = protocolError;
    return drain().thenCompose(ignored -> {
      CompletableFuture<Done> written = new CompletableFuture<>();
      synchronized (outputLock) {
        if (failure != null) {
          writer.write(Reply.error(failure.getMessage()), session.protocol());
          protocolError(failure.getMessage());
        }
        flush(written, failure != null || session.closeRequested());
      }
      return written;
    }).whenComplete((done, error) -> session.busy(false, System.currentTimeMillis()));
  }

  /** Runs pending commands until none is left or the client asked to close. */
  private CompletionStage<Void> drain() {
    while (!pending.isEmpty() && !session.closeRequested()) {
      byte[][] argv = pending.poll();
      CommandSpec spec;
      try {
        spec = table.resolve(argv);
      } catch (CommandError e) {
        reply(rejected(argv, e.getMessage()));
        continue;
      }
      if (deniedByAcl(spec, argv)) {
        continue;
      }
      if (session.protocol() == 2 && session.subscriptions().active()
          && !ALLOWED_WHILE_SUBSCRIBED.contains(spec.fullName())) {
        reply(rejected(argv, "ERR Can't execute '" + spec.fullName() + "': only (P|S)SUBSCRIBE / "
            + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
        continue;
      }
      if (node.loading()) {
        if (!spec.has(Flag.LOADING)) {
          reply(rejected(argv, "LOADING Redis is loading the dataset in memory"));
          continue;
        }
        if (spec.route() != Route.CONNECTION && !session.transaction().active()
            && spec != watchSpec) {
          // INFO and the like answer at once from what is known; no shard can be held yet.
          // (Inside MULTI they are queued; WATCH waits for its shards.)
          reply(table.execute(spec, argv, context().shards(NO_SHARDS)));
          continue;
        }
      }
      if (!spec.has(Flag.ALLOW_BUSY) && node.scripts().busy()) {
        // Redis answers every other command while a script runs past busy-reply-threshold.
        reply(rejected(argv, node.scripts().busyError()));
        continue;
      }
      io.redgrid.transaction.Transaction transaction = session.transaction();
      if (transaction.active()) {
        if (!OUTSIDE_QUEUE.contains(spec.name())) {
          // Redis' processCommand: checked like any command, then queued instead of run.
          if (spec.has(Flag.NO_MULTI)) {
            reply(rejected(argv, "ERR Command not allowed inside a transaction"));
          } else if (outOfMemoryForQueueing()) {
            reply(rejected(argv, OOM));
          } else {
            session.commandStarted(spec.fullName(), System.currentTimeMillis()); // CLIENT LIST cmd=
            transaction.queue(spec, argv);
            reply(QUEUED);
          }
          continue;
        }
        if (spec == execSpec) {
          if (heldByPause(spec, transaction)) {
            // CLIENT PAUSE WRITE holds an EXEC whose queue writes, as Redis.
            pending.addFirst(argv);
            session.postponed(true);
            return node.clientPause().released().thenComposeAsync(ignored -> {
              session.postponed(false);
              return drain();
            }, executor);
          }
          CompletionStage<Void> execution = exec(spec, argv);
          if (execution == null) {
            continue;
          }
          return execution;
        }
      }
      CompletionStage<Void> held = admitted(spec, argv);
      if (held != null) {
        if (held == REJECTED) {
          continue;
        }
        return held;
      }
      if (spec.route() != Route.CONNECTION) {
        feedMonitors(spec, argv);
      }
      session.commandStarted(spec.fullName(), System.currentTimeMillis());
      node.stats().commandsProcessed.increment();
      switch (spec.route()) {
        case CONNECTION -> {
          Call call = table.prepare(spec, argv, context());
          Reply result = table.run(call);
          feedMonitors(spec, argv); // after it ran, as Redis: SELECT shows the new db
          if (call.laterReply() != null) {
            return call.laterReply().thenComposeAsync(this::replyAndContinue, executor);
          }
          reply(result);
        }
        case SCRIPT -> {
          io.redgrid.server.Monitors monitors = node.monitors();
          if (monitors.active() && spec.has(Flag.SKIP_MONITOR)) {
            // EVAL and FCALL show although skip_monitor; FUNCTION LOAD was fed like any command
            monitors.feedScript(session, session.db(), spec, argv, io.redgrid.server.Monitors.nowMicros());
          }
          return node.scripts().run(spec, argv, this::context, node.scriptShards())
              .thenComposeAsync(this::replyAndContinue, executor);
        }
        case ALL_SHARDS -> {
          return coordinator.run(coordinator.allShards(), spec, argv, context())
              .thenComposeAsync(this::replyAndContinue, executor);
        }
        case KEYS -> {
          int[] positions = spec.keys().positions(argv);
          if (spec == watchSpec) {
            // Runs with the session, holding the keys' shards: no write slips between its checks.
            return coordinator.run(coordinator.shardsOf(argv, positions), spec, argv, context())
                .thenComposeAsync(this::replyAndContinue, executor);
          }
          int shard = singleShard(argv, positions);
          if (shard >= 0 || positions.length == 0) {
            return runBatch(Math.max(shard, 0), spec, argv);
          }
          return coordinator.run(coordinator.shardsOf(argv, positions), spec, argv, context())
              .thenComposeAsync(this::replyAndContinue, executor);
        }
        default -> throw new IllegalStateException("unknown route " + spec.route());
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Sends this command and the following ones for the same shard as one batch; the batch ends
   * at the first command for elsewhere, which runs after the batch has replied.
   */
  private CompletionStage<Void> runBatch(int shard, CommandSpec firstSpec, byte[][] firstArgv) {
    List<ShardMessage.Request> batch = new ArrayList<>();
    int db = session.db();
    int protocol = session.protocol();
    boolean noTouch = session.noTouch();
    batch.add(new ShardMessage.Request(firstSpec, firstArgv, db, protocol, session.id(), false, noTouch));
    // A blocking command ends its batch: what the client sent after it must wait until it is served.
    while (!pending.isEmpty() && !firstSpec.has(Flag.BLOCKING)) {
      byte[][] argv = pending.peek();
      CommandSpec spec;
      try {
        spec = table.resolve(argv);
      } catch (CommandError e) {
        break;
      }
      if (spec.route() != Route.KEYS || singleShard(argv, spec.keys().positions(argv)) != shard) {
        break;
      }
      if (spec == watchSpec) {
        break; // needs the session: drain runs it through the coordinator
      }
      if (!node.acl().permitsAll(session)) {
        break; // drain() checks each command of a restricted client
      }
      if (mayHold()) {
        break; // under a pause or MONITOR every command goes through drain's checks
      }
      pending.poll();
      feedMonitors(spec, argv);
      session.commandStarted(spec.fullName(), System.currentTimeMillis());
      node.stats().commandsProcessed.increment();
      batch.add(new ShardMessage.Request(spec, argv, db, protocol, session.id(), false, noTouch));
      if (spec.has(Flag.BLOCKING)) {
        break;
      }
    }
    CompletableFuture<Reply[]> replies = new CompletableFuture<>();
    node.inbox().submit(shard, new ShardMessage.Run(batch.toArray(new ShardMessage.Request[0]), replies));
    return replies.thenComposeAsync(results -> {
      for (int i = 0; i < results.length - 1; i++) {
        reply(results[i]);
      }
      return replyAndContinue(results[results.length - 1]);
    }, executor);
  }

  /** Writes a reply and goes on; a blocked command's reply is waited for first (without a thread). */
  private CompletionStage<Void> replyAndContinue(Reply result) {
    if (result == BlockedClients.BLOCKED) {
      return node.blocked().take(session.id()).reply()
          .thenComposeAsync(this::replyAndContinue, executor);
    }
    reply(result);
    // Invalidations of this client's own writes follow the replies (Redis 7.0); within a
    // pipelined batch they come after the batch's last reply rather than the writer's own.
    session.replyWritten();
    return drain();
  }

  /** The shard owning every key of the command, or -1 if they span shards (or there are none). */
  private int singleShard(byte[][] argv, int[] positions) {
    if (positions.length == 0) {
      return -1;
    }
    int shard = shardMap.shardOf(argv[positions[0]]);
    for (int i = 1; i < positions.length; i++) {
      if (shardMap.shardOf(argv[positions[i]]) != shard) {
        return -1;
      }
    }
    return shard;
  }

  /** The shards seen by a command while loading: none yet. */
  private static final io.redgrid.command.ShardAccess NO_SHARDS = new io.redgrid.command.ShardAccess() {
    @Override
    public io.redgrid.keyspace.Keyspace keyspaceFor(byte[] key) {
      throw new IllegalStateException("no shard while loading");
    }

    @Override
    public List<io.redgrid.keyspace.Keyspace> all() {
      return List.of();
    }
  };

  private Call.Context context() {
    return new Call.Context()
        .db(session.db())
        .protocol(session.protocol())
        .clock(node.clock())
        .stats(node.stats())
        .session(session)
        .server(node)
        .blocked(node.blocked())
        .events(node.keyspaceEvents())
        .tracking(node.tracking())
        .functions(node.functions())
        .client(session.id(), false)
        .noTouch(session.noTouch());
  }

  private void reply(Reply reply) {
    if (!session.takeReply()) {
      return; // CLIENT REPLY OFF / SKIP
    }
    if (reply == null) {
      return; // SHUTDOWN: no reply, the connection closes
    }
    if (reply instanceof Reply.Error) {
      node.stats().errorReplies.increment();
    }
    synchronized (outputLock) {
      writer.write(reply, session.protocol());
    }
  }

  /**
   * AUTH (-NOAUTH) and ACL (-NOPERM) before a command runs, as Redis' processCommand; true if
   * the command was refused (and its error replied). One field test for unrestricted clients.
   */
  private boolean deniedByAcl(CommandSpec spec, byte[][] argv) {
    if (node.acl().permitsAll(session)) {
      return false;
    }
    String error = node.acl().check(session, spec, argv, node.clock().millis(), () -> {
      session.commandStarted(spec.fullName(), System.currentTimeMillis());
      return io.redgrid.command.family.ConnectionCommands.clientInfo(table.prepare(spec, argv, context()));
    });
    if (error == null) {
      return false;
    }
    reply(rejected(argv, error));
    return true;
  }

  // ---- netadmin: MONITOR clients' rule, CLIENT PAUSE, the MONITOR feed ---------------------

  /** {@link #admitted}'s answer for a command refused with an error reply. */
  private static final CompletionStage<Void> REJECTED = CompletableFuture.completedFuture(null);

  /**
   * Null when the command may run now. A monitoring client (a replica for Redis) may not touch
   * the keyspace; other clients' commands wait while CLIENT PAUSE holds them: the command goes
   * back to the head of the queue and the returned stage drains again once the pause ends.
   */
  private CompletionStage<Void> admitted(CommandSpec spec, byte[][] argv) {
    if (session.monitor()) {
      if (spec.has(Flag.READONLY) || spec.has(Flag.WRITE) || spec.has(Flag.MAY_REPLICATE)) {
        reply(rejected(argv, "ERR Replica can't interact with the keyspace"));
        return REJECTED;
      }
      return null; // replicas are never paused
    }
    io.redgrid.server.ClientPause pause = node.clientPause();
    if (!pause.holds(spec)) {
      return null;
    }
    pending.addFirst(argv);
    session.postponed(true);
    return pause.released().thenComposeAsync(ignored -> {
      session.postponed(false);
      return drain();
    }, executor);
  }

  /** Whether the next command might be held or refused: batching stops then. */
  private boolean mayHold() {
    return session.monitor() || node.clientPause().mode() != io.redgrid.server.ClientPause.Mode.NONE;
  }

  private void feedMonitors(CommandSpec spec, byte[][] argv) {
    io.redgrid.server.Monitors monitors = node.monitors();
    if (monitors.active()) {
      monitors.feed(session, session.db(), spec, argv, io.redgrid.server.Monitors.nowMicros());
    }
  }

  /**
   * A command refused before it ran (processCommand's checks): counted in its rejected_calls and
   * in errorstats, as Redis' rejectCommand. Every check that refuses a command replies with this.
   */
  private Reply rejected(byte[][] argv, String error) {
    session.transaction().abort(); // Redis' flagTransaction: EXEC will answer EXECABORT
    table.rejected(argv, error, node.stats());
    return Reply.error(error);
  }

  /** A protocol error is an error reply too: total_error_replies and errorstats count it, as Redis. */
  private void protocolError(String error) {
    node.stats().errorReplies.increment();
    node.stats().commands.error(error);
  }

  // ---- transactions: MULTI queueing and EXEC ---------------------------------------------

  /** Commands that run at once inside MULTI (Redis' processCommand exceptions). */
  private static final Set<String> OUTSIDE_QUEUE = Set.of("exec", "discard", "multi", "watch", "quit", "reset");
  private static final Reply QUEUED = Reply.simple("QUEUED");
  private static final String EXECABORT = "EXECABORT Transaction discarded because of previous errors.";

  /**
   * EXEC of an open transaction: takes every shard its commands and watched keys live on, checks
   * the watched keys once they are held (so a touch just before still aborts), runs the queue in
   * order against the held keyspaces and releases them (each shard persists its part). Null when
   * the reply is already written (EXECABORT).
   */
  private CompletionStage<Void> exec(CommandSpec execSpec, byte[][] execArgv) {
    io.redgrid.transaction.Transaction transaction = session.transaction();
    session.commandStarted(execSpec.fullName(), System.currentTimeMillis());
    node.stats().commandsProcessed.increment();
    if (transaction.aborted()) {
      transaction.discard();
      Reply abort = Reply.error(EXECABORT);
      node.stats().commands.record(table.prepare(execSpec, execArgv, context()), abort, 0);
      reply(abort);
      return null;
    }
    List<io.redgrid.transaction.Transaction.Queued> queued = transaction.take();
    if (queued.stream().anyMatch(command -> io.redgrid.scripting.ScriptRunner.needsScriptThread(command.spec()))) {
      // A script in the queue: the whole EXEC runs on the script thread holding every shard,
      // so EXEC's shards and the script thread never wait for each other.
      io.redgrid.scripting.ScriptRunner scripts = node.scripts();
      return scripts.submit(() -> runQueued(coordinator.acquire(coordinator.allShards()).toCompletableFuture().join(),
              queued, execSpec, execArgv))
          .thenCompose(reply -> reply) // the script thread does not wait for the release
          .thenComposeAsync(this::replyAndContinue, executor);
    }
    return coordinator.acquire(shardsOf(queued, transaction))
        .thenComposeAsync(holding -> runQueued(holding, queued, execSpec, execArgv), executor)
        .thenComposeAsync(this::replyAndContinue, executor);
  }

  /** The shards EXEC holds: those of the queued commands' keys and of the watched keys. */
  private int[] shardsOf(List<io.redgrid.transaction.Transaction.Queued> queued,
      io.redgrid.transaction.Transaction transaction) {
    java.util.BitSet shards = new java.util.BitSet();
    for (io.redgrid.transaction.Transaction.Queued command : queued) {
      switch (command.spec().route()) {
        case ALL_SHARDS -> shards.set(0, shardMap.shardCount());
        case KEYS -> {
          int[] positions = command.spec().keys().positions(command.argv());
          if (positions.length == 0) {
            shards.set(0); // where a keyless keyed command runs outside MULTI (runBatch)
          }
          for (int position : positions) {
            shards.set(shardMap.shardOf(command.argv()[position]));
          }
        }
        default -> { }
      }
    }
    for (io.redgrid.transaction.Transaction.Watched watched : transaction.watched()) {
      shards.set(shardMap.shardOf(watched.key()));
    }
    return shards.stream().toArray();
  }

  private CompletionStage<Reply> runQueued(Coordinator.Holding holding,
      List<io.redgrid.transaction.Transaction.Queued> queued, CommandSpec execSpec, byte[][] execArgv) {
    io.redgrid.transaction.Transaction transaction = session.transaction();
    long start = System.nanoTime();
    Reply oom = outOfMemoryForExec(holding, queued);
    if (oom != null) {
      // Redis' processCommand refuses an EXEC with DENYOOM commands when eviction cannot make
      // room (execCommandAbort): the whole transaction is discarded.
      transaction.unwatch();
      String error = "EXECABORT Transaction discarded because of: " + ((Reply.Error) oom).message();
      table.rejected(execArgv, error, node.stats());
      return holding.release().thenApply(ignored -> Reply.error(error));
    }
    boolean dirty = transaction.dirty() || watchedKeyExpired(holding, transaction);
    transaction.unwatch(); // Redis unwatches before running the queue
    if (dirty) {
      feedMonitors(execSpec, execArgv);
      recordExec(execSpec, execArgv, Reply.NULL_ARRAY, start);
      return holding.release().thenApply(ignored -> Reply.NULL_ARRAY);
    }
    Reply[] results = new Reply[queued.size()];
    for (int i = 0; i < results.length; i++) {
      io.redgrid.transaction.Transaction.Queued command = queued.get(i);
      session.commandStarted(command.spec().fullName(), System.currentTimeMillis());
      node.stats().commandsProcessed.increment();
      // Blocking commands take their non-blocking form; writes still wake other blocked clients.
      Call.Context context = context().denyBlocking(true);
      Reply result;
      try {
        if (command.spec().route() == Route.CONNECTION) {
          Call call = table.prepare(command.spec(), command.argv(), context);
          result = table.run(call);
        } else {
          Call call = holding.prepare(command.spec(), command.argv(), context);
          result = holding.run(call);
          if (call.tracking() != null) {
            call.tracking().flushBroadcast();
          }
        }
      } catch (RuntimeException e) {
        result = Reply.error("ERR internal error: " + e);
      }
      if (result == null || result == BlockedClients.BLOCKED) {
        result = Reply.NULL;
      }
      if (result instanceof Reply.Error) {
        node.stats().errorReplies.increment(); // every error reply counts, nested ones too
      }
      feedMonitors(command.spec(), command.argv());
      results[i] = result;
    }
    feedMonitors(execSpec, execArgv);
    recordExec(execSpec, execArgv, Reply.OK, start);
    return holding.release().thenApply(ignored -> {
      node.blocked().serveReady();
      return Reply.array(results);
    });
  }

  private static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";

  /**
   * Evicts from the held shards as Redis does before EXEC; the OOM error when the queue has a
   * DENYOOM command and no room could be made.
   */
  private Reply outOfMemoryForExec(Coordinator.Holding holding,
      List<io.redgrid.transaction.Transaction.Queued> queued) {
    for (io.redgrid.transaction.Transaction.Queued command : queued) {
      if (command.spec().has(Flag.DENYOOM) && command.spec().route() != Route.CONNECTION) {
        return holding.prepare(command.spec(), command.argv(), context()).performEvictions();
      }
    }
    return null;
  }

  /**
   * Redis' processCommand refuses every command queued in MULTI while over maxmemory with
   * nothing to evict (a queue could grow without bound); EXEC and DISCARD still run.
   */
  private boolean outOfMemoryForQueueing() {
    return node.stats().memory.fullWithoutEviction();
  }

  /** EXEC in commandstats (its queued commands count there themselves, as they run). */
  private void recordExec(CommandSpec execSpec, byte[][] execArgv, Reply reply, long start) {
    node.stats().commands.record(table.prepare(execSpec, execArgv, context()), reply, System.nanoTime() - start);
  }

  /** CLIENT PAUSE: EXEC waits under ALL, and under WRITE when a queued command would be held. */
  private boolean heldByPause(CommandSpec execSpec, io.redgrid.transaction.Transaction transaction) {
    io.redgrid.server.ClientPause pause = node.clientPause();
    if (session.monitor() || pause.mode() == io.redgrid.server.ClientPause.Mode.NONE) {
      return false;
    }
    if (pause.holds(execSpec)) {
      return true;
    }
    for (io.redgrid.transaction.Transaction.Queued command : transaction.queued()) {
      if (pause.holds(command.spec())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Redis 7.0's isWatchedKeyExpired: a watched key that has expired since WATCH (and was not
   * expired then) dirties the transaction even though nothing deleted it yet.
   */
  private boolean watchedKeyExpired(Coordinator.Holding holding, io.redgrid.transaction.Transaction transaction) {
    long now = node.clock().millis();
    for (io.redgrid.transaction.Transaction.Watched watched : transaction.watched()) {
      if (watched.expired()) {
        continue;
      }
      io.redgrid.keyspace.KeyEntry entry =
          holding.keyspaceFor(watched.key()).database(watched.db()).get(watched.key());
      if (entry != null && entry.isExpired(now)) {
        return true;
      }
    }
    return false;
  }
}
