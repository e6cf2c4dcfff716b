package io.redgrid.persistence.aof;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an incr AOF file once, front to back, and reports its complete records: the one piece of
 * code that decides what is valid, shared by the journal's start-up and {@link CheckAof}. A batch
 * (one AtomicWrite) is reported only when all its records are present, and a transaction unit
 * (MULTI, its parts' batches, EXEC) only when its EXEC is: a file ending inside either is cut
 * back to before it.
 */
final class AofScanner {
  /** Receives the complete records in file order. */
  interface Sink {
    void event(AofRecord.Header header, long offset, int length);

    void delete(String persistenceId, long toSequenceNr);
  }

  /** What is wrong with a file, if anything. */
  enum Status {
    OK,
    /** The file ends inside a record or batch: everything after {@code okUpTo} is an incomplete tail. */
    TRUNCATED,
    /** Bytes that are not a record at {@code errorOffset}. */
    CORRUPT
  }

  /**
   * The verdict: {@code okUpTo} is the end of the last complete batch (the length a --fix keeps),
   * {@code okLines} the line number there as redis-check-aof counts (from 1, payload lines only).
   */
  record Result(Path file, long size, long okUpTo, long okLines, Status status, long errorOffset, String error) {
    boolean ok() {
      return status == Status.OK;
    }
  }

  /** The error of a file ending inside a unit, redis-check-aof's words. */
  static final String EOF_IN_MULTI = "Reached EOF before reading EXEC for MULTI";

  private static final Sink IGNORE =
      new Sink() {
        @Override
        public void event(AofRecord.Header header, long offset, int length) {}

        @Override
        public void delete(String persistenceId, long toSequenceNr) {}
      };

  private AofScanner() {}

  static Result check(Path file) throws IOException {
    return scan(file, IGNORE);
  }

  static Result scan(Path file, Sink sink) throws IOException {
    long size = Files.size(file);
    try (InputStream raw = Files.newInputStream(file)) {
      return new Scan(file, size, new BufferedInputStream(raw, 1 << 16), sink).run();
    }
  }

  private static final class Scan {
    private final Path file;
    private final long size;
    private final InputStream in;
    private final Sink sink;
    private long pos;
    // redis-check-aof counts from 1 and only the RESP lines (payloads), not annotations.
    private long lines = 1;
    private long okUpTo;
    private long okLines = 1;
    /** Where the current and the previous payload line start (redis-check-aof's last read position). */
    private long lineStart;
    private long prevLineStart;
    private final List<AofRecord.Header> batch = new ArrayList<>();
    private final List<long[]> batchPositions = new ArrayList<>();
    /** The open transaction unit (after its MULTI), its complete batches so far, and their records. */
    private AofRecord.UnitMarker unit;
    /** A MULTI command was read (its annotation follows it) and its EXEC not yet. */
    private boolean multiOpen;
    private int unitBatches;
    private final List<AofRecord.Header> unitRecords = new ArrayList<>();
    private final List<long[]> unitPositions = new ArrayList<>();
    private final byte[] lineBuf = new byte[AofRecord.MAX_LINE];
    private final byte[] skipBuf = new byte[8192];

    Scan(Path file, long size, InputStream in, Sink sink) {
      this.file = file;
      this.size = size;
      this.in = in;
      this.sink = sink;
    }

    Result run() throws IOException {
      while (true) {
        long start = pos;
        int n = readLine();
        if (n == -1) {
          if (pos == start && multiOpen) {
            // As redis-check-aof: the offset of the last RESP line read, the line count at the end.
            return new Result(file, size, okUpTo, lines, Status.TRUNCATED, prevLineStart, EOF_IN_MULTI);
          }
          return batch.isEmpty() && pos == start ? result(Status.OK, -1, null) : truncated("unexpected end of file");
        }
        if (n == -2) {
          return corrupt(start, "annotation line longer than " + AofRecord.MAX_LINE + " bytes");
        }
        if (n == 4 && lineBuf[0] == '*' && lineBuf[1] == '1' && lineBuf[2] == '\r') {
          // "*1": only a unit's MULTI command starts with a RESP line here.
          countLine();
          if (!batch.isEmpty()) {
            return corrupt(start, "MULTI inside a batch");
          }
          if (multiOpen) {
            return corrupt(start, "Unexpected MULTI");
          }
          int fixed = expect(AofRecord.MULTI_COMMAND, 4);
          if (fixed < 0) {
            return truncated("short MULTI");
          }
          if (fixed == 0) {
            return corrupt(start, "expected MULTI");
          }
          multiOpen = true;
          unit = null;
          unitBatches = 0;
          continue;
        }
        if (n < 2 || lineBuf[n - 2] != '\r' || lineBuf[0] != '#') {
          return corrupt(start, "expected an annotation line");
        }
        if (multiOpen && unit == null && !line(n).startsWith(AofRecord.MULTI_TAG + ' ')) {
          return corrupt(start, "expected the annotation of a MULTI");
        }
        String line = new String(lineBuf, 0, n - 2, StandardCharsets.US_ASCII);
        if (line.startsWith(AofRecord.EVENT_TAG + ' ')) {
          AofRecord.Header h = AofRecord.parseEvent(line);
          if (h == null) {
            return corrupt(start, "malformed event annotation");
          }
          if (!fitsBatch(h)) {
            return corrupt(start, "record " + h.batchIndex() + "/" + h.batchSize() + " out of its batch");
          }
          if (!skipPayload(h.payloadLength())) {
            return truncated("short payload");
          }
          batch.add(h);
          batchPositions.add(new long[] {start, pos - start});
          if (h.batchIndex() == h.batchSize() - 1) {
            if (unit != null) {
              // Applied with the rest of its unit at EXEC, or never.
              unitRecords.addAll(batch);
              unitPositions.addAll(batchPositions);
              unitBatches++;
            } else {
              for (int i = 0; i < batch.size(); i++) {
                sink.event(batch.get(i), batchPositions.get(i)[0], (int) batchPositions.get(i)[1]);
              }
              commit();
            }
            batch.clear();
            batchPositions.clear();
          }
        } else if (line.startsWith(AofRecord.DELETE_TAG + ' ')) {
          AofRecord.Delete d = AofRecord.parseDelete(line);
          if (d == null) {
            return corrupt(start, "malformed delete annotation");
          }
          if (!batch.isEmpty() || unit != null) {
            return corrupt(start, unit != null ? "delete inside a MULTI/EXEC unit" : "delete inside a batch");
          }
          sink.delete(d.persistenceId(), d.toSequenceNr());
          commit();
        } else if (line.startsWith(AofRecord.MULTI_TAG + ' ') || line.startsWith(AofRecord.EXEC_TAG + ' ')) {
          AofRecord.UnitMarker m = AofRecord.parseUnit(line);
          if (m == null) {
            return corrupt(start, "malformed MULTI/EXEC annotation");
          }
          if (!batch.isEmpty()) {
            return corrupt(start, (m.parts() > 0 ? "MULTI" : "EXEC") + " inside a batch");
          }
          boolean multi = m.parts() > 0;
          if (multi && (!multiOpen || unit != null)) {
            return corrupt(start, "MULTI annotation without its MULTI");
          }
          if (!multi && (unit == null || unit.unit() != m.unit())) {
            return corrupt(start, "Unexpected EXEC");
          }
          if (multi) {
            unit = m;
          } else {
            int fixed = expect(AofRecord.EXEC_COMMAND, 0);
            if (fixed < 0) {
              return truncated("short EXEC");
            }
            if (fixed == 0) {
              return corrupt(start, "expected EXEC after its annotation");
            }
            if (unitBatches != unit.parts()) {
              return corrupt(start, "EXEC after " + unitBatches + " of the unit's " + unit.parts() + " parts");
            }
            for (int i = 0; i < unitRecords.size(); i++) {
              sink.event(unitRecords.get(i), unitPositions.get(i)[0], (int) unitPositions.get(i)[1]);
            }
            unitRecords.clear();
            unitPositions.clear();
            unit = null;
            multiOpen = false;
            commit();
          }
        } else {
          return corrupt(start, "unknown annotation");
        }
      }
    }

    private boolean fitsBatch(AofRecord.Header h) {
      if (batch.isEmpty()) {
        return h.batchIndex() == 0;
      }
      AofRecord.Header first = batch.get(0);
      return h.batchIndex() == batch.size()
          && h.batchSize() == first.batchSize()
          && h.persistenceId().equals(first.persistenceId());
    }

    private void commit() {
      okUpTo = pos;
      okLines = lines;
    }

    /** Reads a line into lineBuf; its length, -1 at end of file before '\n', -2 if too long. */
    private int readLine() throws IOException {
      int n = 0;
      while (true) {
        int c = in.read();
        if (c < 0) {
          return -1;
        }
        pos++;
        if (n == lineBuf.length) {
          return -2;
        }
        lineBuf[n++] = (byte) c;
        if (c == '\n') {
          return n;
        }
      }
    }

    private String line(int n) {
      return new String(lineBuf, 0, n - 2, StandardCharsets.US_ASCII);
    }

    /** A RESP line ended at {@code pos}. */
    private void countLine() {
      lines++;
      prevLineStart = lineStart;
      lineStart = pos;
    }

    /** Reads {@code command}'s bytes from {@code from} on: 1 if they are there, 0 if others are, -1 at end of file. */
    private int expect(byte[] command, int from) throws IOException {
      for (int i = from; i < command.length; i++) {
        byte b = command[i];
        int c = in.read();
        if (c < 0) {
          return -1;
        }
        pos++;
        if (c != (b & 0xff)) {
          return 0;
        }
        if (c == '\n') {
          countLine();
        }
      }
      return 1;
    }

    private boolean skipPayload(int length) throws IOException {
      int left = length;
      while (left > 0) {
        int r = in.read(skipBuf, 0, Math.min(left, skipBuf.length));
        if (r < 0) {
          return false;
        }
        for (int i = 0; i < r; i++) {
          if (skipBuf[i] == '\n') {
            lines++;
            prevLineStart = lineStart;
            lineStart = pos + i + 1;
          }
        }
        pos += r;
        left -= r;
      }
      return true;
    }

    private Result truncated(String why) {
      return result(Status.TRUNCATED, okUpTo, why);
    }

    private Result corrupt(long at, String why) {
      return result(Status.CORRUPT, at, why);
    }

    private Result result(Status status, long errorOffset, String error) {
      return new Result(file, size, status == Status.OK ? size : okUpTo, status == Status.OK ? lines : okLines,
          status, errorOffset, error);
    }
  }
}
