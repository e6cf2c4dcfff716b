package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.command.Flag;
import io.redgrid.command.Route;
import io.redgrid.keyspace.Keyspace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** DBSIZE, FLUSHDB, FLUSHALL and SWAPDB over a keyspace of 4 shards. */
class DatabaseCommandsTest {
  private static final int KEYS = 20;

  private final CommandHarness h = new CommandHarness();

  /** Writes KEYS keys named {@code prefix0..} into {@code db}, spread over every shard. */
  private void fill(int db, String prefix) {
    h.select(db);
    Set<Integer> shards = new TreeSet<>();
    for (int i = 0; i < KEYS; i++) {
      assertEquals("OK", h.cli("SET", prefix + i, prefix + "-value-" + i));
      shards.add(h.shardOf(prefix + i));
    }
    assertEquals(Set.of(0, 1, 2, 3), shards, "the test keys must cover every shard");
    h.select(0);
  }

  private List<String> newEffects(List<String> before) {
    List<String> all = new ArrayList<>(h.effects());
    for (String old : before) {
      all.remove(old);
    }
    return all;
  }

  private static List<String> times(int count, String line) {
    return Collections.nCopies(count, line);
  }

  // ---- DBSIZE ------------------------------------------------------------------------------

  @Test
  void dbsizeCountsTheSelectedDatabaseOverEveryShard() {
    assertEquals("(integer) 0", h.cli("DBSIZE"));
    fill(0, "a");
    fill(5, "b");
    h.select(5);
    h.cli("SET", "extra", "x");
    assertEquals("(integer) 21", h.cli("DBSIZE"));
    h.select(0);
    assertEquals("(integer) 20", h.cli("DBSIZE"));
    h.select(1);
    assertEquals("(integer) 0", h.cli("DBSIZE"));
    assertEquals(List.of("SET a0 a-value-0"), h.effects().subList(0, 1), "DBSIZE itself records nothing");
    assertEquals(41, h.effects().size());
  }

  @Test
  void dbsizeCountsExpiredKeysUntilTheyAreDeletedLikeRedis() {
    h.cli("SET", "a", "1", "PX", "100");
    h.cli("SET", "b", "2");
    h.clock.advance(1_000);
    assertEquals("(integer) 2", h.cli("DBSIZE"));
    assertEquals("(nil)", h.cli("GET", "a"));
    assertEquals("(integer) 1", h.cli("DBSIZE"));
  }

  // ---- FLUSHDB ------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"", "ASYNC", "SYNC", "async", "Sync"})
  void flushdbEmptiesOnlyTheSelectedDatabaseOnEveryShard(String mode) {
    fill(0, "a");
    fill(2, "b");
    h.select(2);
    h.cli("SET", "t", "v", "EX", "100");
    List<String> before = h.effects();
    assertEquals("OK", mode.isEmpty() ? h.cli("FLUSHDB") : h.cli("FLUSHDB", mode));
    assertEquals("(integer) 0", h.cli("DBSIZE"));
    assertEquals("(nil)", h.cli("GET", "b3"));
    for (int shard = 0; shard < 4; shard++) {
      assertEquals(0, h.keyspace(shard).database(2).volatileCount(), "the expiry sweep index is emptied too");
    }
    h.select(0);
    assertEquals("(integer) 20", h.cli("DBSIZE"));
    assertEquals(times(4, "[db2] FLUSHDB"), newEffects(before));
    h.assertReplays();
  }

  @Test
  void keysWrittenAfterAFlushSurviveTheReplay() {
    fill(0, "a");
    h.cli("FLUSHDB");
    h.cli("SET", "a1", "again");
    h.cli("SET", "later", "x", "EX", "10");
    assertEquals("(integer) 2", h.cli("DBSIZE"));
    assertEquals(List.of("0 a1 = \"again\"", "0 later = \"x\" @" + (h.clock.millis() + 10_000)), h.replayed().dump());
    h.assertReplays();
  }

  // ---- FLUSHALL -----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"", "ASYNC", "SYNC", "aSyNc"})
  void flushallEmptiesEveryDatabaseOnEveryShard(String mode) {
    fill(0, "a");
    fill(7, "b");
    fill(15, "c");
    h.select(7);
    h.cli("SET", "t", "v", "EX", "100");
    h.select(0);
    List<String> before = h.effects();
    assertEquals("OK", mode.isEmpty() ? h.cli("FLUSHALL") : h.cli("FLUSHALL", mode));
    for (int db : new int[] {0, 7, 15}) {
      h.select(db);
      assertEquals("(integer) 0", h.cli("DBSIZE"), "db " + db);
    }
    for (int shard = 0; shard < 4; shard++) {
      Keyspace keyspace = h.keyspace(shard);
      assertEquals(0, keyspace.keyCount());
      assertEquals(0, keyspace.database(7).volatileCount());
    }
    assertEquals(times(4, "FLUSHALL"), newEffects(before));
    assertEquals(List.of(), h.dump());
    h.assertReplays();
  }

  @Test
  void flushallFromAnotherDatabaseStillFlushesEverything() {
    fill(0, "a");
    h.select(9);
    assertEquals("OK", h.cli("FLUSHALL"));
    assertEquals(List.of(), h.dump());
    h.select(0);
    h.cli("SET", "after", "1");
    h.assertReplays();
  }

