package io.redgrid.persistence.control;

import io.redgrid.keyspace.Keyspace;
import io.redgrid.keyspace.ShardMap;
import io.redgrid.files.AtomicFiles;
import io.redgrid.persistence.rdb.SnapshotFiles;
import io.redgrid.rdb.KeyspaceRdb;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First start on a directory that holds a Redis {@code dump.rdb} but no RedGrid data: the dump
 * is split by slot into one snapshot per shard (sequence number 0), which the shards then load
 * like any snapshot. Later starts use RedGrid's own files and leave the dump alone.
 */
public final class DumpImport {
  private static final Logger log = LoggerFactory.getLogger(DumpImport.class);

  private DumpImport() {}

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Imports {@code dump} when there is no snapshot yet; returns the number of keys imported, or -1. */
  public static long importIfFresh(Path dump, SnapshotFiles snapshots, ShardMap shardMap, int databases,
      long now) throws IOException {
    if (!Files.isRegularFile(dump) || !snapshots.isEmpty()) {
      return -1;
    }
    Keyspace[] shards = new Keyspace[shardMap.shardCount()];
    for (int i = 0; i < shards.length; i++) {
      shards[i] = new Keyspace(i, databases);
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(dump), 1 << 16)) {
      KeyspaceRdb.load(in, key -> shards[shardMap.shardOf(key)], now);
    } catch (IOException | RuntimeException e) {
      throw new IOException("Bad RDB file " + dump + ": " + e.getMessage(), e);
    }
    long keys = 0;
    for (Keyspace shard : shards) {
      keys += shard.keyCount();
    }
    // All shards or none: the snapshots are written to a staging directory renamed into place,
    // so a crash in the middle cannot leave some shards imported and the rest empty.
    Path staging = snapshots.directory().resolveSibling(snapshots.directory().getFileName() + ".import");
    deleteTree(staging);
    SnapshotFiles staged = new SnapshotFiles(staging, snapshots.options());
    long timestamp = System.currentTimeMillis();
    for (Keyspace shard : shards) {
      staged.writeKeyspace("shard-" + shard.shardId(), 0, timestamp, shard, timestamp / 1000);
    }
    deleteTree(snapshots.directory());
    Files.move(staging, snapshots.directory(), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.syncDirectory(snapshots.directory().toAbsolutePath().getParent());
    log.info("Imported {} keys from {} (keys already expired are skipped)", keys, dump);
    return keys;
  }
}
