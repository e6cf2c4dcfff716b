package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.transaction.Transaction;
import org.junit.jupiter.api.Test;

/**
 * MULTI / DISCARD / WATCH / UNWATCH errors and Redis 7.0's rules for what dirties a watched key.
 * Queueing and EXEC's run live in the connection (TransactionEndToEndTest).
 */
class TransactionCommandsTest {
  private final CommandHarness h = new CommandHarness();

  private Transaction transaction() {
    return h.session.transaction();
  }

  private boolean dirty() {
    return transaction().dirty();
  }

  @Test
  void errorsAndArity() {
    assertEquals("(error) ERR wrong number of arguments for 'watch' command", h.cli("WATCH"));
    assertEquals("(error) ERR wrong number of arguments for 'multi' command", h.cli("MULTI", "x"));
    assertEquals("(error) ERR wrong number of arguments for 'exec' command", h.cli("EXEC", "x"));
    assertEquals("(error) ERR wrong number of arguments for 'discard' command", h.cli("DISCARD", "x"));
    assertEquals("(error) ERR wrong number of arguments for 'unwatch' command", h.cli("UNWATCH", "x"));
    assertEquals("(error) ERR EXEC without MULTI", h.cli("EXEC"));
    assertEquals("(error) ERR DISCARD without MULTI", h.cli("DISCARD"));
    assertEquals("OK", h.cli("UNWATCH"));
    assertEquals("OK", h.cli("MULTI"));
    assertTrue(transaction().active());
    assertEquals("(error) ERR MULTI calls can not be nested", h.cli("MULTI"));
    assertEquals("(error) ERR WATCH inside MULTI is not allowed", h.cli("WATCH", "k"));
    assertEquals("OK", h.cli("DISCARD"));
    assertFalse(transaction().active());
    assertEquals("(error) ERR DISCARD without MULTI", h.cli("DISCARD"));
  }

  @Test
  void commandInfoAsRedis() {
    assertEquals("1) 1) \"watch\"\n   2) (integer) -2\n   3) 1) noscript\n      2) loading\n      3) stale\n"
        + "      4) fast\n      5) allow_busy\n   4) (integer) 1\n   5) (integer) -1\n   6) (integer) 1\n"
        + "   7) 1) @fast\n      2) @transaction",
        h.cli("COMMAND", "INFO", "watch").replaceAll("(?s)\n   8\\).*", ""));
    assertEquals("1) 1) \"exec\"\n   2) (integer) 1\n   3) 1) noscript\n      2) loading\n      3) stale\n"
        + "      4) skip_slowlog\n   4) (integer) 0\n   5) (integer) 0\n   6) (integer) 0\n"
        + "   7) 1) @slow\n      2) @transaction",
        h.cli("COMMAND", "INFO", "exec").replaceAll("(?s)\n   8\\).*", ""));
  }

  @Test
  void writeToWatchedKeyDirties() {
    h.cli("SET", "k", "1");
    assertEquals("OK", h.cli("WATCH", "k", "other"));
    assertEquals(2, h.stats.watchedKeys.size());
    h.cli("GET", "k");
    h.cli("SET", "unrelated", "x");
    h.select(1);
    h.cli("SET", "k", "in db 1");
    h.select(0);
    assertFalse(dirty(), "reads, other keys and other dbs leave it alone");
    h.cli("DEL", "missing");
    assertFalse(dirty());
    h.cli("APPEND", "k", "2");
    assertTrue(dirty());
    assertEquals("OK", h.cli("UNWATCH"));
    assertFalse(dirty());
    assertEquals(0, h.stats.watchedKeys.size());
  }

  @Test
  void creatingOrDeletingAWatchedKeyDirties() {
    h.cli("WATCH", "new");
    h.cli("LPUSH", "new", "a");
    assertTrue(dirty());
    h.cli("UNWATCH");
    h.cli("WATCH", "new");
    h.cli("LPOP", "new"); // empties and deletes the list
    assertTrue(dirty());
    h.cli("UNWATCH");
    h.cli("SET", "ttl", "v");
    h.cli("WATCH", "ttl");
    h.cli("EXPIRE", "ttl", "100");
    assertTrue(dirty());
  }

