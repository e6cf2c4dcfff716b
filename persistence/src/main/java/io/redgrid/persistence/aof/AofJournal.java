package io.redgrid.persistence.aof;

import akka.actor.ActorRef;
import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.Tagged;
import akka.persistence.journal.japi.AsyncWriteJournal;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import io.redgrid.shard.TransactionUnit;
import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

/**
 * The Akka persistence journal plugin writing RedGrid's AOF. Events are serialized here (on the
 * journal actor) and appended by the {@link AppendOnlyFile} writer thread; replays read records back
 * by position from the in-memory index.
 */
public final class AofJournal extends AsyncWriteJournal {
  private final AppendOnlyFile aof;
  private final Serialization serialization;
  private final ExecutorService reader;

  public AofJournal(Config pluginConfig) {
    this.aof = AppendOnlyFile.get(context().system());
    this.serialization = SerializationExtension.get(context().system());
    this.reader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "redgrid-aof-replay");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void postStop() throws Exception {
    reader.shutdown();
    super.postStop();
  }

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    AofLoadException failure = aof.startFailure();
    if (failure != null) {
      return akka.dispatch.Futures.failed(failure);
    }
    List<Optional<Exception>> results = new ArrayList<>();
    boolean enabled = aof.enabled();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    for (AtomicWrite write : messages) {
      AppendOnlyFile.Write encoded;
      TransactionUnit unit = unitOf(write);
      if (!enabled && unit == null) {
        results.add(Optional.empty());
        continue;
      }
      // A unit's part goes to the writer even with appendonly off: if the AOF is switched on or
      // off while the unit's parts arrive, the writer still sees all of them and treats them alike.
      try {
        encoded = encode(write, unit);
      } catch (Exception e) {
        results.add(Optional.of(e));
        if (unit != null) {
          // The other parts must not wait for this one: the whole unit fails.
          aof.append(new AppendOnlyFile.Write(null, write.persistenceId(), null, null, null, 0,
              new CompletableFuture<>(), unit.id(), unit.parts()));
        }
        continue;
      }
      results.add(Optional.empty());
      pending.add(aof.append(encoded));
    }
    CompletableFuture<Iterable<Optional<Exception>>> all =
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> results);
    return FutureConverters.asScala(all);
  }

  /** The transaction unit a write is a part of: its first event carries the unit's tag. */
  private static TransactionUnit unitOf(AtomicWrite write) {
    Object first = write.payload().head().payload();
    if (first instanceof Tagged tagged && !tagged.tags().isEmpty()) {
      return TransactionUnit.fromTags(CollectionConverters.asJava(tagged.tags()));
    }
    return null;
  }

  /** Serializes one AtomicWrite into its records; throws if any event cannot be serialized. */
  private AppendOnlyFile.Write encode(AtomicWrite write, TransactionUnit unit) throws IOException {
    List<PersistentRepr> reprs = CollectionConverters.asJava(write.payload());
    int n = reprs.size();
    long[] seqs = new long[n];
    int[] offsets = new int[n];
    int[] lengths = new int[n];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      PersistentRepr repr = reprs.get(i);
      Object payload = repr.payload();
      if (payload instanceof Tagged tagged) {
        payload = tagged.payload();
      }
      Serializer serializer = serialization.findSerializerFor(payload);
      String manifest = Serializers.manifestFor(serializer, payload);
      byte[] bytes = serializer.toBinary(payload);
      byte[] line = AofRecord.eventLine(new AofRecord.Header(repr.persistenceId(), repr.sequenceNr(),
          serializer.identifier(), manifest, repr.manifest(), repr.writerUuid(), i, n, bytes.length));
      offsets[i] = out.size();
      out.write(line);
      out.write(bytes);
      lengths[i] = out.size() - offsets[i];
      seqs[i] = repr.sequenceNr();
    }
    return new AppendOnlyFile.Write(out.toByteArray(), write.persistenceId(), seqs, offsets, lengths, 0,
        new CompletableFuture<>(), unit == null ? 0 : unit.id(), unit == null ? 0 : unit.parts());
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    AofLoadException failure = aof.startFailure();
    if (failure != null) {
      return akka.dispatch.Futures.failed(failure);
    }
    if (!aof.enabled()) {
      return akka.dispatch.Futures.successful(null);
    }
    // Akka deletes only confirmed events, so the index already knows this pid's highest seqNr.
    long to = Math.min(toSequenceNr, aof.highestSequenceNr(persistenceId));
    if (to <= 0) {
      return akka.dispatch.Futures.successful(null);
    }
    byte[] line = AofRecord.deleteLine(persistenceId, to);
    return FutureConverters.asScala(
        aof.append(new AppendOnlyFile.Write(line, persistenceId, null, null, null, to, new CompletableFuture<>())));
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId, long fromSequenceNr, long toSequenceNr, long max, Consumer<PersistentRepr> callback) {
    AofLoadException failure = aof.startFailure();
    if (failure != null) {
      return akka.dispatch.Futures.failed(failure);
    }
    if (!aof.enabled() || max <= 0) {
      return akka.dispatch.Futures.successful(null);
    }
    PidIndex.Positions positions = aof.positions(persistenceId, fromSequenceNr, toSequenceNr, max);
    if (positions == null || positions.count() == 0) {
      return akka.dispatch.Futures.successful(null);
    }
    CompletableFuture<Void> done = CompletableFuture.runAsync(() -> replay(persistenceId, positions, callback), reader);
    return FutureConverters.asScala(done);
  }

  private void replay(String persistenceId, PidIndex.Positions positions, Consumer<PersistentRepr> callback) {
    AppendOnlyFile.RecordReader reader = aof.new RecordReader();
    for (int i = 0; i < positions.count(); i++) {
      try {
        byte[] record = reader.read(positions.files()[i], positions.offsets()[i], positions.lengths()[i]);
        callback.accept(decode(record, persistenceId));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private PersistentRepr decode(byte[] record, String persistenceId) throws IOException {
    int nl = 0;
    while (nl < record.length && record[nl] != '\n') {
      nl++;
    }
    AofRecord.Header h =
        nl >= 1 ? AofRecord.parseEvent(new String(record, 0, nl - 1, StandardCharsets.US_ASCII)) : null;
    if (h == null || !h.persistenceId().equals(persistenceId) || nl + 1 + h.payloadLength() != record.length) {
      throw new IOException("AOF record of " + persistenceId + " does not match the index");
    }
    byte[] payload = java.util.Arrays.copyOfRange(record, nl + 1, record.length);
    Object event = serialization.deserialize(payload, h.serializerId(), h.serializerManifest()).get();
    return PersistentRepr.apply(event, h.sequenceNr(), persistenceId, h.eventManifest(), false, ActorRef.noSender(),
        h.writerUuid());
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    AofLoadException failure = aof.startFailure();
    if (failure != null) {
      return akka.dispatch.Futures.failed(failure);
    }
    if (!aof.enabled()) {
      return akka.dispatch.Futures.successful(0L);
    }
    return akka.dispatch.Futures.successful(aof.highestSequenceNr(persistenceId));
  }
}