  @ParameterizedTest
  @CsvSource({"FLUSHDB, foo", "FLUSHDB, SYNC ASYNC", "FLUSHDB, ASYNC ASYNC", "FLUSHDB, ASYNC x",
      "FLUSHALL, x", "FLUSHALL, SYNC SYNC", "FLUSHALL, LAZY", "FLUSHALL, ''"})
  void aBadFlushModeIsASyntaxErrorAndFlushesNothing(String command, String mode) {
    fill(0, "a");
    List<String> before = h.effects();
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(mode.isEmpty() ? List.of("") : List.of(mode.split(" ")));
    assertEquals("(error) ERR syntax error", h.cli(args.toArray(String[]::new)));
    assertEquals("(integer) 20", h.cli("DBSIZE"));
    assertEquals(List.of(), newEffects(before));
  }

  // ---- SWAPDB -------------------------------------------------------------------------------

  @Test
  void swapdbSwapsTheDatabasesOfEveryShardWithTheirExpiries() {
    fill(0, "a");
    fill(1, "b");
    h.cli("SET", "t", "v", "EX", "100");
    List<String> before = h.effects();
    assertEquals("OK", h.cli("SWAPDB", "0", "1"));
    assertEquals(times(4, "SWAPDB 0 1"), newEffects(before));
    assertEquals("\"b-value-4\"", h.cli("GET", "b4"));
    assertEquals("(nil)", h.cli("GET", "a4"));
    assertEquals("(integer) 20", h.cli("DBSIZE"));
    h.select(1);
    assertEquals("\"a-value-4\"", h.cli("GET", "a4"));
    assertEquals("(integer) 21", h.cli("DBSIZE"));
    assertEquals("(integer) 100", h.cli("TTL", "t"));
    int shard = h.shardOf("t");
    assertEquals(1, h.keyspace(shard).database(1).volatileCount(), "the sweep index moved with its database");
    assertEquals(0, h.keyspace(shard).database(0).volatileCount());
    h.assertReplays();

    // The moved key still expires: lazily here, through the index by the sweep.
    h.clock.advance(100_001);
    assertEquals("(integer) -2", h.cli("TTL", "t"));
    h.select(0);
    h.cli("SWAPDB", "1", "0");
    assertEquals("\"a-value-4\"", h.cli("GET", "a4"));
    assertEquals("(integer) 20", h.cli("DBSIZE"));
    h.assertReplays();
  }

  @Test
  void swapdbWithEmptyAndFarDatabases() {
    fill(0, "a");
    assertEquals("OK", h.cli("SWAPDB", "15", "0"));
    assertEquals("(integer) 0", h.cli("DBSIZE"));
    h.select(15);
    assertEquals("(integer) 20", h.cli("DBSIZE"));
    h.cli("SET", "new", "1");
    h.assertReplays();
  }

  @Test
  void swappingADatabaseWithItselfChangesNothingAndRecordsNothing() {
    fill(3, "a");
    List<String> before = h.effects();
    assertEquals("OK", h.cli("SWAPDB", "3", "3"));
    assertEquals(List.of(), newEffects(before));
    h.select(3);
    assertEquals("(integer) 20", h.cli("DBSIZE"));
  }

  @ParameterizedTest
  @CsvSource({
      "a, 1, ERR invalid first DB index",
      "0, b, ERR invalid second DB index",
      "a, b, ERR invalid first DB index",
      "1.5, 0, ERR invalid first DB index",
      "01, 0, ERR invalid first DB index",
      "' 1', 0, ERR invalid first DB index",
      "'', 0, ERR invalid first DB index",
      "2147483648, 0, ERR invalid first DB index",
      "0, -2147483649, ERR invalid second DB index",
      "0, 16, ERR DB index is out of range",
      "16, 0, ERR DB index is out of range",
      "-1, 0, ERR DB index is out of range",
      "0, -1, ERR DB index is out of range",
      "2147483647, 0, ERR DB index is out of range",
      "16, x, ERR invalid second DB index"})
  void swapdbErrors(String first, String second, String error) {
    fill(0, "a");
    List<String> before = h.effects();
    assertEquals("(error) " + error, h.cli("SWAPDB", first, second));
    assertEquals("(integer) 20", h.cli("DBSIZE"));
    assertEquals(List.of(), newEffects(before));
  }

  // ---- the command table ---------------------------------------------------------------------

  @Test
  void declarationsFollowRedis() {
    assertEquals("(error) ERR wrong number of arguments for 'dbsize' command", h.cli("DBSIZE", "x"));
    assertEquals("(error) ERR wrong number of arguments for 'swapdb' command", h.cli("SWAPDB", "0"));
    assertEquals("(error) ERR wrong number of arguments for 'swapdb' command", h.cli("SWAPDB", "0", "1", "2"));
    for (String name : new String[] {"dbsize", "flushdb", "flushall", "swapdb"}) {
      assertEquals(Route.ALL_SHARDS, h.table.lookup(name).route(), name);
      assertEquals("server", h.table.lookup(name).group(), name);
    }
    assertEquals(1, h.table.lookup("dbsize").arity().redisArity());
    assertEquals(-1, h.table.lookup("flushdb").arity().redisArity());
    assertEquals(-1, h.table.lookup("flushall").arity().redisArity());
    assertEquals(3, h.table.lookup("swapdb").arity().redisArity());
    assertTrue(h.table.lookup("dbsize").has(Flag.READONLY));
    assertTrue(h.table.lookup("swapdb").has(Flag.WRITE) && h.table.lookup("swapdb").has(Flag.FAST));
    assertTrue(h.table.lookup("flushall").isWrite() && !h.table.lookup("flushall").has(Flag.FAST));
  }
}
