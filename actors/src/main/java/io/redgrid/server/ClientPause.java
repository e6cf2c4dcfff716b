package io.redgrid.server;

import io.redgrid.command.CommandSpec;
import io.redgrid.command.Flag;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * CLIENT PAUSE / UNPAUSE of a node, as Redis 7.0: a pause only grows (the later end and the
 * stronger mode win) until it times out or UNPAUSE ends it. Held commands wait on
 * {@link #released()} without a thread.
 */
public final class ClientPause {
  /** Pause modes in increasing strength. */
  public enum Mode { NONE, WRITE, ALL }

  /**
   * Commands Redis 7.0 flags may_replicate (not shown by COMMAND INFO there): a WRITE pause holds
   * them as well as the write commands.
   */
  private static final Set<String> MAY_REPLICATE = Set.of(
      "publish", "spublish", "pfcount", "eval", "evalsha", "fcall", "function|delete",
      "function|flush", "function|load", "function|restore", "script|flush", "script|load");

  private final Executor executor;
  private final LongSupplier clock;
  private final ServerStats stats;
  private volatile Mode mode = Mode.NONE;
  private long end;
  private CompletableFuture<Void> released = CompletableFuture.completedFuture(null);

  /** {@code clock} gives epoch milliseconds; timers run their check on {@code executor}. */
  public ClientPause(Executor executor, LongSupplier clock, ServerStats stats) {
    this.executor = executor;
    this.clock = clock;
    this.stats = stats;
  }

  /** Pauses until {@code endMillis} (epoch ms) in {@code mode}, or longer/stronger if already so. */
  public synchronized void pause(long endMillis, Mode mode) {
    if (this.mode == Mode.NONE) {
      released = new CompletableFuture<>();
      end = endMillis;
    } else {
      end = Math.max(end, endMillis);
    }
    if (mode.compareTo(this.mode) > 0) {
      this.mode = mode;
    }
    stats.expiryPaused = true;
    schedule();
  }

  /** Checks again just after the end: Redis lifts the pause once its end is in the past. */
  private void schedule() {
    long delay = end - clock.getAsLong();
    CompletableFuture.delayedExecutor(Math.max(0, delay) + 1, TimeUnit.MILLISECONDS, executor)
        .execute(this::onTimer);
  }

  /** CLIENT UNPAUSE: held clients go on at once. */
  public void unpause() {
    CompletableFuture<Void> waiting;
    synchronized (this) {
      if (mode == Mode.NONE) {
        return;
      }
      mode = Mode.NONE;
      stats.expiryPaused = false;
      waiting = released;
    }
    waiting.complete(null); // outside the lock: held connections resume on this thread's call
  }

  /** Ends the pause if its end has passed; true while a pause is still in force. */
  private boolean endIfDue() {
    synchronized (this) {
      if (mode == Mode.NONE) {
        return false;
      }
      if (end >= clock.getAsLong()) {
        return true;
      }
    }
    unpause();
    return false;
  }

  /** The timer: a timer that fired early (or a clock behind) checks again, held clients must not wait forever. */
  private void onTimer() {
    if (endIfDue()) {
      synchronized (this) {
        if (mode != Mode.NONE) {
          schedule();
        }
      }
    }
  }

  /** Epoch milliseconds of this pause's clock: what CLIENT PAUSE adds its timeout to. */
  public long now() {
    return clock.getAsLong();
  }

  /** The mode in force now (NONE once the end has passed). */
  public Mode mode() {
    Mode current = mode;
    if (current != Mode.NONE) {
      endIfDue();
      current = mode;
    }
    return current;
  }

  /**
   * Whether {@code spec} must wait: every command under ALL, writes and may-replicate commands
   * under WRITE. Monitors (replicas in Redis) are never paused; that check is the caller's.
   */
  public boolean holds(CommandSpec spec) {
    if (mode == Mode.NONE) {
      return false;
    }
    return switch (mode()) {
      case NONE -> false;
      case ALL -> true;
      case WRITE -> spec.has(Flag.WRITE) || spec.has(Flag.MAY_REPLICATE)
          || MAY_REPLICATE.contains(spec.fullName());
    };
  }

  /** Completes when the current pause ends (at once when there is none). */
  public synchronized CompletionStage<Void> released() {
    return released;
  }
}
