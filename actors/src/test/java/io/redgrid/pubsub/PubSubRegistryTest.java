package io.redgrid.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.protocol.RespWriter;
import io.redgrid.pubsub.Subscriptions.Kind;
import io.redgrid.server.ClientSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PubSubRegistryTest {
  private final PubSubRegistry registry = new PubSubRegistry();

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A session recording what is pushed to it, as RESP2 text. */
  private static ClientSession client(long id, List<String> inbox) {
    ClientSession session = new ClientSession(id, "a", "b", 0);
    session.onPush(push -> inbox.add(new String(RespWriter.encode(push, 2), StandardCharsets.UTF_8)
        .replace("\r\n", " ").trim()));
    return session;
  }

  private static List<String> names(List<byte[]> names) {
    List<String> text = new ArrayList<>();
    for (byte[] name : names) {
      text.add(new String(name, StandardCharsets.UTF_8));
    }
    text.sort(null);
    return text;
  }

  @Test
  void channelsAndPatternsCountReceivers() {
    List<String> inA = new ArrayList<>();
    List<String> inB = new ArrayList<>();
    ClientSession a = client(1, inA);
    ClientSession b = client(2, inB);
    assertTrue(registry.subscribe(a, Kind.CHANNEL, b("news")));
    assertFalse(registry.subscribe(a, Kind.CHANNEL, b("news")));
    assertTrue(registry.subscribe(b, Kind.PATTERN, b("n[aeiou]ws")));
    assertTrue(registry.subscribe(b, Kind.PATTERN, b("*")));
    assertEquals(3, registry.publish(b("news"), b("hi")));
    assertEquals(List.of("*3 $7 message $4 news $2 hi"), inA);
    assertEquals(List.of("*4 $8 pmessage $10 n[aeiou]ws $4 news $2 hi", "*4 $8 pmessage $1 * $4 news $2 hi"),
        inB.stream().sorted((x, y) -> y.compareTo(x)).toList());
    assertEquals(1, registry.publish(b("other"), b("x")));
    assertEquals(1, registry.subscribers(Kind.CHANNEL, b("news")));
    assertEquals(0, registry.subscribers(Kind.CHANNEL, b("n[aeiou]ws")));
    assertEquals(2, registry.patternCount());
    assertEquals(1, a.subscriptions().count());
    assertEquals(2, b.subscriptions().count());
    assertEquals(List.of("news"), names(registry.names(Kind.CHANNEL, null)));
    assertEquals(List.of(), names(registry.names(Kind.CHANNEL, b("x*"))));
  }

  @Test
  void patternsAreDistinctAcrossClientsForNumpat() {
    ClientSession a = client(1, new ArrayList<>());
    ClientSession b = client(2, new ArrayList<>());
    registry.subscribe(a, Kind.PATTERN, b("p*"));
    registry.subscribe(b, Kind.PATTERN, b("p*"));
    assertEquals(1, registry.patternCount());
    assertEquals(2, registry.publish(b("pp"), b("m")));
    registry.unsubscribe(a, Kind.PATTERN, b("p*"));
    assertEquals(1, registry.patternCount());
    assertFalse(registry.unsubscribe(a, Kind.PATTERN, b("p*")));
    registry.unsubscribe(b, Kind.PATTERN, b("p*"));
    assertEquals(0, registry.patternCount());
    assertEquals(0, registry.publish(b("pp"), b("m")));
  }

  @Test
  void shardChannelsAreASeparateNamespace() {
    List<String> in = new ArrayList<>();
    ClientSession a = client(1, in);
    registry.subscribe(a, Kind.SHARD, b("s"));
    registry.subscribe(a, Kind.PATTERN, b("*"));
    assertEquals(1, registry.spublish(b("s"), b("m")));
    assertEquals(List.of("*3 $8 smessage $1 s $1 m"), in);
    in.clear();
    assertEquals(1, registry.publish(b("s"), b("m"))); // only the pattern
    assertEquals(List.of("*4 $8 pmessage $1 * $1 s $1 m"), in);
    assertEquals(List.of("s"), names(registry.names(Kind.SHARD, b("?"))));
    assertEquals(List.of(), names(registry.names(Kind.CHANNEL, null)));
    assertEquals(1, registry.subscribers(Kind.SHARD, b("s")));
    assertEquals(1, a.subscriptions().shardChannels());
    assertEquals(1, a.subscriptions().count()); // shard channels are counted apart
  }

  @Test
  void removeAllLeavesNothingBehind() {
    ClientSession a = client(1, new ArrayList<>());
    registry.subscribe(a, Kind.CHANNEL, b("c1"));
    registry.subscribe(a, Kind.CHANNEL, b("c2"));
    registry.subscribe(a, Kind.PATTERN, b("c*"));
    registry.subscribe(a, Kind.SHARD, b("s"));
    assertTrue(a.subscriptions().active());
    registry.removeAll(a);
    assertFalse(a.subscriptions().active());
    assertEquals(List.of(), registry.names(Kind.CHANNEL, null));
    assertEquals(List.of(), registry.names(Kind.SHARD, null));
    assertEquals(0, registry.patternCount());
    assertEquals(0, registry.publish(b("c1"), b("m")));
  }

  @Test
  void messagesFromOtherNodesReachLocalSubscribersOnlyOnce() {
    List<String> in = new ArrayList<>();
    ClientSession a = client(1, in);
    registry.subscribe(a, Kind.CHANNEL, b("c"));
    List<PubSubRegistry.Published> sent = new ArrayList<>();
    registry.outbound(sent::add);
    assertEquals(1, registry.publish(b("c"), b("local")));
    assertEquals(1, sent.size());
    assertFalse(sent.get(0).shard());
    assertEquals(1, registry.deliverRemote(false, b("c"), b("remote")));
    assertEquals(0, registry.deliverRemote(true, b("c"), b("remote")));
    assertEquals(List.of("*3 $7 message $1 c $5 local", "*3 $7 message $1 c $6 remote"), in);
    assertEquals(1, sent.size()); // remote messages are not sent on again
  }

  @Test
  void binaryChannelNamesCompareByContent() {
    ClientSession a = client(1, new ArrayList<>());
    registry.subscribe(a, Kind.CHANNEL, new byte[] {0, (byte) 0xff});
    assertEquals(1, registry.publish(new byte[] {0, (byte) 0xff}, b("m")));
    assertEquals(0, registry.publish(new byte[] {0, (byte) 0xfe}, b("m")));
  }
}
