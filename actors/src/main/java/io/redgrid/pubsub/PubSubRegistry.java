package io.redgrid.pubsub;

import io.redgrid.keyspace.Glob;
import io.redgrid.protocol.Reply;
import io.redgrid.pubsub.Subscriptions.Kind;
import io.redgrid.server.ClientSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The node's Pub/Sub subscribers: channel, pattern and shard-channel names to the sessions
 * subscribed to them. Publishing delivers to this node's subscribers only; messages from other
 * nodes come in through {@link #deliverRemote} (see the cluster module's bridge).
 *
 * <p>Thread-safe: any connection may publish while others subscribe. A publisher pushes to each
 * subscriber synchronously, so the messages of one publisher reach every subscriber in order.
 */
public final class PubSubRegistry {
  private static final Reply MESSAGE = Reply.bulk("message");
  private static final Reply PMESSAGE = Reply.bulk("pmessage");
  private static final Reply SMESSAGE = Reply.bulk("smessage");

  private final Map<Channel, Set<ClientSession>> channels = new ConcurrentHashMap<>();
  private final Map<Channel, Set<ClientSession>> patterns = new ConcurrentHashMap<>();
  private final Map<Channel, Set<ClientSession>> shardChannels = new ConcurrentHashMap<>();
  private volatile Consumer<Published> outbound = published -> {};
  private volatile ShardChannelListener shardChannelListener = (channel, present) -> {};

  /** Told when a shard channel gets its first local subscriber or loses its last one. */
  @FunctionalInterface
  public interface ShardChannelListener {
    void changed(byte[] channel, boolean present);
  }

  /** A message published on this node, for other nodes. */
  public record Published(boolean shard, byte[] channel, byte[] message) {}

  private Map<Channel, Set<ClientSession>> map(Kind kind) {
    return switch (kind) {
      case CHANNEL -> channels;
      case PATTERN -> patterns;
      case SHARD -> shardChannels;
    };
  }

  /** Subscribes; false if the session already was. */
  public boolean subscribe(ClientSession session, Kind kind, byte[] name) {
    Channel key = new Channel(name);
    if (!session.subscriptions().add(kind, key)) {
      return false;
    }
    map(kind).compute(key, (k, set) -> {
      Set<ClientSession> subscribers = set != null ? set : ConcurrentHashMap.newKeySet();
      if (set == null && kind == Kind.SHARD) {
        // Inside compute: the first/last reports of one channel cannot overtake each other.
        shardChannelListener.changed(name, true);
      }
      subscribers.add(session);
      return subscribers;
    });
    return true;
  }

  /** Unsubscribes; false if the session was not subscribed. */
  public boolean unsubscribe(ClientSession session, Kind kind, byte[] name) {
    Channel key = new Channel(name);
    if (!session.subscriptions().remove(kind, key)) {
      return false;
    }
    map(kind).computeIfPresent(key, (k, set) -> {
      set.remove(session);
      if (set.isEmpty() && kind == Kind.SHARD) {
        shardChannelListener.changed(name, false);
      }
      return set.isEmpty() ? null : set;
    });
    return true;
  }

  /** Drops every subscription of a session (RESET, disconnect). */
  public void removeAll(ClientSession session) {
    for (Kind kind : Kind.values()) {
      for (Channel name : session.subscriptions().list(kind)) {
        unsubscribe(session, kind, name.bytes());
      }
    }
  }

  /** Where messages published here go besides local subscribers (the cluster bridge). */
  public void outbound(Consumer<Published> outbound) {
    this.outbound = outbound;
  }

  /** Where first and last local shard-channel subscriptions are reported (the cluster bridge). */
  public void shardChannelListener(ShardChannelListener listener) {
    this.shardChannelListener = listener;
  }

  /** PUBLISH: delivers to local channel and pattern subscribers; the number that received it. */
  public int publish(byte[] channel, byte[] message) {
    int receivers = deliverLocal(channel, message);
    outbound.accept(new Published(false, channel, message));
    return receivers;
  }

  /** SPUBLISH: delivers to local shard-channel subscribers only. */
  public int spublish(byte[] channel, byte[] message) {
    int receivers = deliverShard(channel, message);
    outbound.accept(new Published(true, channel, message));
    return receivers;
  }

  /** A message published on another node: delivered to local subscribers only. */
  public int deliverRemote(boolean shard, byte[] channel, byte[] message) {
    return shard ? deliverShard(channel, message) : deliverLocal(channel, message);
  }

  private int deliverLocal(byte[] channel, byte[] message) {
    int receivers = 0;
    Reply channelReply = Reply.bulk(channel);
    Reply messageReply = Reply.bulk(message);
    Set<ClientSession> direct = channels.get(new Channel(channel));
    if (direct != null) {
      Reply push = Reply.push(List.of(MESSAGE, channelReply, messageReply));
      for (ClientSession session : direct) {
        session.push(push);
        receivers++;
      }
    }
    for (Map.Entry<Channel, Set<ClientSession>> entry : patterns.entrySet()) {
      byte[] pattern = entry.getKey().bytes();
      if (!Glob.matches(pattern, channel)) {
        continue;
      }
      Reply push = Reply.push(List.of(PMESSAGE, Reply.bulk(pattern), channelReply, messageReply));
      for (ClientSession session : entry.getValue()) {
        session.push(push);
        receivers++;
      }
    }
    return receivers;
  }

  private int deliverShard(byte[] channel, byte[] message) {
    Set<ClientSession> direct = shardChannels.get(new Channel(channel));
    if (direct == null) {
      return 0;
    }
    int receivers = 0;
    Reply push = Reply.push(List.of(SMESSAGE, Reply.bulk(channel), Reply.bulk(message)));
    for (ClientSession session : direct) {
      session.push(push);
      receivers++;
    }
    return receivers;
  }

  /** PUBSUB CHANNELS / SHARDCHANNELS: active names, optionally matching a pattern. */
  public List<byte[]> names(Kind kind, byte[] pattern) {
    List<byte[]> names = new ArrayList<>();
    for (Channel name : map(kind).keySet()) {
      if (pattern == null || Glob.matches(pattern, name.bytes())) {
        names.add(name.bytes());
      }
    }
    return names;
  }

  /** PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one name. */
  public int subscribers(Kind kind, byte[] name) {
    Set<ClientSession> set = map(kind).get(new Channel(name));
    return set == null ? 0 : set.size();
  }

  /** PUBSUB NUMPAT: distinct patterns with at least one subscriber. */
  public int patternCount() {
    return patterns.size();
  }
}
