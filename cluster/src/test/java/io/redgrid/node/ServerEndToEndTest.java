package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** Connection and server commands against a started node: closing, killing, HELLO, INFO, DEBUG. */
class ServerEndToEndTest {
  private static NodeFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new NodeFixture();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  @Test
  void quitRepliesOkAndCloses() throws IOException {
    assertEquals("+OK\r\n<closed>", fixture.raw("QUIT\r\nPING\r\n", 1000));
  }

  @Test
  void hello3SwitchesToResp3ForFollowingReplies() throws IOException {
    String reply = fixture.raw("HELLO 3\r\nCONFIG GET hz\r\n", 10_000);
    assertTrue(reply.startsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"
        + "$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:"), reply);
    assertTrue(reply.contains("$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n"),
        reply);
    assertTrue(reply.endsWith("%1\r\n$2\r\nhz\r\n$2\r\n10\r\n"), reply);
  }

  @Test
  void clientSetNameAndListThroughJedis() {
    try (Jedis jedis = new Jedis("127.0.0.1", fixture.port())) {
      assertEquals("OK", jedis.clientSetname("e2e-client"));
      assertEquals("e2e-client", jedis.clientGetname());
      String list = jedis.clientList();
      String mine = list.lines().filter(line -> line.contains("name=e2e-client")).findFirst().orElseThrow();
      assertTrue(mine.matches("id=\\d+ addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:" + fixture.port()
          + " fd=\\d+ name=e2e-client age=\\d+ idle=\\d+ flags=N db=0 .* cmd=client\\|list user=default redir=-1 resp=2"
          + " lib-name=\\S* lib-ver=\\S*"), mine);
      assertEquals(jedis.clientId(), Long.parseLong(mine.substring(3, mine.indexOf(' '))));
    }
  }

  @Test
  void clientKillClosesTheOtherConnection() throws Exception {
    try (Jedis victim = new Jedis("127.0.0.1", fixture.port());
        Jedis killer = new Jedis("127.0.0.1", fixture.port())) {
      long id = victim.clientId();
      assertEquals(1L, killer.clientKill(new redis.clients.jedis.params.ClientKillParams().id(Long.toString(id))));
      assertThrows(JedisConnectionException.class, () -> {
        for (int i = 0; i < 250; i++) { // up to 5 s: CI machines can be slow
          victim.ping();
          Thread.sleep(20);
        }
      });
      assertEquals("PONG", killer.ping());
      assertTrue(killer.clientList().lines().noneMatch(line -> line.startsWith("id=" + id + " ")));
    }
  }

  @Test
  void infoKeyspaceAndConfigThroughJedis() {
    try (Jedis jedis = new Jedis("127.0.0.1", fixture.port())) {
      jedis.select(9);
      for (int i = 0; i < 30; i++) {
        jedis.set("info-key" + i, "v");
      }
      jedis.set("info-ttl", "v", redis.clients.jedis.params.SetParams.setParams().ex(100));
      String keyspace = jedis.info("keyspace");
      assertTrue(keyspace.contains("db9:keys=31,expires=1,avg_ttl=0"), keyspace);
      String server = jedis.info("server");
      assertTrue(server.contains("tcp_port:" + fixture.port()) && server.contains("redis_version:7.0.15"), server);
      assertEquals(Map.of("hz", "10"), jedis.configGet("hz"));
      assertEquals("OK", jedis.configSet("hz", "25"));
      assertEquals(Map.of("hz", "25"), jedis.configGet("h?"));
      jedis.configSet("hz", "10");
    }
  }

  @Test
  void debugSleepHoldsOtherClientsCommandsUntilItEnds() throws Exception {
    try (Jedis sleeper = new Jedis("127.0.0.1", fixture.port());
        Jedis reader = new Jedis("127.0.0.1", fixture.port())) {
      reader.set("during-sleep", "v");
      List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
      CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> {
        sleeper.sendCommand(() -> "DEBUG".getBytes(StandardCharsets.US_ASCII), "SLEEP", "1");
        order.add("sleep-done");
      });
      // Wait until DEBUG has started (CLIENT LIST answers without shards), then give the
      // coordinator ample time to take every shard, even on a loaded machine.
      while (reader.clientList().lines().noneMatch(line -> line.contains("cmd=debug"))) {
        Thread.sleep(5);
      }
      Thread.sleep(300);
      long start = System.nanoTime();
      assertEquals("v", reader.get("during-sleep"));
      order.add("get-done");
      long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      sleeping.get(5, TimeUnit.SECONDS);
      // The GET is served the moment DEBUG releases the shards, possibly before DEBUG's own
      // reply is written, so only a lower bound on its wait proves it was held back.
      assertTrue(order.contains("sleep-done") && order.contains("get-done"), order.toString());
      assertTrue(waited >= 400, "GET waited " + waited + " ms");
    }
  }

  @Test
  void shutdownStopsTheNode() throws Exception {
    NodeFixture own = new NodeFixture();
    try (Socket socket = new Socket("127.0.0.1", own.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("SHUTDOWN NOSAVE\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      assertEquals(-1, in.read(), "no reply: the connection just closes");
      assertEquals(Boolean.FALSE, own.node.shutdownRequested().toCompletableFuture().get(30, TimeUnit.SECONDS));
      own.node.terminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThrows(IOException.class, () -> new Socket("127.0.0.1", own.port()).close());
    } finally {
      own.close();
    }
  }
}
