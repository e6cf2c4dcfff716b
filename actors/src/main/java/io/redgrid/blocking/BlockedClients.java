package io.redgrid.blocking;

import io.redgrid.keyspace.DbKey;
import io.redgrid.command.CommandSpec;
import io.redgrid.protocol.Reply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Clients blocked in BLPOP, BLMOVE, BZPOPMIN ...: who waits on which key, in the order they
 * blocked, and how they are woken.
 *
 * <p>A blocking command first runs like any other. If every key is empty it asks to block, and
 * the shard (or the coordinator holding several shards) registers it here before it processes
 * anything else, so no write can slip between the check and the registration. Every write
 * signals the keys it touched; once the writing batch is done, the first waiting client of each
 * signalled key runs its command again, through the normal route, as a new message behind the
 * write. If that finds data the client is served and its pop is persisted like any pop;
 * otherwise (another client was faster) it keeps its place. A client has at most one retry in
 * flight, so an element is never handed to two clients, and a signal that arrives during a retry
 * is remembered, so none is lost.
 */
public final class BlockedClients {
  /** Reply sentinel: the command blocked; its real reply comes through {@link Waiter#reply()}. */
  public static final Reply BLOCKED = new Reply.Simple("BLOCKED");

  static final String UNBLOCKED = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

  /** Runs a waiter's command again through the normal route; BLOCKED if it found nothing. */
  public interface Retrier {
    CompletionStage<Reply> retry(Waiter waiter);
  }

  /** Runs a task after a delay without holding a thread. */
  public interface Scheduler {
    void schedule(long delayMillis, Runnable task);
  }

  private final Object lock = new Object();
  private final Map<DbKey, ArrayDeque<Waiter>> byKey = new HashMap<>();
  private final Map<Long, Waiter> byClient = new HashMap<>();
  private final LinkedHashSet<DbKey> ready = new LinkedHashSet<>();
  /** Waiters whose connection has not picked them up yet; they may already be done (a short timeout). */
  private final Map<Long, Waiter> handoff = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile int blocked;
  private final Executor executor;
  private final Scheduler scheduler;
  private volatile Retrier retrier;

  public BlockedClients(Executor executor, Scheduler scheduler) {
    this.executor = executor;
    this.scheduler = scheduler;
  }

  /** Set once the node's routing exists (it needs the shards, which need this registry). */
  public void retrier(Retrier retrier) {
    this.retrier = retrier;
  }

  /** How many clients are blocked (INFO clients: blocked_clients). */
  public int count() {
    return blocked;
  }

  /** Registers a client whose command found nothing; call while holding its keys' shards. */
  public Waiter block(long clientId, CommandSpec spec, byte[][] argv, int db, int protocol,
      BlockRequest request) {
    List<DbKey> keys = new ArrayList<>(request.keys().length);
    for (byte[] key : request.keys()) {
      DbKey waitKey = new DbKey(db, key);
      if (!keys.contains(waitKey)) {
        keys.add(waitKey);
      }
    }
    Waiter waiter = new Waiter(clientId, spec, argv, db, protocol, keys, request.timeoutReply());
    synchronized (lock) {
      Waiter previous = byClient.put(clientId, waiter);
      if (previous != null) {
        end(previous, null);
      }
      for (DbKey key : keys) {
        byKey.computeIfAbsent(key, k -> new ArrayDeque<>()).add(waiter);
      }
      blocked = byClient.size();
    }
    handoff.put(clientId, waiter);
    if (request.timeoutMillis() > 0) {
      scheduler.schedule(request.timeoutMillis(), () -> finish(waiter, waiter.timeoutReply));
    }
    return waiter;
  }

  /** Takes the waiter of a client whose command just answered {@link #BLOCKED}, to wait on its reply. */
  public Waiter take(long clientId) {
    return handoff.remove(clientId);
  }

  /** A write touched {@code key}: clients waiting on it will try again after the write's batch. */
  public void signal(int db, byte[] key) {
    if (blocked == 0) {
      return;
    }
    DbKey waitKey = new DbKey(db, key);
    synchronized (lock) {
      if (byKey.containsKey(waitKey)) {
        ready.add(waitKey);
      }
    }
  }

