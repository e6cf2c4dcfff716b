package io.redgrid.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import akka.actor.ActorRef;
import akka.actor.ActorSystem;
import akka.persistence.AtomicWrite;
import akka.persistence.DeleteMessagesSuccess;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentEnvelope;
import akka.persistence.PersistentRepr;
import akka.testkit.javadsl.TestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.redgrid.persistence.PersistencePlugins;
import io.redgrid.persistence.PluginTestConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import scala.jdk.javaapi.CollectionConverters;

/** A test ActorSystem whose journal is the AOF plugin in a given directory, driven by JournalProtocol messages. */
final class AofNode implements AutoCloseable {
  static final String WRITER = "writer-uuid-1";
  static final Duration WAIT = PluginTestConfig.WAIT;

  final Path dir;
  final ActorSystem system;
  final ActorRef journal;
  final TestKit probe;
  private int instanceId = 1;

  AofNode(Path dir, String extraConfig) {
    this.dir = dir;
    this.system = ActorSystem.create("aof", config(dir, extraConfig));
    this.journal = Persistence.get(system).journalFor(PersistencePlugins.AOF_JOURNAL, ConfigFactory.empty());
    this.probe = new TestKit(system);
  }

  AofNode(Path dir) {
    this(dir, "");
  }

  static Config config(Path dir, String extra) {
    return ConfigFactory.parseString(extra)
        .withFallback(PluginTestConfig.withDefaults(
            "redgrid.aof-journal.dir = " + PluginTestConfig.quoted(dir) + "\n"
                + "redgrid.aof-journal.appendonly = yes\n"
                + "akka.persistence.journal.plugin = redgrid.aof-journal\n"
                + "akka.persistence.snapshot-store.plugin = akka.persistence.no-snapshot-store\n"
                + "akka.actor.serializers.test-failing = \"io.redgrid.persistence.aof.FailingSerializer\"\n"
                + "akka.actor.serialization-bindings {\"io.redgrid.persistence.aof.FailingSerializer$Unserializable\" = test-failing}\n"));
  }

  AppendOnlyFile aof() {
    return AppendOnlyFile.get(system);
  }

  static PersistentRepr repr(String pid, long seq, Object payload) {
    return PersistentRepr.apply(payload, seq, pid, "", false, ActorRef.noSender(), WRITER);
  }

  static AtomicWrite atomic(PersistentRepr... reprs) {
    return AtomicWrite.apply(CollectionConverters.asScala(List.of(reprs)).toList());
  }

  /** Sends one WriteMessages; returns every reply up to and including the final one. */
  List<Object> send(AtomicWrite... writes) {
    List<PersistentEnvelope> envelopes = new ArrayList<>(List.of(writes));
    journal.tell(new JournalProtocol.WriteMessages(
        CollectionConverters.asScala(envelopes).toList(), probe.getRef(), instanceId), ActorRef.noSender());
    int events = 0;
    for (AtomicWrite w : writes) {
      events += w.size();
    }
    List<Object> replies = new ArrayList<>();
    replies.add(probe.expectMsgClass(WAIT, Object.class));
    for (int i = 0; i < events; i++) {
      replies.add(probe.expectMsgClass(WAIT, Object.class));
    }
    return replies;
  }

  /** Writes events seq from..to (one AtomicWrite each) with payloads "a-<seq>" and expects success. */
  void writeEach(String pid, long from, long to) {
    List<AtomicWrite> writes = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      writes.add(atomic(repr(pid, s, "a-" + s)));
    }
    expectSuccess(send(writes.toArray(AtomicWrite[]::new)));
  }

  static void expectSuccess(List<Object> replies) {
    assertTrue(replies.get(0) instanceof JournalProtocol.WriteMessagesSuccessful$, "got " + replies.get(0));
    for (Object r : replies.subList(1, replies.size())) {
      assertTrue(r instanceof JournalProtocol.WriteMessageSuccess, "got " + r);
    }
  }

  /** The replayed events (seq and payload) and the final highest seqNr. */
  record Replay(List<PersistentRepr> events, long highest) {
    List<Long> seqs() {
      return events.stream().map(PersistentRepr::sequenceNr).toList();
    }

    List<Object> payloads() {
      return events.stream().map(PersistentRepr::payload).toList();
    }
  }

  Replay replay(String pid, long from, long to, long max) {
    journal.tell(new JournalProtocol.ReplayMessages(from, to, max, pid, probe.getRef()), ActorRef.noSender());
    List<PersistentRepr> events = new ArrayList<>();
    while (true) {
      Object msg = probe.expectMsgClass(WAIT, Object.class);
      if (msg instanceof JournalProtocol.ReplayedMessage m) {
        events.add(m.persistent());
      } else if (msg instanceof JournalProtocol.RecoverySuccess s) {
        return new Replay(events, s.highestSequenceNr());
      } else if (msg instanceof JournalProtocol.ReplayMessagesFailure f) {
        throw new ReplayFailed(f.cause());
      } else {
        fail("unexpected " + msg);
      }
    }
  }

  Replay replayAll(String pid) {
    return replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  long highest(String pid) {
    return replay(pid, 0, Long.MAX_VALUE, 0).highest();
  }

  void delete(String pid, long to) {
    journal.tell(new JournalProtocol.DeleteMessagesTo(pid, to, probe.getRef()), ActorRef.noSender());
    assertEquals(new DeleteMessagesSuccess(to), probe.expectMsgClass(WAIT, Object.class));
  }

  /** A replay that ended with ReplayMessagesFailure. */
  static final class ReplayFailed extends RuntimeException {
    ReplayFailed(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  @Override
  public void close() {
    TestKit.shutdownActorSystem(system);
  }
}
