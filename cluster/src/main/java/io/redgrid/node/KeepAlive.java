package io.redgrid.node;

import io.redgrid.config.ServerConfig;
import java.io.IOException;
import java.net.Socket;
import java.net.StandardSocketOptions;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tcp-keepalive on accepted sockets, as Redis' anetKeepAlive: SO_KEEPALIVE, first probe after
 * the configured seconds of silence, then every third of it, three probes. Read per connection,
 * so CONFIG SET applies to new clients; 0 leaves keep-alive off.
 */
final class KeepAlive extends akka.io.Inet.AbstractSocketOptionV2 {
  private static final Logger log = LoggerFactory.getLogger(KeepAlive.class);
  private final ServerConfig config;

  KeepAlive(ServerConfig config) {
    this.config = config;
  }

  @Override
  public void afterConnect(Socket socket) {
    long interval = config.getLong("tcp-keepalive");
    if (interval <= 0) {
      return;
    }
    try {
      socket.setKeepAlive(true);
      apply(socket, ExtendedSocketOptions.TCP_KEEPIDLE, (int) interval);
      apply(socket, ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) Math.max(1, interval / 3));
      apply(socket, ExtendedSocketOptions.TCP_KEEPCOUNT, 3);
    } catch (IOException e) {
      log.debug("could not set keep-alive: {}", e.toString());
    }
  }

  private static void apply(Socket socket, java.net.SocketOption<Integer> option, int value) throws IOException {
    if (socket.supportedOptions().contains(option)) {
      socket.setOption(option, value);
    }
  }

  /** For tests: whether SO_KEEPALIVE is on. */
  static boolean enabled(Socket socket) throws IOException {
    return socket.getOption(StandardSocketOptions.SO_KEEPALIVE);
  }
}
