package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redgrid.command.CommandHarness;
import io.redgrid.protocol.Reply;
import io.redgrid.protocol.RespWriter;
import io.redgrid.server.ClientSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** CLIENT TRACKING and friends against Redis 7.0's replies, errors and invalidations. */
class ClientTrackingTest {
  private CommandHarness h;
  private final List<Reply> pushes = new ArrayList<>();

  @BeforeEach
  void setUp() {
    h = new CommandHarness();
    h.session.protocol(3);
    h.session.onPush(pushes::add);
  }

  private String pushed() {
    String text = pushes.stream()
        .map(p -> new String(RespWriter.encode(p, 3), StandardCharsets.UTF_8))
        .collect(Collectors.joining());
    pushes.clear();
    return text;
  }

  @Test
  void errorsAreRedisTexts() {
    assertEquals("(error) ERR PREFIX option requires BCAST mode to be enabled",
        h.cli("CLIENT", "TRACKING", "ON", "PREFIX", "a"));
    assertEquals("(error) ERR You can't specify both OPTIN mode and OPTOUT mode",
        h.cli("CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"));
    assertEquals("(error) ERR OPTIN and OPTOUT are not compatible with BCAST",
        h.cli("CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"));
    assertEquals("(error) ERR The client ID you want redirect to does not exist",
        h.cli("CLIENT", "TRACKING", "ON", "REDIRECT", "999"));
    assertEquals("(error) ERR value is not an integer or out of range",
        h.cli("CLIENT", "TRACKING", "ON", "REDIRECT", "x"));
    assertEquals("(error) ERR Prefix 'a' overlaps with another provided prefix 'ab'. "
        + "Prefixes for a single client must not overlap.",
        h.cli("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "ab"));
    assertEquals("(error) ERR syntax error", h.cli("CLIENT", "TRACKING", "MAYBE"));
    assertEquals("(error) ERR syntax error", h.cli("CLIENT", "TRACKING", "ON", "PREFIX"));
    assertEquals("(error) ERR CLIENT CACHING can be called only when the client is in tracking "
        + "mode with OPTIN or OPTOUT mode enabled", h.cli("CLIENT", "CACHING", "YES"));
    assertEquals("OK", h.cli("CLIENT", "TRACKING", "ON"));
    assertEquals("(error) ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
        h.cli("CLIENT", "CACHING", "YES"));
    assertEquals("(error) ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
        h.cli("CLIENT", "CACHING", "NO"));
    assertEquals("(error) ERR You can't switch BCAST mode on/off before disabling tracking for this "
        + "client, and then re-enabling it with a different mode.",
        h.cli("CLIENT", "TRACKING", "ON", "BCAST"));
    assertEquals("OK", h.cli("CLIENT", "TRACKING", "ON", "OPTIN"));
    assertEquals("(error) ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this "
        + "client, and then re-enabling it with a different mode.",
        h.cli("CLIENT", "TRACKING", "ON", "OPTOUT"));
    assertEquals("(error) ERR syntax error", h.cli("CLIENT", "CACHING", "MAYBE"));
    assertEquals("(error) ERR wrong number of arguments for 'client|tracking' command",
        h.cli("CLIENT", "TRACKING"));
  }

  @Test
  void getredirAndTrackingInfo() {
    assertEquals("(integer) -1", h.cli("CLIENT", "GETREDIR"));
    assertEquals("%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n",
        h.wire("CLIENT", "TRACKINGINFO"));
    ClientSession other = new ClientSession(7, "a", "b", 0);
    h.clients.add(other);
    assertEquals("OK", h.cli("CLIENT", "TRACKING", "ON", "REDIRECT", "7", "BCAST", "PREFIX", "u:", "NOLOOP"));
    assertEquals("(integer) 7", h.cli("CLIENT", "GETREDIR"));
    String info = h.cli("CLIENT", "INFO");
    org.junit.jupiter.api.Assertions.assertTrue(info.contains(" flags=tB "), info);
    org.junit.jupiter.api.Assertions.assertTrue(info.contains(" redir=7 "), info);
    assertEquals("%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\nbcast\r\n$6\r\nnoloop\r\n"
        + "$8\r\nredirect\r\n:7\r\n$8\r\nprefixes\r\n*1\r\n$2\r\nu:\r\n", h.wire("CLIENT", "TRACKINGINFO"));
    assertEquals("(error) ERR Prefix 'u:x' overlaps with an existing prefix 'u:'. "
        + "Prefixes for a single client must not overlap.",
        h.cli("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "u:x"));
    assertEquals("OK", h.cli("CLIENT", "TRACKING", "OFF"));
    assertEquals("(integer) -1", h.cli("CLIENT", "GETREDIR"));
    assertEquals("OK", h.cli("CLIENT", "TRACKING", "ON", "OPTIN"));
    assertEquals("OK", h.cli("CLIENT", "CACHING", "YES"));
    assertEquals("%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n"
        + "$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n", h.wire("CLIENT", "TRACKINGINFO"));
  }

  @Test
  void readKeysAreInvalidatedByWritesExpiryAndFlush() {
    assertEquals("OK", h.cli("CLIENT", "TRACKING", "ON"));
    h.cli("SET", "a", "1", "PX", "100");
    assertEquals("", pushed(), "a write does not track the key");
    h.cli("MGET", "a", "b", "c");
    h.cli("MSET", "b", "2", "c", "3");
    assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nb\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nc\r\n", pushed());
    h.clock.advance(200);
    assertEquals("(nil)", h.cli("GET", "a"));
    assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n", pushed(), "lazy expiry");
    h.cli("GET", "b");
    assertEquals("OK", h.cli("FLUSHDB"));
    assertEquals(">2\r\n$10\r\ninvalidate\r\n_\r\n", pushed());
    h.cli("SET", "b", "x");
    assertEquals("", pushed(), "the table was cleared by the flush");
    assertEquals("RESET", h.cli("RESET"));
    assertEquals("(integer) -1", h.cli("CLIENT", "GETREDIR"));
    assertEquals(h.dump(), h.replayed().dump());
  }

  @Test
  void aRedirectToAGoneClientIsReportedOnce() {
    ClientSession other = new ClientSession(7, "a", "b", 0);
    h.clients.add(other);
    assertEquals("OK", h.cli("CLIENT", "TRACKING", "ON", "REDIRECT", "7"));
    h.cli("GET", "k");
    h.clients.remove(other);
    h.tracking.invalidate("k".getBytes(StandardCharsets.UTF_8), 0);
    assertEquals(">2\r\n$21\r\ntracking-redir-broken\r\n:7\r\n", pushed());
    String info = h.cli("CLIENT", "INFO");
    org.junit.jupiter.api.Assertions.assertTrue(info.contains(" flags=tR "), info);
  }

  @Test
  void optoutSkipsTheCommandAfterCachingNo() {
    assertEquals("OK", h.cli("CLIENT", "TRACKING", "ON", "OPTOUT"));
    assertEquals("OK", h.cli("CLIENT", "CACHING", "NO"));
    h.cli("GET", "x");
    h.cli("GET", "y");
    h.cli("SET", "x", "1");
    h.cli("SET", "y", "1");
    assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\ny\r\n", pushed());
  }
}
