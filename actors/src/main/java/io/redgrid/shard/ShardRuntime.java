package io.redgrid.shard;

import io.redgrid.blocking.BlockedClients;
import io.redgrid.command.CommandTable;
import io.redgrid.keyspace.Clock;
import io.redgrid.keyspace.ShardMap;
import io.redgrid.pubsub.KeyspaceEvents;
import io.redgrid.server.ServerStats;
import java.util.function.IntSupplier;

/**
 * What every shard entity of a node shares: the command table, clock, counters and layout.
 * {@code events} publishes keyspace notifications (also from active expiry).
 * {@code hz} is read at every expiry tick so that CONFIG SET hz takes effect at once.
 * {@code inbox} queues clients' batches between rounds (null where batches arrive as messages).
 * {@code functions} are the node's function libraries, persisted by shard 0.
 */
public record ShardRuntime(
    CommandTable table,
    ShardMap shardMap,
    int databases,
    Clock clock,
    ServerStats stats,
    ShardDirectory directory,
    IntSupplier hz,
    BlockedClients blocked,
    KeyspaceEvents events,
    io.redgrid.tracking.Tracking tracking,
    ShardInbox inbox,
    io.redgrid.scripting.functions.FunctionRegistry functions) {

  public ShardRuntime(CommandTable table, ShardMap shardMap, int databases, Clock clock,
      ServerStats stats, ShardDirectory directory, IntSupplier hz, BlockedClients blocked,
      KeyspaceEvents events, io.redgrid.tracking.Tracking tracking, ShardInbox inbox) {
    this(table, shardMap, databases, clock, stats, directory, hz, blocked, events, tracking, inbox,
        new io.redgrid.scripting.functions.FunctionRegistry());
  }

  public ShardRuntime(CommandTable table, ShardMap shardMap, int databases, Clock clock,
      ServerStats stats, ShardDirectory directory, IntSupplier hz, BlockedClients blocked,
      KeyspaceEvents events, io.redgrid.tracking.Tracking tracking) {
    this(table, shardMap, databases, clock, stats, directory, hz, blocked, events, tracking, null);
  }

  public ShardRuntime(CommandTable table, ShardMap shardMap, int databases, Clock clock,
      ServerStats stats, ShardDirectory directory, IntSupplier hz, BlockedClients blocked,
      KeyspaceEvents events) {
    this(table, shardMap, databases, clock, stats, directory, hz, blocked, events, null);
  }

  public ShardRuntime(CommandTable table, ShardMap shardMap, int databases, Clock clock,
      ServerStats stats, ShardDirectory directory, IntSupplier hz, BlockedClients blocked) {
    this(table, shardMap, databases, clock, stats, directory, hz, blocked, KeyspaceEvents.NONE, null);
  }

  /** A runtime whose {@code hz} never changes and where commands never block, for tests. */
  public ShardRuntime(CommandTable table, ShardMap shardMap, int databases, Clock clock,
      ServerStats stats, ShardDirectory directory, int hz) {
    this(table, shardMap, databases, clock, stats, directory, () -> hz, null, KeyspaceEvents.NONE, null);
  }
}
