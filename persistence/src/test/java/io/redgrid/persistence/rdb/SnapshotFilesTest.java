package io.redgrid.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.keyspace.Keyspace;
import io.redgrid.rdb.RdbOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshot directory's bookkeeping, below the Akka plugin. */
class SnapshotFilesTest {
  @TempDir Path dir;

  @Test
  void aTempFileLeftByACrashedWriteIsNoSnapshot() throws Exception {
    SnapshotFiles files = new SnapshotFiles(dir.resolve("snapshots"), new RdbOptions(true, true));
    List<Path> seenWhileWriting = new ArrayList<>();
    files.writeAtomically("shard-0-1-2.rdb", out -> {
      try (Stream<Path> present = Files.list(files.directory())) {
        present.forEach(seenWhileWriting::add);
      }
      out.write(1);
    });
    assertEquals(1, seenWhileWriting.size(), seenWhileWriting.toString());
    Path temp = seenWhileWriting.get(0);
    Files.delete(files.directory().resolve("shard-0-1-2.rdb"));
    // As a kill -9 during the write leaves it:
    Files.write(temp, new byte[] {1, 2, 3});

    assertTrue(files.isEmpty(), "a half-written temp file must not count as a snapshot: " + temp);
    assertEquals(List.of(), files.list("shard-0"));
    files.writeKeyspace("shard-0", 1, 2, new Keyspace(0, 16), 0);
    assertFalse(files.isEmpty());
    assertEquals(1, files.list("shard-0").size());
  }

  @Test
  void noSnapshotDirectoryMeansEmpty() throws Exception {
    SnapshotFiles files = new SnapshotFiles(dir.resolve("absent"), new RdbOptions(true, true));
    assertTrue(files.isEmpty());
    assertEquals(List.of(), files.list("shard-0"));
  }
}