  @Test
  void expiryAfterWatchDirtiesButExpiryOfAlreadyExpiredKeyDoesNot() {
    h.cli("SET", "soon", "v", "PX", "100");
    h.cli("WATCH", "soon");
    h.clock.advance(200);
    assertEquals("(nil)", h.cli("GET", "soon")); // lazy expiry deletes it
    assertTrue(dirty());
    h.cli("UNWATCH");

    h.cli("SET", "gone", "v", "PX", "100");
    h.clock.advance(200);
    h.cli("WATCH", "gone"); // already expired, not yet deleted
    assertEquals("(nil)", h.cli("GET", "gone"));
    assertFalse(dirty(), "no logical change: it was already expired when watched");
    h.cli("SET", "gone", "again");
    assertTrue(dirty(), "a later write still counts");
  }

  @Test
  void flushdbDirtiesOnlyExistingWatchedKeysOfItsDb() {
    h.cli("SET", "k", "1");
    h.cli("WATCH", "missing");
    h.cli("FLUSHDB");
    assertFalse(dirty());
    h.cli("UNWATCH");
    h.cli("SET", "k", "1");
    h.cli("WATCH", "k");
    h.select(2);
    h.cli("FLUSHDB");
    h.select(0);
    assertFalse(dirty());
    h.cli("FLUSHDB");
    assertTrue(dirty());
  }

  @Test
  void flushallAndSwapdbDirty() {
    h.select(3);
    h.cli("SET", "k", "1");
    h.cli("WATCH", "k");
    h.select(0);
    h.cli("FLUSHALL");
    assertTrue(dirty());
    h.cli("UNWATCH");

    h.select(5);
    h.cli("SET", "k", "v");
    h.select(0);
    h.cli("WATCH", "k"); // missing in db 0, present in db 5
    h.cli("SWAPDB", "0", "1");
    assertFalse(dirty(), "neither db has it");
    h.cli("SWAPDB", "0", "5");
    assertTrue(dirty(), "the key appears in db 0");
  }

  @Test
  void resetAndDiscardUnwatch() {
    h.cli("WATCH", "k");
    h.cli("MULTI");
    h.cli("DISCARD");
    h.cli("SET", "k", "1");
    assertFalse(dirty());
    assertEquals(0, h.stats.watchedKeys.size());
    h.cli("WATCH", "k");
    h.cli("MULTI");
    h.cli("RESET");
    assertFalse(transaction().active());
    assertEquals(0, h.stats.watchedKeys.size());
  }

  @Test
  void blockingCommandWithoutBlockingAnswersAtOnce() {
    // Where a client cannot block (no registry, or EXEC's denyBlocking) BLPOP is its timeout reply.
    assertEquals("(nil)", h.cli("BLPOP", "empty", "0"));
  }

  @Test
  void watchRecordsNoEffect() {
    h.cli("WATCH", "a", "b");
    h.cli("UNWATCH");
    assertEquals(java.util.List.of(), h.effects());
    assertEquals(h.dump(), h.replayed().dump());
  }

  @Test
  void clientListShowsMultiAndDirty() {
    assertTrue(h.cli("CLIENT", "LIST").contains(" flags=N db=0 "));
    assertTrue(h.cli("CLIENT", "LIST").contains(" multi=-1 "));
    h.cli("WATCH", "k");
    h.cli("SET", "k", "1");
    assertTrue(h.cli("CLIENT", "LIST").contains(" flags=d "), h.cli("CLIENT", "LIST"));
    h.cli("MULTI");
    transaction().queue(null, new byte[][] {"GET".getBytes(), "k".getBytes()});
    String list = h.cli("CLIENT", "LIST");
    // Redis 7.0 queues nothing once the transaction is dirty
    assertTrue(list.contains(" flags=xd ") && list.contains(" multi=0 "), list);
    h.cli("DISCARD");
    h.cli("MULTI");
    transaction().queue(null, new byte[][] {"GET".getBytes(), "k".getBytes()});
    list = h.cli("CLIENT", "LIST");
    assertTrue(list.contains(" flags=x ") && list.contains(" multi=1 "), list);
  }

  @Test
  void evictionDirties() {
    h.cli("SET", "k", "v");
    h.cli("WATCH", "k");
    assertEquals("OK", h.cli("CONFIG", "SET", "maxmemory-eviction-tenacity", "100"));
    assertEquals("OK", h.cli("CONFIG", "SET", "maxmemory", "1", "maxmemory-policy", "allkeys-random"));
    h.cli("GET", "unrelated"); // every command evicts first while over maxmemory
    try {
      h.config.set(java.util.Map.of("maxmemory", "0"));
    } catch (io.redgrid.config.ConfigException e) {
      throw new IllegalStateException(e);
    }
    assertEquals("(integer) 0", h.cli("EXISTS", "k"));
    assertTrue(dirty(), "evicted");
  }
}
