package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Client-side caching over the wire; the expected bytes are what Redis 7.0 sends (captured from
 * a real redis-server with a raw socket).
 */
class TrackingEndToEndTest {
  private static final String INVALIDATE_K = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n";
  private static NodeFixture fixture;

  @BeforeAll
  static void start() {
    fixture = new NodeFixture();
  }

  @AfterAll
  static void stop() {
    fixture.close();
  }

  private static Jedis jedis() {
    return new Jedis("127.0.0.1", fixture.port());
  }

  /** A raw connection reading exact byte counts. */
  private static final class Raw implements AutoCloseable {
    final Socket socket;
    final InputStream in;

    Raw() throws IOException {
      socket = new Socket("127.0.0.1", fixture.port());
      socket.setSoTimeout(5000);
      in = socket.getInputStream();
    }

    void send(String command) throws IOException {
      socket.getOutputStream().write(command.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
    }

    String read(int bytes) throws IOException {
      byte[] buffer = in.readNBytes(bytes);
      return new String(buffer, StandardCharsets.UTF_8);
    }

    String call(String command, String expected) throws IOException {
      send(command);
      return read(expected.length());
    }

    /** Nothing more arrives within a short wait. */
    boolean quiet() throws IOException {
      socket.setSoTimeout(300);
      try {
        return in.read() < 0;
      } catch (java.net.SocketTimeoutException e) {
        return true;
      } finally {
        socket.setSoTimeout(5000);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static void hello3(Raw raw) throws IOException {
    raw.send("HELLO 3\r\n");
    // The HELLO map: read until its last field (modules, an empty array).
    StringBuilder seen = new StringBuilder();
    while (!seen.toString().endsWith("$7\r\nmodules\r\n*0\r\n")) {
      seen.append((char) raw.in.read());
    }
  }

  @Test
  void resp3ClientIsInvalidatedOnceAfterAnotherClientsWrite() throws Exception {
    try (Raw raw = new Raw(); Jedis other = jedis()) {
      other.del("k");
      hello3(raw);
      assertEquals("+OK\r\n_\r\n", raw.call("CLIENT TRACKING ON\r\nGET k\r\n", "+OK\r\n_\r\n"));
      other.set("k", "v");
      assertEquals(INVALIDATE_K, raw.read(INVALIDATE_K.length()));
      other.set("k", "w");
      assertEquals(true, raw.quiet(), "a key is forgotten after one invalidation");
      String info = "%3\r\n$5\r\nflags\r\n~1\r\n$2\r\non\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n";
      assertEquals(info, raw.call("CLIENT TRACKINGINFO\r\n", info));
      assertEquals("$1\r\nw\r\n", raw.call("GET k\r\n", "$1\r\nw\r\n"));
      other.flushAll();
      String flushed = ">2\r\n$10\r\ninvalidate\r\n_\r\n";
      assertEquals(flushed, raw.read(flushed.length()));
      assertEquals("+OK\r\n:-1\r\n", raw.call("CLIENT TRACKING OFF\r\nCLIENT GETREDIR\r\n", "+OK\r\n:-1\r\n"));
    }
  }

  @Test
  void ownWritesAreInvalidatedAfterTheReplyAndActiveExpiryInvalidates() throws Exception {
    try (Raw raw = new Raw()) {
      hello3(raw);
      String expected = "+OK\r\n_\r\n+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\ns\r\n";
      assertEquals(expected, raw.call("CLIENT TRACKING ON\r\nGET s\r\nSET s 1\r\n", expected));
      try (Jedis other = jedis()) {
        other.psetex("s", 100, "1");
      }
      String read = "$1\r\n1\r\n";
      assertEquals(read, raw.call("GET s\r\n", read));
      String expired = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\ns\r\n";
      // Nobody reads s again: only the active sweep can send this.
      assertEquals(expired, raw.read(expired.length()));
    }
  }

  @Test
  void trackingTableMaxKeysForgetsKeysAndTellsTheirReaders() throws Exception {
    try (Raw raw = new Raw(); Jedis admin = jedis()) {
      admin.flushAll();
      hello3(raw);
      assertEquals("OK", admin.configSet("tracking-table-max-keys", "2"));
      try {
        assertEquals("+OK\r\n_\r\n_\r\n", raw.call("CLIENT TRACKING ON\r\nGET a\r\nGET b\r\n",
            "+OK\r\n_\r\n_\r\n"));
        String stats = admin.info("stats");
        assertTrue(stats.contains("tracking_total_keys:2\r\n"), stats);
        assertTrue(stats.contains("tracking_total_items:2\r\n"), stats);
        // A third key goes over the limit: one of the first two is forgotten and invalidated (the
        // push comes with GET c's reply; Redis sends it before the next command's).
        raw.send("GET c\r\n");
        String both = raw.read("_\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n".length());
        String push = ">2\r\n\\$10\r\ninvalidate\r\n\\*1\r\n\\$1\r\n[ab]\r\n";
        assertTrue(both.matches("_\r\n" + push) || both.matches(push + "_\r\n"), both);
        assertTrue(admin.info("stats").contains("tracking_total_keys:2\r\n"));
      } finally {
        admin.configSet("tracking-table-max-keys", "1000000");
      }
      assertEquals("+OK\r\n", raw.call("CLIENT TRACKING OFF\r\n", "+OK\r\n"));
    }
  }

  @Test
  void resp2ClientRedirectsToASubscriberOfRedisInvalidate() throws Exception {
    try (Raw subscriber = new Raw(); Raw tracked = new Raw(); Jedis other = jedis()) {
      String id = subscriber.call("CLIENT ID\r\n", ":1\r\n");
      while (!id.endsWith("\r\n")) {
        id += (char) subscriber.in.read();
      }
      long subscriberId = Long.parseLong(id.substring(1, id.length() - 2));
      String subscribed = "*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n";
      assertEquals(subscribed, subscriber.call("SUBSCRIBE __redis__:invalidate\r\n", subscribed));
      assertEquals("+OK\r\n$-1\r\n",
          tracked.call("CLIENT TRACKING ON REDIRECT " + subscriberId + "\r\nGET k2\r\n", "+OK\r\n$-1\r\n"));
      assertEquals(":" + subscriberId + "\r\n", tracked.call("CLIENT GETREDIR\r\n", ":" + subscriberId + "\r\n"));
      other.set("k2", "v");
      String message = "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$2\r\nk2\r\n";
      assertEquals(message, subscriber.read(message.length()));
      assertEquals("-ERR The client ID you want redirect to does not exist\r\n",
          tracked.call("CLIENT TRACKING ON REDIRECT 999999\r\n",
              "-ERR The client ID you want redirect to does not exist\r\n"));
    }
  }

  @Test
  void bcastWithPrefixAndNoloop() throws Exception {
    try (Raw raw = new Raw(); Jedis other = jedis()) {
      hello3(raw);
      assertEquals("+OK\r\n", raw.call("CLIENT TRACKING ON BCAST PREFIX user: NOLOOP\r\n", "+OK\r\n"));
      other.set("item:1", "x");
      other.set("user:1", "x");
      String push = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nuser:1\r\n";
      assertEquals(push, raw.read(push.length()));
      assertEquals("+OK\r\n", raw.call("SET user:2 y\r\n", "+OK\r\n"));
      assertEquals(true, raw.quiet(), "NOLOOP: no invalidation for the client's own write");
      assertEquals("-ERR PREFIX option requires BCAST mode to be enabled\r\n",
          raw.call("CLIENT TRACKING ON PREFIX a\r\n", "-ERR PREFIX option requires BCAST mode to be enabled\r\n"));
    }
  }

  @Test
  void bcastSendsTheKeysOfOneWriteAsOneMessagePerPrefix() throws Exception {
    try (Raw raw = new Raw(); Jedis other = jedis()) {
      hello3(raw);
      assertEquals("+OK\r\n", raw.call("CLIENT TRACKING ON BCAST PREFIX h: PREFIX g:\r\n", "+OK\r\n"));
      // One shard (hash tag), one command: one round, as one event-loop iteration in Redis;
      // prefixes in byte order, as Redis walks its prefix table.
      other.mset("g:{t}1", "a", "h:{t}1", "b", "g:{t}2", "c");
      String first = ">2\r\n$10\r\ninvalidate\r\n*2\r\n$6\r\ng:{t}1\r\n$6\r\ng:{t}2\r\n";
      String second = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nh:{t}1\r\n";
      assertEquals(first + second, raw.read(first.length() + second.length()));
      assertEquals(true, raw.quiet());
    }
  }

  @Test
  void optinTracksOnlyAfterCachingYes() throws Exception {
    try (Raw raw = new Raw(); Jedis other = jedis()) {
      hello3(raw);
      assertEquals("+OK\r\n_\r\n", raw.call("CLIENT TRACKING ON OPTIN\r\nGET o1\r\n", "+OK\r\n_\r\n"));
      assertEquals("+OK\r\n_\r\n", raw.call("CLIENT CACHING YES\r\nGET o2\r\n", "+OK\r\n_\r\n"));
      other.set("o1", "x");
      other.set("o2", "x");
      String push = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\no2\r\n";
      assertEquals(push, raw.read(push.length()));
      assertEquals(true, raw.quiet());
    }
  }

  @Test
  void lettuceClientSideCachingDropsAValueAnotherClientChanged() throws Exception {
    RedisClient client = RedisClient.create("redis://127.0.0.1:" + fixture.port());
    try (StatefulRedisConnection<String, String> connection = client.connect(); Jedis other = jedis()) {
      other.set("cached", "one");
      Map<String, String> cache = new ConcurrentHashMap<>();
      CacheFrontend<String, String> frontend = ClientSideCaching.enable(
          CacheAccessor.forMap(cache), connection, TrackingArgs.Builder.enabled());
      assertEquals("one", frontend.get("cached"));
      assertEquals("one", cache.get("cached"));
      other.set("cached", "two");
      long deadline = System.currentTimeMillis() + 5000;
      while (cache.containsKey("cached") && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      assertNull(cache.get("cached"));
      assertEquals("two", frontend.get("cached"));
      frontend.close();
    } finally {
      client.shutdown();
    }
  }
}
