package io.redgrid.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorRef;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/** The AOF on disk: restart, truncated tails, corruption, rotation and rewrite, fsync policies, appendonly no. */
class AofFilesTest {
  @TempDir Path dir;

  Path aofDir() {
    return dir.resolve("appendonlydir");
  }

  Path incr(int n) {
    return aofDir().resolve("appendonly.aof." + n + ".incr.aof");
  }

  Path manifest() {
    return aofDir().resolve("appendonly.aof.manifest");
  }

  static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  @Test
  void freshStartCreatesTheRedisLayout() throws IOException {
    try (AofNode node = new AofNode(dir)) {
      node.writeEach("p", 1, 1);
      assertEquals(aofDir(), node.aof().directory().toAbsolutePath().normalize());
      assertEquals(manifest(), node.aof().manifestPath());
    }
    assertEquals("file appendonly.aof.1.incr.aof seq 1 type i\n", Files.readString(manifest()));
    String text = Files.readString(incr(1), StandardCharsets.ISO_8859_1);
    assertTrue(text.startsWith("#RG p 1 20 - - writer-uuid-1 0/1 3\r\na-1"), text);
  }

  @Test
  void restartReplaysExactly() {
    try (AofNode node = new AofNode(dir)) {
      node.writeEach("a", 1, 10);
      node.writeEach("b", 1, 3);
      AofNode.expectSuccess(node.send(AofNode.atomic(
          AofNode.repr("a", 11, "x"), AofNode.repr("a", 12, "y"))));
      node.delete("b", 2);
    }
    try (AofNode node = new AofNode(dir)) {
      AofNode.Replay a = node.replayAll("a");
      assertEquals(range(1, 12), a.seqs());
      assertEquals("a-10", a.payloads().get(9));
      assertEquals("y", a.payloads().get(11));
      assertEquals(12, a.highest());
      assertEquals(List.of(3L), node.replayAll("b").seqs());
      node.delete("b", 3);
    }
    try (AofNode node = new AofNode(dir)) {
      AofNode.Replay b = node.replayAll("b");
      assertEquals(List.of(), b.seqs());
      assertEquals(3, b.highest(), "highest seqNr survives deletes and restarts");
      assertEquals(12, node.aof().sizeAtLastRewrite() > 0 ? node.highest("a") : -1);
    }
  }

  @Test
  void manyInterleavedEventsReplayExactlyAfterRestart() {
    String pad = "x".repeat(300);
    try (AofNode node = new AofNode(dir)) {
      for (int round = 0; round < 10; round++) {
        List<AtomicWrite> writes = new ArrayList<>();
        for (long s = round * 100L + 1; s <= round * 100L + 100; s++) {
          for (int shard = 0; shard < 4; shard++) {
            writes.add(AofNode.atomic(AofNode.repr("shard-" + shard, s, shard + ":" + s + pad)));
          }
        }
        AofNode.expectSuccess(node.send(writes.toArray(AtomicWrite[]::new)));
      }
    }
    try (AofNode node = new AofNode(dir)) {
      for (int shard = 0; shard < 4; shard++) {
        AofNode.Replay r = node.replayAll("shard-" + shard);
        assertEquals(range(1, 1000), r.seqs());
        for (int i = 0; i < 1000; i++) {
          assertEquals(shard + ":" + (i + 1) + pad, r.payloads().get(i));
        }
      }
      assertEquals(List.of(shard2(777, pad)), node.replay("shard-2", 777, 777, 5).payloads());
    }
  }

  static String shard2(long seq, String pad) {
    return "2:" + seq + pad;
  }

  @Test
  void truncatedTailIsCutWithAofLoadTruncatedYes() throws IOException {
    try (AofNode node = new AofNode(dir)) {
      node.writeEach("p", 1, 3);
    }
    long good = Files.size(incr(1));
    Files.write(incr(1), "#RG p 4 20 - - w 0/1 10\r\nabc".getBytes(StandardCharsets.US_ASCII),
        StandardOpenOption.APPEND);
    try (AofNode node = new AofNode(dir)) {
      assertEquals(range(1, 3), node.replayAll("p").seqs());
      assertEquals(good, Files.size(incr(1)), "the short record is truncated away");
      node.writeEach("p", 4, 4);
      assertEquals(range(1, 4), node.replayAll("p").seqs());
    }
    try (AofNode node = new AofNode(dir)) {
      assertEquals(range(1, 4), node.replayAll("p").seqs());
    }
  }

