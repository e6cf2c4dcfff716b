package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.config.ServerConfig;
import io.redgrid.protocol.Reply;
import io.redgrid.protocol.RespWriter;
import io.redgrid.server.ClientPause;
import io.redgrid.server.ClientSession;
import io.redgrid.server.Monitors;
import io.redgrid.server.ServerContext;
import io.redgrid.server.ServerStats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CLIENT PAUSE/REPLY/NO-EVICT/NO-TOUCH/KILL MAXAGE, MONITOR, ROLE, LOLWUT, DEBUG OBJECT/SET-ACTIVE-EXPIRE. */
class AdminCommandsTest {
  private final CommandHarness h = new CommandHarness();
  private long now = 1_700_000_000_000L;
  private final ClientPause pause = new ClientPause(Runnable::run, () -> now, h.stats);
  private final Monitors monitors = new Monitors();

  /** The harness' server with a pause and monitors. */
  private final ServerContext server = new ServerContext() {
    @Override
    public ServerConfig config() {
      return h.config;
    }

    @Override
    public Collection<ClientSession> clients() {
      return h.clients;
    }

    @Override
    public ServerStats stats() {
      return h.stats;
    }

    @Override
    public long startedAt() {
      return 0;
    }

    @Override
    public int port() {
      return 6379;
    }

    @Override
    public void shutdown(boolean save) {}

    @Override
    public io.redgrid.tracking.Tracking tracking() {
      return h.tracking;
    }

    @Override
    public ClientPause clientPause() {
      return pause;
    }

    @Override
    public Monitors monitors() {
      return monitors;
    }
  };

  private Reply run(String... args) {
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    return h.table.execute(argv, h.context().server(server).noTouch(h.session.noTouch()));
  }

  private String cli(String... args) {
    Reply reply = run(args);
    return reply == null ? "<no reply>" : CommandHarness.render(reply, "");
  }

  private ClientSession other(long id, String address, long createdAt) {
    ClientSession client = new ClientSession(id, address, "127.0.0.1:6379", createdAt);
    h.clients.add(client);
    return client;
  }

  // ---- directives ------------------------------------------------------------------------

