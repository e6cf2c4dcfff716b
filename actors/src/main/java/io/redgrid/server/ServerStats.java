package io.redgrid.server;

import java.util.concurrent.atomic.LongAdder;

/** Node-wide counters that INFO stats reports; shards and connections add to them concurrently. */
public final class ServerStats {
  public final LongAdder connectionsReceived = new LongAdder();
  public final LongAdder commandsProcessed = new LongAdder();
  public final LongAdder rejectedConnections = new LongAdder();
  public final LongAdder keyspaceHits = new LongAdder();
  public final LongAdder keyspaceMisses = new LongAdder();
  public final LongAdder expiredKeys = new LongAdder();
  public final LongAdder netInputBytes = new LongAdder();
  public final LongAdder netOutputBytes = new LongAdder();
  public final LongAdder errorReplies = new LongAdder();

  public void reset() {
    connectionsReceived.reset();
    commandsProcessed.reset();
    rejectedConnections.reset();
    keyspaceHits.reset();
    keyspaceMisses.reset();
    expiredKeys.reset();
    netInputBytes.reset();
    netOutputBytes.reset();
    errorReplies.reset();
  }
}
