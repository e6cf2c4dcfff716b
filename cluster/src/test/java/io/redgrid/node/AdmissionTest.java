package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.blocking.BlockedClients;
import io.redgrid.config.ServerConfig;
import io.redgrid.server.ClientSession;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;

/** The accept-time decisions (protected mode, maxclients), bind parsing, keep-alive and idle timeout. */
class AdmissionTest {
  private final ServerConfig config = ServerConfig.defaults();

  private static InetAddress ip(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  @Test
  void protectedModeServesOnlyRedisLoopbackAddresses() throws Exception {
    assertFalse(Admission.protectedModeDenies(config, true, ip("127.0.0.1")));
    assertFalse(Admission.protectedModeDenies(config, true, ip("::1")));
    assertTrue(Admission.protectedModeDenies(config, true, ip("127.0.0.2")), "Redis compares with 127.0.0.1 only");
    assertTrue(Admission.protectedModeDenies(config, true, ip("192.0.2.2")));
    assertTrue(Admission.protectedModeDenies(config, true, ip("fd00::2")));
    assertFalse(Admission.protectedModeDenies(config, false, ip("192.0.2.2")), "the default user has a password");
    config.set(Map.of("protected-mode", "no"));
    assertFalse(Admission.protectedModeDenies(config, true, ip("192.0.2.2")));
  }

  @Test
  void deniedTextIsRedisOwn() {
    assertTrue(Admission.DENIED.startsWith("-DENIED Redis is running in protected mode because protected mode is "
        + "enabled and no password is set for the default user. In this mode connections are only accepted "
        + "from the loopback interface."));
    assertTrue(Admission.DENIED.endsWith("NOTE: You only need to do one of the above things in order for the server "
        + "to start accepting connections from the outside.\r\n"));
    assertEquals(1, Admission.DENIED.split("\r\n", -1).length - 1);
  }

  @Test
  void maxclientsCountsAdmittedConnections() throws Exception {
    config.set(Map.of("maxclients", "2"));
    Admission admission = new Admission(config, () -> true);
    assertNull(admission.admit(ip("127.0.0.1")));
    assertNull(admission.admit(ip("127.0.0.1")));
    assertEquals(Admission.MAX_CLIENTS, admission.admit(ip("127.0.0.1")));
    assertEquals(Admission.MAX_CLIENTS, admission.admit(ip("192.0.2.2")), "maxclients is checked first");
    admission.closed();
    assertEquals(Admission.DENIED, admission.admit(ip("192.0.2.2")));
    assertEquals(1, admission.connected(), "refused clients are not counted");
    assertNull(admission.admit(ip("::1")));
  }

  @Test
  void bindListsEveryAddressWithOptionalAndWildcards() {
    assertEquals(List.of(new BindAddresses.Address("127.0.0.1", false), new BindAddresses.Address("::1", true)),
        BindAddresses.parse("127.0.0.1 -::1").addresses());
    assertEquals(List.of(new BindAddresses.Address("0.0.0.0", false)), BindAddresses.parse("*").addresses());
    assertEquals(List.of(new BindAddresses.Address("::", true)), BindAddresses.parse("* -::*").addresses(),
        "Java's :: socket is dual-stack: it serves IPv4 too");
    assertEquals(List.of(new BindAddresses.Address("10.0.0.1", false), new BindAddresses.Address("10.0.0.2", false)),
        BindAddresses.parse("  10.0.0.1   10.0.0.2 ").addresses());
    assertTrue(BindAddresses.unavailable(new IllegalStateException("x",
        new java.net.BindException("Cannot assign requested address"))));
    assertFalse(BindAddresses.unavailable(new IllegalStateException("x",
        new java.net.BindException("Address already in use"))));
  }

  @Test
  void keepAliveFollowsTcpKeepalive() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, ip("127.0.0.1"));
        Socket client = new Socket("127.0.0.1", server.getLocalPort());
        Socket accepted = server.accept()) {
      config.set(Map.of("tcp-keepalive", "0"));
      new KeepAlive(config).afterConnect(accepted);
      assertFalse(KeepAlive.enabled(accepted));
      config.set(Map.of("tcp-keepalive", "60"));
      new KeepAlive(config).afterConnect(accepted);
      assertTrue(KeepAlive.enabled(accepted));
      if (accepted.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
        assertEquals(60, accepted.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
        assertEquals(20, accepted.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL));
        assertEquals(3, accepted.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT));
      }
    }
  }

  @Test
  void idleTimeoutSparesSubscribersMonitorsAndBlockedClients() {
    ClientSession idle = new ClientSession(1, "a:1", "b:1", 0);
    ClientSession recent = new ClientSession(2, "a:2", "b:1", 0);
    recent.commandStarted("get", 9_500);
    ClientSession monitor = new ClientSession(3, "a:3", "b:1", 0);
    monitor.monitor(true);
    ClientSession held = new ClientSession(4, "a:4", "b:1", 0);
    held.postponed(true);
    ClientSession subscriber = new ClientSession(5, "a:5", "b:1", 0);
    new io.redgrid.pubsub.PubSubRegistry().subscribe(subscriber, io.redgrid.pubsub.Subscriptions.Kind.CHANNEL,
        "ch".getBytes());
    ClientSession running = new ClientSession(6, "a:6", "b:1", 0);
    running.busy(true, 0); // e.g. DEBUG SLEEP longer than the timeout
    ClientSession done = new ClientSession(7, "a:7", "b:1", 0);
    done.busy(true, 0);
    done.busy(false, 9_000); // its reply was written a second ago
    List<ClientSession> clients = List.of(idle, recent, monitor, held, subscriber, running, done);
    assertEquals(0, IdleClients.close(clients, null, 0, 10_000), "timeout 0: never");
    assertEquals(1, IdleClients.close(clients, (BlockedClients) null, 5, 10_000));
    assertTrue(idle.closeRequested());
    assertFalse(recent.closeRequested() || monitor.closeRequested() || held.closeRequested()
        || subscriber.closeRequested() || running.closeRequested() || done.closeRequested());
    running.busy(false, 1_000);
    assertEquals(1, IdleClients.close(clients, null, 5, 10_000));
    assertTrue(running.closeRequested());
  }
}
