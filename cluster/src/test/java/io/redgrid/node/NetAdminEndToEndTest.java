package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Connection limits, protected mode, idle timeout, CLIENT PAUSE / REPLY / NO-TOUCH / KILL,
 * MONITOR, ROLE, LOLWUT and DEBUG SET-ACTIVE-EXPIRE against a started node, with Jedis, raw
 * sockets and the real redis-cli.
 */
class NetAdminEndToEndTest {
  private static NodeFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new NodeFixture();
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }


  /** A command Jedis has no method for; the reply as text. */
  private static String send(Jedis jedis, String command, String... args) {
    Object reply = jedis.sendCommand(redis.clients.jedis.Protocol.Command.valueOf(command), args);
    return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
  }

  private static Jedis jedis(NodeFixture node) {
    return new Jedis("127.0.0.1", node.port());
  }

  private static long rejected(Jedis jedis) {
    for (String line : jedis.info("stats").split("\r\n")) {
      if (line.startsWith("rejected_connections:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1));
      }
    }
    throw new AssertionError("no rejected_connections");
  }

  /** A non-loopback IPv4 address of this machine, or null. */
  private static String nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(nic.getInetAddresses())) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return address.getHostAddress();
        }
      }
    }
    return null;
  }

  // ---- bind, protected mode, maxclients, timeout -----------------------------------------------

  @Test
  void protectedModeDeniesNonLoopbackClientsOfEveryBoundAddress() throws Exception {
    String lan = nonLoopbackAddress();
    assumeTrue(lan != null, "no non-loopback interface (the decision is unit-tested in AdmissionTest)");
    try (NodeFixture node = new NodeFixture("--bind", "127.0.0.1 " + lan + " -192.0.2.254");
        Jedis local = jedis(node)) {
      assertEquals("PONG", local.ping());
      long before = rejected(local);
      try (NodeFixture.Raw remote = new NodeFixture.Raw(lan, node.port())) {
        // Sent at once on accept, as Redis; nothing is read from the client.
        assertEquals(Admission.DENIED + "<closed>", remote.read(Admission.DENIED.length() + 8));
      }
      assertEquals(before + 1, rejected(local));
      assertEquals("OK", local.configSet("protected-mode", "no"));
      try (Jedis remote = new Jedis(lan, node.port())) {
        assertEquals("PONG", remote.ping(), "CONFIG SET protected-mode no applies at once");
        assertTrue(remote.clientInfo().contains("laddr=" + lan + ":" + node.port()), remote.clientInfo());
      }
    }
  }

  @Test
  void aMissingAddressStopsStartUpUnlessOptional() {
    RuntimeException failure = assertThrows(RuntimeException.class,
        () -> new NodeFixture("--bind", "127.0.0.1 192.0.2.254"));
    assertTrue(String.valueOf(failure.getMessage()).contains("192.0.2.254"), failure.getMessage());
  }

  @Test
  void maxclientsRefusesTheClientBeyondTheLimit() throws Exception {
    try (NodeFixture node = new NodeFixture("--maxclients", "2");
        Jedis first = jedis(node); Jedis second = jedis(node)) {
      assertEquals("PONG", first.ping());
      assertEquals("PONG", second.ping());
      try (NodeFixture.Raw third = new NodeFixture.Raw("127.0.0.1", node.port())) {
        assertEquals("-ERR max number of clients reached\r\n<closed>", third.read(100));
      }
      assertEquals(1, rejected(first));
      second.close();
      Thread.sleep(200);
      try (Jedis again = jedis(node)) {
        assertEquals("PONG", again.ping(), "a freed place is taken again");
      }
      assertEquals("OK", first.configSet("maxclients", "1"));
      try (NodeFixture.Raw refused = new NodeFixture.Raw("127.0.0.1", node.port())) {
        assertEquals("-ERR max number of clients reached\r\n<closed>", refused.read(100));
      }
    }
  }

  @Test
  void idleClientsAreClosedButNotSubscribersOrBlockedOnes() throws Exception {
    try (NodeFixture node = new NodeFixture("--timeout", "1");
        NodeFixture.Raw idle = new NodeFixture.Raw("127.0.0.1", node.port());
        NodeFixture.Raw subscriber = new NodeFixture.Raw("127.0.0.1", node.port());
        NodeFixture.Raw blocked = new NodeFixture.Raw("127.0.0.1", node.port());
        NodeFixture.Raw busy = new NodeFixture.Raw("127.0.0.1", node.port())) {
      assertEquals("+PONG\r\n", idle.send("PING\r\n").read(7));
      assertEquals("*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n", subscriber.send("SUBSCRIBE ch\r\n").read(31));
      blocked.send("BLPOP nothing 0\r\n");
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2600);
      while (System.nanoTime() < deadline) {
        assertEquals("+PONG\r\n", busy.send("PING\r\n").read(7));
        Thread.sleep(300);
      }
      assertEquals("<closed>", idle.read(1), "idle for more than the timeout");
      assertEquals("*2\r\n$4\r\npong\r\n$0\r\n\r\n", subscriber.send("PING\r\n").read(20));
      try (Jedis pusher = jedis(node)) {
        pusher.rpush("nothing", "x");
      }
      assertEquals("*2\r\n$7\r\nnothing\r\n$1\r\nx\r\n", blocked.read(24));
    }
  }

  // ---- CLIENT PAUSE / REPLY / NO-TOUCH / KILL -----------------------------------------------------

  @Test
  void writePauseHoldsWritesUntilUnpause() throws Exception {
    try (Jedis admin = jedis(fixture); Jedis writer = jedis(fixture); Jedis reader = jedis(fixture)) {
      writer.set("pause:k", "before");
      assertEquals("OK", admin.clientPause(5000, redis.clients.jedis.args.ClientPauseMode.WRITE));
      CompletableFuture<String> write = CompletableFuture.supplyAsync(() -> writer.set("pause:k", "after"));
      Thread.sleep(300);
      assertEquals("before", reader.get("pause:k"), "reads go on");
      assertTrue(!write.isDone(), "the write waits");
      String list = admin.clientList();
      assertTrue(list.contains("flags=b"), list);
      long start = System.nanoTime();
      assertEquals("OK", admin.clientUnpause());
      assertEquals("OK", write.get(2, TimeUnit.SECONDS));
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
      assertEquals("after", reader.get("pause:k"));
    }
  }

  @Test
  void allPauseHoldsEverythingUntilItsTimeout() throws Exception {
    try (Jedis admin = jedis(fixture); Jedis other = jedis(fixture)) {
      long start = System.nanoTime();
      assertEquals("OK", admin.clientPause(400));
      assertEquals("PONG", other.ping());
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(waited >= 350, "waited " + waited + " ms");
    }
  }

  @Test
  void clientReplyOffAndSkip() throws Exception {
    try (NodeFixture.Raw raw = new NodeFixture.Raw("127.0.0.1", fixture.port())) {
      raw.send("CLIENT REPLY SKIP\r\nSET reply:a 1\r\nGET reply:a\r\n");
      assertEquals("$1\r\n1\r\n", raw.read(7));
      raw.send("CLIENT REPLY OFF\r\nSET reply:a 2\r\nGET nosuch x\r\nCLIENT REPLY ON\r\nGET reply:a\r\n");
      assertEquals("+OK\r\n$1\r\n2\r\n", raw.read(12));
    }
    try (NodeFixture.Raw raw = new NodeFixture.Raw("127.0.0.1", fixture.port())) {
      // As 7.0.15: subscribe confirmations are pushes, which REPLY OFF does not silence.
      raw.send("CLIENT REPLY OFF\r\nSUBSCRIBE reply:ch\r\n");
      assertEquals("*3\r\n$9\r\nsubscribe\r\n$8\r\nreply:ch\r\n:1\r\n", raw.read(37));
    }
  }

  @Test
  void noTouchReadsLeaveTheIdleTime() throws Exception {
    try (Jedis jedis = jedis(fixture)) {
      jedis.set("touch:k", "v");
      Thread.sleep(1100);
      assertEquals("OK", send(jedis, "CLIENT", "NO-TOUCH", "ON"));
      jedis.get("touch:k");
      assertTrue(jedis.objectIdletime("touch:k") >= 1);
      assertTrue(jedis.clientInfo().contains(" flags=T "), jedis.clientInfo());
    }
  }

  @Test
  void clientKillByIdAndMaxAge() throws Exception {
    try (Jedis admin = jedis(fixture); Jedis victim = jedis(fixture)) {
      long id = victim.clientId();
      assertEquals(0, admin.clientKill(new redis.clients.jedis.params.ClientKillParams().id(Long.toString(id + 1000))));
      assertEquals(1, admin.clientKill(new redis.clients.jedis.params.ClientKillParams().id(Long.toString(id))));
      assertThrows(RuntimeException.class, victim::ping);
      assertEquals("0", send(admin, "CLIENT", "KILL", "MAXAGE", "100000"));
    }
  }

  @Test
  void lettuceOverResp3SeesRoleAndPause() throws Exception {
    io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(
        io.lettuce.core.RedisURI.create("127.0.0.1", fixture.port()));
    try (var first = client.connect(); var second = client.connect()) {
      var admin = first.sync();
      assertEquals(List.of("master", 0L, List.of()), admin.role());
      assertTrue(admin.clientList().contains(" resp=3 "), "Lettuce speaks RESP3");
      long start = System.nanoTime();
      assertEquals("OK", admin.clientPause(300));
      assertEquals("OK", second.sync().set("lettuce:paused", "x"));
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250));
    } finally {
      client.shutdown();
    }
  }

  // ---- MONITOR ------------------------------------------------------------------------------

  @Test
  void monitorStreamsCommandsInRedisFormat() throws Exception {
    try (NodeFixture.Raw monitor = new NodeFixture.Raw("127.0.0.1", fixture.port()); Jedis client = jedis(fixture)) {
      client.ping(); // connected (and its CLIENT SETINFO sent) before monitoring starts
      assertEquals("+OK", monitor.send("MONITOR\r\n").line());
      client.set("mon:k", "a b");
      client.configGet("maxclients"); // admin: not shown
      client.select(2);
      client.get("mon:k");
      String address = client.clientInfo().split(" addr=")[1].split(" ")[0];
      String set = monitor.line();
      assertTrue(set.matches("\\+\\d{10}\\.\\d{6} \\[0 " + java.util.regex.Pattern.quote(address)
          + "\\] \"SET\" \"mon:k\" \"a b\""), set);
      String select = monitor.line();
      assertTrue(select.matches("\\+\\d{10}\\.\\d{6} \\[2 .*\\] \"SELECT\" \"2\""), "the new db, as Redis: " + select);
      String get = monitor.line();
      assertTrue(get.matches("\\+\\d{10}\\.\\d{6} \\[2 .*\\] \"GET\" \"mon:k\""), get);
      assertTrue(monitor.line().endsWith("] \"CLIENT\" \"INFO\""));
      monitor.send("GET mon:k\r\n");
      assertEquals("-ERR Replica can't interact with the keyspace", monitor.line());
    }
  }

  // ---- redis-cli: ROLE, LOLWUT, CLIENT, DEBUG -------------------------------------------------

  private static String cli(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("-p", Integer.toString(fixture.port())));
    command.addAll(List.of(args));
    return RedisTools.run("redis-cli", command.toArray(new String[0])).output().strip();
  }

  @Test
  void redisCliSeesRoleLolwutAndClientInfo() throws Exception {
    assertEquals("master\n0", cli("ROLE"));
    assertEquals("Redis ver. 7.0.15", cli("LOLWUT"));
    String art = cli("LOLWUT", "VERSION", "5", "10", "2", "2");
    assertEquals("⠀⡤⠤⠤⠤⡤⠤⠤⠤⡄\n⠀⡇⠀⠀⠀⡇⠀⠀⠀⡇\n⠀⡧⠤⠤⠤⡧⠤⠤⠤⡇\n⠀⡇⠀⠀⠀⡇⠀⠀⠀⡇\n⠀⠧⠤⠤⠤⠧⠤⠤⠤⠇\n\n"
        + "Georg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15", art);
    String info = cli("CLIENT", "INFO");
    assertTrue(info.matches("id=\\d+ addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:\\d+ fd=\\d+ name= age=0 idle=0 "
        + "flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=\\d+ multi-mem=0 rbs=\\d+ rbp=\\d+ "
        + "obl=0 oll=0 omem=\\d+ tot-mem=\\d+ events=r cmd=client\\|info user=default redir=-1 resp=2 "
        + "lib-name= lib-ver="), info);
    assertEquals("ERR CLIENT PAUSE mode must be WRITE or ALL", cli("CLIENT", "PAUSE", "10", "foo"));
  }

  @Test
  void debugSetActiveExpireStopsAndRestartsActiveExpiry() throws Exception {
    try (Jedis jedis = jedis(fixture)) {
      jedis.select(9);
      assertEquals("OK", cli("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
      try {
        jedis.psetex("exp:k", 50, "v");
        Thread.sleep(600);
        assertEquals(1, jedis.dbSize(), "nobody reads it and active expiry is off");
      } finally {
        assertEquals("OK", cli("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (jedis.dbSize() != 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(0, jedis.dbSize());
      assertTrue(cli("-n", "9", "DEBUG", "OBJECT", "nokey").contains("no such key"));
    }
  }
}
