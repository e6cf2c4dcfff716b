package io.redgrid.command;

/** Where a command runs. */
public enum Route {
  /** With the connection only: no keyspace (PING, SELECT, CLIENT ...). */
  CONNECTION,
  /** On the shards that own its keys: one shard directly, several through the coordinator. */
  KEYS,
  /** On every shard at once, through the coordinator (KEYS, FLUSHALL, SWAPDB ...). */
  ALL_SHARDS,
  /** On the node's script thread, which takes the shards itself (EVAL and the like). */
  SCRIPT
}
