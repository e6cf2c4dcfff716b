package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.redgrid.command.CommandHarness;
import io.redgrid.protocol.RespWriter;
import io.redgrid.server.ClientSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PubSubCommandsTest {
  private final CommandHarness h = new CommandHarness();
  private final List<String> pushes = new ArrayList<>();

  @BeforeEach
  void capturePushes() {
    h.session.onPush(push -> pushes.add(
        new String(RespWriter.encode(push, h.session.protocol()), StandardCharsets.UTF_8)));
  }

  private String drained() {
    String all = String.join("", pushes);
    pushes.clear();
    return all;
  }

  @Test
  void subscribeConfirmsEachChannelWithTheRunningCount() {
    assertNull(h.run("SUBSCRIBE", "a", "b", "a"));
    assertEquals("*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"
        + "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n", drained());
    h.run("PSUBSCRIBE", "x*");
    assertEquals("*3\r\n$10\r\npsubscribe\r\n$2\r\nx*\r\n:3\r\n", drained());
    h.run("SSUBSCRIBE", "s");
    assertEquals("*3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n", drained());
    h.run("UNSUBSCRIBE", "nope");
    assertEquals("*3\r\n$11\r\nunsubscribe\r\n$4\r\nnope\r\n:3\r\n", drained());
    h.run("UNSUBSCRIBE");
    assertEquals("*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:2\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n",
        drained());
    h.run("UNSUBSCRIBE");
    assertEquals("*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:1\r\n", drained());
    h.run("PUNSUBSCRIBE");
    assertEquals("*3\r\n$12\r\npunsubscribe\r\n$2\r\nx*\r\n:0\r\n", drained());
    h.run("SUNSUBSCRIBE");
    assertEquals("*3\r\n$12\r\nsunsubscribe\r\n$1\r\ns\r\n:0\r\n", drained());
    h.run("SUNSUBSCRIBE");
    assertEquals("*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n", drained());
  }

  @Test
  void resp3ConfirmationsArePushes() {
    h.session.protocol(3);
    h.run("SUBSCRIBE", "a");
    h.run("UNSUBSCRIBE");
    h.run("UNSUBSCRIBE");
    assertEquals(">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n>3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n"
        + ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n", drained());
  }

  @Test
  void publishCountsReceiversIncludingItself() {
    h.run("SUBSCRIBE", "ch");
    h.run("PSUBSCRIBE", "c?");
    drained();
    assertEquals("(integer) 2", h.cli("PUBLISH", "ch", "hello"));
    assertEquals("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n"
        + "*4\r\n$8\r\npmessage\r\n$2\r\nc?\r\n$2\r\nch\r\n$5\r\nhello\r\n", drained());
    assertEquals("(integer) 0", h.cli("SPUBLISH", "ch", "hello"));
    assertEquals("(integer) 0", h.cli("PUBLISH", "other", "hello"));
    assertEquals("", drained());
  }

  @Test
  void introspection() {
    ClientSession other = new ClientSession(2, "x", "y", 0);
    other.onPush(push -> {});
    h.pubsub.subscribe(other, io.redgrid.pubsub.Subscriptions.Kind.CHANNEL, "a".getBytes());
    h.run("SUBSCRIBE", "a", "b");
    h.run("PSUBSCRIBE", "p1", "p2");
    h.run("SSUBSCRIBE", "s1");
    assertEquals("*4\r\n$1\r\na\r\n:2\r\n$1\r\nz\r\n:0\r\n", h.wire("PUBSUB", "NUMSUB", "a", "z"));
    h.session.protocol(3);
    assertEquals("*4\r\n$1\r\na\r\n:2\r\n$1\r\nz\r\n:0\r\n", h.wire("PUBSUB", "NUMSUB", "a", "z"));
    h.session.protocol(2);
    assertEquals("(empty array)", h.cli("PUBSUB", "NUMSUB"));
    assertEquals("(integer) 2", h.cli("PUBSUB", "NUMPAT"));
    assertEquals("1) \"b\"", h.cli("PUBSUB", "CHANNELS", "b*"));
    assertEquals("1) \"s1\"", h.cli("PUBSUB", "SHARDCHANNELS"));
    assertEquals("(empty array)", h.cli("PUBSUB", "SHARDCHANNELS", "x"));
    assertEquals("1) \"s1\"\n2) (integer) 1\n3) \"a\"\n4) (integer) 0",
        h.cli("PUBSUB", "SHARDNUMSUB", "s1", "a"));
    String list = h.cli("CLIENT", "INFO");
    assertEquals(true, list.contains(" flags=P db=0 sub=2 psub=2 ssub=1 "), list);
    ClientSession normal = new ClientSession(3, "n", "m", 0);
    h.clients.add(normal);
    assertEquals(true, h.cli("CLIENT", "LIST", "TYPE", "pubsub").startsWith("\"id=1 "));
    assertEquals(false, h.cli("CLIENT", "LIST", "TYPE", "pubsub").contains("id=3 "));
    assertEquals(true, h.cli("CLIENT", "LIST", "TYPE", "normal").startsWith("\"id=3 "));
    assertEquals(false, h.cli("CLIENT", "LIST", "TYPE", "normal").contains("id=1 "));
    assertEquals("(integer) 0", h.cli("CLIENT", "KILL", "TYPE", "pubsub"));
    assertEquals("(integer) 1", h.cli("CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "no"));
  }

  @Test
  void errorsMatchRedis() {
    assertEquals("(error) ERR wrong number of arguments for 'subscribe' command", h.cli("SUBSCRIBE"));
    assertEquals("(error) ERR wrong number of arguments for 'publish' command", h.cli("PUBLISH", "a"));
    assertEquals("(error) ERR wrong number of arguments for 'pubsub' command", h.cli("PUBSUB"));
    assertEquals("(error) ERR wrong number of arguments for 'pubsub|numpat' command",
        h.cli("PUBSUB", "NUMPAT", "x"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.",
        h.cli("PUBSUB", "CHANNELS", "a", "b"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'SHARDCHANNELS'. Try PUBSUB HELP.",
        h.cli("PUBSUB", "SHARDCHANNELS", "a", "b"));
    assertEquals("(error) ERR unknown subcommand 'FoO'. Try PUBSUB HELP.", h.cli("PUBSUB", "FoO"));
    assertEquals("(error) ERR The command has no key arguments",
        h.cli("COMMAND", "GETKEYS", "SPUBLISH", "ch", "m"));
    assertEquals("(error) ERR The command has no key arguments",
        h.cli("COMMAND", "GETKEYS", "PUBLISH", "ch", "m"));
  }

  @Test
  void pingWhileSubscribedInResp2AndReset() {
    h.run("SUBSCRIBE", "a");
    assertEquals("*2\r\n$4\r\npong\r\n$0\r\n\r\n", h.wire("PING"));
    assertEquals("*2\r\n$4\r\npong\r\n$2\r\nhi\r\n", h.wire("PING", "hi"));
    h.session.protocol(3);
    assertEquals("+PONG\r\n", h.wire("PING"));
    assertEquals("RESET", h.cli("RESET"));
    assertEquals("+PONG\r\n", h.wire("PING"));
    assertEquals("(integer) 0", h.cli("PUBLISH", "a", "m"));
    assertEquals(false, h.session.subscriptions().active());
  }

  @Test
  void commandInfoDeclaresShardChannelsAsNotKeys() {
    String info = h.cli("COMMAND", "INFO", "SPUBLISH");
    assertEquals(true, info.startsWith("1) 1) \"spublish\"\n   2) (integer) 3\n   3) 1) pubsub\n"
        + "      2) loading\n      3) stale\n      4) fast\n   4) (integer) 1\n   5) (integer) 1\n"
        + "   6) (integer) 1\n   7) 1) @pubsub\n      2) @fast\n"), info);
    assertEquals(true, info.contains("2) 1) not_key\n"), info);
    assertEquals(true, h.cli("COMMAND", "INFO", "SSUBSCRIBE").contains("\"lastkey\"\n               2) (integer) -1"));
  }
}
