package io.redgrid.persistence.rdb;

import io.redgrid.files.AtomicFiles;
import io.redgrid.files.IoConsumer;

import io.redgrid.keyspace.Keyspace;
import io.redgrid.rdb.KeyspaceRdb;
import io.redgrid.rdb.RdbOptions;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The snapshot directory: one file per snapshot, named {@code <pid>-<seqNr>-<timestamp>.rdb}.
 * A keyspace snapshot is a complete Redis RDB file of that shard's keys, written to a temporary
 * file, fsynced and renamed, so a file that exists is always whole.
 */
public final class SnapshotFiles {
  /** Aux fields naming the persistence id and sequence number inside each RDB snapshot. */
  public static final String AUX_PID = "redgrid-pid";
  public static final String AUX_SEQ = "redgrid-seq";

  private static final String RDB = ".rdb";
  /** Snapshots of other types (any Akka-serializable state) use Akka serialization. */
  private static final String SERIALIZED = ".snap";
  /** Prefix of a file being written (as Redis' temp-<pid>.rdb); no snapshot's name starts with it. */
  private static final String TEMP = AtomicFiles.TEMP;

  private final Path directory;
  private final RdbOptions options;

  public SnapshotFiles(Path directory, RdbOptions options) {
    this.directory = directory;
    this.options = options;
  }

  public Path directory() {
    return directory;
  }

  public RdbOptions options() {
    return options;
  }

  /** One stored snapshot. */
  public record Entry(String persistenceId, long sequenceNr, long timestamp, Path path) {
    public boolean isRdb() {
      return path.getFileName().toString().endsWith(RDB);
    }
  }

  /** Every snapshot of {@code persistenceId}, oldest first (by sequence number, then time). */
  public List<Entry> list(String persistenceId) throws IOException {
    List<Entry> found = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return found;
    }
    String prefix = encode(persistenceId) + "-";
    try (Stream<Path> files = Files.list(directory)) {
      for (Path path : (Iterable<Path>) files::iterator) {
        String name = path.getFileName().toString();
        if (!name.startsWith(prefix) || name.startsWith(".")) {
          continue;
        }
        Entry entry = parse(path);
        if (entry != null && entry.persistenceId().equals(persistenceId)) {
          found.add(entry);
        }
      }
    }
    found.sort(Comparator.comparingLong(Entry::sequenceNr).thenComparingLong(Entry::timestamp));
    return found;
  }

  /** True when the directory holds no snapshot at all (a first start). */
  public boolean isEmpty() throws IOException {
    if (!Files.isDirectory(directory)) {
      return true;
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.noneMatch(path -> parse(path) != null);
    }
  }

  private static Entry parse(Path path) {
    String name = path.getFileName().toString();
    if (name.startsWith(TEMP)) {
      // Left by a write that crashed before its rename: never a snapshot.
      return null;
    }
    String stem;
    if (name.endsWith(RDB)) {
      stem = name.substring(0, name.length() - RDB.length());
    } else if (name.endsWith(SERIALIZED)) {
      stem = name.substring(0, name.length() - SERIALIZED.length());
    } else {
      return null;
    }
    int second = stem.lastIndexOf('-');
    int first = second <= 0 ? -1 : stem.lastIndexOf('-', second - 1);
    if (first <= 0) {
      return null;
    }
    try {
      long seq = Long.parseLong(stem.substring(first + 1, second));
      long timestamp = Long.parseLong(stem.substring(second + 1));
      return new Entry(URLDecoder.decode(stem.substring(0, first), StandardCharsets.UTF_8), seq, timestamp, path);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Writes a keyspace snapshot as an RDB file; returns its path once it is durable. */
  public Path writeKeyspace(String persistenceId, long sequenceNr, long timestamp, Keyspace keyspace,
      long ctimeSeconds) throws IOException {
    Map<String, String> aux = new LinkedHashMap<>();
    aux.put(AUX_PID, persistenceId);
    aux.put(AUX_SEQ, Long.toString(sequenceNr));
    return writeAtomically(fileName(persistenceId, sequenceNr, timestamp, RDB),
        out -> KeyspaceRdb.write(keyspace, out, options, ctimeSeconds, aux));
  }

  /** Writes an Akka-serialized snapshot: serializer id, manifest, then the bytes. */
  public Path writeSerialized(String persistenceId, long sequenceNr, long timestamp, int serializerId,
      String manifest, byte[] bytes) throws IOException {
    return writeAtomically(fileName(persistenceId, sequenceNr, timestamp, SERIALIZED), out -> {
      java.io.DataOutputStream data = new java.io.DataOutputStream(out);
      data.writeInt(serializerId);
      data.writeUTF(manifest);
      data.writeInt(bytes.length);
      data.write(bytes);
      data.flush();
    });
  }

  /** Reads an RDB snapshot into a fresh keyspace; keys expired at {@code now} are skipped. */
  public Keyspace readKeyspace(Path path, int databases, long now) throws IOException {
    Keyspace keyspace = new Keyspace(-1, databases);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      KeyspaceRdb.load(in, keyspace, now);
    } catch (IOException e) {
      throw badFile(path, e);
    }
    return keyspace;
  }

  private static IOException badFile(Path path, Exception e) {
    String why = e instanceof IOException && e.getMessage() != null ? e.getMessage() : e.toString();
    return new IOException("Bad snapshot file " + path + ": " + why, e);
  }

  /** An Akka-serialized snapshot as written by {@link #writeSerialized}. */
  public record Serialized(int serializerId, String manifest, byte[] bytes) {}

  public Serialized readSerialized(Path path) throws IOException {
    try (java.io.DataInputStream data = new java.io.DataInputStream(
        new BufferedInputStream(Files.newInputStream(path)))) {
      int serializerId = data.readInt();
      String manifest = data.readUTF();
      int length = data.readInt();
      if (length < 0 || length > Files.size(path)) {
        throw new IOException("Invalid length " + length);
      }
      byte[] bytes = new byte[length];
      data.readFully(bytes);
      if (data.read() != -1) {
        throw new IOException("Trailing bytes after the snapshot");
      }
      return new Serialized(serializerId, manifest, bytes);
    } catch (IOException e) {
      throw badFile(path, e);
    }
  }

  public void delete(Entry entry) throws IOException {
    Files.deleteIfExists(entry.path());
  }

  /** Writes {@code target} in this directory completely or not at all. */
  public Path writeAtomically(String target, IoConsumer<OutputStream> content) throws IOException {
    return AtomicFiles.write(directory.resolve(target), content);
  }

  private static String fileName(String persistenceId, long sequenceNr, long timestamp, String suffix) {
    return encode(persistenceId) + "-" + sequenceNr + "-" + timestamp + suffix;
  }

  private static String encode(String persistenceId) {
    String encoded = URLEncoder.encode(persistenceId, StandardCharsets.UTF_8);
    // A leading dot would make a hidden file, which list() skips (and "." or ".." no file at all);
    // a leading "temp-" would look like a write in progress, which parse() ignores.
    if (encoded.startsWith(".")) {
      return "%2E" + encoded.substring(1);
    }
    return encoded.startsWith(TEMP) ? "%74" + encoded.substring(1) : encoded;
  }
}
