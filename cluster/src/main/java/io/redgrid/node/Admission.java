package io.redgrid.node;

import io.redgrid.config.ServerConfig;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether a new connection is served, as Redis' acceptCommonHandler and clientAcceptHandler
 * decide: first maxclients, then protected mode. A refused client gets one error line and is
 * closed; Redis counts it in rejected_connections.
 */
final class Admission {
  static final String MAX_CLIENTS = "-ERR max number of clients reached\r\n";
  static final String DENIED = "-DENIED Redis is running in protected mode because protected mode is "
      + "enabled and no password is set for the default user. In this mode connections are only "
      + "accepted from the loopback interface. If you want to connect from external computers to "
      + "Redis you may adopt one of the following solutions: 1) Just disable protected mode sending "
      + "the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to "
      + "Redis from the same host the server is running, however MAKE SURE Redis is not publicly "
      + "accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. "
      + "2) Alternatively you can just disable the protected mode by editing the Redis "
      + "configuration file, and setting the protected mode option to 'no', and then restarting "
      + "the server. 3) If you started the server manually just for testing, restart it with the "
      + "'--protected-mode no' option. 4) Setup a an authentication password for the default user. "
      + "NOTE: You only need to do one of the above things in order for the server to start "
      + "accepting connections from the outside.\r\n";

  private final ServerConfig config;
  private final java.util.function.BooleanSupplier defaultUserNopass;
  private final AtomicInteger connected = new AtomicInteger();

  /** {@code defaultUserNopass}: whether the default ACL user needs no password (requirepass, ACL). */
  Admission(ServerConfig config, java.util.function.BooleanSupplier defaultUserNopass) {
    this.config = config;
    this.defaultUserNopass = defaultUserNopass;
  }

  /**
   * Null when the client from {@code remote} is admitted (it is then counted until
   * {@link #closed}); otherwise the line to send it before closing.
   */
  String admit(InetAddress remote) {
    if (connected.get() >= config.getLong("maxclients")) {
      return MAX_CLIENTS;
    }
    if (protectedModeDenies(config, defaultUserNopass.getAsBoolean(), remote)) {
      return DENIED;
    }
    connected.incrementAndGet();
    return null;
  }

  /** An admitted connection ended. */
  void closed() {
    connected.decrementAndGet();
  }

  int connected() {
    return connected.get();
  }

  /**
   * Redis 7.0: with protected-mode yes and a default user without password, only clients from
   * 127.0.0.1 or ::1 are served (Redis compares those two texts: 127.0.0.2 is refused too),
   * whatever addresses are bound.
   */
  static boolean protectedModeDenies(ServerConfig config, boolean defaultUserNopass, InetAddress remote) {
    if (!"yes".equals(config.get("protected-mode")) || !defaultUserNopass) {
      return false;
    }
    return !isLoopback(remote);
  }

  static boolean isLoopback(InetAddress address) {
    if (address instanceof Inet4Address) {
      byte[] b = address.getAddress();
      return b[0] == 127 && b[1] == 0 && b[2] == 0 && b[3] == 1;
    }
    return address instanceof Inet6Address && address.isLoopbackAddress();
  }
}
