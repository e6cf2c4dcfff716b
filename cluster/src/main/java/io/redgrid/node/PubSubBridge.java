package io.redgrid.node;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Behaviors;
import akka.actor.typed.pubsub.Topic;
import io.redgrid.pubsub.PubSubRegistry;
import java.util.function.BooleanSupplier;

/**
 * Carries PUBLISH / SPUBLISH between nodes over one Akka distributed pub/sub topic. Each node
 * delivers to its own subscribers directly and ignores its own messages when they come back, so
 * nobody receives a message twice; one topic actor per node keeps a publisher's order.
 */
final class PubSubBridge {
  static final String TOPIC = "redgrid-pubsub";

  /** A published message on its way to the other nodes. */
  record Envelope(String origin, boolean shard, byte[] channel, byte[] message) {}

  private PubSubBridge() {}

  /**
   * Connects {@code registry} to the topic. {@code othersPresent} tells whether any other node
   * may listen; while it says no, publishing skips the topic altogether.
   */
  static void start(ActorSystem<?> system, PubSubRegistry registry, String origin,
      BooleanSupplier othersPresent) {
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
    registry.outbound(published -> {
      if (othersPresent.getAsBoolean()) {
        topic.tell(Topic.publish(new Envelope(origin, published.shard(), published.channel(),
            published.message())));
      }
    });
  }
}
