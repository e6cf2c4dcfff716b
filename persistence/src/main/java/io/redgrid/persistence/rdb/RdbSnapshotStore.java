package io.redgrid.persistence.rdb;

import akka.dispatch.Futures;
import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotSelectionCriteria;
import akka.persistence.snapshot.japi.SnapshotStore;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializers;
import com.typesafe.config.Config;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.rdb.RdbOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;

/**
 * The snapshot store plugin: a keyspace snapshot is a Redis RDB file (what redis-check-rdb and
 * redis-server read); any other state is stored with its Akka serializer. File I/O runs on one
 * thread of its own, never on actor threads; one thread also orders a load after the saves and
 * deletes asked before it.
 */
public final class RdbSnapshotStore extends SnapshotStore {
  private final SnapshotFiles files;
  private final int databases;
  private final ExecutorService io;
  private final ExecutionContext ioContext;
  private final Serialization serialization;

  public RdbSnapshotStore(Config config) {
    this.files = new SnapshotFiles(snapshotDirectory(config),
        new RdbOptions(config.getBoolean("rdbcompression"), config.getBoolean("rdbchecksum")));
    this.databases = config.getInt("databases");
    this.io = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "redgrid-snapshot-io");
      thread.setDaemon(true);
      return thread;
    });
    this.ioContext = ExecutionContext.fromExecutorService(io);
    this.serialization = SerializationExtension.get(context().system());
  }

  /** {@code <dir>/<snapshot-dir>}: where the node's shards keep their snapshots. */
  public static Path snapshotDirectory(Config config) {
    return Path.of(config.getString("dir")).resolve(config.getString("snapshot-dir"));
  }

  @Override
  public void postStop() {
    io.shutdown();
  }

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    return Futures.future(() -> {
      List<SnapshotFiles.Entry> entries = files.list(persistenceId);
      // Newest first. A damaged newest file fails the load rather than silently using an older
      // one: the journal it covered may have been rewritten away.
      for (int i = entries.size() - 1; i >= 0; i--) {
        SnapshotFiles.Entry entry = entries.get(i);
        if (!matches(criteria, entry)) {
          continue;
        }
        SnapshotMetadata metadata = new SnapshotMetadata(persistenceId, entry.sequenceNr(), entry.timestamp());
        return Optional.of(SelectedSnapshot.create(metadata, read(entry)));
      }
      return Optional.empty();
    }, ioContext);
  }

  private Object read(SnapshotFiles.Entry entry) throws IOException {
    if (entry.isRdb()) {
      // Keys whose time passed while the node was down are dropped, as a Redis master loading an RDB.
      return files.readKeyspace(entry.path(), databases, System.currentTimeMillis());
    }
    SnapshotFiles.Serialized stored = files.readSerialized(entry.path());
    scala.util.Try<Object> snapshot =
        serialization.deserialize(stored.bytes(), stored.serializerId(), stored.manifest());
    if (snapshot.isFailure()) {
      Throwable cause = snapshot.failed().get();
      throw new IOException("Bad snapshot file " + entry.path() + ": " + cause, cause);
    }
    return snapshot.get();
  }

  private static boolean matches(SnapshotSelectionCriteria criteria, SnapshotFiles.Entry entry) {
    return entry.sequenceNr() <= criteria.maxSequenceNr() && entry.timestamp() <= criteria.maxTimestamp()
        && entry.sequenceNr() >= criteria.minSequenceNr() && entry.timestamp() >= criteria.minTimestamp();
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    return Futures.future(() -> {
      if (snapshot instanceof Keyspace keyspace) {
        files.writeKeyspace(metadata.persistenceId(), metadata.sequenceNr(), metadata.timestamp(), keyspace,
            metadata.timestamp() / 1000);
      } else {
        akka.serialization.Serializer serializer = serialization.findSerializerFor(snapshot);
        // serialize(), not serializer.toBinary(): it sets the transport information that
        // serializers of ActorRefs need (Serialization.serializedActorPath) on this I/O thread.
        byte[] bytes = serialization.serialize(snapshot).get();
        files.writeSerialized(metadata.persistenceId(), metadata.sequenceNr(), metadata.timestamp(),
            serializer.identifier(), Serializers.manifestFor(serializer, snapshot), bytes);
      }
      return null;
    }, ioContext);
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    return Futures.future(() -> {
      for (SnapshotFiles.Entry entry : files.list(metadata.persistenceId())) {
        // Akka deletes by sequence number; a timestamp of 0 means any.
        if (entry.sequenceNr() == metadata.sequenceNr()
            && (metadata.timestamp() == 0 || entry.timestamp() == metadata.timestamp())) {
          files.delete(entry);
        }
      }
      return null;
    }, ioContext);
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    return Futures.future(() -> {
      for (SnapshotFiles.Entry entry : files.list(persistenceId)) {
        if (matches(criteria, entry)) {
          files.delete(entry);
        }
      }
      return null;
    }, ioContext);
  }
}
