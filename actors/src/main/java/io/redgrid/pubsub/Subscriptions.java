package io.redgrid.pubsub;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One client's subscriptions. Changed only by its own connection (commands, RESET, disconnect);
 * the counts are volatile so that CLIENT LIST from other connections reads current figures.
 */
public final class Subscriptions {
  /** The three namespaces: SUBSCRIBE, PSUBSCRIBE and SSUBSCRIBE. */
  public enum Kind { CHANNEL, PATTERN, SHARD }

  private final Set<Channel> channels = new LinkedHashSet<>();
  private final Set<Channel> patterns = new LinkedHashSet<>();
  private final Set<Channel> shardChannels = new LinkedHashSet<>();
  private volatile int channelCount;
  private volatile int patternCount;
  private volatile int shardCount;

  Set<Channel> of(Kind kind) {
    return switch (kind) {
      case CHANNEL -> channels;
      case PATTERN -> patterns;
      case SHARD -> shardChannels;
    };
  }

  synchronized boolean add(Kind kind, Channel name) {
    boolean added = of(kind).add(name);
    recount();
    return added;
  }

  synchronized boolean remove(Kind kind, Channel name) {
    boolean removed = of(kind).remove(name);
    recount();
    return removed;
  }

  /** A snapshot of one namespace, in subscription order. */
  public synchronized List<Channel> list(Kind kind) {
    return new ArrayList<>(of(kind));
  }

  private void recount() {
    channelCount = channels.size();
    patternCount = patterns.size();
    shardCount = shardChannels.size();
  }

  public int channels() {
    return channelCount;
  }

  public int patterns() {
    return patternCount;
  }

  public int shardChannels() {
    return shardCount;
  }

  /** What (UN)SUBSCRIBE and P(UN)SUBSCRIBE replies count, as Redis' clientSubscriptionsCount. */
  public int count() {
    return channelCount + patternCount;
  }

  /** Any subscription at all: the client is in Pub/Sub mode (flag P, RESP2 restrictions). */
  public boolean active() {
    return channelCount + patternCount + shardCount > 0;
  }
}
