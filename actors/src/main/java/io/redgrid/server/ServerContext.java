package io.redgrid.server;

import io.redgrid.blocking.BlockedClients;
import io.redgrid.config.ServerConfig;
import java.util.Collection;
import java.util.concurrent.Executor;

/**
 * What server and connection commands need from the running node; the cluster module provides
 * it, so commands stay free of networking and actor-system code.
 */
public interface ServerContext {
  ServerConfig config();

  /** Connected clients, for CLIENT LIST / KILL and INFO clients. */
  Collection<ClientSession> clients();

  ServerStats stats();

  /** Epoch milliseconds at start-up. */
  long startedAt();

  /** TCP port actually bound. */
  int port();

  /** Stops the node after the current reply (SHUTDOWN); {@code save} is the NOSAVE/SAVE choice. */
  void shutdown(boolean save);

  /**
   * Where delayed completions run (DEBUG SLEEP): the node's dispatcher, never the ForkJoin
   * common pool. The default runs them on the thread that completes the delay.
   */
  default Executor executor() {
    return Runnable::run;
  }

  /** The node's Pub/Sub subscribers; null where there is no Pub/Sub. */
  default io.redgrid.pubsub.PubSubRegistry pubsub() {
    return null;
  }

  /** Keyspace notifications of the node (notify-keyspace-events). */
  default io.redgrid.pubsub.KeyspaceEvents keyspaceEvents() {
    return io.redgrid.pubsub.KeyspaceEvents.NONE;
  }

  /** Clients blocked in BLPOP and the like (CLIENT UNBLOCK, INFO); null where nothing blocks. */
  default BlockedClients blocked() {
    return null;
  }

  /** Client-side caching (CLIENT TRACKING); null where there is none. */
  default io.redgrid.tracking.Tracking tracking() {
    return null;
  }

  /** SAVE, BGSAVE, BGREWRITEAOF and INFO persistence; null where data is not persisted (unit tests). */
  default PersistenceControl persistence() {
    return null;
  }

  /** True while the shards are still loading their data at start-up (clients get -LOADING). */
  default boolean loading() {
    return false;
  }

  /** The node's ACL users and checks (AUTH, ACL); null where there are none. */
  default io.redgrid.acl.Acl acl() {
    return null;
  }

  // netadmin

  /** CLIENT PAUSE state of the node; null where clients are never paused. */
  default ClientPause clientPause() {
    return null;
  }

  /** Clients in MONITOR mode; null where there is no monitoring. */
  default Monitors monitors() {
    return null;
  }

  /** The node's Redis Functions libraries (FUNCTION, FCALL). */
  default io.redgrid.scripting.functions.FunctionRegistry functions() {
    return null;
  }

  /** The node's script thread and Lua VM (EVAL, SCRIPT, FUNCTION); null where scripts cannot run. */
  default io.redgrid.scripting.ScriptRunner scripts() {
    return null;
  }

  /** Memory accounting and maxmemory settings, for INFO memory and MEMORY STATS. */
  default io.redgrid.memory.MemoryReport memory() {
    return stats().memory.report();
  }
}
