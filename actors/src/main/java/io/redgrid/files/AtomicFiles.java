package io.redgrid.files;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that are whole or absent (RDB snapshots, dump.rdb, the AOF base and manifest): written
 * under a temporary name in the same directory, fsynced, renamed over the target, and the
 * directory fsynced so that a crash cannot forget the rename.
 */
public final class AtomicFiles {
  /** Prefix of the temporary files, which directory listings must ignore. */
  public static final String TEMP = "temp-";

  private AtomicFiles() {}

  /** Writes {@code path} with {@code content}, completely or not at all; returns {@code path}. */
  public static Path write(Path path, IoConsumer<OutputStream> content) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve(TEMP + ProcessHandle.current().pid() + "-" + System.nanoTime() + "-"
        + path.getFileName());
    try {
      try (FileOutputStream file = new FileOutputStream(temp.toFile());
           OutputStream out = new BufferedOutputStream(file, 1 << 16)) {
        content.accept(out);
        out.flush();
        file.getFD().sync();
      }
      Files.move(temp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(dir);
      return path;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Makes a rename durable: without it a crash can forget the new directory entry. */
  public static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for reading; the rename is then as durable as they make it.
    }
  }
}
