package io.redgrid.command;

/**
 * Collects the effects of write commands: deterministic Redis commands, per shard and database,
 * that are persisted as events and replayed through the same command code on recovery.
 */
@FunctionalInterface
public interface Effects {
  /** Discards effects: used while replaying the journal, whose events are already persisted. */
  Effects NONE = (shard, db, argv) -> {};

  void add(int shard, int db, byte[][] argv);
}
