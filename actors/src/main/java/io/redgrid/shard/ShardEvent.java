package io.redgrid.shard;

/**
 * The persisted effect of a write: a deterministic Redis command and the database it applies to,
 * as Redis propagates to its AOF. Serialized as RESP by {@link ShardEventSerializer}.
 */
public record ShardEvent(int db, byte[][] command) {}
