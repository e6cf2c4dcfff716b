package io.redgrid.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import akka.actor.ActorRef;
import akka.actor.ActorSystem;
import akka.persistence.Persistence;
import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotProtocol;
import akka.persistence.SnapshotSelectionCriteria;
import akka.testkit.javadsl.TestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.redgrid.persistence.PersistencePlugins;
import io.redgrid.persistence.PluginTestConfig;
import java.nio.file.Path;
import java.util.Optional;
import scala.jdk.javaapi.OptionConverters;

/**
 * A test ActorSystem whose snapshot store is the RDB plugin in a given directory, driven by
 * SnapshotProtocol messages as Akka's SnapshotStoreSpec does.
 */
final class SnapshotNode implements AutoCloseable {
  final Path dir;
  final ActorSystem system;
  final ActorRef store;
  final TestKit probe;

  SnapshotNode(Path dir) {
    this(dir, "");
  }

  /** {@code extraConfig} (HOCON) overrides the defaults, e.g. the store's own settings. */
  SnapshotNode(Path dir, String extraConfig) {
    this.dir = dir;
    this.system = ActorSystem.create("rdb-snapshots",
        ConfigFactory.parseString(extraConfig).withFallback(config(dir)));
    this.store = Persistence.get(system).snapshotStoreFor(PersistencePlugins.RDB_SNAPSHOT_STORE,
        ConfigFactory.empty());
    this.probe = new TestKit(system);
  }

  static Config config(Path dir) {
    return PluginTestConfig.withDefaults(
        "redgrid.rdb-snapshot-store.dir = " + PluginTestConfig.quoted(dir) + "\n"
            + "akka.persistence.journal.plugin = akka.persistence.journal.inmem\n"
            + "akka.persistence.snapshot-store.plugin = redgrid.rdb-snapshot-store\n"
            // As the TCK: the store publishes the delete commands it handles.
            + "akka.persistence.publish-plugin-commands = on\n"
            + "akka.actor.serializers.test-payload = \"" + TestPayloadSerializer.class.getName() + "\"\n"
            + "akka.actor.serialization-bindings {\"" + TestPayload.class.getName() + "\" = test-payload}\n");
  }

  /** Where the store keeps its files. */
  Path snapshotDir() {
    return RdbSnapshotStore.snapshotDirectory(system.settings().config().getConfig(
        PersistencePlugins.RDB_SNAPSHOT_STORE));
  }

  /** Saves and returns the metadata the store acknowledged (with the timestamp it assigned). */
  SnapshotMetadata save(SnapshotMetadata metadata, Object snapshot) {
    store.tell(new SnapshotProtocol.SaveSnapshot(metadata, snapshot), probe.getRef());
    Object reply = probe.expectMsgClass(PluginTestConfig.WAIT, Object.class);
    if (reply instanceof akka.persistence.SaveSnapshotSuccess success) {
      return success.metadata();
    }
    return fail("save of " + metadata + " answered " + reply);
  }

  SnapshotMetadata save(String pid, long sequenceNr, Object snapshot) {
    return save(new SnapshotMetadata(pid, sequenceNr, 0), snapshot);
  }

  /** The raw reply to a LoadSnapshot: a LoadSnapshotResult or a LoadSnapshotFailed. */
  Object loadReply(String pid, SnapshotSelectionCriteria criteria, long toSequenceNr) {
    store.tell(new SnapshotProtocol.LoadSnapshot(pid, criteria, toSequenceNr), probe.getRef());
    return probe.expectMsgClass(PluginTestConfig.WAIT, Object.class);
  }

  /** A successful load's selected snapshot, checking the reply echoes {@code toSequenceNr}. */
  Optional<SelectedSnapshot> load(String pid, SnapshotSelectionCriteria criteria, long toSequenceNr) {
    Object reply = loadReply(pid, criteria, toSequenceNr);
    if (reply instanceof SnapshotProtocol.LoadSnapshotResult result) {
      assertEquals(toSequenceNr, result.toSequenceNr());
      return OptionConverters.toJava(result.snapshot());
    }
    return fail("load of " + pid + " answered " + reply);
  }

  Optional<SelectedSnapshot> loadLatest(String pid) {
    return load(pid, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE);
  }

  /** The cause of a load that must fail. */
  Throwable loadFailure(String pid) {
    Object reply = loadReply(pid, SnapshotSelectionCriteria.latest(), Long.MAX_VALUE);
    if (reply instanceof SnapshotProtocol.LoadSnapshotFailed failed) {
      return failed.cause();
    }
    return fail("load of " + pid + " should have failed but answered " + reply);
  }

  @Override
  public void close() {
    TestKit.shutdownActorSystem(system);
  }
}
