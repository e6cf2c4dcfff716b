package io.redgrid.node;

import java.util.concurrent.TimeUnit;

/**
 * One class of Redis' {@code client-output-buffer-limit}: a client whose queued output exceeds
 * {@code hard} bytes, or stays above {@code soft} bytes for {@code softSeconds}, is disconnected.
 * 0 disables a limit. Clients with subscriptions use the pubsub class, others the normal class
 * (no limit in Redis' default configuration).
 */
record OutputLimits(long hard, long soft, long softSeconds) {
  static OutputLimits of(io.redgrid.config.OutputBufferLimits.Limit limit) {
    return new OutputLimits(limit.hard(), limit.soft(), limit.softSeconds());
  }

  boolean none() {
    return hard == 0 && soft == 0;
  }

  long softNanos() {
    return TimeUnit.SECONDS.toNanos(softSeconds);
  }
}
