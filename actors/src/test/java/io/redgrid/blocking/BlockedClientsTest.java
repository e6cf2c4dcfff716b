package io.redgrid.blocking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandSpec;
import io.redgrid.command.Commands;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The wake-up protocol with a scripted retrier: FIFO, one retry at a time, no lost signal. */
class BlockedClientsTest {
  private final List<Runnable> timers = new ArrayList<>();
  private final ArrayDeque<CompletableFuture<Reply>> retries = new ArrayDeque<>();
  private final List<Long> retried = new ArrayList<>();
  private final BlockedClients blocked = new BlockedClients(Runnable::run, (ms, task) -> timers.add(task));
  private final CommandSpec blpop = Commands.standardTable().lookup("blpop");

  BlockedClientsTest() {
    blocked.retrier(waiter -> {
      retried.add(waiter.clientId());
      CompletableFuture<Reply> result = new CompletableFuture<>();
      retries.add(result);
      return result;
    });
  }

  private Waiter block(long client, String key, long timeout) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    blocked.block(client, blpop, new byte[][] {k}, 0, 2,
        new BlockRequest(new byte[][] {k}, timeout, Reply.NULL_ARRAY));
    return blocked.take(client);
  }

  private void push(String key) {
    blocked.signal(0, key.getBytes(StandardCharsets.UTF_8));
    blocked.serveReady();
  }

  @Test
  void theFirstClientToBlockIsServedFirstAndTheNextGetsTheRest() {
    Waiter first = block(1, "q", 0);
    Waiter second = block(2, "q", 0);
    assertEquals(2, blocked.count());
    push("q");
    assertEquals(List.of(1L), retried, "only the head of the queue retries");
    Reply a = Reply.bulk("a");
    retries.poll().complete(a);
    assertSame(a, first.reply().join());
    assertEquals(List.of(1L, 2L), retried, "served: the next waiter tries the key too");
    retries.poll().complete(BlockedClients.BLOCKED);
    assertFalse(second.reply().isDone(), "nothing left: it keeps waiting");
    assertEquals(1, blocked.count());
  }

  @Test
  void aSignalDuringARetryIsNotLost() {
    Waiter waiter = block(1, "q", 0);
    push("q");
    push("q");
    retries.poll().complete(BlockedClients.BLOCKED);
    assertEquals(List.of(1L, 1L), retried, "retried again because of the second push");
    Reply x = Reply.bulk("x");
    retries.poll().complete(x);
    assertSame(x, waiter.reply().join());
  }

  @Test
  void aTimeoutEndsTheWaitButAServedRetryWins() {
    Waiter waiting = block(1, "q", 100);
    timers.get(0).run();
    assertEquals(Reply.NULL_ARRAY, waiting.reply().join());
    assertEquals(0, blocked.count());

    Waiter racing = block(2, "q", 100);
    push("q");
    timers.get(1).run();
    assertFalse(racing.reply().isDone(), "the retry in flight decides");
    Reply won = Reply.bulk("won");
    retries.poll().complete(won);
    assertSame(won, racing.reply().join());
  }

  @Test
  void unblockAndDisconnect() {
    Waiter waiter = block(7, "q", 0);
    assertTrue(blocked.unblock(7, true));
    assertEquals(Reply.error(BlockedClients.UNBLOCKED), waiter.reply().join());
    assertFalse(blocked.unblock(7, false));

    block(8, "q", 0);
    blocked.disconnected(8);
    assertEquals(0, blocked.count());
    push("q");
    assertTrue(retried.isEmpty(), "a gone client never takes an element");
    assertNull(blocked.take(8));
  }
}
