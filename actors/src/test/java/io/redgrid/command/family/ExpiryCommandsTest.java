package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.Call;
import io.redgrid.command.CommandHarness;
import io.redgrid.command.ShardAccess;
import io.redgrid.keyspace.Database;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL, EXPIRETIME, PEXPIRETIME and PERSIST. */
class ExpiryCommandsTest {
  private final CommandHarness h = new CommandHarness();
  private final long start = h.clock.millis();

  private KeyEntry raw(String key) {
    return rawDatabase(key, 0).get(bytes(key));
  }

  private Database rawDatabase(String key, int db) {
    return h.keyspace(h.shardOf(key)).database(db);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  // ---- setting a time to live ------------------------------------------------------------

  @Test
  void expireSetsATtlInSecondsAndPropagatesTheAbsoluteTime() {
    h.cli("SET", "k", "v");
    assertEquals("(integer) 1", h.cli("EXPIRE", "k", "100"));
    assertEquals("(integer) 100", h.cli("TTL", "k"));
    assertEquals("(integer) 100000", h.cli("PTTL", "k"));
    assertEquals(start + 100_000, raw("k").expireAt());
    assertEquals(List.of("SET k v", "PEXPIREAT k " + (start + 100_000)), h.effects());
    h.assertReplays();
  }

  @Test
  void pexpireExpireatAndPexpireatAllPropagateAsPexpireat() {
    h.cli("MSET", "a", "1", "b", "2", "c", "3");
    h.mark();
    assertEquals("(integer) 1", h.cli("PEXPIRE", "a", "1500"));
    assertEquals("(integer) 1", h.cli("EXPIREAT", "b", "4000000000"));
    assertEquals("(integer) 1", h.cli("PEXPIREAT", "c", "4000000000123"));
    assertEquals(start + 1500, raw("a").expireAt());
    assertEquals(4_000_000_000_000L, raw("b").expireAt());
    assertEquals(4_000_000_000_123L, raw("c").expireAt());
    assertTrue(h.newEffects().containsAll(List.of(
        "PEXPIREAT a " + (start + 1500), "PEXPIREAT b 4000000000000", "PEXPIREAT c 4000000000123")));
    assertEquals(3, h.newEffects().size());
    h.assertReplays();
  }

  @Test
  void theOptionsAreNotPropagatedBecauseTheOutcomeIsAlreadyDecided() {
    h.cli("SET", "k", "v", "EX", "100");
    h.mark();
    assertEquals("(integer) 1", h.cli("EXPIRE", "k", "200", "xx", "GT"));
    assertEquals(List.of("PEXPIREAT k " + (start + 200_000)), h.newEffects());
    h.assertReplays();
  }

  @Test
  void theEffectIsRecordedInTheSelectedDatabase() {
    h.select(3);
    h.cli("SET", "k", "v");
    h.mark();
    assertEquals("(integer) 1", h.cli("EXPIRE", "k", "10"));
    assertEquals(List.of("[db3] PEXPIREAT k " + (start + 10_000)), h.newEffects());
    h.select(0);
    assertEquals("(integer) -2", h.cli("TTL", "k"));
    h.assertReplays();
  }

  @Test
  void everyVariantOnAMissingKeyRepliesZeroAndRecordsNothing() {
    assertEquals("(integer) 0", h.cli("EXPIRE", "nokey", "10"));
    assertEquals("(integer) 0", h.cli("PEXPIRE", "nokey", "10"));
    assertEquals("(integer) 0", h.cli("EXPIREAT", "nokey", "4000000000"));
    assertEquals("(integer) 0", h.cli("PEXPIREAT", "nokey", "4000000000000"));
    assertEquals("(integer) 0", h.cli("EXPIRE", "nokey", "-1"));
    assertEquals("(integer) 0", h.cli("EXPIRE", "nokey", "10", "NX"));
    assertEquals(List.of(), h.effects());
    assertEquals(List.of(), h.dump());
  }

  @Test
  void expireAgainReplacesTheTimeAndKeepsOneIndexEntry() {
    h.cli("SET", "k", "v");
    h.cli("EXPIRE", "k", "100");
    h.cli("EXPIRE", "k", "50");
    assertEquals("(integer) 50", h.cli("TTL", "k"));
    assertEquals(1, rawDatabase("k", 0).volatileCount());
    h.assertReplays();
  }

  // ---- a time in the past deletes ----------------------------------------------------------

  @ParameterizedTest
  @CsvSource({
      "EXPIRE, 0", "EXPIRE, -1", "EXPIRE, -9223372036854775",
      "PEXPIRE, 0", "PEXPIRE, -1", "PEXPIRE, -9223372036854775808",
      "EXPIREAT, 1", "EXPIREAT, 0", "EXPIREAT, -5", "EXPIREAT, 1700000000",
      "PEXPIREAT, 1700000000000", "PEXPIREAT, 1699999999999", "PEXPIREAT, -1", "PEXPIREAT, 0"})
  void aTimeNowOrInThePastDeletesTheKeyAndPropagatesDel(String command, String time) {
    h.cli("SET", "k", "v", "EX", "100");
    h.cli("SET", "other", "v", "EX", "100");
    h.mark();
    assertEquals("(integer) 1", h.cli(command, "k", time));
    assertEquals("(integer) 0", h.cli("EXISTS", "k"));
    assertNull(raw("k"));
    assertEquals(0, rawDatabase("k", 0).volatileCount() - (h.shardOf("k") == h.shardOf("other") ? 1 : 0),
        "the deleted key left the volatile index");
    assertEquals(List.of("DEL k"), h.newEffects());
    assertEquals(0, h.stats.expiredKeys.sum(), "Redis counts this as a DEL, not as an expiry");
    h.assertReplays();
  }

  @Test
  void oneMillisecondAheadIsStillAFutureTime() {
    h.cli("SET", "k", "v");
    assertEquals("(integer) 1", h.cli("PEXPIREAT", "k", String.valueOf(start + 1)));
    assertEquals("(integer) 1", h.cli("PTTL", "k"));
    assertEquals(List.of("SET k v", "PEXPIREAT k " + (start + 1)), h.effects());
    h.assertReplays();
  }

  // ---- overflow, integers and options ---------------------------------------------------------

  @Test
  void overflowIsCheckedWhereRedisChecksIt() {
    h.cli("SET", "k", "v");
    long now = start;
    assertEquals("(error) ERR invalid expire time in 'expire' command", h.cli("EXPIRE", "k", "9223372036854776"));
    // Within LLONG_MAX / 1000 but seconds*1000 + now overflows.
    assertEquals("(error) ERR invalid expire time in 'expire' command", h.cli("EXPIRE", "k", "9223372036854775"));
    assertEquals("(error) ERR invalid expire time in 'expire' command", h.cli("EXPIRE", "k", "-9223372036854776"));
    long maxSeconds = (Long.MAX_VALUE - now) / 1000;
    assertEquals("(error) ERR invalid expire time in 'expire' command",
        h.cli("EXPIRE", "k", String.valueOf(maxSeconds + 1)));
    assertEquals("(error) ERR invalid expire time in 'pexpire' command",
        h.cli("PEXPIRE", "k", String.valueOf(Long.MAX_VALUE - now + 1)));
    assertEquals("(error) ERR invalid expire time in 'pexpire' command", h.cli("PEXPIRE", "k", "9223372036854775807"));
    assertEquals("(error) ERR invalid expire time in 'expireat' command",
        h.cli("EXPIREAT", "k", "9223372036854775807"));
    assertEquals("(error) ERR invalid expire time in 'expireat' command", h.cli("EXPIREAT", "k", "9223372036854776"));
    assertEquals(-1, raw("k").expireAt(), "errors leave the key alone");

    assertEquals("(integer) 1", h.cli("EXPIRE", "k", String.valueOf(maxSeconds)));
    assertEquals(now + maxSeconds * 1000, raw("k").expireAt());
    assertEquals("(integer) 1", h.cli("PEXPIRE", "k", String.valueOf(Long.MAX_VALUE - now)));
    assertEquals(Long.MAX_VALUE, raw("k").expireAt());
    assertEquals("(integer) 1", h.cli("EXPIREAT", "k", "9223372036854775"));
    assertEquals(9_223_372_036_854_775_000L, raw("k").expireAt());
    assertEquals("(integer) 1", h.cli("PEXPIREAT", "k", "9223372036854775807"));
    assertEquals(Long.MAX_VALUE, raw("k").expireAt());
    h.assertReplays();
  }

  @Test
  void theFarthestExpiryIsReportedWithoutOverflow() {
    h.cli("SET", "k", "v");
    h.cli("PEXPIREAT", "k", "9223372036854775807");
    assertEquals("(integer) 9223372036854775807", h.cli("PEXPIRETIME", "k"));
    assertEquals("(integer) 9223372036854776", h.cli("EXPIRETIME", "k"));
    assertEquals("(integer) " + (Long.MAX_VALUE - start), h.cli("PTTL", "k"));
    assertEquals("(integer) " + ((Long.MAX_VALUE - start + 500) / 1000), h.cli("TTL", "k"));
  }

  @Test
  void theTimeMustBeAnInteger() {
    h.cli("SET", "k", "v");
    for (String bad : new String[] {"abc", "1.5", "", " 1", "+1", "01", "9223372036854775808", "1e3"}) {
      assertEquals("(error) ERR value is not an integer or out of range", h.cli("EXPIRE", "k", bad), bad);
      assertEquals("(error) ERR value is not an integer or out of range", h.cli("PEXPIREAT", "k", bad), bad);
    }
    assertEquals("(error) ERR value is not an integer or out of range", h.cli("EXPIRE", "nokey", "abc"));
    assertEquals(List.of("SET k v"), h.effects());
  }

  @Test
  void optionErrorsComeBeforeTheTimeAndTheKey() {
    h.cli("SET", "k", "v");
    assertEquals("(error) ERR NX and XX, GT or LT options at the same time are not compatible",
        h.cli("EXPIRE", "k", "abc", "NX", "XX"));
    assertEquals("(error) ERR Unsupported option foo", h.cli("EXPIRE", "nokey", "abc", "foo"));
    assertEquals("(error) ERR Unsupported option Foo", h.cli("EXPIRE", "k", "10", "Foo", "NX", "XX"));
    assertEquals("(error) ERR GT and LT options at the same time are not compatible",
        h.cli("PEXPIRE", "nokey", "9223372036854775807", "gt", "lt"));
  }

  @ParameterizedTest
  @CsvSource({
      "NX XX, 'ERR NX and XX, GT or LT options at the same time are not compatible'",
      "NX GT, 'ERR NX and XX, GT or LT options at the same time are not compatible'",
      "NX LT, 'ERR NX and XX, GT or LT options at the same time are not compatible'",
      "xx nx, 'ERR NX and XX, GT or LT options at the same time are not compatible'",
      "NX XX GT LT, 'ERR NX and XX, GT or LT options at the same time are not compatible'",
      "GT LT, ERR GT and LT options at the same time are not compatible",
      "XX GT LT, ERR GT and LT options at the same time are not compatible",
      "lt gt, ERR GT and LT options at the same time are not compatible",
      "PERSIST, ERR Unsupported option PERSIST",
      "NX EX, ERR Unsupported option EX",
      "10, ERR Unsupported option 10"})
  void incompatibleOrUnknownOptionsAreRejected(String options, String error) {
    h.cli("SET", "k", "v", "EX", "100");
    h.mark();
    for (String command : new String[] {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"}) {
      String[] args = (command + " k 4000000000 " + options).split(" ");
      assertEquals("(error) " + error, h.cli(args));
    }
    assertEquals("(integer) 100", h.cli("TTL", "k"));
    assertEquals(List.of(), h.newEffects());
  }

  @Test
  void anOptionMayRepeatAndIsCaseInsensitive() {
    h.cli("SET", "k", "v");
    assertEquals("(integer) 1", h.cli("EXPIRE", "k", "10", "lt", "LT", "Lt"));
    assertEquals("(integer) 10", h.cli("TTL", "k"));
    assertEquals("(integer) 0", h.cli("EXPIRE", "k", "20", "nx", "Nx"));
  }

  /** Redis 7.0's condition matrix; "none" is a key without TTL (infinite for GT and LT). */
  @ParameterizedTest(name = "ttl {0}, EXPIRE k {2} {1} -> {3}, ttl {4}")
  @CsvSource({
      "none, '',    50,  1, 50",
      "none, NX,    50,  1, 50",
      "none, XX,    50,  0, -1",
      "none, GT,    50,  0, -1",
      "none, LT,    50,  1, 50",
      "none, XX GT, 50,  0, -1",
      "none, XX LT, 50,  0, -1",
      "100,  '',    150, 1, 150",
      "100,  NX,    50,  0, 100",
      "100,  XX,    50,  1, 50",
      "100,  XX,    150, 1, 150",
      "100,  GT,    50,  0, 100",
      "100,  GT,    100, 0, 100",
      "100,  GT,    150, 1, 150",
      "100,  LT,    150, 0, 100",
      "100,  LT,    100, 0, 100",
      "100,  LT,    50,  1, 50",
      "100,  XX GT, 150, 1, 150",
      "100,  XX GT, 50,  0, 100",
      "100,  XX LT, 50,  1, 50",
      "100,  XX LT, 150, 0, 100",
      "100,  GT,    -10, 0, 100",
      "100,  LT,    -10, 1, -2",
      "none, LT,    -10, 1, -2",
      "none, GT,    -10, 0, -1",
      "none, NX,    -10, 1, -2",
      "none, XX,    -10, 0, -1",
      "100,  XX,    -10, 1, -2"})
  void theConditionMatrix(String ttl, String options, long seconds, long reply, long ttlAfter) {
    h.cli("SET", "k", "v");
    if (!ttl.equals("none")) {
      h.cli("EXPIRE", "k", ttl);
    }
    h.mark();
    String line = "EXPIRE k " + seconds + (options.isEmpty() ? "" : " " + options);
    assertEquals("(integer) " + reply, h.cli(line.split(" ")));
    assertEquals("(integer) " + ttlAfter, h.cli("TTL", "k"));
    if (reply == 0) {
      assertEquals(List.of(), h.newEffects());
    } else if (ttlAfter == -2) {
      assertEquals(List.of("DEL k"), h.newEffects());
    } else {
      assertEquals(List.of("PEXPIREAT k " + (start + seconds * 1000)), h.newEffects());
    }
    h.assertReplays();
  }

  @Test
  void gtAndLtCompareMillisecondsAndTheSameTimeIsNotGreater() {
    h.cli("SET", "k", "v");
    assertEquals("(integer) 1", h.cli("PEXPIREAT", "k", "4000000000500"));
    assertEquals("(integer) 0", h.cli("PEXPIREAT", "k", "4000000000500", "GT"));
    assertEquals("(integer) 0", h.cli("PEXPIREAT", "k", "4000000000500", "LT"));
    assertEquals("(integer) 1", h.cli("PEXPIREAT", "k", "4000000000501", "GT"));
    assertEquals("(integer) 1", h.cli("PEXPIREAT", "k", "4000000000500", "LT"));
    assertEquals("(integer) 0", h.cli("EXPIREAT", "k", "4000000000", "GT"));
    assertEquals("(integer) 1", h.cli("EXPIREAT", "k", "4000000000", "LT"));
    assertEquals("(integer) 4000000000000", h.cli("PEXPIRETIME", "k"));
    h.assertReplays();
  }

  // ---- reading the time to live ---------------------------------------------------------------

  @Test
  void missingKeysAreMinusTwoAndKeysWithoutTtlMinusOne() {
    for (String command : new String[] {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
      assertEquals("(integer) -2", h.cli(command, "nokey"), command);
    }
    h.cli("SET", "k", "v");
    for (String command : new String[] {"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}) {
      assertEquals("(integer) -1", h.cli(command, "k"), command);
    }
  }

  @Test
  void ttlRoundsToTheNearestSecondLikeRedis() {
    h.cli("SET", "k", "v");
    h.cli("PEXPIRE", "k", "1499");
    assertEquals("(integer) 1", h.cli("TTL", "k"));
    h.cli("PEXPIRE", "k", "1500");
    assertEquals("(integer) 2", h.cli("TTL", "k"));
    h.cli("PEXPIRE", "k", "499");
    assertEquals("(integer) 0", h.cli("TTL", "k"));
    h.cli("PEXPIRE", "k", "500");
    assertEquals("(integer) 1", h.cli("TTL", "k"));
    h.clock.advance(1);
    assertEquals("(integer) 0", h.cli("TTL", "k"));
    assertEquals("(integer) 499", h.cli("PTTL", "k"));
  }

  @Test
  void ttlCountsDownWithTheClockAndTheKeyDisappearsAtItsTime() {
    h.cli("SET", "k", "v");
    h.cli("EXPIRE", "k", "10");
    h.clock.advance(2_400);
    assertEquals("(integer) 8", h.cli("TTL", "k"));
    assertEquals("(integer) 7600", h.cli("PTTL", "k"));
    assertEquals("(integer) " + ((start + 10_000) / 1000), h.cli("EXPIRETIME", "k"));
    assertEquals("(integer) " + (start + 10_000), h.cli("PEXPIRETIME", "k"));
    h.clock.advance(7_599);
    assertEquals("(integer) 1", h.cli("PTTL", "k"));
    h.clock.advance(1);
    // Redis expires a key when now > when: at its exact millisecond it is still there.
    assertEquals("(integer) 0", h.cli("PTTL", "k"));
    h.clock.advance(1);
    assertEquals("(integer) -2", h.cli("PTTL", "k"));
    assertEquals(List.of("SET k v", "PEXPIREAT k " + (start + 10_000), "DEL k"), h.effects());
    assertEquals(1, h.stats.expiredKeys.sum());
    h.assertReplays();
  }

  @Test
  void expiretimeRoundsToTheNearestSecond() {
    h.cli("SET", "k", "v");
    h.cli("PEXPIREAT", "k", "4000000001499");
    assertEquals("(integer) 4000000001", h.cli("EXPIRETIME", "k"));
    h.cli("PEXPIREAT", "k", "4000000001500");
    assertEquals("(integer) 4000000002", h.cli("EXPIRETIME", "k"));
    assertEquals("(integer) 4000000001500", h.cli("PEXPIRETIME", "k"));
  }

  @Test
  void expiredKeysAreInvisibleToEveryCommand() {
    h.cli("MSET", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6");
    for (String key : new String[] {"a", "b", "c", "d", "e", "f"}) {
      h.cli("PEXPIRE", key, "100");
    }
    h.clock.advance(101);
    h.mark();
    assertEquals("(nil)", h.cli("GET", "a"));
    assertEquals("(integer) -2", h.cli("TTL", "b"));
    assertEquals("(integer) 0", h.cli("EXPIRE", "c", "100"));
    assertEquals("(integer) 0", h.cli("PERSIST", "d"));
    assertEquals("(integer) -2", h.cli("PEXPIRETIME", "e"));
    assertEquals("(integer) 0", h.cli("EXISTS", "f"));
    assertEquals(List.of("DEL a", "DEL b", "DEL c", "DEL d", "DEL e", "DEL f"),
        h.newEffects().stream().sorted().toList());
    assertEquals(6, h.stats.expiredKeys.sum());
    assertEquals(List.of(), h.dump());
    h.assertReplays();
  }

  @Test
  void ttlCountsHitsAndMissesButDoesNotTouchTheKey() {
    h.cli("SET", "k", "v");
    long touched = raw("k").lastAccess();
    h.clock.advance(5_000);
    h.cli("TTL", "k");
    h.cli("PTTL", "k");
    h.cli("EXPIRETIME", "nokey");
    assertEquals(2, h.stats.keyspaceHits.sum());
    assertEquals(1, h.stats.keyspaceMisses.sum());
    assertEquals(touched, raw("k").lastAccess());
    h.cli("EXPIRE", "k", "100");
    assertEquals(start + 5_000, raw("k").lastAccess(), "a write lookup touches the key like Redis'");
    assertEquals(2, h.stats.keyspaceHits.sum(), "write lookups are not counted");
  }

  // ---- PERSIST -------------------------------------------------------------------------------

  @Test
  void persistRemovesTheTtlAndPropagatesOnlyWhenItChangedSomething() {
    h.cli("SET", "k", "v");
    h.cli("SET", "t", "v", "EX", "100");
    h.mark();
    assertEquals("(integer) 0", h.cli("PERSIST", "nokey"));
    assertEquals("(integer) 0", h.cli("PERSIST", "k"));
    assertEquals(List.of(), h.newEffects());
    assertEquals("(integer) 1", h.cli("PERSIST", "t"));
    assertEquals("(integer) -1", h.cli("TTL", "t"));
    assertEquals(0, rawDatabase("t", 0).volatileCount(), "the active sweep must no longer see it");
    assertEquals(List.of("PERSIST t"), h.newEffects());
    assertEquals("(integer) 0", h.cli("PERSIST", "t"));
    assertEquals(List.of("PERSIST t"), h.newEffects());
    h.clock.advance(200_000);
    assertEquals("\"v\"", h.cli("GET", "t"));
    h.assertReplays();
  }

  // ---- replaying the journal ---------------------------------------------------------------

  @Test
  void replayingAnExpiryThatHasPassedSinceKeepsTheKeyWithItsTime() {
    h.cli("SET", "k", "v");
    h.cli("EXPIRE", "k", "10");
    h.clock.advance(60_000);
    CommandHarness replayed = h.replayed();
    assertEquals(h.dump(), replayed.dump());
    assertEquals(List.of("0 k = \"v\" @" + (start + 10_000)), replayed.dump(),
        "replay must not delete by the clock: the journal decides");
    // Once live, the replayed key expires lazily like any other.
    assertEquals("(integer) -2", replayed.cli("TTL", "k"));
    assertEquals(List.of("DEL k"), replayed.effects());
  }

  @Test
  void aJournalWithAPexpireatInThePastFollowedByADelRebuildsTheSameState() {
    h.cli("SET", "k", "v");
    h.cli("SET", "kept", "v");
    h.cli("PEXPIRE", "k", "1000");
    h.cli("PEXPIRE", "kept", "5000");
    h.clock.advance(2_000);
    assertEquals("(integer) 0", h.cli("EXISTS", "k"));
    h.clock.advance(100_000);
    assertEquals(List.of("SET k v", "SET kept v", "PEXPIREAT k " + (start + 1000), "PEXPIREAT kept " + (start + 5000),
        "DEL k").stream().sorted().toList(), h.effects().stream().sorted().toList());
    assertEquals(List.of("0 kept = \"v\" @" + (start + 5000)), h.replayed().dump());
    h.assertReplays();
  }

  @Test
  void replayedExpiryCommandsSetPastTimesInsteadOfDeleting() {
    int shard = h.shardOf("k");
    h.cli("SET", "k", "v");
    Call.Context replay = new Call.Context()
        .shards(ShardAccess.of(h.keyspace(shard)))
        .clock(h.clock)
        .replaying(true);
    for (String[] command : new String[][] {
        {"PEXPIREAT", "k", "5"}, {"EXPIREAT", "k", "1"}, {"PEXPIRE", "k", "-100"}, {"EXPIRE", "k", "0"}}) {
      byte[][] argv = new byte[command.length][];
      for (int i = 0; i < command.length; i++) {
        argv[i] = bytes(command[i]);
      }
      assertEquals(Reply.integer(1), h.table.execute(argv, replay), String.join(" ", command));
      assertTrue(raw("k") != null && raw("k").hasExpiry() && raw("k").expireAt() <= start,
          "kept with a past expiry: " + String.join(" ", command));
    }
    assertEquals(start, raw("k").expireAt());
    assertEquals(1, rawDatabase("k", 0).volatileCount(), "indexed, so the active sweep will delete it");
    byte[][] farPast = {bytes("PEXPIREAT"), bytes("k"), bytes("-1")};
    h.table.execute(farPast, replay);
    assertTrue(raw("k").hasExpiry(), "-1 is the no-expiry marker; a replayed -1 must stay an expired time");
    assertEquals(0, raw("k").expireAt());
    assertEquals("(integer) -2", h.cli("TTL", "k"), "live again, it expires at once");
  }

  // ---- the command table ---------------------------------------------------------------------

  @Test
  void arityFollowsRedis() {
    for (String command : new String[] {"expire", "pexpire", "expireat", "pexpireat"}) {
      assertEquals("(error) ERR wrong number of arguments for '" + command + "' command", h.cli(command, "k"));
    }
    for (String command : new String[] {"ttl", "pttl", "expiretime", "pexpiretime", "persist"}) {
      assertEquals("(error) ERR wrong number of arguments for '" + command + "' command", h.cli(command));
      assertEquals("(error) ERR wrong number of arguments for '" + command + "' command", h.cli(command, "a", "b"));
    }
    assertEquals(-3, h.table.lookup("expire").arity().redisArity());
    assertEquals(2, h.table.lookup("pexpiretime").arity().redisArity());
    assertEquals("7.0.0", h.table.lookup("expiretime").since());
    assertTrue(h.table.lookup("persist").isWrite());
    assertEquals(1, h.table.lookup("ttl").keys().first());
  }
}