  @Test
  void connectionDirectivesHaveRedisDefaultsAndErrors() {
    assertEquals("1) \"protected-mode\"\n2) \"yes\"", cli("CONFIG", "GET", "protected-mode"));
    assertEquals("1) \"maxclients\"\n2) \"10000\"", cli("CONFIG", "GET", "maxclients"));
    assertEquals("1) \"timeout\"\n2) \"0\"", cli("CONFIG", "GET", "timeout"));
    assertEquals("1) \"tcp-keepalive\"\n2) \"300\"", cli("CONFIG", "GET", "tcp-keepalive"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'protected-mode') - argument must be 'yes' or 'no'",
        cli("CONFIG", "SET", "protected-mode", "maybe"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive",
        cli("CONFIG", "SET", "maxclients", "0"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be parsed into an integer",
        cli("CONFIG", "SET", "maxclients", "abc"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive",
        cli("CONFIG", "SET", "timeout", "-1"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'tcp-keepalive') - argument must be between 0 and 2147483647 inclusive",
        cli("CONFIG", "SET", "tcp-keepalive", "-1"));
    assertEquals("OK", cli("CONFIG", "SET", "protected-mode", "no", "maxclients", "5", "timeout", "30"));
    assertEquals("5", h.config.get("maxclients"));
  }

  // ---- CLIENT PAUSE / UNPAUSE -------------------------------------------------------------

  @Test
  void clientPauseErrorsAsRedis() {
    assertEquals("(error) ERR wrong number of arguments for 'client|pause' command", cli("CLIENT", "PAUSE"));
    assertEquals("(error) ERR timeout is not an integer or out of range", cli("CLIENT", "PAUSE", "abc"));
    assertEquals("(error) ERR timeout is negative", cli("CLIENT", "PAUSE", "-1"));
    assertEquals("(error) ERR CLIENT PAUSE mode must be WRITE or ALL", cli("CLIENT", "PAUSE", "10", "foo"));
    assertEquals("(error) ERR CLIENT PAUSE mode must be WRITE or ALL", cli("CLIENT", "PAUSE", "abc", "foo"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.",
        cli("CLIENT", "PAUSE", "10", "ALL", "x"));
    assertEquals("(error) ERR timeout is out of range", cli("CLIENT", "PAUSE", Long.toString(Long.MAX_VALUE - 5)));
    assertEquals("(error) ERR wrong number of arguments for 'client|unpause' command", cli("CLIENT", "UNPAUSE", "x"));
    assertEquals(ClientPause.Mode.NONE, pause.mode());
  }

  @Test
  void writePauseHoldsWritesAndMayReplicateCommandsOnly() {
    assertEquals("OK", cli("CLIENT", "PAUSE", "1000", "write"));
    assertTrue(pause.holds(h.table.resolve(argv("SET", "k", "v"))));
    assertTrue(pause.holds(h.table.resolve(argv("PUBLISH", "c", "m"))));
    assertFalse(pause.holds(h.table.resolve(argv("GET", "k"))));
    assertFalse(pause.holds(h.table.resolve(argv("PING"))));
    assertFalse(pause.holds(h.table.resolve(argv("CLIENT", "UNPAUSE"))));
    assertTrue(h.stats.expiryPaused, "expiry waits for the pause");
    assertFalse(pause.released().toCompletableFuture().isDone());
    assertEquals("OK", cli("CLIENT", "UNPAUSE"));
    assertTrue(pause.released().toCompletableFuture().isDone());
    assertFalse(pause.holds(h.table.resolve(argv("SET", "k", "v"))));
    assertFalse(h.stats.expiryPaused);
  }

  @Test
  void pauseOnlyGrowsAndEndsWithItsTimeout() {
    cli("CLIENT", "PAUSE", "1000", "ALL");
    var released = pause.released().toCompletableFuture();
    cli("CLIENT", "PAUSE", "10", "WRITE"); // neither shorter nor weaker
    assertEquals(ClientPause.Mode.ALL, pause.mode());
    assertTrue(pause.holds(h.table.resolve(argv("GET", "k"))));
    assertTrue(pause.holds(h.table.resolve(argv("CLIENT", "UNPAUSE"))), "Redis 7.0 holds UNPAUSE too under ALL");
    now += 1000;
    assertEquals(ClientPause.Mode.ALL, pause.mode(), "paused while now <= end");
    now += 1;
    assertEquals(ClientPause.Mode.NONE, pause.mode());
    assertTrue(released.isDone());
    cli("CLIENT", "PAUSE", "100", "WRITE");
    cli("CLIENT", "PAUSE", "50", "ALL");
    assertEquals(ClientPause.Mode.ALL, pause.mode(), "the stronger mode wins");
    now += 101;
    assertEquals(ClientPause.Mode.NONE, pause.mode(), "the later end wins");
    assertEquals("OK", cli("CLIENT", "PAUSE", "0"));
    assertEquals(ClientPause.Mode.NONE, pause.mode(), "a zero timeout ends at once");
  }

  @Test
  void keysDoNotExpireLazilyWhilePaused() {
    h.cli("SET", "k", "v", "PX", "100");
    h.clock.advance(200);
    h.stats.expiryPaused = true;
    h.clearEffects();
    assertEquals("(nil)", h.cli("GET", "k"));
    assertEquals(List.of(), h.effects(), "not deleted during the pause");
    assertEquals(1, h.dump().size());
    h.stats.expiryPaused = false;
    assertEquals("(nil)", h.cli("GET", "k"));
    assertEquals(List.of("DEL k"), h.effects());
    assertEquals(List.of(), h.dump());
  }

  // ---- CLIENT NO-EVICT / NO-TOUCH / REPLY ---------------------------------------------------

  @Test
  void noEvictAndNoTouchSetFlags() {
    assertEquals("(error) ERR syntax error", cli("CLIENT", "NO-EVICT", "maybe"));
    assertEquals("(error) ERR wrong number of arguments for 'client|no-evict' command", cli("CLIENT", "NO-EVICT"));
    assertEquals("(error) ERR syntax error", cli("CLIENT", "NO-TOUCH", "maybe"));
    assertEquals("OK", cli("CLIENT", "NO-EVICT", "on"));
    assertEquals("OK", cli("CLIENT", "NO-TOUCH", "ON"));
    assertTrue(cli("CLIENT", "INFO").contains(" flags=eT "), cli("CLIENT", "INFO"));
    assertEquals("OK", cli("CLIENT", "NO-EVICT", "off"));
    assertEquals("OK", cli("CLIENT", "NO-TOUCH", "off"));
    assertTrue(cli("CLIENT", "INFO").contains(" flags=N "));
    cli("CLIENT", "NO-EVICT", "on");
    cli("CLIENT", "NO-TOUCH", "on");
    h.session.reset();
    assertTrue(cli("CLIENT", "INFO").contains(" flags=e "), "RESET ends NO-TOUCH, not NO-EVICT (7.0)");
  }

  @Test
  void noTouchReadsLeaveTheAccessTimeButTouchStillTouches() {
    h.cli("SET", "k", "v");
    h.clock.advance(5_000);
    cli("CLIENT", "NO-TOUCH", "on");
    assertEquals("\"v\"", cli("GET", "k"));
    assertEquals("(integer) 5", cli("OBJECT", "IDLETIME", "k"));
    assertEquals("(integer) 1", cli("TOUCH", "k"));
    assertEquals("(integer) 0", cli("OBJECT", "IDLETIME", "k"));
    h.clock.advance(3_000);
    cli("CLIENT", "NO-TOUCH", "off");
    cli("GET", "k");
    assertEquals("(integer) 0", cli("OBJECT", "IDLETIME", "k"));
  }

  @Test
  void clientReplyOffAndSkipSuppressReplies() {
    assertEquals("(error) ERR syntax error", cli("CLIENT", "REPLY", "maybe"));
    assertEquals("(error) ERR wrong number of arguments for 'client|reply' command", cli("CLIENT", "REPLY"));
    ClientSession s = h.session;
    assertTrue(s.takeReply(), "the error's reply was wanted");
    // SKIP: no reply of its own, the next command's is dropped, then replies resume.
    assertNull(run("CLIENT", "REPLY", "SKIP"));
    assertTrue(s.takeReply()); // SKIP's own (null) reply slot
    assertFalse(s.takeReply()); // the skipped command
    assertTrue(s.takeReply());
    // OFF until ON; SKIP under OFF changes nothing.
    assertNull(run("CLIENT", "REPLY", "OFF"));
    assertFalse(s.takeReply());
    run("CLIENT", "REPLY", "SKIP");
    assertFalse(s.takeReply());
    assertFalse(s.takeReply());
    assertEquals("OK", cli("CLIENT", "REPLY", "ON"));
    assertTrue(s.takeReply(), "ON's own OK is sent");
    assertTrue(s.takeReply());
  }

  // ---- CLIENT LIST flags / KILL MAXAGE ------------------------------------------------------

  @Test
  void clientListShowsMonitorBlockedAndModeFlags() {
    ClientSession watcher = other(7, "10.0.0.7:1000", 0);
    watcher.monitor(true);
    ClientSession held = other(8, "10.0.0.8:1000", 0);
    held.postponed(true);
    String list = cli("CLIENT", "LIST");
    assertTrue(list.contains("id=7 addr=10.0.0.7:1000 laddr=127.0.0.1:6379 fd=14 name= age="), list);
    assertTrue(list.contains("id=7 ") && list.split("id=7 ")[1].contains(" flags=O "), list);
    assertTrue(list.split("id=8 ")[1].contains(" flags=b "), list);
    assertEquals("\"\"", cli("CLIENT", "LIST", "TYPE", "replica"), "monitors are normal clients for TYPE");
  }

  @Test
  void clientKillMaxAgeKillsOldEnoughClients() {
    h.clock.set(100_000);
    ClientSession old = other(7, "10.0.0.7:1000", 10_000); // 90 s
    ClientSession young = other(8, "10.0.0.8:1000", 95_000); // 5 s
    h.session.commandStarted("client|kill", 100_000);
    assertEquals("(integer) 1", cli("CLIENT", "KILL", "MAXAGE", "60"));
    assertTrue(old.closeRequested());
    assertFalse(young.closeRequested());
    assertEquals("(integer) 1", cli("CLIENT", "KILL", "MAXAGE", "5", "ID", "8"));
    assertTrue(young.closeRequested());
    assertEquals("(error) ERR maxage is not an integer or out of range", cli("CLIENT", "KILL", "MAXAGE", "x"));
    assertEquals("(error) ERR syntax error", cli("CLIENT", "KILL", "MAXAGE", "0"));
    assertEquals("(error) ERR No such client", cli("CLIENT", "KILL", "MAXAGE"), "the old form: an address");
    assertEquals("(error) ERR No such client", cli("CLIENT", "KILL", "ID"), "the old form with one argument");
    assertEquals("(error) ERR syntax error", cli("CLIENT", "KILL", "ADDR", "1.2.3.4:5", "ID"));
  }

  @Test
  void clientHelpListsTheNewSubcommands() {
    String help = cli("CLIENT", "HELP");
    assertTrue(help.contains("PAUSE <timeout> [WRITE|ALL]") && help.contains("REPLY (ON|OFF|SKIP)")
        && help.contains("NO-EVICT (ON|OFF)") && help.contains("NO-TOUCH (ON|OFF)")
        && help.contains("UNPAUSE") && help.contains("* MAXAGE <maxage>"), help);
  }

  // ---- MONITOR --------------------------------------------------------------------------

  @Test
  void monitorRepliesOkOnceThenNothing() {
    assertEquals("OK", cli("MONITOR"));
    assertTrue(h.session.monitor());
    assertTrue(monitors.active());
    assertNull(run("MONITOR"), "a monitoring client's MONITOR has no reply");
    assertEquals("(error) ERR wrong number of arguments for 'monitor' command", cli("MONITOR", "x"));
    assertEquals("+RESET\r\n", h.wire("RESET"));
    assertFalse(h.session.monitor());
  }

  @Test
  void monitorFeedIsRedisFormatWithExclusionsAndRedaction() {
    List<Reply> received = new ArrayList<>();
    ClientSession watcher = other(7, "127.0.0.1:7000", 0);
    watcher.onPush(received::add);
    monitors.add(watcher);
    ClientSession client = other(8, "127.0.0.1:54321", 0);
    monitors.feed(client, 0, h.table.resolve(argv("set", "k", "a b\"c\nd")), argv("set", "k", "a b\"c\nd"),
        1_700_000_000_012_345L);
    monitors.feed(client, 3, h.table.resolve(argv("CONFIG", "GET", "x")), argv("CONFIG", "GET", "x"), 1L);
    monitors.feed(client, 3, h.table.resolve(argv("CLIENT", "LIST")), argv("CLIENT", "LIST"), 1L);
    byte[][] odd = {"SET".getBytes(), new byte[] {1, (byte) 0xff, '\\', '\t', '\r'}, "v".getBytes()};
    monitors.feed(client, 2, h.table.resolve(odd), odd, 1_700_000_000_000_001L);
    assertEquals(List.of(
        Reply.simple("1700000000.012345 [0 127.0.0.1:54321] \"set\" \"k\" \"a b\\\"c\\nd\""),
        Reply.simple("1700000000.000001 [2 127.0.0.1:54321] \"SET\" \"\\x01\\xff\\\\\\t\\r\" \"v\"")), received);
    assertEquals("+1700000000.000001 [2 127.0.0.1:54321] \"SET\" \"\\x01\\xff\\\\\\t\\r\" \"v\"\r\n",
        new String(RespWriter.encode(received.get(1), 3), StandardCharsets.UTF_8), "a status line even in RESP3");
    monitors.feed(client, 0, h.table.resolve(argv("auth", "u", "p")), argv("auth", "u", "p"), 1_000_000);
    byte[][] hello = argv("hello", "3", "auth", "default", "pw", "setname", "n");
    monitors.feed(client, 0, h.table.resolve(hello), hello, 1_000_000);
    assertEquals(Reply.simple("1.000000 [0 127.0.0.1:54321] \"auth\" \"(redacted)\" \"(redacted)\""), received.get(2));
    assertEquals(Reply.simple("1.000000 [0 127.0.0.1:54321] \"hello\" \"3\" \"auth\" \"(redacted)\" \"(redacted)\" \"setname\" \"n\""),
        received.get(3));
    watcher.monitor(false); // RESET
    monitors.feed(client, 0, h.table.resolve(argv("GET", "k")), argv("GET", "k"), 1L);
    assertEquals(4, received.size());
    assertFalse(monitors.active());
  }

  // ---- ROLE / LOLWUT -----------------------------------------------------------------------

  @Test
  void roleIsAMasterWithoutReplicas() {
    assertEquals("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n", h.wire("ROLE"));
    assertEquals("(error) ERR wrong number of arguments for 'role' command", cli("ROLE", "x"));
  }

  @Test
  void lolwutShowsTheVersionOrArt() {
    assertEquals("\"Redis ver. 7.0.15\n\"", cli("LOLWUT"));
    assertEquals("$18\r\nRedis ver. 7.0.15\n\r\n", h.wire("LOLWUT", "foo"));
    assertEquals("\"Redis ver. 7.0.15\n\"", cli("LOLWUT", "VERSION"));
    assertEquals("\"Redis ver. 7.0.15\n\"", cli("LOLWUT", "VERSION", "4"));
    assertEquals("\"Redis ver. 7.0.15\n\"", cli("LOLWUT", "VERSION", "-1"), "printed as unsigned: 4294967295.0.0");
    assertEquals("\"Redis ver. 7.0.15\n\"", cli("LOLWUT", "VERSION", "59"));
    assertEquals("(error) ERR value is not an integer or out of range", cli("LOLWUT", "VERSION", "abc"));
    assertEquals("(error) ERR value is not an integer or out of range", cli("LOLWUT", "VERSION", "5", "x"));
    h.session.protocol(3);
    assertEquals("=22\r\ntxt:Redis ver. 7.0.15\n\r\n", h.wire("LOLWUT"));
  }

  @Test
  void lolwutFiveDrawsSchotterInBraille() {
    String art = text(run("LOLWUT", "VERSION", "5"));
    String[] lines = art.split("\n");
    assertEquals("Georg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15", lines[lines.length - 1]);
    // 66 columns; 8 squares of 16 pixels per row, 12 rows: (16*12+4)/4 = 49 lines of Braille,
    // then, as Redis (the height is not a multiple of 4), an empty line.
    assertEquals(51, lines.length);
    assertEquals("", lines[49]);
    for (int i = 0; i < lines.length - 2; i++) {
      assertEquals(66, lines[i].length(), "line " + i);
      assertTrue(lines[i].chars().allMatch(c -> c >= 0x2800 && c <= 0x28ff));
    }
    // The first two rows are undisturbed squares: the top-left corner of the first one.
    assertEquals("⠀⡤⠤⠤⠤⠤⠤⠤⠤⡤", lines[0].substring(0, 10));
    // Byte for byte what Redis 7.0.15 answers (no randomness in the first two rows).
    assertEquals("\u280b\n\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n",
        text(run("LOLWUT", "VERSION", "5", "1", "1", "1")));
    assertEquals("\u284f\u2809\n\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n",
        text(run("LOLWUT", "VERSION", "5", "2", "1", "1")));
    assertEquals("⠀⡤⠤⠤⠤⡤⠤⠤⠤⡄\n⠀⡇⠀⠀⠀⡇⠀⠀⠀⡇\n⠀⡧⠤⠤⠤⡧⠤⠤⠤⡇\n⠀⡇⠀⠀⠀⡇⠀⠀⠀⡇\n⠀⠧⠤⠤⠤⠧⠤⠤⠤⠇\n\n"
        + "Georg Nees - schotter, plotter on paper, 1968. Redis ver. 7.0.15\n",
        text(run("LOLWUT", "VERSION", "5", "10", "2", "2")));
  }

  @Test
  void lolwutSixDrawsASkyline() {
    String art = text(run("LOLWUT", "VERSION", "6", "10", "3"));
    String[] lines = art.split("\n");
    assertEquals(5, lines.length);
    assertEquals("Dedicated to the 8 bit game developers of past and present.", lines[3]);
    assertEquals("Original 8 bit image from Plaguemon by hikikomori. Redis ver. 7.0.15", lines[4]);
    assertTrue(lines[0].matches("(\u001b\\[0;(30;40|90;100|37;47|97;107)m \u001b\\[0m){10}"), lines[0]);
    String dflt = text(run("LOLWUT", "VERSION", "6"));
    assertEquals(22, dflt.split("\n").length, "80x20 by default");
  }

  // ---- DEBUG OBJECT / SET-ACTIVE-EXPIRE ------------------------------------------------------

  @Test
  void debugObjectDescribesTheValueLikeRedis() {
    h.clock.set(1_700_000_000_000L);
    h.cli("SET", "k", "v");
    h.cli("SET", "n", "12345");
    h.cli("SET", "big", "a".repeat(100));
    h.cli("RPUSH", "l", "a", "b", "c");
    h.clock.advance(3_000);
    assertTrue(cli("DEBUG", "OBJECT", "k").matches("Value at:0x[0-9a-f]+ refcount:1 encoding:embstr "
        + "serializedlength:2 lru:\\d+ lru_seconds_idle:3"), cli("DEBUG", "OBJECT", "k"));
    assertTrue(cli("DEBUG", "OBJECT", "n").contains(" refcount:1 encoding:int serializedlength:3 lru:"));
    // The RDB length of the value (Redis says 13 here: its LZF output differs from ours).
    int dumped = ((Reply.Bulk) h.run("DUMP", "big")).value().length;
    assertTrue(cli("DEBUG", "OBJECT", "big").contains(" encoding:raw serializedlength:" + (dumped - 11) + " "));
    assertTrue(cli("DEBUG", "OBJECT", "l").endsWith(" lru_seconds_idle:3 ql_nodes:1 ql_avg_node:3.00 "
        + "ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:16"), cli("DEBUG", "OBJECT", "l"));
    long lru = (1_700_000_000_000L / 1000) & ((1 << 24) - 1);
    assertTrue(cli("DEBUG", "OBJECT", "k").contains(" lru:" + lru + " "));
    assertEquals("(error) ERR no such key", cli("DEBUG", "OBJECT", "nokey"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'object'. Try DEBUG HELP.",
        cli("DEBUG", "object"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'object'. Try DEBUG HELP.",
        cli("DEBUG", "object", "k", "x"));
  }

  @Test
  void listpackEntrySizesFollowRedisEncodings() {
    assertEquals(3, DebugExtras.listpackEntrySize("a".getBytes()));
    assertEquals(2, DebugExtras.listpackEntrySize("127".getBytes()));
    assertEquals(3, DebugExtras.listpackEntrySize("128".getBytes()));
    assertEquals(4, DebugExtras.listpackEntrySize("-32768".getBytes()));
    assertEquals(10, DebugExtras.listpackEntrySize("9223372036854775807".getBytes()));
    assertEquals(67, DebugExtras.listpackEntrySize("x".repeat(64).getBytes()));
    assertEquals(4096 + 5 + 2, DebugExtras.listpackEntrySize("x".repeat(4096).getBytes()));
  }

  @Test
  void debugSetActiveExpireSwitchesTheShardsCycle() {
    assertEquals("OK", cli("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
    assertFalse(h.stats.activeExpire);
    assertEquals("OK", cli("DEBUG", "SET-ACTIVE-EXPIRE", "2"));
    assertTrue(h.stats.activeExpire, "atoi != 0");
    assertEquals("OK", cli("DEBUG", "SET-ACTIVE-EXPIRE", "abc"));
    assertFalse(h.stats.activeExpire, "atoi(\"abc\") is 0");
    assertEquals("OK", cli("DEBUG", "SET-ACTIVE-EXPIRE", "1"));
    assertTrue(h.stats.activeExpire);
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'set-active-expire'. Try DEBUG HELP.",
        cli("DEBUG", "set-active-expire"));
    assertEquals("OK", cli("DEBUG", "SLEEP", "0"));
    String help = cli("DEBUG", "HELP");
    assertTrue(help.contains("OBJECT <key>") && help.contains("SET-ACTIVE-EXPIRE <0|1>"), help);
  }

  private static String text(Reply reply) {
    return new String(((Reply.Verbatim) reply).text(), StandardCharsets.UTF_8);
  }

  private static byte[][] argv(String... args) {
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    return argv;
  }
}
