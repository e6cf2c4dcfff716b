package io.redgrid.node;

import java.util.concurrent.TimeUnit;

/**
 * Redis' {@code client-output-buffer-limit pubsub}: a client whose queued output exceeds
 * {@code hard} bytes, or stays above {@code soft} bytes for {@code softSeconds}, is disconnected.
 * 0 disables a limit. Applies to clients with subscriptions, as in Redis (normal clients have
 * no limit by default).
 */
record OutputLimits(long hard, long soft, long softSeconds) {
  static final OutputLimits PUBSUB_DEFAULT = new OutputLimits(32L << 20, 8L << 20, 60);

  long softNanos() {
    return TimeUnit.SECONDS.toNanos(softSeconds);
  }
}