  @Test
  void truncatedAnnotationIsCutToo() throws IOException {
    try (AofNode node = new AofNode(dir)) {
      node.writeEach("p", 1, 2);
    }
    long good = Files.size(incr(1));
    Files.write(incr(1), "#RG p 3 2".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
    try (AofNode node = new AofNode(dir)) {
      assertEquals(range(1, 2), node.replayAll("p").seqs());
      assertEquals(good, Files.size(incr(1)));
    }
  }

  @Test
  void truncatedTailRefusesToStartWithAofLoadTruncatedNo() throws IOException {
    try (AofNode node = new AofNode(dir)) {
      node.writeEach("p", 1, 3);
    }
    long good = Files.size(incr(1));
    Files.write(incr(1), "#RG p 4 20 - - w 0/1 10\r\nabc".getBytes(StandardCharsets.US_ASCII),
        StandardOpenOption.APPEND);
    try (AofNode node = new AofNode(dir, "redgrid.aof-journal.aof-load-truncated = no")) {
      AofNode.ReplayFailed e = assertThrows(AofNode.ReplayFailed.class, () -> node.replayAll("p"));
      assertTrue(e.getMessage().contains("Unexpected end of file reading the append only file "
          + "appendonly.aof.1.incr.aof at offset " + good), e.getMessage());
      assertNotNull(node.aof().startFailure());
      List<Object> replies = node.send(AofNode.atomic(AofNode.repr("p", 4, "x")));
      assertTrue(replies.get(0) instanceof JournalProtocol.WriteMessagesFailed, "got " + replies.get(0));
    }
    assertEquals(good + 28, Files.size(incr(1)), "nothing is truncated when refusing");
  }

  @Test
  void corruptionInTheMiddleRefusesWithFileAndOffset() throws IOException {
    try (AofNode node = new AofNode(dir)) {
      node.writeEach("p", 1, 5);
    }
    byte[] bytes = Files.readAllBytes(incr(1));
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int third = text.indexOf("#RG p 3 ");
    bytes[third + 1] = 'X';
    Files.write(incr(1), bytes);
    try (AofNode node = new AofNode(dir)) {
      AofNode.ReplayFailed e = assertThrows(AofNode.ReplayFailed.class, () -> node.replayAll("p"));
      assertTrue(e.getMessage().contains(
          "Bad file format reading the append only file appendonly.aof.1.incr.aof at offset " + third),
          e.getMessage());
      assertThrows(AofNode.ReplayFailed.class, () -> node.replayAll("other"));
      assertEquals(0, node.aof().currentSize(), "no half-loaded state");
      assertThrows(Exception.class, () -> node.aof().rotate().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertThrows(Exception.class, () -> node.aof().completeRewrite(9, out -> { })
          .toCompletableFuture().get(10, TimeUnit.SECONDS));
    }
    assertArrayEquals(bytes, Files.readAllBytes(incr(1)), "a corrupt file is left alone");
  }

  @Test
  void incompleteAtomicBatchAtTheEndIsDroppedAsAWhole() throws IOException {
    try (AofNode node = new AofNode(dir)) {
      node.writeEach("p", 1, 3);
      AofNode.expectSuccess(node.send(AofNode.atomic(
          AofNode.repr("p", 4, "batch-4"), AofNode.repr("p", 5, "batch-5"))));
    }
    long size = Files.size(incr(1));
    try (var ch = java.nio.channels.FileChannel.open(incr(1), StandardOpenOption.WRITE)) {
      ch.truncate(size - 2); // cut inside the payload of event 5: event 4 is complete but its batch is not
    }
    try (AofNode node = new AofNode(dir)) {
      AofNode.Replay r = node.replayAll("p");
      assertEquals(range(1, 3), r.seqs());
      assertEquals(3, r.highest());
      String text = Files.readString(incr(1), StandardCharsets.ISO_8859_1);
      assertFalse(text.contains("batch-4"), "the whole batch is truncated away");
    }
  }

  @Test
  void rotateAndCompleteRewriteThenRestart() throws Exception {
    byte[] base = "REDIS0010-fake-base".getBytes(StandardCharsets.US_ASCII);
    try (AofNode node = new AofNode(dir)) {
      AppendOnlyFile aof = node.aof();
      node.writeEach("p", 1, 3);
      node.writeEach("q", 1, 1);
      int next = aof.rotate().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(2, next);
      assertEquals("file appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
          Files.readString(manifest()));
      node.writeEach("p", 4, 5);
      assertTrue(Files.readString(incr(2), StandardCharsets.ISO_8859_1).contains("a-4"));
      assertFalse(Files.readString(incr(1), StandardCharsets.ISO_8859_1).contains("a-4"));
      aof.completeRewrite(next, out -> out.write(base)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
          Files.readString(manifest()));
      assertArrayEquals(base, Files.readAllBytes(aofDir().resolve("appendonly.aof.1.base.rdb")));
      assertFalse(Files.exists(incr(1)));
      assertEquals(base.length, aof.baseSize());
      assertEquals(base.length + Files.size(incr(2)), aof.currentSize());
      assertEquals(aof.currentSize(), aof.sizeAtLastRewrite());
      AofNode.Replay p = node.replayAll("p");
      assertEquals(range(4, 5), p.seqs(), "events covered by the rewrite are forgotten");
      assertEquals(5, p.highest());
      assertEquals(1, node.highest("q"));
      node.writeEach("p", 6, 6);
    }
    try (AofNode node = new AofNode(dir)) {
      assertEquals(range(4, 6), node.replayAll("p").seqs());
      assertEquals(base.length, node.aof().baseSize());
      // a second rewrite numbers the base 2 and deletes base 1
      int next = node.aof().rotate().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(3, next);
      node.aof().completeRewrite(next, out -> out.write(base)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n",
          Files.readString(manifest()));
      assertFalse(Files.exists(aofDir().resolve("appendonly.aof.1.base.rdb")));
      assertEquals(List.of(), node.replayAll("p").seqs());
      assertEquals(6, node.highest("p"));
    }
  }

  @Test
  void completeRewriteRefusesToDropTheCurrentIncrFile() {
    try (AofNode node = new AofNode(dir)) {
      Exception e = assertThrows(Exception.class,
          () -> node.aof().completeRewrite(5, out -> { }).toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertTrue(e.getMessage().contains("rotate() first"), e.getMessage());
      assertTrue(Files.exists(incr(1)));
    }
  }

  @Test
  void alwaysGroupCommitsConcurrentWrites() throws Exception {
    try (AofNode node = new AofNode(dir, "redgrid.aof-journal.appendfsync = always")) {
      AppendOnlyFile aof = node.aof();
      assertEquals(FsyncPolicy.ALWAYS, aof.fsync());
      node.writeEach("warm", 1, 1);
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch blocked = new CountDownLatch(1);
      aof.onWriterThread(() -> {
        blocked.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      // Only once the writer is inside the task: a write sent earlier could be drained with it.
      assertTrue(blocked.await(10, TimeUnit.SECONDS));
      long before = aof.fsyncCount();
      // 50 shards each persist while the writer is busy: one drained group, one fsync.
      for (int shard = 0; shard < 50; shard++) {
        String pid = "shard-" + shard;
        List<akka.persistence.PersistentEnvelope> w = List.of(AofNode.atomic(AofNode.repr(pid, 1, "v" + shard)));
        node.journal.tell(new JournalProtocol.WriteMessages(
            CollectionConverters.asScala(w).toList(), node.probe.getRef(), shard), ActorRef.noSender());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (aof.queuedForTest() < 50 && System.nanoTime() < deadline) {
        Thread.sleep(10); // until the journal actor has queued them all
      }
      assertEquals(50, aof.queuedForTest());
      release.countDown();
      for (int i = 0; i < 100; i++) {
        Object msg = node.probe.expectMsgClass(AofNode.WAIT, Object.class);
        assertFalse(msg instanceof JournalProtocol.WriteMessagesFailed, "got " + msg);
      }
      assertEquals(1, aof.fsyncCount() - before, "one fsync for the whole group");
      assertEquals(List.of("v49"), node.replayAll("shard-49").payloads());
    }
  }

  @Test
  void alwaysFsyncsBeforeAcknowledging() {
    try (AofNode node = new AofNode(dir, "redgrid.aof-journal.appendfsync = always")) {
      long before = node.aof().fsyncCount();
      node.writeEach("p", 1, 1);
      assertTrue(node.aof().fsyncCount() > before);
    }
  }

  @Test
  void everysecFsyncsInTheBackgroundAndNoNever() throws Exception {
    try (AofNode node = new AofNode(dir)) {
      AppendOnlyFile aof = node.aof();
      assertEquals(FsyncPolicy.EVERYSEC, aof.fsync());
      aof.setFsync(FsyncPolicy.NO);
      long before = aof.fsyncCount();
      node.writeEach("p", 1, 20);
      Thread.sleep(1500);
      assertEquals(before, aof.fsyncCount(), "appendfsync no never forces");
      aof.setFsync(FsyncPolicy.EVERYSEC);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (aof.fsyncCount() == before && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(before + 1, aof.fsyncCount(), "one background fsync covers the pending writes");
      Thread.sleep(1500);
      assertEquals(before + 1, aof.fsyncCount(), "nothing written, nothing forced");
      aof.setFsync(FsyncPolicy.NO);
      node.writeEach("p", 21, 21);
      aof.flush().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(before + 2, aof.fsyncCount(), "flush forces");
    }
  }

  @Test
  void appendonlyNoWritesNothingAndReplaysNothing() throws IOException {
    try (AofNode node = new AofNode(dir)) {
      node.writeEach("p", 1, 3);
    }
    byte[] before = Files.readAllBytes(incr(1));
    try (AofNode node = new AofNode(dir, "redgrid.aof-journal.appendonly = no")) {
      assertFalse(node.aof().enabled());
      node.writeEach("p", 4, 6);
      node.delete("p", 5);
      AofNode.Replay r = node.replayAll("p");
      assertEquals(List.of(), r.seqs());
      assertEquals(0, r.highest());
    }
    assertArrayEquals(before, Files.readAllBytes(incr(1)), "existing files are neither read nor touched");
    try (AofNode node = new AofNode(dir)) {
      assertEquals(range(1, 3), node.replayAll("p").seqs());
    }
  }

  @Test
  void appendonlyNoOnAFreshDirectoryCreatesNoFiles() {
    try (AofNode node = new AofNode(dir, "redgrid.aof-journal.appendonly = no")) {
      node.writeEach("p", 1, 2);
    }
    assertFalse(Files.exists(aofDir()));
  }

  @Test
  void turningAppendonlyOnStartsAFreshIncrFileAndOffStopsWriting() throws Exception {
    try (AofNode node = new AofNode(dir)) {
      node.writeEach("p", 1, 2);
    }
    try (AofNode node = new AofNode(dir, "redgrid.aof-journal.appendonly = no")) {
      AppendOnlyFile aof = node.aof();
      node.writeEach("p", 3, 4);
      aof.setEnabled(true);
      assertTrue(aof.enabled());
      assertEquals("file appendonly.aof.1.incr.aof seq 1 type h\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
          Files.readString(manifest()));
      node.writeEach("p", 5, 6);
      assertEquals(range(5, 6), node.replayAll("p").seqs());
      int next = aof.rotate().toCompletableFuture().get(10, TimeUnit.SECONDS);
      aof.completeRewrite(next, out -> out.write('R')).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n",
          Files.readString(manifest()));
      assertFalse(Files.exists(incr(1)), "history is deleted by the rewrite");
      assertFalse(Files.exists(incr(2)));
      node.writeEach("p", 7, 7);
      aof.setEnabled(false);
      long size = Files.size(incr(3));
      node.writeEach("p", 8, 8);
      assertEquals(size, Files.size(incr(3)));
      assertEquals(0, node.highest("p"));
    }
    try (AofNode node = new AofNode(dir)) {
      assertEquals(List.of(7L), node.replayAll("p").seqs());
    }
  }

  @Test
  void failedWriteFailsTheFuturesAndClearsLastWriteStatus() throws Exception {
    try (AofNode node = new AofNode(dir)) {
      AppendOnlyFile aof = node.aof();
      assertTrue(aof.lastWriteOk());
      CountDownLatch closed = new CountDownLatch(1);
      // Simulate a disk failure: the current channel is closed under the writer.
      aof.onWriterThread(() -> {
        try {
          java.lang.reflect.Field f = AppendOnlyFile.class.getDeclaredField("current");
          f.setAccessible(true);
          ((java.nio.channels.FileChannel) f.get(aof)).close();
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
        closed.countDown();
      });
      assertTrue(closed.await(5, TimeUnit.SECONDS));
      List<Object> replies = node.send(AofNode.atomic(AofNode.repr("p", 1, "x")));
      assertTrue(replies.get(0) instanceof JournalProtocol.WriteMessagesFailed, "got " + replies.get(0));
      assertFalse(aof.lastWriteOk());
      assertNull(aof.startFailure());
    }
  }

  @Test
  void annotationsOver1023BytesAreRejected() {
    try (AofNode node = new AofNode(dir)) {
      String pid = "p".repeat(1000);
      List<Object> replies = node.send(AofNode.atomic(AofNode.repr(pid, 1, "x")));
      assertTrue(replies.get(1) instanceof JournalProtocol.WriteMessageRejected, "got " + replies.get(1));
      node.writeEach("ok", 1, 1);
    }
  }
}
