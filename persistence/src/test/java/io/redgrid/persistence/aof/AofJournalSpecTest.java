package io.redgrid.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.PersistentRepr;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cases of Akka's persistence TCK JournalSpec, against the AOF journal. */
class AofJournalSpecTest {
  @TempDir Path dir;
  AofNode node;
  static final String PID = "p-1";

  @BeforeEach
  void setUp() {
    node = new AofNode(dir);
    node.writeEach(PID, 1, 5);
  }

  @AfterEach
  void tearDown() {
    node.close();
  }

  static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void replaysAllMessages() {
    AofNode.Replay r = node.replayAll(PID);
    assertEquals(range(1, 5), r.seqs());
    assertEquals(List.of("a-1", "a-2", "a-3", "a-4", "a-5"), r.payloads());
    assertEquals(5, r.highest());
    for (PersistentRepr p : r.events()) {
      assertEquals(PID, p.persistenceId());
      assertEquals(AofNode.WRITER, p.writerUuid());
      assertEquals("", p.manifest());
      assertEquals(false, p.deleted());
    }
  }

  @Test
  void replaysWithLowerBound() {
    assertEquals(range(3, 5), node.replay(PID, 3, Long.MAX_VALUE, Long.MAX_VALUE).seqs());
  }

  @Test
  void replaysWithUpperBound() {
    AofNode.Replay r = node.replay(PID, 1, 3, Long.MAX_VALUE);
    assertEquals(range(1, 3), r.seqs());
    assertEquals(5, r.highest());
  }

  @Test
  void replaysWithCountLimit() {
    assertEquals(range(1, 3), node.replay(PID, 1, Long.MAX_VALUE, 3).seqs());
  }

  @Test
  void replaysWithLowerAndUpperBound() {
    assertEquals(range(2, 3), node.replay(PID, 2, 3, Long.MAX_VALUE).seqs());
  }

  @Test
  void replaysWithBoundsAndCountLimit() {
    assertEquals(range(2, 3), node.replay(PID, 2, 5, 2).seqs());
  }

  @Test
  void replaysASingleMessageWhenLowerEqualsUpper() {
    assertEquals(List.of(2L), node.replay(PID, 2, 2, Long.MAX_VALUE).seqs());
  }

  @Test
  void replaysNothingWhenLowerAboveUpper() {
    AofNode.Replay r = node.replay(PID, 3, 2, Long.MAX_VALUE);
    assertEquals(List.of(), r.seqs());
    assertEquals(5, r.highest());
  }

  @Test
  void replaysNothingWhenUpperBoundIsZero() {
    assertEquals(List.of(), node.replay(PID, 0, 0, Long.MAX_VALUE).seqs());
  }

  @Test
  void replaysNothingWhenCountLimitIsZero() {
    AofNode.Replay r = node.replay(PID, 1, Long.MAX_VALUE, 0);
    assertEquals(List.of(), r.seqs());
    assertEquals(5, r.highest());
  }

  @Test
  void doesNotReplayDeletedMessages() {
    node.delete(PID, 3);
    assertEquals(range(4, 5), node.replayAll(PID).seqs());
  }

  @Test
  void keepsHighestSequenceNrAfterDeletion() {
    node.delete(PID, 3);
    assertEquals(5, node.highest(PID));
    node.delete(PID, 5);
    assertEquals(5, node.highest(PID));
    assertEquals(List.of(), node.replayAll(PID).seqs());
  }

  @Test
  void deleteBeyondHighestKeepsHighestAndLaterWrites() {
    node.delete(PID, Long.MAX_VALUE);
    assertEquals(5, node.highest(PID));
    assertEquals(List.of(), node.replayAll(PID).seqs());
    node.writeEach(PID, 6, 7);
    assertEquals(range(6, 7), node.replayAll(PID).seqs());
    assertEquals(7, node.highest(PID));
  }

  @Test
  void highestIsZeroForUnknownPid() {
    assertEquals(0, node.highest("non-existing-pid"));
    assertEquals(List.of(), node.replayAll("non-existing-pid").seqs());
  }

