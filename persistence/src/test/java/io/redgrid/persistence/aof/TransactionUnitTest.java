package io.redgrid.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorRef;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.PersistentEnvelope;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.Tagged;
import akka.testkit.javadsl.TestKit;
import io.redgrid.shard.ShardEvent;
import io.redgrid.shard.TransactionUnit;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Transaction units in the AOF: the writer holds a unit's parts back until all have arrived and
 * writes them as one MULTI ... EXEC block; recovery and the check tools take a unit all or nothing.
 */
class TransactionUnitTest {
  @TempDir Path dir;

  static final String MULTI = "*1\r\n$5\r\nMULTI\r\n";
  static final String EXEC = "*1\r\n$4\r\nEXEC\r\n";

  Path incr() {
    return dir.resolve("appendonlydir/appendonly.aof.1.incr.aof");
  }

  String text() throws Exception {
    return Files.readString(incr(), StandardCharsets.ISO_8859_1);
  }

  static ShardEvent set(String key, String value) {
    return RedisToolsCompatTest.event(0, "SET", key, value);
  }

  /** A part of {@code unit}: its first event carries the unit's tag, as KeyspaceShard tags it. */
  static AtomicWrite part(TransactionUnit unit, String pid, long firstSeq, ShardEvent... events) {
    PersistentRepr[] reprs = new PersistentRepr[events.length];
    for (int i = 0; i < events.length; i++) {
      Object payload = i == 0 ? new Tagged(events[i], Set.of(unit.tag())) : events[i];
      reprs[i] = AofNode.repr(pid, firstSeq + i, payload);
    }
    return AofNode.atomic(reprs);
  }

  /** Sends one write without waiting; the returned probe gets the journal's replies. */
  static TestKit sendAsync(AofNode node, AtomicWrite write) {
    TestKit probe = new TestKit(node.system);
    List<PersistentEnvelope> envelopes = List.of(write);
    node.journal.tell(new JournalProtocol.WriteMessages(
        CollectionConverters.asScala(envelopes).toList(), probe.getRef(), 1), ActorRef.noSender());
    return probe;
  }

  static void expectWritten(TestKit probe, int events) {
    probe.expectMsgClass(AofNode.WAIT, JournalProtocol.WriteMessagesSuccessful$.class);
    for (int i = 0; i < events; i++) {
      probe.expectMsgClass(AofNode.WAIT, JournalProtocol.WriteMessageSuccess.class);
    }
  }

  static List<String> keys(AofNode node, String pid) {
    return node.replayAll(pid).events().stream()
        .map(r -> new String(((ShardEvent) r.payload()).command()[1], StandardCharsets.UTF_8)).toList();
  }

  /** Writes a two-part unit (b's part first), with an unrelated write while it waits. */
  void writeUnitAroundAnotherWrite(AofNode node) throws Exception {
    AofNode.expectSuccess(node.send(AofNode.atomic(AofNode.repr("shard-0", 1, set("before", "0")))));
    TransactionUnit unit = new TransactionUnit(42, 2);
    TestKit partB = sendAsync(node, part(unit, "shard-1", 1, set("b1", "1"), set("b2", "2")));
    // Its other part is missing: nothing of it is written or acknowledged.
    partB.expectNoMessage(Duration.ofMillis(300));
    node.aof().flush().toCompletableFuture().get();
    assertTrue(!text().contains("b1"), text());
    // Other writes are not held back: written before the unit (Akka's journal still delivers the
    // acknowledgements in request order, so this one's comes after the unit's).
    TestKit other = sendAsync(node, AofNode.atomic(AofNode.repr("shard-2", 1, set("other", "x"))));
    long deadline = System.nanoTime() + AofNode.WAIT.toNanos();
    while (!text().contains("other")) {
      assertTrue(System.nanoTime() < deadline, "the other write was not written while the unit waited");
      Thread.sleep(20);
    }
    partB.expectNoMessage(Duration.ofMillis(100));
    TestKit partA = sendAsync(node, part(unit, "shard-0", 2, set("a1", "1")));
    expectWritten(partB, 2);
    expectWritten(other, 1);
    expectWritten(partA, 1);
  }

