package io.redgrid.shard;

import io.redgrid.command.CommandTable;
import io.redgrid.keyspace.Clock;
import io.redgrid.keyspace.ShardMap;
import io.redgrid.server.ServerStats;

/** What every shard entity of a node shares: the command table, clock, counters and layout. */
public record ShardRuntime(
    CommandTable table,
    ShardMap shardMap,
    int databases,
    Clock clock,
    ServerStats stats,
    ShardDirectory directory,
    int hz) {}
