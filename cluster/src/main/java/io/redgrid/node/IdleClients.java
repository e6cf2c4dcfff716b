package io.redgrid.node;

import io.redgrid.blocking.BlockedClients;
import io.redgrid.server.ClientSession;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code timeout} directive, as Redis' clientsCronHandleTimeout: a client idle for more than
 * that many seconds is closed, unless it is subscribed, monitoring, blocked, held by a pause or
 * running a command (Redis, single-threaded, never looks while one runs).
 */
final class IdleClients {
  private static final Logger log = LoggerFactory.getLogger(IdleClients.class);

  private IdleClients() {}

  /** Closes the idle clients; returns how many. {@code timeoutSeconds} 0 closes none. */
  static int close(Collection<ClientSession> clients, BlockedClients blocked, long timeoutSeconds, long nowMillis) {
    if (timeoutSeconds <= 0) {
      return 0;
    }
    int closed = 0;
    for (ClientSession client : clients) {
      if (client.closeRequested() || client.busy() || client.subscriptions().active() || client.monitor() || client.postponed()
          || (blocked != null && blocked.isBlocked(client.id()))) {
        continue;
      }
      if (nowMillis - client.lastInteraction() > timeoutSeconds * 1000) {
        log.debug("Closing idle client");
        client.kill();
        closed++;
      }
    }
    return closed;
  }
}
