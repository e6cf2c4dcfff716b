package io.redgrid.node;

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
import io.redgrid.shard.ShardRouter;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
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
  /** Replies of one chunk, and whether the connection closes after writing them. */
  record Output(ByteString bytes, boolean close) {}

  private final ClientSession session;
  private final NodeContext node;
  private final CommandTable table;
  private final ShardMap shardMap;
  private final ShardRouter router;
  private final Coordinator coordinator;
  private final Executor executor;
  private final RespParser parser;
  private final RespWriter writer = new RespWriter();
  private final ArrayDeque<byte[][]> pending = new ArrayDeque<>();

  Connection(ClientSession session, NodeContext node) {
    this.session = session;
    this.node = node;
    this.table = node.table();
    this.shardMap = node.shardMap();
    this.router = node.router();
    this.coordinator = node.coordinator();
    this.executor = node.executor();
    this.parser = new RespParser(new RespLimits(
        node.config().protoMaxBulkLength(), RespLimits.DEFAULT.maxMultibulkLength(),
        RespLimits.DEFAULT.maxInlineLength()));
  }

  /** Parses a chunk, runs its complete commands in order and returns their replies. */
  CompletionStage<Output> process(ByteString chunk) {
    node.stats().netInputBytes.add(chunk.size());
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
    return drain().thenApply(ignored -> {
      if (failure != null) {
        writer.write(Reply.error(failure.getMessage()), session.protocol());
      }
      ByteString out = ByteString.fromArray(writer.toByteArray());
      writer.reset();
      node.stats().netOutputBytes.add(out.size());
      return new Output(out, failure != null || session.closeRequested());
    });
  }

  /** Runs pending commands until none is left or the client asked to close. */
  private CompletionStage<Void> drain() {
    while (!pending.isEmpty() && !session.closeRequested()) {
      byte[][] argv = pending.poll();
      CommandSpec spec;
      try {
        spec = table.resolve(argv);
      } catch (CommandError e) {
        reply(Reply.error(e.getMessage()));
        continue;
      }
      session.commandStarted(spec.fullName(), System.currentTimeMillis());
      node.stats().commandsProcessed.increment();
      switch (spec.route()) {
        case CONNECTION -> reply(table.execute(spec, argv, context()));
        case ALL_SHARDS -> {
          return coordinator.run(coordinator.allShards(), spec, argv, context())
              .thenComposeAsync(this::replyAndContinue, executor);
        }
        case KEYS -> {
          int[] positions = spec.keys().positions(argv);
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
    batch.add(new ShardMessage.Request(firstSpec, firstArgv, db, protocol, session.id(), false));
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
      pending.poll();
      session.commandStarted(spec.fullName(), System.currentTimeMillis());
      node.stats().commandsProcessed.increment();
      batch.add(new ShardMessage.Request(spec, argv, db, protocol, session.id(), false));
      if (spec.has(Flag.BLOCKING)) {
        break;
      }
    }
    CompletableFuture<Reply[]> replies = new CompletableFuture<>();
    router.tell(shard, new ShardMessage.Run(batch.toArray(new ShardMessage.Request[0]), replies));
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

  private Call.Context context() {
    return new Call.Context()
        .db(session.db())
        .protocol(session.protocol())
        .clock(node.clock())
        .stats(node.stats())
        .session(session)
        .server(node)
        .blocked(node.blocked())
        .client(session.id(), false);
  }

  private void reply(Reply reply) {
    if (reply == null) {
      return; // SHUTDOWN: no reply, the connection closes
    }
    if (reply instanceof Reply.Error) {
      node.stats().errorReplies.increment();
    }
    writer.write(reply, session.protocol());
  }
}
