package io.redgrid.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import io.redgrid.keyspace.ShardMap;
import io.redgrid.pubsub.PubSubRegistry;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Carries PUBLISH / SPUBLISH between nodes over Akka distributed pub/sub topics. Each node
 * delivers to its own subscribers directly and ignores its own messages when they come back, so
 * nobody receives a message twice; one topic actor per node and topic keeps a publisher's order.
 *
 * <p>PUBLISH goes to every node (Redis Cluster broadcasts it too). SPUBLISH is routed by slot: a
 * shard channel belongs to the keyspace shard of its slot, each shard has its own topic, and a
 * node listens on a shard's topic only while it has local subscribers to channels of that shard,
 * so a sharded message travels only to nodes that will deliver it.
 */
final class PubSubBridge {
  static final String TOPIC = "redgrid-pubsub";
  static final String SHARD_TOPIC = "redgrid-spubsub-";

  /** A published message on its way to the other nodes. */
  record Envelope(String origin, boolean shard, byte[] channel, byte[] message) {}

  private final ShardMap shardMap;
  private final ActorRef<Envelope> receiver;
  private final List<ActorRef<Topic.Command<Envelope>>> shardTopics;
  /** Local shard channels per keyspace shard; the topic is listened to while above zero. */
  private final int[] localChannels;

  private PubSubBridge(ShardMap shardMap, ActorRef<Envelope> receiver,
      List<ActorRef<Topic.Command<Envelope>>> shardTopics) {
    this.shardMap = shardMap;
    this.receiver = receiver;
    this.shardTopics = shardTopics;
    this.localChannels = new int[shardMap.shardCount()];
  }

  /**
   * Connects {@code registry} to the topics. {@code othersPresent} tells whether any other node
   * may listen; while it says no, publishing skips the topics altogether.
   */
  static PubSubBridge start(ActorSystem<?> system, PubSubRegistry registry, String origin,
      BooleanSupplier othersPresent, ShardMap shardMap) {
    String suffix = Integer.toHexString(origin.hashCode());
    ActorRef<Topic.Command<Envelope>> topic = system.systemActorOf(
        Topic.create(Envelope.class, TOPIC), "pubsub-topic-" + suffix, Props.empty());
    ActorRef<Envelope> receiver = system.systemActorOf(
        Behaviors.receiveMessage(envelope -> {
          if (!envelope.origin().equals(origin)) {
            registry.deliverRemote(envelope.shard(), envelope.channel(), envelope.message());
          }
          return Behaviors.same();
        }), "pubsub-receiver-" + suffix, Props.empty());
    topic.tell(Topic.subscribe(receiver));
    List<ActorRef<Topic.Command<Envelope>>> shardTopics = new java.util.ArrayList<>();
    for (int shard = 0; shard < shardMap.shardCount(); shard++) {
      shardTopics.add(system.systemActorOf(Topic.create(Envelope.class, SHARD_TOPIC + shard),
          "spubsub-topic-" + shard + "-" + suffix, Props.empty()));
    }
    PubSubBridge bridge = new PubSubBridge(shardMap, receiver, List.copyOf(shardTopics));
    registry.shardChannelListener(bridge::shardChannelChanged);
    registry.outbound(published -> {
      if (othersPresent.getAsBoolean()) {
        Envelope envelope = new Envelope(origin, published.shard(), published.channel(), published.message());
        (published.shard() ? bridge.shardTopics.get(shardMap.shardOf(published.channel())) : topic)
            .tell(Topic.publish(envelope));
      }
    });
    return bridge;
  }

  private synchronized void shardChannelChanged(byte[] channel, boolean present) {
    int shard = shardMap.shardOf(channel);
    int before = localChannels[shard];
    localChannels[shard] += present ? 1 : -1;
    if (before == 0 && present) {
      shardTopics.get(shard).tell(Topic.subscribe(receiver));
    } else if (before == 1 && !present) {
      shardTopics.get(shard).tell(Topic.unsubscribe(receiver));
    }
  }

  /** Whether this node listens on the topic of a keyspace shard (it has subscribers there). */
  synchronized boolean listens(int shard) {
    return localChannels[shard] > 0;
  }
}
