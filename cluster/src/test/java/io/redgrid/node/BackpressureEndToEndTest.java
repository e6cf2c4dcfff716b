package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** A client that sends without reading stops being read: the server's output does not pile up. */
class BackpressureEndToEndTest {
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
  void aClientThatDoesNotReadIsNotServedWithoutLimit() throws Exception {
    try (Jedis jedis = new Jedis("127.0.0.1", fixture.port())) {
      jedis.set("big", "x".repeat(100_000));
      long outputBefore = stat(jedis, "total_net_output_bytes");
      Socket greedy = new Socket("127.0.0.1", fixture.port());
      greedy.setReceiveBufferSize(64 * 1024);
      byte[] request = "GET big\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = greedy.getOutputStream();
          for (int i = 0; i < 200; i++) { // 200,000 GETs: 20 GB of replies if all were produced
            out.write(request);
          }
        } catch (Exception closedUnderUs) {
          // the test closes the socket while this write is blocked by backpressure
        }
      });
      writer.setDaemon(true);
      writer.start();
      Thread.sleep(2000);
      long produced = stat(jedis, "total_net_output_bytes") - outputBefore;
      assertTrue(produced < 512L * 1024 * 1024, "the server produced " + produced + " bytes for a client that reads nothing");
      assertEquals("PONG", jedis.ping(), "other clients are still served");
      greedy.close();
      writer.join(5000);
    }
  }

  private static long stat(Jedis jedis, String field) {
    Matcher m = Pattern.compile(field + ":(\\d+)").matcher(jedis.info("stats"));
    assertTrue(m.find(), field);
    return Long.parseLong(m.group(1));
  }
}
