package io.redgrid.persistence.aof;

import io.redgrid.files.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis 7 multi-part AOF manifest: one base file (RDB), the history files waiting to be
 * deleted, and the incr files in replay order. Immutable; changes make a new manifest.
 */
record AofManifest(Entry base, List<Entry> history, List<Entry> incrs) {
  /** One line: {@code file <name> seq <n> type <b|h|i>}. */
  record Entry(String name, long seq, char type) {
    String line() {
      return "file " + name + " seq " + seq + " type " + type + "\n";
    }
  }

  static final AofManifest EMPTY = new AofManifest(null, List.of(), List.of());

  AofManifest {
    history = List.copyOf(history);
    incrs = List.copyOf(incrs);
  }

  static String baseName(String appendFilename, long seq) {
    return appendFilename + "." + seq + ".base.rdb";
  }

  static String incrName(String appendFilename, long seq) {
    return appendFilename + "." + seq + ".incr.aof";
  }

  /** The highest number used by a base ('b') or incr ('i') file, history included (new files take the next one). */
  long lastSeq(char type) {
    String suffix = type == 'b' ? ".base.rdb" : ".incr.aof";
    long last = 0;
    if (type == 'b' && base != null) {
      last = base.seq();
    }
    for (Entry e : history) {
      if (e.name().endsWith(suffix)) {
        last = Math.max(last, e.seq());
      }
    }
    if (type == 'i') {
      for (Entry e : incrs) {
        last = Math.max(last, e.seq());
      }
    }
    return last;
  }

  AofManifest withIncr(Entry incr) {
    List<Entry> next = new ArrayList<>(incrs);
    next.add(incr);
    return new AofManifest(base, history, next);
  }

  /** Parses a manifest as Redis 7.0 does: blank lines and '#' comments skipped, unknown keys ignored. */
  static AofManifest parse(Path file) throws IOException {
    Entry base = null;
    List<Entry> history = new ArrayList<>();
    List<Entry> incrs = new ArrayList<>();
    int lineNo = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNo++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] f = trimmed.split("\\s+");
      String name = null;
      long seq = -1;
      char type = 0;
      for (int i = 0; i + 1 < f.length; i += 2) {
        switch (f[i]) {
          case "file" -> name = f[i + 1];
          case "seq" -> seq = parseSeq(f[i + 1], file, lineNo);
          case "type" -> type = f[i + 1].length() == 1 ? f[i + 1].charAt(0) : '?';
          default -> { }
        }
      }
      if (name == null || seq < 0 || (type != 'b' && type != 'h' && type != 'i') || f.length % 2 != 0) {
        throw new IOException("Invalid AOF manifest file format: " + file + " line " + lineNo);
      }
      Entry e = new Entry(name, seq, type);
      switch (type) {
        case 'b' -> {
          if (base != null) {
            throw new IOException("Found duplicate base file information: " + file + " line " + lineNo);
          }
          base = e;
        }
        case 'h' -> history.add(e);
        default -> incrs.add(e);
      }
    }
    return new AofManifest(base, history, incrs);
  }

  private static long parseSeq(String s, Path file, int lineNo) throws IOException {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IOException("Invalid AOF manifest file format: " + file + " line " + lineNo);
    }
  }

  /** The text, in Redis' order: base, history, incrs. */
  String render() {
    StringBuilder out = new StringBuilder();
    if (base != null) {
      out.append(base.line());
    }
    history.forEach(e -> out.append(e.line()));
    incrs.forEach(e -> out.append(e.line()));
    return out.toString();
  }

  /** Replaces {@code file} atomically. */
  void writeAtomically(Path file) throws IOException {
    byte[] text = render().getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(file, out -> out.write(text));
  }

  static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      ch.write(buf);
    }
  }
}
