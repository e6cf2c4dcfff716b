package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.server.ClientSession;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionCommandsTest {
  private final CommandHarness h = new CommandHarness();

  private ClientSession other(long id, String address) {
    ClientSession client = new ClientSession(id, address, "127.0.0.1:6379", 0);
    h.clients.add(client);
    return client;
  }

  @Test
  void pingEchoSelect() {
    assertEquals("PONG", h.cli("PING"));
    assertEquals("\"hi\"", h.cli("PING", "hi"));
    assertEquals("(error) ERR wrong number of arguments for 'ping' command", h.cli("PING", "a", "b"));
    assertEquals("\"x\"", h.cli("ECHO", "x"));
    assertEquals("OK", h.cli("SELECT", "3"));
    assertEquals(3, h.session.db());
    assertEquals("(error) ERR DB index is out of range", h.cli("SELECT", "16"));
  }

  @Test
  void quitRepliesOkThenAsksToClose() {
    assertFalse(h.session.closeRequested());
    assertEquals("+OK\r\n", h.wire("QUIT"));
    assertTrue(h.session.closeRequested());
    assertEquals("OK", new CommandHarness().cli("QUIT", "extra", "args"));
  }

  @Test
  void resetRestoresAFreshConnection() {
    h.cli("SELECT", "5");
    h.cli("HELLO", "3");
    h.cli("CLIENT", "SETNAME", "worker");
    assertEquals("+RESET\r\n", h.wire("RESET"));
    assertEquals(0, h.session.db());
    assertEquals(2, h.session.protocol());
    assertNull(h.session.name());
    assertEquals("(error) ERR wrong number of arguments for 'reset' command", h.cli("RESET", "x"));
  }

  @Test
  void helloRepliesWithTheServerMapAndSwitchesProtocol() {
    assertEquals("*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n"
        + "$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:1\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n"
        + "$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n", h.wire("HELLO"));
    assertEquals(2, h.session.protocol());
    String map = new String(io.redgrid.protocol.RespWriter.encode(h.run("HELLO", "3"), 3), StandardCharsets.UTF_8);
    assertTrue(map.startsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n"), map);
    assertTrue(map.contains("$5\r\nproto\r\n:3\r\n"), map);
    assertEquals(3, h.session.protocol());
    h.run("HELLO", "2");
    assertEquals(2, h.session.protocol());
  }

  @Test
  void helloOptionsAndErrors() {
    assertEquals("(error) NOPROTO unsupported protocol version", h.cli("HELLO", "4"));
    assertEquals("(error) NOPROTO unsupported protocol version", h.cli("HELLO", "1"));
    assertEquals("(error) NOPROTO unsupported protocol version", h.cli("HELLO", "-1"));
    assertEquals("(error) ERR Protocol version is not an integer or out of range", h.cli("HELLO", "3.0"));
    assertEquals("(error) ERR Protocol version is not an integer or out of range", h.cli("HELLO", "abc"));
    assertEquals("(error) ERR Syntax error in HELLO option 'setname'", h.cli("HELLO", "2", "setname"));
    assertEquals("(error) ERR Syntax error in HELLO option 'foo'", h.cli("HELLO", "2", "foo"));
    assertEquals("(error) ERR Syntax error in HELLO option 'auth'", h.cli("HELLO", "3", "auth", "default"));
    assertEquals(2, h.session.protocol());
    assertEquals("(error) ERR Client names cannot contain spaces, newlines or special characters.",
        h.cli("HELLO", "3", "SETNAME", "a b"));
    assertEquals(2, h.session.protocol(), "a failed HELLO keeps the protocol");
    assertEquals("(error) WRONGPASS invalid username-password pair or user is disabled.",
        h.cli("HELLO", "3", "AUTH", "bob", "x"));
    // No requirepass: the default user has no password, so any password opens it.
    h.run("HELLO", "3", "AUTH", "default", "anything", "SETNAME", "a", "SETNAME", "b");
    assertEquals(3, h.session.protocol());
    assertEquals("b", h.session.nameText());
  }

  @Test
  void clientIdNameAndErrors() {
    assertEquals("(integer) 1", h.cli("CLIENT", "ID"));
    assertEquals("(nil)", h.cli("CLIENT", "GETNAME"));
    assertEquals("OK", h.cli("CLIENT", "SETNAME", "conn-1"));
    assertEquals("\"conn-1\"", h.cli("CLIENT", "GETNAME"));
    assertEquals("(error) ERR Client names cannot contain spaces, newlines or special characters.",
        h.cli("CLIENT", "SETNAME", "a b"));
    assertEquals("(error) ERR Client names cannot contain spaces, newlines or special characters.",
        h.cli("CLIENT", "SETNAME", "a\nb"));
    assertEquals("(error) ERR Client names cannot contain spaces, newlines or special characters.",
        h.cli("CLIENT", "SETNAME", "é"));
    assertEquals("OK", h.cli("CLIENT", "SETNAME", ""));
    assertEquals("(nil)", h.cli("CLIENT", "GETNAME"));
    assertEquals("(error) ERR wrong number of arguments for 'client|setname' command", h.cli("CLIENT", "SETNAME"));
    assertEquals("(error) ERR wrong number of arguments for 'client|id' command", h.cli("CLIENT", "ID", "x"));
    assertEquals("(error) ERR wrong number of arguments for 'client' command", h.cli("CLIENT"));
    assertEquals("(error) ERR unknown subcommand 'foo'. Try CLIENT HELP.", h.cli("CLIENT", "foo"));
    assertTrue(h.cli("CLIENT", "HELP").startsWith("1) CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
  }

  @Test
  void clientSetInfoValidatesLikeRedis72() {
    assertEquals("OK", h.cli("CLIENT", "SETINFO", "lib-name", "jedis"));
    assertEquals("OK", h.cli("CLIENT", "SETINFO", "LIB-VER", "5.0"));
    assertEquals("jedis", h.session.libraryName());
    assertEquals("5.0", h.session.libraryVersion());
    assertEquals("(error) ERR Unrecognized option 'foo'", h.cli("CLIENT", "SETINFO", "foo", "x"));
    assertEquals("(error) ERR lib-name cannot contain spaces, newlines or special characters.",
        h.cli("CLIENT", "SETINFO", "lib-name", "a b"));
    assertEquals("(error) ERR wrong number of arguments for 'client|setinfo' command",
        h.cli("CLIENT", "SETINFO", "lib-name"));
  }

  @Test
  void clientListAndInfoLinesFollowRedisFormat() {
    h.clock.set(10_000);
    ClientSession me = h.session;
    me.commandStarted("client|list", 9_000);
    h.cli("SELECT", "2");
    String expected = "id=1 addr=127.0.0.1:50000 laddr=127.0.0.1:6379 fd=8 name= age=10 idle=1 flags=N db=2"
        + " sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=0 argv-mem=10 multi-mem=0 rbs=1024 rbp=0"
        + " obl=0 oll=0 omem=0 tot-mem=1034 events=r cmd=client|list user=default redir=-1 resp=2"
        + " lib-name= lib-ver=\n";
    assertEquals("\"" + expected + "\"", h.cli("CLIENT", "LIST"));
    assertEquals("\"" + expected.replace("argv-mem=10", "argv-mem=20").replace("tot-mem=1034", "tot-mem=1044")
        + "\"", h.cli("client", "list", "TYPE", "Normal"));
    String info = h.wire("CLIENT", "INFO");
    assertTrue(info.startsWith("$"), info);
    assertTrue(info.contains("id=1 addr=127.0.0.1:50000 ") && info.contains(" argv-mem=10 ")
        && info.endsWith(" lib-name= lib-ver=\n\r\n"), info);
    h.session.protocol(3);
    assertTrue(h.wire("CLIENT", "INFO").startsWith("="), "verbatim in RESP3");
  }

  @Test
  void clientListFilters() {
    other(7, "10.0.0.7:1000").name("seven".getBytes(StandardCharsets.UTF_8));
    String all = h.cli("CLIENT", "LIST");
    assertTrue(all.contains("id=1 ") && all.contains("id=7 ") && all.contains("name=seven"), all);
    assertEquals("\"\"", h.cli("CLIENT", "LIST", "TYPE", "pubsub"));
    assertEquals("\"\"", h.cli("CLIENT", "LIST", "TYPE", "replica"));
    assertEquals("(error) ERR Unknown client type 'foo'", h.cli("CLIENT", "LIST", "TYPE", "foo"));
    String seven = h.cli("CLIENT", "LIST", "ID", "7", "99");
    assertTrue(seven.startsWith("\"id=7 addr=10.0.0.7:1000 ") && !seven.contains("id=1 "), seven);
    assertEquals("(error) ERR Invalid client ID", h.cli("CLIENT", "LIST", "ID", "7", "abc"));
    assertEquals("(error) ERR syntax error", h.cli("CLIENT", "LIST", "ID"));
    assertEquals("(error) ERR syntax error", h.cli("CLIENT", "LIST", "foo"));
    assertEquals("(error) ERR syntax error", h.cli("CLIENT", "LIST", "TYPE", "normal", "x"));
  }

  @Test
  void clientKillOldFormKillsByAddressIncludingItself() {
    AtomicInteger killed = new AtomicInteger();
    ClientSession seven = other(7, "10.0.0.7:1000");
    seven.onKill(killed::incrementAndGet);
    assertEquals("OK", h.cli("CLIENT", "KILL", "10.0.0.7:1000"));
    assertEquals(1, killed.get());
    assertTrue(seven.closeRequested());
    assertEquals("(error) ERR No such client", h.cli("CLIENT", "KILL", "1.2.3.4:5"));
    assertFalse(h.session.closeRequested());
    assertEquals("OK", h.cli("CLIENT", "KILL", "127.0.0.1:50000"));
    assertTrue(h.session.closeRequested(), "the old form may kill the caller, after the reply");
  }

  @Test
  void clientKillFilters() {
    AtomicInteger killed = new AtomicInteger();
    ClientSession seven = other(7, "10.0.0.7:1000");
    seven.onKill(killed::incrementAndGet);
    ClientSession eight = other(8, "10.0.0.8:1000");
    eight.onKill(killed::incrementAndGet);
    assertEquals("(integer) 0", h.cli("CLIENT", "KILL", "ID", "99"));
    assertEquals("(integer) 1", h.cli("CLIENT", "KILL", "ID", "7"));
    assertEquals(1, killed.get());
    assertEquals("(integer) 0", h.cli("CLIENT", "KILL", "ADDR", "10.0.0.8:1000", "TYPE", "pubsub"));
    assertEquals("(integer) 0", h.cli("CLIENT", "KILL", "ADDR", "10.0.0.8:1000", "LADDR", "1.1.1.1:1"));
    // USER default and SKIPME yes (the default): everyone but the caller
    assertEquals("(integer) 2", h.cli("CLIENT", "KILL", "USER", "default"));
    assertFalse(h.session.closeRequested());
    assertEquals("(integer) 3", h.cli("CLIENT", "KILL", "LADDR", "127.0.0.1:6379", "SKIPME", "no"));
    assertTrue(h.session.closeRequested());
  }

  @Test
  void clientKillErrors() {
    assertEquals("(error) ERR client-id should be greater than 0", h.cli("CLIENT", "KILL", "ID", "abc"));
    assertEquals("(error) ERR client-id should be greater than 0", h.cli("CLIENT", "KILL", "ID", "0"));
    assertEquals("(error) ERR syntax error", h.cli("CLIENT", "KILL", "foo", "bar"));
    assertEquals("(error) ERR syntax error", h.cli("CLIENT", "KILL", "ID", "1", "SKIPME", "maybe"));
    assertEquals("(error) ERR syntax error", h.cli("CLIENT", "KILL", "ID", "1", "SKIPME"));
    assertEquals("(integer) 0", h.cli("CLIENT", "KILL", "MAXAGE", "1"), "MAXAGE is Redis 7.4's; the caller is skipped");
    assertEquals("(error) ERR Unknown client type 'foo'", h.cli("CLIENT", "KILL", "TYPE", "foo"));
    assertEquals("(error) ERR No such user 'nosuch'", h.cli("CLIENT", "KILL", "USER", "nosuch"));
    assertEquals("(error) ERR No such client", h.cli("CLIENT", "KILL", "ID"));
    assertEquals("(error) ERR wrong number of arguments for 'client|kill' command", h.cli("CLIENT", "KILL"));
    assertFalse(h.session.closeRequested());
  }
}
