package io.redgrid.server;

import io.redgrid.protocol.Reply;
import java.util.concurrent.CompletionStage;

/**
 * What SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE, DEBUG RELOAD, FLUSHALL and INFO persistence need
 * from the node's persistence; the persistence module implements it.
 */
public interface PersistenceControl {
  /**
   * SAVE: a snapshot of every shard written before the reply; {@code holdToken} is the
   * coordinator hold on every shard that SAVE runs under, so all clients wait meanwhile.
   */
  CompletionStage<Reply> save(long holdToken);

  /** BGSAVE [SCHEDULE]: starts a snapshot in the background. */
  Reply bgsave(boolean schedule);

  /** BGREWRITEAOF: snapshot plus dropping the journal it covers, in the background. */
  Reply bgrewriteaof();

  /** LASTSAVE: Unix time in seconds of the last successful save. */
  long lastSave();

  /** DEBUG RELOAD under a hold on every shard: saves, then replaces the held data with what was saved. */
  CompletionStage<Reply> debugReload(long holdToken, java.util.List<io.redgrid.keyspace.Keyspace> held);

  /** DEBUG LOADAOF under a hold on every shard: flushes the AOF, then reloads the data from disk. */
  CompletionStage<Reply> debugLoadAof(long holdToken, java.util.List<io.redgrid.keyspace.Keyspace> held);

  /** After FLUSHALL: Redis saves at once when save rules exist. */
  void flushedAll();

  /** The body of INFO's persistence section (after the header line). */
  void info(StringBuilder out);
}
