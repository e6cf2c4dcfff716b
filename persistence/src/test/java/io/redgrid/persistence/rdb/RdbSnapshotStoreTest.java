package io.redgrid.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotProtocol;
import akka.persistence.SnapshotSelectionCriteria;
import akka.testkit.javadsl.TestKit;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.persistence.PluginTestConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of Akka 2.6's persistence TCK SnapshotStoreSpec against the RDB snapshot store,
 * then what RedGrid adds: keyspace snapshots as Redis RDB files, restarts and damaged files.
 */
class RdbSnapshotStoreTest {
  static final String PID = "p-1";
  static final long MAX = Long.MAX_VALUE;

  @TempDir Path dir;
  SnapshotNode node;
  /** As the TCK's beforeEach: snapshots "s-1".."s-5" at sequence numbers 11..15. */
  List<SnapshotMetadata> metadata;

  @BeforeEach
  void setUp() {
    node = new SnapshotNode(dir);
    metadata = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      metadata.add(node.save(PID, i + 10, "s-" + i));
    }
  }

  @AfterEach
  void tearDown() {
    node.close();
  }

  static SnapshotSelectionCriteria criteria(long maxSequenceNr) {
    return SnapshotSelectionCriteria.create(maxSequenceNr, MAX);
  }

  static SnapshotSelectionCriteria criteria(long maxSequenceNr, long maxTimestamp) {
    return SnapshotSelectionCriteria.create(maxSequenceNr, maxTimestamp);
  }

  static SnapshotSelectionCriteria latestWithMaxTimestamp(long maxTimestamp) {
    return SnapshotSelectionCriteria.create(MAX, maxTimestamp);
  }

  static Optional<SelectedSnapshot> selected(SnapshotMetadata metadata, Object snapshot) {
    return Optional.of(SelectedSnapshot.create(metadata, snapshot));
  }

  // ---- Akka SnapshotStoreSpec ----------------------------------------------------------------

  @Test
  void savesAcknowledgeWithTheirSequenceNrAndATimestamp() {
    for (int i = 0; i < 5; i++) {
      assertEquals(PID, metadata.get(i).persistenceId());
      assertEquals(i + 11, metadata.get(i).sequenceNr());
      assertTrue(metadata.get(i).timestamp() > 0, "timestamp " + metadata.get(i).timestamp());
    }
  }

  @Test
  void doesNotLoadASnapshotGivenAnInvalidPersistenceId() {
    assertEquals(Optional.empty(), node.load("invalid", SnapshotSelectionCriteria.latest(), MAX));
  }

  @Test
  void doesNotLoadASnapshotGivenNonMatchingTimestampCriteria() {
    assertEquals(Optional.empty(), node.load(PID, latestWithMaxTimestamp(100), MAX));
  }

  @Test
  void doesNotLoadASnapshotGivenNonMatchingSequenceNumberCriteria() {
    assertEquals(Optional.empty(), node.load(PID, criteria(7), MAX));
    assertEquals(Optional.empty(), node.load(PID, SnapshotSelectionCriteria.latest(), 7));
  }

  @Test
  void loadsTheMostRecentSnapshot() {
    assertEquals(selected(metadata.get(4), "s-5"), node.load(PID, SnapshotSelectionCriteria.latest(), MAX));
  }

  @Test
  void loadsTheMostRecentSnapshotMatchingAnUpperSequenceNumberBound() {
    assertEquals(selected(metadata.get(2), "s-3"), node.load(PID, criteria(13), MAX));
    assertEquals(selected(metadata.get(2), "s-3"), node.load(PID, SnapshotSelectionCriteria.latest(), 13));
  }

  @Test
  void loadsTheMostRecentSnapshotMatchingUpperSequenceNumberAndTimestampBounds() {
    assertEquals(selected(metadata.get(2), "s-3"), node.load(PID, criteria(13, metadata.get(2).timestamp()), MAX));
    assertEquals(selected(metadata.get(2), "s-3"),
        node.load(PID, latestWithMaxTimestamp(metadata.get(2).timestamp()), 13));
  }

  @Test
  void deletesASingleSnapshotIdentifiedBySequenceNrInSnapshotMetadata() {
    // The TCK does not care about the timestamp when deleting a single snapshot.
    SnapshotMetadata md = new SnapshotMetadata(PID, metadata.get(2).sequenceNr(), 0);
    SnapshotProtocol.DeleteSnapshot cmd = new SnapshotProtocol.DeleteSnapshot(md);
    TestKit sub = subscribe(SnapshotProtocol.DeleteSnapshot.class);
    node.store.tell(cmd, node.probe.getRef());
    sub.expectMsgEquals(PluginTestConfig.WAIT, cmd);
    node.probe.expectMsgEquals(PluginTestConfig.WAIT, new akka.persistence.DeleteSnapshotSuccess(md));

    assertEquals(selected(metadata.get(1), "s-2"), node.load(PID, criteria(md.sequenceNr()), MAX));
  }

  @Test
  void deletesAllSnapshotsMatchingUpperSequenceNumberAndTimestampBounds() {
    SnapshotMetadata md = metadata.get(2);
    SnapshotSelectionCriteria criteria = criteria(md.sequenceNr(), md.timestamp());
    deleteAll(PID, criteria);

    assertEquals(Optional.empty(), node.load(PID, criteria(md.sequenceNr(), md.timestamp()), MAX));
    SnapshotMetadata md3 = metadata.get(3);
    assertEquals(selected(md3, "s-4"), node.load(PID, criteria(md3.sequenceNr(), md3.timestamp()), MAX));
  }

  @Test
  void doesNotDeleteSnapshotsWithNonMatchingUpperTimestampBounds() {
    SnapshotMetadata md = metadata.get(3);
    deleteAll(PID, criteria(md.sequenceNr(), md.timestamp() - 1));

    assertEquals(selected(md, "s-4"), node.load(PID, criteria(md.sequenceNr(), md.timestamp()), MAX));
  }

  @Test
  void savesAndOverwritesASnapshotWithTheSameSequenceNumber() {
    SnapshotMetadata md = metadata.get(4);
    SnapshotMetadata md2 = node.save(md, "s-5-modified");
    assertEquals(md.sequenceNr(), md2.sequenceNr());
    SelectedSnapshot result = node.load(PID, criteria(md.sequenceNr()), MAX).orElseThrow();
    assertEquals("s-5-modified", result.snapshot());
    assertEquals(md.sequenceNr(), result.metadata().sequenceNr());
  }

  @Test
  void savesABiggerSnapshotOf10000Bytes() {
    String big = "0".repeat(10_000);
    SnapshotMetadata md = node.save(PID, 100, big);
    assertEquals(selected(md, big), node.loadLatest(PID));
  }

  /** TCK capability supportsSerialization: the store serializes with Akka's transport information. */
  @Test
  void serializesSnapshots() {
    TestKit probe = new TestKit(node.system);
    TestPayload snapshot = new TestPayload(probe.getRef());
    SnapshotMetadata md = node.save(PID, 100, snapshot);
    SelectedSnapshot loaded = node.loadLatest(PID).orElseThrow();
    assertEquals(new SnapshotMetadata(PID, 100, md.timestamp()), loaded.metadata());
    assertEquals(snapshot, loaded.snapshot());
  }

  /**
   * TCK capability supportsMetadata is off: SnapshotMetadata.metadata (only used by replicated
   * event sourcing) is not stored; saving with it still works and the snapshot loads without it.
   */
  @Test
  void doesNotStoreSnapshotMetadataCapabilityOff() {
    SnapshotMetadata md = node.save(new SnapshotMetadata(PID, 100, 0).withMetadata("meta"), "with-meta");
    SelectedSnapshot loaded = node.loadLatest(PID).orElseThrow();
    assertEquals("with-meta", loaded.snapshot());
    assertEquals(100, loaded.metadata().sequenceNr());
    assertEquals(md.timestamp(), loaded.metadata().timestamp());
    assertEquals(scala.Option.empty(), loaded.metadata().metadata());
  }

  // ---- Lower bounds of SnapshotSelectionCriteria (Akka 2.6) -----------------------------------

  @Test
  void honoursAMinimumSequenceNumber() {
    assertEquals(selected(metadata.get(4), "s-5"),
        node.load(PID, SnapshotSelectionCriteria.create(MAX, MAX, 13, 0), MAX));
    assertEquals(selected(metadata.get(2), "s-3"),
        node.load(PID, SnapshotSelectionCriteria.create(13, MAX, 13, 0), MAX));
    assertEquals(Optional.empty(), node.load(PID, SnapshotSelectionCriteria.create(12, MAX, 13, 0), MAX));
    assertEquals(Optional.empty(), node.load(PID, SnapshotSelectionCriteria.create(MAX, MAX, 16, 0), MAX));
  }

  @Test
  void honoursAMinimumTimestamp() throws InterruptedException {
    List<SnapshotMetadata> timed = savedAtDistinctTimes("t", 3);
    long second = timed.get(1).timestamp();
    // Newest within [second, second]: the second even though the third is newer overall.
    assertEquals(selected(timed.get(1), "t-2"),
        node.load("t", SnapshotSelectionCriteria.create(MAX, second, 0, second), MAX));
    assertEquals(selected(timed.get(2), "t-3"),
        node.load("t", SnapshotSelectionCriteria.create(MAX, MAX, 0, second), MAX));
    assertEquals(Optional.empty(),
        node.load("t", SnapshotSelectionCriteria.create(MAX, MAX, 0, timed.get(2).timestamp() + 1), MAX));
  }

  @Test
  void deletesARangeOfSnapshotsByLowerAndUpperBounds() throws IOException {
    deleteAll(PID, SnapshotSelectionCriteria.create(14, MAX, 12, 0));
    assertEquals(selected(metadata.get(4), "s-5"), node.loadLatest(PID));
    assertEquals(selected(metadata.get(0), "s-1"), node.load(PID, criteria(14), MAX));
    assertEquals(List.of(11L, 15L), sequenceNrsOnDisk(PID));
  }

  @Test
  void deletesByTimestampRange() throws Exception {
    List<SnapshotMetadata> timed = savedAtDistinctTimes("t", 3);
    long second = timed.get(1).timestamp();
    deleteAll("t", SnapshotSelectionCriteria.create(MAX, second, 0, second));
    assertEquals(List.of(1L, 3L), sequenceNrsOnDisk("t"));
  }

  @Test
  void deleteOfASingleSnapshotWithATimestampOnlyDeletesThatOne() throws InterruptedException {
    SnapshotMetadata first = node.save(PID, 20, "first");
    Thread.sleep(3);
    SnapshotMetadata second = node.save(PID, 20, "second");
    assertNotEquals(first.timestamp(), second.timestamp());
    deleteOne(first);
    assertEquals(selected(second, "second"), node.load(PID, criteria(20), MAX));
    deleteOne(second);
    assertEquals(selected(metadata.get(4), "s-5"), node.load(PID, criteria(20), MAX));
  }

  @Test
  void deletingWhatDoesNotExistSucceeds() {
    deleteOne(new SnapshotMetadata("nobody", 3, 0));
    deleteAll("nobody", SnapshotSelectionCriteria.latest());
    assertEquals(selected(metadata.get(4), "s-5"), node.loadLatest(PID));
  }

  @Test
  void keepsPersistenceIdsApartWhateverTheirCharacters() {
    List<String> pids = List.of("p", "p-1-2", "shard 7/%-é\r\n", ".hidden", "..", "temp-1-2", "a+b", "a b");
    for (String pid : pids) {
      node.save(pid, 1, "snapshot of " + pid);
    }
    for (String pid : pids) {
      SelectedSnapshot loaded = node.loadLatest(pid).orElseThrow(() -> new AssertionError("lost " + pid));
      assertEquals("snapshot of " + pid, loaded.snapshot());
      assertEquals(pid, loaded.metadata().persistenceId());
    }
    assertEquals(selected(metadata.get(4), "s-5"), node.loadLatest(PID));
    deleteAll("p", SnapshotSelectionCriteria.latest());
    assertEquals("snapshot of p-1-2", node.loadLatest("p-1-2").orElseThrow().snapshot());
  }

  // ---- Keyspace snapshots: Redis RDB files ----------------------------------------------------

  @Test
  void keyspaceSnapshotRoundTripsAsAnRdbFileRedisAccepts() throws Exception {
    long expireAt = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
    Keyspace keyspace = KeyspaceContents.sample(expireAt);
    SnapshotMetadata md = node.save("shard-0", 42, keyspace);

    Keyspace loaded = (Keyspace) node.loadLatest("shard-0").orElseThrow().snapshot();
    assertEquals(16, loaded.databaseCount());
    assertEquals(KeyspaceContents.dump(keyspace), KeyspaceContents.dump(loaded));
    assertEquals(keyspace.keyCount(), loaded.keyCount());

    Path file = onlyFile("shard-0");
    assertEquals("shard-0-42-" + md.timestamp() + ".rdb", file.getFileName().toString());
    assertTrue(new String(Files.readAllBytes(file), 0, 9, StandardCharsets.US_ASCII).startsWith("REDIS"));
    RedisCheckRdb.assertAccepts(file, keyspace.keyCount(), volatileKeys(keyspace));
  }

  @Test
  void keyspaceSnapshotLoadsIntoARealRedisServer() throws Exception {
    long expireAt = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
    Keyspace keyspace = KeyspaceContents.sample(expireAt);
    node.save("shard-0", 42, keyspace);
    Path work = Files.createDirectories(dir.resolve("redis"));
    try (RealRedis redis = RealRedis.loading(onlyFile("shard-0"), work)) {
      for (int db = 0; db < 16; db++) {
        assertEquals(Integer.toString(keyspace.database(db).size()), redis.cli(db, "DBSIZE"), "db " + db);
      }
      assertEquals("value", redis.cli(0, "GET", "string"));
      assertEquals("12345", redis.cli(0, "GET", "int"));
      assertEquals("-9223372036854775808", redis.cli(0, "GET", "negative"));
      assertEquals("0", redis.cli(0, "STRLEN", "empty"));
      assertEquals("5", redis.cli(0, "STRLEN", "binary"));
      assertEquals("abc".repeat(400), redis.cli(0, "GET", "compressible"));
      assertEquals("значение", redis.cli(0, "GET", "utf8 ключ"));
      assertEquals(Long.toString(expireAt), redis.cli(0, "PEXPIRETIME", "volatile-string"));
      assertEquals("a\n2\nc", redis.cli(0, "LRANGE", "list", "0", "-1"));
      assertEquals("1000", redis.cli(0, "LLEN", "biglist"));
      assertEquals("element-999" + "-".repeat(999 % 70), redis.cli(0, "LINDEX", "biglist", "-1"));
      assertEquals(Long.toString(expireAt + 1000), redis.cli(0, "PEXPIRETIME", "biglist"));
      assertEquals("-1", redis.cli(0, "PEXPIRETIME", "string"));

      assertEquals("f1\nv1\nf2\n22", redis.cli(3, "HGETALL", "hash"));
      assertEquals("600", redis.cli(3, "HLEN", "bighash"));
      assertEquals("x".repeat(599 % 90), redis.cli(3, "HGET", "bighash", "field:599"));
      assertEquals("598", redis.cli(3, "HGET", "bighash", "field:598"));
      assertEquals(Long.toString(expireAt), redis.cli(3, "PEXPIRETIME", "bighash"));
      assertEquals("-5\n1\n100000000000", redis.cli(3, "SORT", "intset"));
      assertEquals("7\napple\npear\nplum", redis.cli(3, "SORT", "set", "ALPHA"));
      assertEquals("700", redis.cli(3, "SCARD", "bigset"));
      assertEquals("1", redis.cli(3, "SISMEMBER", "bigset", "m699"));

      assertEquals("neg\n-3.25\nhalf\n0.5\none\n1\ninf\ninf", redis.cli(15, "ZRANGE", "zset", "0", "-1", "WITHSCORES"));
      assertEquals(Long.toString(expireAt), redis.cli(15, "PEXPIRETIME", "zset"));
      assertEquals("300", redis.cli(15, "ZCARD", "bigzset"));
      assertEquals("348.5", redis.cli(15, "ZSCORE", "bigzset", "member-299"));
      assertEquals("member-0", redis.cli(15, "ZRANGE", "bigzset", "0", "0"));
      assertEquals("in db 15", redis.cli(15, "GET", "string"));
    }
  }

  @Test
  void emptyKeyspaceSnapshotIsAValidRdbFile() throws Exception {
    node.save("shard-1", 1, new Keyspace(1, 16));
    Keyspace loaded = (Keyspace) node.loadLatest("shard-1").orElseThrow().snapshot();
    assertEquals(0, loaded.keyCount());
    RedisCheckRdb.assertAccepts(onlyFile("shard-1"), 0, 0);
  }

  @Test
  void snapshotsSurviveARestartOfTheActorSystem() throws Exception {
    long expireAt = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
    Keyspace keyspace = KeyspaceContents.sample(expireAt);
    SnapshotMetadata keyspaceMd = node.save("shard-0", 7, keyspace);
    node.close();

    node = new SnapshotNode(dir);
    Optional<SelectedSnapshot> loaded = node.loadLatest("shard-0");
    assertEquals(keyspaceMd, loaded.orElseThrow().metadata());
    assertEquals(KeyspaceContents.dump(keyspace), KeyspaceContents.dump((Keyspace) loaded.get().snapshot()));
    assertEquals(selected(metadata.get(4), "s-5"), node.loadLatest(PID));
    assertEquals(selected(metadata.get(1), "s-2"), node.load(PID, criteria(12), MAX));
  }

  @Test
  void aKeyspaceSnapshotWithMoreDatabasesThanConfiguredFailsTheLoad() throws Exception {
    node.save("shard-0", 1, KeyspaceContents.sample(System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1)));
    Path file = onlyFile("shard-0");
    node.close();
    node = new SnapshotNode(dir, "redgrid.rdb-snapshot-store.databases = 4");
    Throwable failure = node.loadFailure("shard-0");
    assertTrue(String.valueOf(failure.getMessage()).contains(file.getFileName().toString()), failure.toString());
    assertTrue(String.valueOf(failure.getMessage()).contains("more than 4 databases"), failure.toString());
  }

  @Test
  void uncompressedUnchecksummedKeyspaceSnapshotsAreValidRdbFilesToo() throws Exception {
    node.close();
    node = new SnapshotNode(dir, "redgrid.rdb-snapshot-store { rdbcompression = no, rdbchecksum = no }");
    Keyspace keyspace = KeyspaceContents.sample(System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1));
    node.save("shard-0", 1, keyspace);
    Keyspace loaded = (Keyspace) node.loadLatest("shard-0").orElseThrow().snapshot();
    assertEquals(KeyspaceContents.dump(keyspace), KeyspaceContents.dump(loaded));
    Path file = onlyFile("shard-0");
    RedisCheckRdb.assertAccepts(file, keyspace.keyCount(), volatileKeys(keyspace));
    byte[] content = Files.readAllBytes(file);
    for (int i = content.length - 8; i < content.length; i++) {
      assertEquals(0, content[i], "rdbchecksum no writes a zero checksum");
    }
  }

  @Test
  void aCorruptedKeyspaceSnapshotFailsTheLoadNamingTheFile() throws Exception {
    Keyspace older = KeyspaceContents.sample(System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1));
    node.save("shard-0", 1, older);
    node.save("shard-0", 2, KeyspaceContents.sample(System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1)));
    Path newest = filesOf("shard-0").get(1);
    assertTrue(newest.getFileName().toString().startsWith("shard-0-2-"), newest.toString());
    flipBytesInTheMiddle(newest);

    Throwable failure = node.loadFailure("shard-0");
    assertTrue(String.valueOf(failure.getMessage()).contains(newest.getFileName().toString()),
        "message should name the file: " + failure);
    // Asking explicitly for the older snapshot still works: only a silent fallback is refused.
    Keyspace loaded = (Keyspace) node.load("shard-0", criteria(1), MAX).orElseThrow().snapshot();
    assertEquals(KeyspaceContents.dump(older), KeyspaceContents.dump(loaded));
  }

  @Test
  void aCorruptedKeyspaceSnapshotFailsWhereverTheDamageIs() throws Exception {
    node.save("shard-0", 1, KeyspaceContents.sample(System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1)));
    Path file = onlyFile("shard-0");
    byte[] good = Files.readAllBytes(file);
    SnapshotFiles files = new SnapshotFiles(node.snapshotDir(), new io.redgrid.rdb.RdbOptions(true, true));
    // Every 31st byte in turn, so the damage hits lengths, types, encodings and the checksum. Read
    // through SnapshotFiles, the store's reader: through the store the failures would open its
    // circuit breaker.
    for (int at = 9; at < good.length; at += 31) {
      byte[] bad = good.clone();
      bad[at] ^= (byte) 0xA5;
      Files.write(file, bad);
      int flipped = at;
      IOException failure = assertThrows(IOException.class,
          () -> files.readKeyspace(file, 16, System.currentTimeMillis()), "byte " + at + " flipped");
      assertTrue(String.valueOf(failure.getMessage()).contains(file.getFileName().toString()),
          "byte " + flipped + ": " + failure);
    }
  }

  @Test
  void aTruncatedSerializedSnapshotFailsTheLoadNamingTheFile() throws Exception {
    Path newest = filesOf(PID).get(4);
    byte[] content = Files.readAllBytes(newest);
    Files.write(newest, java.util.Arrays.copyOf(content, content.length - 2));
    Throwable failure = node.loadFailure(PID);
    assertTrue(String.valueOf(failure.getMessage()).contains(newest.getFileName().toString()),
        "message should name the file: " + failure);
  }

  @Test
  void aSnapshotItsSerializerRejectsFailsTheLoadNamingTheFile() throws Exception {
    node.save(PID, 100, new TestPayload(node.probe.getRef()));
    Path newest = filesOf(PID).get(5);
    byte[] content = Files.readAllBytes(newest);
    // The manifest "A" is the only byte 'A' after the 4-byte serializer id and 2-byte length.
    assertEquals('A', content[6]);
    content[6] = 'B';
    Files.write(newest, content);
    Throwable failure = node.loadFailure(PID);
    assertTrue(String.valueOf(failure.getMessage()).contains(newest.getFileName().toString()),
        "message should name the file: " + failure);
    assertTrue(String.valueOf(failure.getMessage()).contains("unknown manifest B"), failure.toString());
  }

  @Test
  void aKeyWhoseExpiryPassedBetweenSaveAndLoadIsNotLoaded() throws Exception {
    long soon = System.currentTimeMillis() + 300;
    Keyspace keyspace = KeyspaceContents.sample(soon);
    // volatile-string, bighash and zset expire at `soon`; biglist a second later.
    int expiringSoon = 3;
    List<String> before = KeyspaceContents.dump(keyspace);
    node.save("shard-0", 1, keyspace);
    while (System.currentTimeMillis() <= soon) {
      Thread.sleep(20);
    }
    Keyspace loaded = (Keyspace) node.loadLatest("shard-0").orElseThrow().snapshot();
    List<String> expected = before.stream().filter(line -> !line.endsWith(" @" + soon)).toList();
    assertEquals(before.size() - expiringSoon, expected.size());
    assertEquals(expected, KeyspaceContents.dump(loaded));
    // The key that expires later is still there, with its expiry.
    assertTrue(KeyspaceContents.dump(loaded).stream().anyMatch(line -> line.endsWith(" @" + (soon + 1000))));
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static long volatileKeys(Keyspace keyspace) {
    long total = 0;
    for (int db = 0; db < keyspace.databaseCount(); db++) {
      total += keyspace.database(db).volatileCount();
    }
    return total;
  }

  private TestKit subscribe(Class<?> channel) {
    TestKit sub = new TestKit(node.system);
    node.system.getEventStream().subscribe(sub.getRef(), channel);
    return sub;
  }

  private void deleteOne(SnapshotMetadata md) {
    node.store.tell(new SnapshotProtocol.DeleteSnapshot(md), node.probe.getRef());
    node.probe.expectMsgEquals(PluginTestConfig.WAIT, new akka.persistence.DeleteSnapshotSuccess(md));
  }

  /** DeleteSnapshots as the TCK sends it: published on the event stream, then acknowledged. */
  private void deleteAll(String pid, SnapshotSelectionCriteria criteria) {
    SnapshotProtocol.DeleteSnapshots cmd = new SnapshotProtocol.DeleteSnapshots(pid, criteria);
    TestKit sub = subscribe(SnapshotProtocol.DeleteSnapshots.class);
    node.store.tell(cmd, node.probe.getRef());
    sub.expectMsgEquals(PluginTestConfig.WAIT, cmd);
    node.probe.expectMsgEquals(PluginTestConfig.WAIT, new akka.persistence.DeleteSnapshotsSuccess(criteria));
  }

  /** Saves "<pid>-1".."<pid>-n" at sequence numbers 1..n, each in a later millisecond. */
  private List<SnapshotMetadata> savedAtDistinctTimes(String pid, int n) throws InterruptedException {
    List<SnapshotMetadata> saved = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      if (i > 1) {
        long last = saved.get(saved.size() - 1).timestamp();
        while (System.currentTimeMillis() <= last) {
          Thread.sleep(1);
        }
      }
      saved.add(node.save(pid, i, pid + "-" + i));
    }
    for (int i = 1; i < n; i++) {
      assertTrue(saved.get(i).timestamp() > saved.get(i - 1).timestamp(), saved.toString());
    }
    return saved;
  }

  private List<Path> filesOf(String pid) throws IOException {
    return new SnapshotFiles(node.snapshotDir(), new io.redgrid.rdb.RdbOptions(true, true)).list(pid).stream()
        .map(SnapshotFiles.Entry::path).toList();
  }

  private List<Long> sequenceNrsOnDisk(String pid) throws IOException {
    return new SnapshotFiles(node.snapshotDir(), new io.redgrid.rdb.RdbOptions(true, true)).list(pid).stream()
        .map(SnapshotFiles.Entry::sequenceNr).toList();
  }

  private Path onlyFile(String pid) throws IOException {
    List<Path> files = filesOf(pid);
    assertEquals(1, files.size(), files.toString());
    try (Stream<Path> all = Files.list(node.snapshotDir())) {
      assertFalse(all.anyMatch(p -> p.getFileName().toString().startsWith("temp-")), "temp file left behind");
    }
    return files.get(0);
  }

  private static void flipBytesInTheMiddle(Path file) throws IOException {
    byte[] content = Files.readAllBytes(file);
    int middle = content.length / 2;
    for (int i = middle; i < middle + 4; i++) {
      content[i] ^= (byte) 0xFF;
    }
    Files.write(file, content);
  }
}