  @Test
  void partsAreHeldBackThenWrittenContiguouslyAsMultiExec() throws Exception {
    try (AofNode node = new AofNode(dir)) {
      writeUnitAroundAnotherWrite(node);
      String text = text();
      int multi = text.indexOf(MULTI + "#RG-MULTI 42 2\r\n");
      int exec = text.indexOf("#RG-EXEC 42\r\n" + EXEC);
      assertTrue(multi > text.indexOf("other") && exec > multi, text);
      String block = text.substring(multi, exec);
      // Arrival order inside the block, nothing else in between.
      assertTrue(block.indexOf("#RG shard-1 1 ") < block.indexOf("#RG shard-1 2 ")
          && block.indexOf("#RG shard-1 2 ") < block.indexOf("#RG shard-0 2 "), block);
      assertEquals(3, block.split("#RG shard-").length - 1, block);
      assertTrue(text.endsWith(EXEC), text);
      assertEquals(List.of("before", "a1"), keys(node, "shard-0"));
      assertEquals(List.of("b1", "b2"), keys(node, "shard-1"));
      // Later writes of the same shards follow the unit.
      AofNode.expectSuccess(node.send(AofNode.atomic(AofNode.repr("shard-1", 3, set("after", "3")))));
      assertTrue(text().indexOf("after") > text().indexOf("#RG-EXEC 42"), text());
      RedisToolsCompatTest.Run real = RedisToolsCompatTest.redisCheckAof(incr());
      assertEquals(0, real.code(), real.output());
      assertTrue(real.output().contains("is valid"), real.output());
    }
    try (AofNode node = new AofNode(dir)) {
      assertEquals(List.of("before", "a1"), keys(node, "shard-0"));
      assertEquals(List.of("b1", "b2", "after"), keys(node, "shard-1"));
      assertEquals(List.of("other"), keys(node, "shard-2"));
    }
  }

  @Test
  void underAppendfsyncAlwaysTooAndPartsInAnyOrder() throws Exception {
    try (AofNode node = new AofNode(dir, "redgrid.aof-journal.appendfsync = always")) {
      TransactionUnit unit = new TransactionUnit(7, 3);
      TestKit c = sendAsync(node, part(unit, "shard-2", 1, set("c", "1")));
      TestKit a = sendAsync(node, part(unit, "shard-0", 1, set("a", "1")));
      c.expectNoMessage(Duration.ofMillis(200));
      a.expectNoMessage(Duration.ofMillis(1));
      TestKit b = sendAsync(node, part(unit, "shard-1", 1, set("b", "1")));
      expectWritten(a, 1);
      expectWritten(b, 1);
      expectWritten(c, 1);
      String text = text();
      assertTrue(text.startsWith(MULTI + "#RG-MULTI 7 3\r\n") && text.endsWith("#RG-EXEC 7\r\n" + EXEC), text);
    }
  }

  @Test
  void aPartThatCannotBeEncodedFailsTheWholeUnit() throws Exception {
    try (AofNode node = new AofNode(dir)) {
      TransactionUnit unit = new TransactionUnit(9, 2);
      TestKit good = sendAsync(node, part(unit, "shard-0", 1, set("a", "1")));
      TestKit bad = sendAsync(node, AofNode.atomic(AofNode.repr("shard-1", 1,
          new Tagged(new FailingSerializer.Unserializable("x"), Set.of(unit.tag())))));
      good.expectMsgClass(AofNode.WAIT, JournalProtocol.WriteMessagesFailed.class);
      good.expectMsgClass(AofNode.WAIT, JournalProtocol.WriteMessageFailure.class);
      bad.expectMsgClass(AofNode.WAIT, JournalProtocol.WriteMessagesSuccessful$.class);
      bad.expectMsgClass(AofNode.WAIT, JournalProtocol.WriteMessageRejected.class);
      node.aof().flush().toCompletableFuture().get();
      assertEquals("", text());
      assertEquals(List.of(), keys(node, "shard-0"));
      // The writer goes on.
      AofNode.expectSuccess(node.send(AofNode.atomic(AofNode.repr("shard-0", 1, set("b", "2")))));
      assertEquals(List.of("b"), keys(node, "shard-0"));
    }
  }

  @Test
  void withAppendonlyOffThePartsStillCompleteTogetherAndNothingIsWritten() throws Exception {
    try (AofNode node = new AofNode(dir, "redgrid.aof-journal.appendonly = no")) {
      TransactionUnit unit = new TransactionUnit(11, 2);
      TestKit a = sendAsync(node, part(unit, "shard-0", 1, set("a", "1")));
      a.expectNoMessage(Duration.ofMillis(200));
      TestKit b = sendAsync(node, part(unit, "shard-1", 1, set("b", "1")));
      expectWritten(a, 1);
      expectWritten(b, 1);
    }
    assertTrue(!Files.exists(incr()));
  }

  /** A file holding one complete write, then a unit cut after its first part. */
  byte[][] tornUnit() throws Exception {
    try (AofNode node = new AofNode(dir)) {
      writeUnitAroundAnotherWrite(node);
    }
    byte[] all = Files.readAllBytes(incr());
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int multi = text.indexOf(MULTI + "#RG-MULTI");
    int cut = text.indexOf("#RG shard-0 2 "); // the unit's last part is missing
    Files.write(incr(), Arrays.copyOf(all, cut));
    return new byte[][] {Arrays.copyOf(all, multi), Arrays.copyOf(all, cut)};
  }

  @Test
  void aTornUnitAtTheTailIsCutBackToBeforeItsMulti() throws Exception {
    byte[] beforeMulti = tornUnit()[0];
    try (AofNode node = new AofNode(dir)) {
      // Its complete part (shard-1's) is not applied either.
      assertEquals(List.of(), keys(node, "shard-1"));
      assertEquals(List.of("before"), keys(node, "shard-0"));
      assertEquals(List.of("other"), keys(node, "shard-2"));
    }
    assertEquals(beforeMulti.length, Files.size(incr()));
    RedisToolsCompatTest.Run real = RedisToolsCompatTest.redisCheckAof(incr());
    assertEquals(0, real.code(), real.output());
  }

