package io.redgrid.memory;

import java.util.Locale;

/** Redis' maxmemory-policy values: which keys may be evicted and how candidates are ranked. */
public enum EvictionPolicy {
  VOLATILE_LRU(true, Rank.LRU),
  VOLATILE_LFU(true, Rank.LFU),
  VOLATILE_RANDOM(true, Rank.RANDOM),
  VOLATILE_TTL(true, Rank.TTL),
  ALLKEYS_LRU(false, Rank.LRU),
  ALLKEYS_LFU(false, Rank.LFU),
  ALLKEYS_RANDOM(false, Rank.RANDOM),
  NOEVICTION(false, Rank.NONE);

  /** How a policy orders candidates. */
  public enum Rank { LRU, LFU, TTL, RANDOM, NONE }

  private final boolean volatileOnly;
  private final Rank rank;
  private final String text;

  EvictionPolicy(boolean volatileOnly, Rank rank) {
    this.volatileOnly = volatileOnly;
    this.rank = rank;
    this.text = name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Only keys with a TTL are candidates (the volatile-* policies). */
  public boolean volatileOnly() {
    return volatileOnly;
  }

  public Rank rank() {
    return rank;
  }

  /** The LFU policies keep the logarithmic counter instead of the access time. */
  public boolean lfu() {
    return rank == Rank.LFU;
  }

  /** The name as redis.conf and CONFIG GET spell it. */
  public String text() {
    return text;
  }

  public static EvictionPolicy parse(String text) {
    return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
