package io.redgrid.blocking;

import io.redgrid.keyspace.DbKey;
import io.redgrid.command.CommandSpec;
import io.redgrid.protocol.Reply;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One client blocked in a command such as BLPOP: what to run again when one of its keys gets
 * data, and the future its connection waits on. Its mutable state is guarded by the
 * {@link BlockedClients} lock.
 */
public final class Waiter {
  enum State { WAITING, RETRYING, DONE }

  final long clientId;
  final CommandSpec spec;
  final byte[][] argv;
  final int db;
  final int protocol;
  final List<DbKey> keys;
  final Reply timeoutReply;
  final CompletableFuture<Reply> reply = new CompletableFuture<>();
  State state = State.WAITING;
  /** A key was signalled while a retry was in flight: retry again if that one finds nothing. */
  boolean signalledWhileRetrying;
  /** Set by a timeout or CLIENT UNBLOCK that arrived while a retry was in flight. */
  Reply endWith;

  Waiter(long clientId, CommandSpec spec, byte[][] argv, int db, int protocol, List<DbKey> keys,
      Reply timeoutReply) {
    this.clientId = clientId;
    this.spec = spec;
    this.argv = argv;
    this.db = db;
    this.protocol = protocol;
    this.keys = keys;
    this.timeoutReply = timeoutReply;
  }

  public long clientId() {
    return clientId;
  }

  public CommandSpec spec() {
    return spec;
  }

  public byte[][] argv() {
    return argv;
  }

  public int db() {
    return db;
  }

  public int protocol() {
    return protocol;
  }

  /** Completes with the command's reply once served, timed out, unblocked or cancelled. */
  public CompletableFuture<Reply> reply() {
    return reply;
  }
}