  @Test
  void aTornUnitRefusesToStartWithAofLoadTruncatedNo() throws Exception {
    byte[] torn = tornUnit()[1];
    try (AofNode node = new AofNode(dir, "redgrid.aof-journal.aof-load-truncated = no")) {
      assertNotNull(node.aof().startFailure());
      String message = node.aof().startFailure().getMessage();
      assertTrue(message.contains("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof")
          && message.contains(AofScanner.EOF_IN_MULTI) && message.contains("aof-load-truncated"), message);
    }
    assertEquals(torn.length, Files.size(incr()), "the file is left alone");
  }

  @Test
  void scannerReportsUnitsOnlyAtTheirExec() throws Exception {
    try (AofNode node = new AofNode(dir)) {
      writeUnitAroundAnotherWrite(node);
    }
    byte[] all = Files.readAllBytes(incr());
    AofScanner.Result whole = AofScanner.check(incr());
    assertEquals(AofScanner.Status.OK, whole.status());
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int multi = text.indexOf(MULTI + "#RG-MULTI");
    // Cut at every byte inside the unit (up to right before its EXEC's last byte): nothing of it is
    // reported, and the valid part ends before its MULTI.
    for (int cut = multi + 1; cut < all.length; cut++) {
      Files.write(incr(), Arrays.copyOf(all, cut));
      List<String> seen = new java.util.ArrayList<>();
      AofScanner.Result r = AofScanner.scan(incr(), new AofScanner.Sink() {
        @Override
        public void event(AofRecord.Header h, long offset, int length) {
          seen.add(h.persistenceId() + "/" + h.sequenceNr());
        }

        @Override
        public void delete(String persistenceId, long toSequenceNr) {}
      });
      assertEquals(AofScanner.Status.TRUNCATED, r.status(), "cut at " + cut);
      assertEquals(multi, r.okUpTo(), "cut at " + cut);
      assertEquals(List.of("shard-0/1", "shard-2/1"), seen, "cut at " + cut);
    }
  }

  @Test
  void misplacedMultiOrExecIsCorruption() throws Exception {
    byte[] one = CheckAofTest.record("p", 1, 0, 1, CheckAofTest.SET);
    byte[] multi = AofRecord.multiMarker(1, 1);
    byte[] exec = AofRecord.execMarker(1);
    for (byte[] content : List.of(
        CheckAofTest.concat(multi, multi, one, exec),     // nested MULTI
        CheckAofTest.concat(one, exec),                   // EXEC without MULTI
        CheckAofTest.concat(multi, exec),                 // fewer parts than announced
        CheckAofTest.concat(multi, one, AofRecord.deleteLine("p", 1), exec),
        CheckAofTest.concat(multi, one, AofRecord.execMarker(2)))) {
      Files.createDirectories(incr().getParent());
      Files.write(incr(), content);
      assertEquals(AofScanner.Status.CORRUPT, AofScanner.check(incr()).status(),
          new String(content, StandardCharsets.ISO_8859_1));
    }
    Files.write(incr(), CheckAofTest.concat(one, multi, one, exec, one));
    assertEquals(AofScanner.Status.OK, AofScanner.check(incr()).status());
  }

  @Test
  void checkAofReportsAndFixesATornUnitLikeRedisCheckAof() throws Exception {
    byte[][] files = tornUnit();
    Path ours = incr();
    Path theirs = dir.resolve("copy.aof");
    Files.write(theirs, files[1]);
    CheckAofTest.Run check = CheckAofTest.check("", ours.toString());
    assertEquals(1, check.code(), check.out());
    assertTrue(check.out().contains(AofScanner.EOF_IN_MULTI), check.out());
    // The same report as the real tool (but for the file name).
    RedisToolsCompatTest.Run real = RedisToolsCompatTest.redisCheckAof(theirs);
    assertEquals(1, real.code(), real.output());
    assertEquals(real.output().replace(theirs.toString(), "F"), check.out().replace(ours.toString(), "F"));

    CheckAofTest.Run fixed = CheckAofTest.check("y\n", "--fix", ours.toString());
    assertEquals(0, fixed.code(), fixed.out());
    assertTrue(fixed.out().endsWith("Successfully truncated AOF " + ours + "\n"), fixed.out());
    assertEquals(files[0].length, Files.size(ours));
    Process p = new ProcessBuilder(RedisToolsCompatTest.REDIS_CHECK_AOF.toString(), "--fix", theirs.toString())
        .redirectErrorStream(true).start();
    p.getOutputStream().write("y\n".getBytes(StandardCharsets.US_ASCII));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertEquals(Files.size(theirs), Files.size(ours), "cut where redis-check-aof --fix cuts: " + out);
    assertEquals(0, CheckAofTest.check("", ours.toString()).code());
  }
}