  /** A write changed whole databases (SWAPDB, FLUSHALL ...): every waiter tries again. */
  public void signalAll() {
    if (blocked == 0) {
      return;
    }
    synchronized (lock) {
      ready.addAll(byKey.keySet());
    }
  }

  /** Starts retries for the first waiting client of every signalled key. */
  public void serveReady() {
    if (blocked == 0) {
      return;
    }
    List<Waiter> toRetry = new ArrayList<>();
    synchronized (lock) {
      for (DbKey key : ready) {
        ArrayDeque<Waiter> queue = byKey.get(key);
        if (queue == null) {
          continue;
        }
        for (Waiter waiter : queue) {
          if (waiter.state == Waiter.State.WAITING) {
            waiter.state = Waiter.State.RETRYING;
            toRetry.add(waiter);
            break;
          }
          if (waiter.state == Waiter.State.RETRYING) {
            waiter.signalledWhileRetrying = true;
            break;
          }
        }
      }
      ready.clear();
    }
    for (Waiter waiter : toRetry) {
      retry(waiter);
    }
  }

  private void retry(Waiter waiter) {
    retrier.retry(waiter).whenCompleteAsync((reply, failure) -> retried(waiter,
        failure != null ? Reply.error("ERR internal error: " + failure) : reply), executor);
  }

  private void retried(Waiter waiter, Reply reply) {
    boolean again = false;
    synchronized (lock) {
      if (reply == BLOCKED) {
        if (waiter.endWith != null) {
          end(waiter, waiter.endWith);
        } else if (waiter.signalledWhileRetrying) {
          waiter.signalledWhileRetrying = false;
          again = true;
        } else {
          waiter.state = Waiter.State.WAITING;
        }
      } else {
        // Served: the next client in line may find data too (a push of several elements).
        ready.addAll(waiter.keys);
        end(waiter, reply);
      }
    }
    if (again) {
      retry(waiter);
    } else {
      serveReady();
    }
  }

  /** CLIENT UNBLOCK: ends a blocked client's wait with its timeout reply or an error. */
  public boolean unblock(long clientId, boolean error) {
    Waiter waiter;
    synchronized (lock) {
      waiter = byClient.get(clientId);
    }
    return waiter != null && finish(waiter, error ? Reply.error(UNBLOCKED) : waiter.timeoutReply);
  }

  /** The client disconnected: it no longer waits. */
  public void disconnected(long clientId) {
    handoff.remove(clientId);
    Waiter waiter;
    synchronized (lock) {
      waiter = byClient.get(clientId);
    }
    if (waiter != null) {
      finish(waiter, waiter.timeoutReply);
    }
  }

  /** Ends a wait from outside (timeout, unblock); a retry in flight decides first. */
  private boolean finish(Waiter waiter, Reply reply) {
    synchronized (lock) {
      switch (waiter.state) {
        case WAITING -> {
          end(waiter, reply);
          return true;
        }
        case RETRYING -> {
          waiter.endWith = reply;
          return true;
        }
        default -> {
          return false;
        }
      }
    }
  }

  /** Removes a waiter everywhere and completes its reply; caller holds the lock. */
  private void end(Waiter waiter, Reply reply) {
    waiter.state = Waiter.State.DONE;
    for (DbKey key : waiter.keys) {
      ArrayDeque<Waiter> queue = byKey.get(key);
      if (queue != null) {
        queue.remove(waiter);
        if (queue.isEmpty()) {
          byKey.remove(key);
        }
      }
    }
    byClient.remove(waiter.clientId, waiter);
    blocked = byClient.size();
    executor.execute(() -> waiter.reply.complete(reply));
  }

  /** Whether the client waits in a blocking command (CLIENT LIST flag b; not closed by timeout). */
  public boolean isBlocked(long clientId) {
    synchronized (lock) {
      return byClient.containsKey(clientId);
    }
  }
}
