package io.redgrid.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandler;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehavior;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.redgrid.shard.ShardEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Akka typed recovers at max(snapshot seqNr, journal highest seqNr): with appendonly no the journal
 * says 0, and a shard-like behaviour must go on from its snapshot's seqNr.
 */
class TypedRecoveryTest {
  @TempDir Path dir;

  /** Adds one to the counter; replies the count and the sequence number. */
  record Incr(ActorRef<long[]> replyTo) {}

  static final class Counter extends EventSourcedBehavior<Incr, ShardEvent, String> {
    private final ActorContext<Incr> ctx;
    private final boolean snapshots;

    Counter(ActorContext<Incr> ctx, String id, boolean snapshots) {
      super(PersistenceId.ofUniqueId(id));
      this.ctx = ctx;
      this.snapshots = snapshots;
    }

    @Override
    public String emptyState() {
      return "0";
    }

    @Override
    public CommandHandler<Incr, ShardEvent, String> commandHandler() {
      return newCommandHandlerBuilder().forAnyState().onCommand(Incr.class, (state, cmd) -> Effect()
          .persist(new ShardEvent(0, new byte[][] {"INCR".getBytes(StandardCharsets.US_ASCII),
              "n".getBytes(StandardCharsets.US_ASCII)}))
          .thenReply(cmd.replyTo(), s -> new long[] {Long.parseLong(s), lastSequenceNumber(ctx)})).build();
    }

    @Override
    public EventHandler<String, ShardEvent> eventHandler() {
      return newEventHandlerBuilder().forAnyState()
          .onEvent(ShardEvent.class, (state, e) -> Long.toString(Long.parseLong(state) + 1)).build();
    }

    @Override
    public boolean shouldSnapshot(String state, ShardEvent event, long sequenceNr) {
      return snapshots;
    }
  }

  Config config(String appendonly) {
    return ConfigFactory.parseString(
            "akka.persistence.snapshot-store.plugin = akka.persistence.snapshot-store.local\n"
                + "akka.persistence.snapshot-store.local.dir = \"" + dir.resolve("snapshots") + "\"\n"
                + "redgrid.aof-journal.appendonly = " + appendonly)
        .withFallback(AofNode.config(dir, ""));
  }

  long[] incr(ActorTestKit kit, ActorRef<Incr> shard) {
    TestProbe<long[]> probe = kit.createTestProbe();
    shard.tell(new Incr(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  boolean snapshotSaved(long seq) throws IOException {
    Path snapshots = dir.resolve("snapshots");
    if (!Files.exists(snapshots)) {
      return false;
    }
    try (Stream<Path> files = Files.list(snapshots)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith("snapshot-shard-0-" + seq + "-"));
    }
  }

  static Behavior<Incr> shard() {
    return Behaviors.setup(ctx -> new Counter(ctx, "shard-0", true));
  }

  @Test
  void recoversFromTheSnapshotWhenTheJournalIsEmpty() throws Exception {
    ActorTestKit first = ActorTestKit.create("typed1", config("no"));
    try {
      ActorRef<Incr> shard = first.spawn(shard(), "shard-0");
      for (long i = 1; i <= 3; i++) {
        long[] r = incr(first, shard);
        assertEquals(i, r[0]);
        assertEquals(i, r[1]);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!snapshotSaved(3) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(snapshotSaved(3));
    } finally {
      first.shutdownTestKit();
    }
    ActorTestKit second = ActorTestKit.create("typed2", config("no"));
    try {
      ActorRef<Incr> shard = second.spawn(shard(), "shard-0");
      long[] r = incr(second, shard);
      assertEquals(4, r[0], "state from the snapshot");
      assertEquals(4, r[1], "sequence numbers go on from the snapshot's, not from the journal's 0");
    } finally {
      second.shutdownTestKit();
    }
  }

  @Test
  void recoversFromTheAofWithAppendonlyYes() {
    ActorTestKit first = ActorTestKit.create("typed3",
        ConfigFactory.parseString("akka.persistence.snapshot-store.plugin = akka.persistence.no-snapshot-store")
            .withFallback(config("yes")));
    try {
      ActorRef<Incr> shard = first.spawn(Behaviors.setup(ctx -> new Counter(ctx, "shard-1", false)), "s");
      for (int i = 0; i < 5; i++) {
        incr(first, shard);
      }
    } finally {
      first.shutdownTestKit();
    }
    ActorTestKit second = ActorTestKit.create("typed4",
        ConfigFactory.parseString("akka.persistence.snapshot-store.plugin = akka.persistence.no-snapshot-store")
            .withFallback(config("yes")));
    try {
      ActorRef<Incr> shard = second.spawn(Behaviors.setup(ctx -> new Counter(ctx, "shard-1", false)), "s");
      long[] r = incr(second, shard);
      assertEquals(6, r[0]);
      assertEquals(6, r[1]);
    } finally {
      second.shutdownTestKit();
    }
  }
}