  @Test
  void rejectsUnserializableEventsWithoutFailingTheJournal() {
    List<Object> replies = node.send(
        AofNode.atomic(AofNode.repr(PID, 6, "b-6")),
        AofNode.atomic(AofNode.repr(PID, 7, new FailingSerializer.Unserializable("x"))),
        AofNode.atomic(AofNode.repr(PID, 8, "b-8")));
    assertTrue(replies.get(0) instanceof JournalProtocol.WriteMessagesSuccessful$, "got " + replies.get(0));
    assertTrue(replies.get(1) instanceof JournalProtocol.WriteMessageSuccess);
    JournalProtocol.WriteMessageRejected rejected = (JournalProtocol.WriteMessageRejected) replies.get(2);
    assertEquals(7, rejected.message().sequenceNr());
    assertTrue(rejected.cause().getMessage().contains("cannot serialize"), rejected.cause().getMessage());
    assertTrue(replies.get(3) instanceof JournalProtocol.WriteMessageSuccess);
    AofNode.Replay r = node.replay(PID, 6, 8, Long.MAX_VALUE);
    assertEquals(List.of(6L, 8L), r.seqs());
    assertEquals(List.of("b-6", "b-8"), r.payloads());
    node.writeEach(PID, 9, 9);
    assertEquals(9, node.highest(PID));
  }

  @Test
  void rejectsTheWholeAtomicWriteWhenOneEventCannotBeSerialized() {
    List<Object> replies = node.send(AofNode.atomic(
        AofNode.repr(PID, 6, "b-6"), AofNode.repr(PID, 7, new FailingSerializer.Unserializable("x"))));
    assertTrue(replies.get(1) instanceof JournalProtocol.WriteMessageRejected, "got " + replies.get(1));
    assertTrue(replies.get(2) instanceof JournalProtocol.WriteMessageRejected, "got " + replies.get(2));
    assertEquals(range(1, 5), node.replayAll(PID).seqs());
  }

  @Test
  void writesSeveralEventsAtomically() {
    AofNode.expectSuccess(node.send(AofNode.atomic(
        AofNode.repr(PID, 6, "b-6"), AofNode.repr(PID, 7, "b-7"), AofNode.repr(PID, 8, "b-8"))));
    AofNode.Replay r = node.replay(PID, 6, Long.MAX_VALUE, Long.MAX_VALUE);
    assertEquals(List.of("b-6", "b-7", "b-8"), r.payloads());
    assertEquals(8, r.highest());
  }

  @Test
  void keepsEachPidsOrderWhenInterleaved() {
    List<AtomicWrite> writes = new ArrayList<>();
    for (long s = 1; s <= 20; s++) {
      writes.add(AofNode.atomic(AofNode.repr("x", s, "x-" + s)));
      writes.add(AofNode.atomic(AofNode.repr("y", s, "y-" + s)));
    }
    AofNode.expectSuccess(node.send(writes.toArray(AtomicWrite[]::new)));
    assertEquals(range(1, 20), node.replayAll("x").seqs());
    assertEquals(range(1, 20), node.replayAll("y").seqs());
    assertEquals("y-7", node.replay("y", 7, 7, 1).payloads().get(0));
    assertEquals(range(1, 5), node.replayAll(PID).seqs());
  }

  @Test
  void storesManifestsAndOddPersistenceIds() {
    String pid = "shard 7/%-é\r\n";
    PersistentRepr p = PersistentRepr.apply("v", 1, pid, "adapter manifest", false, akka.actor.ActorRef.noSender(), "-");
    AofNode.expectSuccess(node.send(AofNode.atomic(p)));
    PersistentRepr back = node.replayAll(pid).events().get(0);
    assertEquals(pid, back.persistenceId());
    assertEquals("adapter manifest", back.manifest());
    assertEquals("-", back.writerUuid());
    assertEquals("v", back.payload());
  }
}
