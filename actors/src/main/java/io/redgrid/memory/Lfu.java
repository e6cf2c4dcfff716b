package io.redgrid.memory;

import io.redgrid.keyspace.KeyEntry;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis' LFU counter (evict.c): an 8-bit logarithmic counter that starts at {@code LFU_INIT_VAL},
 * grows with probability 1/((counter-5)*lfu-log-factor+1) and loses one per
 * {@code lfu-decay-time} minutes without access. The entry's {@code lastAccess} holds the time of
 * the last decrement, as Redis keeps it in the object's lru field under an LFU policy.
 */
public final class Lfu {
  /** Redis' LFU_INIT_VAL: new keys are not evicted before they had a chance to be used. */
  public static final int INIT_VAL = 5;

  private Lfu() {}

  /** Redis' LFUDecrAndReturn: the counter after the decay owed since the last access. */
  public static int decayed(KeyEntry entry, long now, long decayMinutes) {
    int counter = entry.frequency();
    if (decayMinutes <= 0) {
      return counter;
    }
    long elapsedMinutes = Math.max(0, now - entry.lastAccess()) / 60_000;
    long periods = elapsedMinutes / decayMinutes;
    return periods > counter ? 0 : (int) (counter - periods);
  }

  /** Redis' LFULogIncr. */
  public static int increment(int counter, long logFactor) {
    if (counter == 255) {
      return 255;
    }
    double r = ThreadLocalRandom.current().nextDouble();
    double base = Math.max(0, counter - INIT_VAL);
    double p = 1.0 / (base * logFactor + 1);
    return r < p ? counter + 1 : counter;
  }

  /** Redis' updateLFU: decay, then a logarithmic increment, and the access time becomes now. */
  public static void access(KeyEntry entry, long now, long logFactor, long decayMinutes) {
    int counter = decayed(entry, now, decayMinutes);
    entry.setFrequency(increment(counter, logFactor));
    entry.touch(now);
  }

  /** A new key under an LFU policy (Redis' createObject). */
  public static void created(KeyEntry entry, long now) {
    entry.setFrequency(INIT_VAL);
    entry.touch(now);
  }
}
