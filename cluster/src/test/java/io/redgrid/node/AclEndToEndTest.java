package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redgrid.config.ServerConfig;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * AUTH, requirepass, users from redis.conf and ACL rules over real connections: Jedis (AUTH and
 * HELLO 3 AUTH), redis-cli (--user/--pass, -a) and raw pipelines.
 */
class AclEndToEndTest {
  private static Node node;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("redgrid-acl");
    Path conf = dir.resolve("redis.conf");
    Files.writeString(conf, "requirepass secret\nuser alice on >pw ~app:* &news.* +@all -flushall\n"
        + "user reader on >rd %R~* +@read +@connection\n");
    node = Node.start(ServerConfig.fromArgs(new String[] {conf.toString(), "--port", "0", "--dir", dir.toString()}));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static Jedis as(String user, String password, RedisProtocol protocol) {
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder().password(password);
    if (user != null) {
      config.user(user);
    }
    if (protocol != null) {
      config.protocol(protocol);
    }
    return new Jedis(new HostAndPort("127.0.0.1", node.port()), config.build());
  }

  @Test
  void requirepassAndAuth() {
    try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
      JedisDataException noauth = assertThrows(JedisDataException.class, () -> jedis.get("k"));
      assertEquals("NOAUTH Authentication required.", noauth.getMessage());
      JedisDataException wrong = assertThrows(JedisDataException.class, () -> jedis.auth("bad"));
      assertEquals("WRONGPASS invalid username-password pair or user is disabled.", wrong.getMessage());
      assertEquals("OK", jedis.auth("secret"));
      assertEquals("OK", jedis.set("e2e:k", "v"));
      assertEquals("default", jedis.aclWhoAmI());
    }
    assertThrows(JedisAccessControlException.class, () -> {
      try (Jedis jedis = as("alice", "bad", null)) {
        jedis.ping();
      }
    });
  }

  @Test
  void usersFromTheConfigFileWithKeyAndChannelRules() {
    for (RedisProtocol protocol : new RedisProtocol[] {RedisProtocol.RESP2, RedisProtocol.RESP3}) {
      try (Jedis alice = as("alice", "pw", protocol)) {
        assertEquals("alice", alice.aclWhoAmI());
        assertEquals("OK", alice.set("app:1", "v"));
        JedisDataException key = assertThrows(JedisDataException.class, () -> alice.set("other:1", "v"));
        assertEquals("NOPERM this user has no permissions to access one of the keys used as arguments", key.getMessage());
        JedisDataException command = assertThrows(JedisDataException.class, () -> alice.flushAll());
        assertEquals("NOPERM this user has no permissions to run the 'flushall' command", command.getMessage());
        assertEquals(0, alice.publish("news.today", "x"));
        JedisDataException channel = assertThrows(JedisDataException.class, () -> alice.publish("sports", "x"));
        assertEquals("NOPERM this user has no permissions to access one of the channels used as arguments",
            channel.getMessage());
        assertTrue(alice.clientInfo().contains(" user=alice "), alice.clientInfo());
      }
    }
    try (Jedis reader = as("reader", "rd", null)) {
      assertEquals(null, reader.get("anything"));
      JedisDataException write = assertThrows(JedisDataException.class, () -> reader.set("anything", "v"));
      assertEquals("NOPERM this user has no permissions to run the 'set' command", write.getMessage());
    }
    try (Jedis admin = as(null, "secret", null)) {
      List<String> log = new ArrayList<>();
      admin.aclLog().forEach(entry -> log.add(entry.getReason() + ":" + entry.getObject() + ":" + entry.getUsername()));
      assertTrue(log.contains("key:other:1:alice"), log.toString());
      assertTrue(log.contains("channel:sports:alice"), log.toString());
      assertTrue(log.contains("command:flushall:alice"), log.toString());
    }
  }

  /** Consecutive commands for one shard travel as a batch: each must still be checked. */
  @Test
  void pipelinedCommandsAreCheckedOneByOne() throws Exception {
    assertEquals("+OK\r\n+OK\r\n-NOPERM this user has no permissions to access one of the keys used as arguments\r\n"
        + "$1\r\n1\r\n-NOPERM this user has no permissions to access one of the keys used as arguments\r\n$1\r\n1\r\n+OK\r\n",
        exchange("AUTH alice pw\r\nSET app:a 1\r\nSET no:a 1\r\nGET app:a\r\nGET no:a\r\nGET app:a\r\nQUIT\r\n"));
    // Before AUTH in the same pipeline: refused; after it: run. QUIT passes unauthenticated.
    assertEquals("-NOAUTH Authentication required.\r\n+OK\r\n$1\r\n1\r\n+OK\r\n",
        exchange("GET app:a\r\nAUTH secret\r\nGET app:a\r\nQUIT\r\n"));
  }

  /** Sends a pipeline ending with QUIT and returns every reply until the server closes. */
  private static String exchange(String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      byte[] buffer = new byte[4096];
      int read = 0;
      while (read < buffer.length) {
        int n = socket.getInputStream().read(buffer, read, buffer.length - read);
        if (n < 0) {
          break;
        }
        read += n;
      }
      return new String(buffer, 0, read, StandardCharsets.UTF_8);
    }
  }

  @Test
  void setuserAndDeluserDisconnect() throws Exception {
    try (Jedis admin = as(null, "secret", null)) {
      assertEquals("OK", admin.aclSetUser("temp", "on", ">t", "~*", "+@all"));
      Jedis temp = as("temp", "t", null);
      assertEquals("PONG", temp.ping());
      assertEquals(1L, admin.aclDelUser("temp"));
      assertThrows(RuntimeException.class, () -> {
        for (int i = 0; i < 50; i++) {
          temp.ping();
          Thread.sleep(20);
        }
      });
      temp.close();
    }
  }

  @Test
  void clientKillUserClosesThatUsersConnections() throws Exception {
    try (Jedis admin = as(null, "secret", null)) {
      assertEquals("OK", admin.aclSetUser("killme", "on", ">k", "~*", "+@all"));
      Jedis first = as("killme", "k", null);
      Jedis second = as("killme", "k", null);
      assertEquals("PONG", first.ping());
      assertEquals("PONG", second.ping());
      assertTrue(admin.clientList().contains(" user=killme "));
      assertEquals("ERR No such user 'nobody'", assertThrows(redis.clients.jedis.exceptions.JedisDataException.class,
          () -> admin.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "USER", "nobody")).getMessage());
      assertEquals(2L, admin.sendCommand(redis.clients.jedis.Protocol.Command.CLIENT, "KILL", "USER", "killme"));
      assertThrows(RuntimeException.class, first::ping);
      assertThrows(RuntimeException.class, second::ping);
      assertEquals("PONG", admin.ping());
      first.close();
      second.close();
      admin.aclDelUser("killme");
    }
  }

  /** Lettuce logs in with HELLO 3 AUTH user pass (RESP3) or AUTH (RESP2). */
  @Test
  void lettuceWithUserAndPassword() {
    for (io.lettuce.core.protocol.ProtocolVersion version : io.lettuce.core.protocol.ProtocolVersion.values()) {
      io.lettuce.core.RedisURI uri = io.lettuce.core.RedisURI.builder().withHost("127.0.0.1").withPort(node.port())
          .withAuthentication("alice", "pw").withClientName("lettuce-" + version.name()).build();
      io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(uri);
      client.setOptions(io.lettuce.core.ClientOptions.builder().protocolVersion(version).build());
      try (var connection = client.connect()) {
        var commands = connection.sync();
        assertEquals("OK", commands.set("app:lettuce", "v"));
        assertEquals("v", commands.get("app:lettuce"));
        io.lettuce.core.RedisCommandExecutionException denied = assertThrows(
            io.lettuce.core.RedisCommandExecutionException.class, () -> commands.get("lettuce"));
        assertEquals("NOPERM this user has no permissions to access one of the keys used as arguments",
            denied.getMessage());
        assertTrue(commands.clientInfo().contains(" user=alice "));
        // RESP3: the name came with HELLO 3 AUTH ... SETNAME.
        assertEquals("lettuce-" + version.name(), commands.clientGetname());
      } finally {
        client.shutdown();
      }
      io.lettuce.core.RedisURI bad = io.lettuce.core.RedisURI.builder().withHost("127.0.0.1").withPort(node.port())
          .withAuthentication("alice", "nope").build();
      io.lettuce.core.RedisClient badClient = io.lettuce.core.RedisClient.create(bad);
      badClient.setOptions(io.lettuce.core.ClientOptions.builder().protocolVersion(version).build());
      try {
        RuntimeException failure = assertThrows(RuntimeException.class, () -> badClient.connect().close());
        Throwable cause = failure;
        while (cause.getCause() != null) {
          cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("WRONGPASS"), cause.getMessage());
      } finally {
        badClient.shutdown();
      }
    }
  }

  @Test
  void configSetRequirepass() {
    try (Jedis admin = as(null, "secret", null)) {
      assertEquals("OK", admin.configSet("requirepass", "changed"));
      try (Jedis other = new Jedis("127.0.0.1", node.port())) {
        assertThrows(JedisDataException.class, () -> other.auth("secret"));
        assertEquals("OK", other.auth("changed"));
        assertEquals("PONG", other.ping());
      }
      // Connections already logged in stay so.
      assertEquals("PONG", admin.ping());
      assertEquals("OK", admin.configSet("requirepass", "secret"));
    }
  }

  /** ACL SAVE and LOAD with an aclfile, on a node of its own (aclfile and user lines exclude each other). */
  @Test
  void aclFileSaveAndLoad() throws Exception {
    Path aclDir = Files.createTempDirectory("redgrid-aclfile");
    Path file = aclDir.resolve("users.acl");
    Files.writeString(file, "user default on nopass ~* &* +@all\nuser ops on >ops ~* &* +@all -@dangerous\n");
    Node own = Node.start(ServerConfig.fromArgs(new String[] {"--port", "0", "--dir", aclDir.toString(),
        "--aclfile", "users.acl"}));
    try (Jedis jedis = new Jedis("127.0.0.1", own.port())) {
      assertEquals(List.of("default", "ops"), jedis.aclUsers());
      assertEquals("OK", jedis.aclSetUser("dev", "on", ">dev", "~dev:*", "+@read"));
      assertEquals("OK", jedis.aclSave());
      String saved = Files.readString(file);
      assertTrue(saved.contains("user dev on #"), saved);
      assertTrue(saved.contains(" ~dev:* resetchannels -@all +@read"), saved);
      Files.writeString(file, "user default on nopass ~* &* +@all\nuser only on nopass +get ~*\n");
      assertEquals("OK", jedis.aclLoad());
      assertEquals(List.of("default", "only"), jedis.aclUsers());
      Files.writeString(file, "user broken on +nosuch\n");
      JedisDataException error = assertThrows(JedisDataException.class, jedis::aclLoad);
      assertTrue(error.getMessage().contains("Error in applying operation '+nosuch'"), error.getMessage());
      assertEquals(List.of("default", "only"), jedis.aclUsers());
    } finally {
      own.close();
    }
  }

  @Test
  void redisCliWithUserAndPassword() throws Exception {
    assumeTrue(redisCli() != null, "redis-cli is not installed");
    assertEquals("OK", cli("--user", "alice", "--pass", "pw", "set", "app:cli", "x"));
    assertEquals("x", cli("--user", "alice", "--pass", "pw", "get", "app:cli"));
    assertEquals("NOPERM this user has no permissions to access one of the keys used as arguments",
        cli("--user", "alice", "--pass", "pw", "get", "cli"));
    assertEquals("alice", cli("-3", "--user", "alice", "--pass", "pw", "acl", "whoami"));
    assertEquals("NOAUTH Authentication required.", cli("get", "app:cli"));
    String list = cli("-a", "secret", "acl", "list");
    assertTrue(list.contains("user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4"
        + " ~app:* resetchannels &news.* +@all -flushall"), list);
    assertTrue(list.contains("user default on #2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b ~* &* +@all"), list);
    assertTrue(cli("-a", "bad", "ping").contains("WRONGPASS invalid username-password pair or user is disabled."));
  }

  private static String cli(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(redisCli(), "-p", Integer.toString(node.port()), "--no-auth-warning"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "redis-cli did not finish");
    return output.strip();
  }

  private static String redisCli() {
    for (String path : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File candidate = new File(path, "redis-cli");
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    return null;
  }
}
