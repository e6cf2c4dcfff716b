package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.javadsl.Behaviors;
import io.redgrid.protocol.RespWriter;
import io.redgrid.pubsub.PubSubRegistry;
import io.redgrid.pubsub.Subscriptions.Kind;
import io.redgrid.server.ClientSession;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Registries standing for nodes, bridged by the Akka topic, inside one actor system and across
 * two clustered ones: a message published on one reaches the other's subscribers once, and its
 * own once.
 */
class PubSubBridgeTest {
  private static final io.redgrid.keyspace.ShardMap SHARDS = new io.redgrid.keyspace.ShardMap(16);

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ClientSession client(long id, List<String> inbox) {
    ClientSession session = new ClientSession(id, "a", "b", 0);
    session.onPush(push -> inbox.add(new String(RespWriter.encode(push, 2), StandardCharsets.UTF_8)
        .replace("\r\n", " ").trim()));
    return session;
  }

  private static void await(List<String> inbox, int size) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (inbox.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  @Test
  void messagesCrossNodesOnceAndInOrder() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bridge");
    try {
      PubSubRegistry nodeA = new PubSubRegistry();
      PubSubRegistry nodeB = new PubSubRegistry();
      PubSubBridge.start(system, nodeA, "node-a", () -> true, SHARDS);
      PubSubBridge.start(system, nodeB, "node-b", () -> true, SHARDS);
      List<String> inA = new CopyOnWriteArrayList<>();
      List<String> inB = new CopyOnWriteArrayList<>();
      nodeA.subscribe(client(1, inA), Kind.CHANNEL, b("c"));
      nodeB.subscribe(client(2, inB), Kind.PATTERN, b("c*"));
      nodeB.subscribe(client(3, inB), Kind.SHARD, b("c"));
      Thread.sleep(500); // the topics find each other through the receptionist
      for (int i = 0; i < 100; i++) {
        assertEquals(1, nodeA.publish(b("c"), b("m" + i))); // the count is this node's only
      }
      assertEquals(0, nodeA.spublish(b("c"), b("sharded")));
      await(inB, 101);
      Thread.sleep(200);
      assertEquals(100, inA.size(), "no echo of A's own messages");
      assertEquals(101, inB.size());
      // Sharded messages travel on their shard's topic: ordered among themselves only.
      List<String> patternMessages = inB.stream().filter(m -> m.contains("pmessage")).toList();
      for (int i = 0; i < 100; i++) {
        assertEquals("*3 $7 message $1 c $" + ("m" + i).length() + " m" + i, inA.get(i));
        assertEquals("*4 $8 pmessage $2 c* $1 c $" + ("m" + i).length() + " m" + i, patternMessages.get(i));
      }
      assertEquals(List.of("*3 $8 smessage $1 c $7 sharded"),
          inB.stream().filter(m -> m.contains("smessage")).toList());
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Two clustered actor systems in this JVM, as two nodes: messages cross Artery and come back never. */
  @Test
  void messagesCrossTwoClusteredActorSystems() throws Exception {
    com.typesafe.config.Config config = com.typesafe.config.ConfigFactory
        .parseResources(Node.class, "/redgrid-akka.conf")
        .withFallback(com.typesafe.config.ConfigFactory.load());
    ActorSystem<Void> first = ActorSystem.create(Behaviors.empty(), "redgrid", config);
    ActorSystem<Void> second = ActorSystem.create(Behaviors.empty(), "redgrid", config);
    try {
      akka.cluster.typed.Cluster clusterA = akka.cluster.typed.Cluster.get(first);
      akka.cluster.typed.Cluster clusterB = akka.cluster.typed.Cluster.get(second);
      clusterA.manager().tell(akka.cluster.typed.Join.create(clusterA.selfMember().address()));
      clusterB.manager().tell(akka.cluster.typed.Join.create(clusterA.selfMember().address()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (upMembers(clusterA) < 2 || upMembers(clusterB) < 2) {
        assertTrue(System.nanoTime() < deadline, "the two systems did not form a cluster");
        Thread.sleep(50);
      }
      PubSubRegistry nodeA = new PubSubRegistry();
      PubSubRegistry nodeB = new PubSubRegistry();
      PubSubBridge bridgeA = PubSubBridge.start(first, nodeA,
          clusterA.selfMember().uniqueAddress().toString(), () -> true, SHARDS);
      PubSubBridge bridgeB = PubSubBridge.start(second, nodeB,
          clusterB.selfMember().uniqueAddress().toString(), () -> true, SHARDS);
      List<String> inA = new CopyOnWriteArrayList<>();
      List<String> inB = new CopyOnWriteArrayList<>();
      nodeA.subscribe(client(1, inA), Kind.CHANNEL, b("news"));
      nodeB.subscribe(client(2, inB), Kind.CHANNEL, b("news"));
      // The topics find each other through the cluster receptionist: publish until B hears A.
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (inB.isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "no message crossed the systems");
        nodeA.publish(b("news"), b("probe"));
        Thread.sleep(100);
      }
      Thread.sleep(300); // probes still in flight arrive before the counted messages
      inA.clear();
      inB.clear();
      for (int i = 0; i < 100; i++) {
        nodeA.publish(b("news"), b("a" + i));
      }
      for (int i = 0; i < 50; i++) {
        nodeB.publish(b("news"), b("b" + i));
      }
      await(inB, 150);
      await(inA, 150);
      Thread.sleep(300);
      assertEquals(150, inA.size(), "each message once, no echo");
      assertEquals(150, inB.size());
      List<String> fromAatB = inB.stream().filter(m -> m.matches(".* a\\d+")).toList();
      for (int i = 0; i < 100; i++) {
        assertEquals("*3 $7 message $4 news $" + ("a" + i).length() + " a" + i, fromAatB.get(i),
            "A's messages reach B in publish order");
      }

      // SPUBLISH is routed by slot: only a node with subscribers in the channel's shard listens.
      int shard = SHARDS.shardOf(b("orders"));
      ClientSession shardSubscriber = client(4, inB);
      nodeB.subscribe(shardSubscriber, Kind.SHARD, b("orders"));
      assertTrue(bridgeB.listens(shard));
      assertTrue(!bridgeA.listens(shard), "A has no subscriber in that shard");
      for (int other = 0; other < SHARDS.shardCount(); other++) {
        assertEquals(other == shard, bridgeB.listens(other));
      }
      inB.clear();
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (inB.isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "no sharded message crossed the systems");
        nodeA.spublish(b("orders"), b("probe"));
        Thread.sleep(100);
      }
      Thread.sleep(300);
      inB.clear();
      for (int i = 0; i < 50; i++) {
        assertEquals(0, nodeA.spublish(b("orders"), b("s" + i)));
      }
      await(inB, 50);
      Thread.sleep(300);
      assertEquals(50, inB.size(), "each sharded message once");
      for (int i = 0; i < 50; i++) {
        assertEquals("*3 $8 smessage $6 orders $" + ("s" + i).length() + " s" + i, inB.get(i));
      }
      nodeB.unsubscribe(shardSubscriber, Kind.SHARD, b("orders"));
      assertTrue(!bridgeB.listens(shard), "the last subscriber gone, B stops listening");
    } finally {
      first.terminate();
      second.terminate();
      first.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      second.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static long upMembers(akka.cluster.typed.Cluster cluster) {
    return java.util.stream.StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
        .filter(member -> member.status() == akka.cluster.MemberStatus.up()).count();
  }

  @Test
  void envelopesSerializeForTheWire() throws Exception {
    PubSubEnvelopeSerializer serializer = new PubSubEnvelopeSerializer();
    PubSubBridge.Envelope envelope = new PubSubBridge.Envelope("akka://redgrid@h:1#5", true,
        new byte[] {0, 1, (byte) 0xff}, b("payload"));
    byte[] bytes = serializer.toBinary(envelope);
    PubSubBridge.Envelope back = (PubSubBridge.Envelope) serializer.fromBinary(bytes,
        serializer.manifest(envelope));
    assertEquals(envelope.origin(), back.origin());
    assertTrue(back.shard());
    assertArrayEquals(envelope.channel(), back.channel());
    assertArrayEquals(envelope.message(), back.message());
  }
}
