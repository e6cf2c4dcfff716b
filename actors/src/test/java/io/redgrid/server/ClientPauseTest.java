package io.redgrid.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pause's own timer releases held clients, even when it fires before the pause's clock says so. */
class ClientPauseTest {
  private final ServerStats stats = new ServerStats();

  @Test
  void theTimerReleasesHeldClientsAtTheEnd() throws Exception {
    ClientPause pause = new ClientPause(Runnable::run, System::currentTimeMillis, stats);
    pause.pause(System.currentTimeMillis() + 50, ClientPause.Mode.ALL);
    CompletableFuture<Void> released = pause.released().toCompletableFuture();
    assertFalse(released.isDone());
    assertTrue(stats.expiryPaused);
    released.get(5, TimeUnit.SECONDS); // nobody asks: the timer alone ends it
    assertEquals(ClientPause.Mode.NONE, pause.mode());
    assertFalse(stats.expiryPaused);
  }

  @Test
  void aTimerFiringEarlyChecksAgain() throws Exception {
    AtomicLong now = new AtomicLong(1_000);
    ClientPause pause = new ClientPause(Runnable::run, now::get, stats);
    pause.pause(1_020, ClientPause.Mode.WRITE);
    CompletableFuture<Void> released = pause.released().toCompletableFuture();
    Thread.sleep(100); // the first timer fired while the pause's clock had not moved
    assertFalse(released.isDone());
    now.set(1_021);
    released.get(5, TimeUnit.SECONDS);
    assertTrue(released.isDone());
  }

  @Test
  void unpauseWithoutPauseIsHarmless() {
    ClientPause pause = new ClientPause(Runnable::run, System::currentTimeMillis, stats);
    pause.unpause();
    assertTrue(pause.released().toCompletableFuture().isDone());
    assertEquals(ClientPause.Mode.NONE, pause.mode());
  }
}
