package io.redgrid.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** redgrid-check-aof: the report, the exit codes and --fix, like redis-check-aof 7.0. */
class CheckAofTest {
  @TempDir Path dir;

  static byte[] record(String pid, long seq, int index, int size, String payload) {
    byte[] p = payload.getBytes(StandardCharsets.US_ASCII);
    byte[] line = AofRecord.eventLine(new AofRecord.Header(pid, seq, 20, "", "", "w", index, size, p.length));
    byte[] out = new byte[line.length + p.length];
    System.arraycopy(line, 0, out, 0, line.length);
    System.arraycopy(p, 0, out, line.length, p.length);
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static final String SET = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";

  record Run(int code, String out) {}

  static Run check(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = CheckAof.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8));
  }

  Path write(String name, byte[] content) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, content);
    return f;
  }

  @Test
  void validFile() throws Exception {
    byte[] content = concat(record("shard-0", 1, 0, 1, SET), AofRecord.deleteLine("shard-0", 1),
        record("shard-0", 2, 0, 2, SET), record("shard-0", 3, 1, 2, SET));
    Path f = write("a.aof", content);
    Run r = check("", f.toString());
    assertEquals(0, r.code());
    assertEquals("Start checking Old-Style AOF\n"
        + "AOF analyzed: filename=" + f + ", size=" + content.length + ", ok_up_to=" + content.length
        + ", ok_up_to_line=22, diff=0\n"
        + "AOF " + f + " is valid\n", r.out());
    // the same figures as the real tool
    assertEquals(r.out(), RedisToolsCompatTest.redisCheckAof(f).output());
  }

  @Test
  void emptyFileIsValid() throws Exception {
    Path f = write("e.aof", new byte[0]);
    Run r = check("", f.toString());
    assertEquals(0, r.code());
    assertEquals("Start checking Old-Style AOF\nAOF " + f + " is empty\n", r.out());
    assertEquals(r.out(), RedisToolsCompatTest.redisCheckAof(f).output());
  }

  @Test
  void truncatedBatchIsReportedAtItsStart() throws IOException {
    byte[] good = record("p", 1, 0, 1, SET);
    byte[] content = concat(good, record("p", 2, 0, 2, SET), record("p", 3, 1, 2, SET));
    Path f = write("t.aof", java.util.Arrays.copyOf(content, content.length - 5));
    Run r = check("", f.toString());
    assertEquals(1, r.code());
    assertTrue(r.out().contains("AOF analyzed: filename=" + f + ", size=" + (content.length - 5) + ", ok_up_to="
        + good.length + ", ok_up_to_line=8, diff=" + (content.length - 5 - good.length) + "\n"), r.out());
    assertTrue(r.out().endsWith("AOF " + f + " is not valid. Use the --fix option to try fixing it.\n"), r.out());
  }

  @Test
  void corruptFileNamesTheOffset() throws IOException {
    byte[] good = record("p", 1, 0, 1, SET);
    Path f = write("c.aof", concat(good, "garbage\r\n".getBytes(StandardCharsets.US_ASCII), good));
    Run r = check("", f.toString());
    assertEquals(1, r.code());
    assertTrue(r.out().contains(String.format("0x%16x: expected an annotation line\n", good.length)), r.out());
    assertTrue(r.out().contains("AOF " + f + " format error\n"), r.out());
    assertTrue(r.out().contains("ok_up_to=" + good.length + ","), r.out());
  }

  @Test
  void fixTruncatesAfterConfirmation() throws IOException {
    byte[] good = concat(record("p", 1, 0, 1, SET), record("p", 2, 0, 1, SET));
    Path f = write("f.aof", concat(good, "#RG p 3 20".getBytes(StandardCharsets.US_ASCII)));
    Run r = check("y\n", "--fix", f.toString());
    assertEquals(0, r.code(), r.out());
    assertTrue(r.out().contains("This will shrink the AOF " + f + " from " + (good.length + 10) + " bytes, with 10"
        + " bytes, to " + good.length + " bytes\nContinue? [y/N]: Successfully truncated AOF " + f + "\n"), r.out());
    assertEquals(good.length, Files.size(f));
    assertEquals(0, check("", f.toString()).code());
  }

  @Test
  void fixAbortsWithoutYes() throws IOException {
    byte[] content = concat(record("p", 1, 0, 1, SET), "#RG p 2".getBytes(StandardCharsets.US_ASCII));
    Path f = write("n.aof", content);
    Run r = check("n\n", "--fix", f.toString());
    assertEquals(1, r.code());
    assertTrue(r.out().endsWith("Continue? [y/N]: Aborting...\n"), r.out());
    assertEquals(content.length, Files.size(f));
  }

  @Test
  void manifestChecksEveryIncrFile() throws Exception {
    write("appendonly.aof.1.incr.aof", record("p", 1, 0, 1, SET));
    write("appendonly.aof.2.incr.aof", concat(record("p", 2, 0, 1, SET), "#RG".getBytes(StandardCharsets.US_ASCII)));
    Path m = write("appendonly.aof.manifest", ("file appendonly.aof.1.incr.aof seq 1 type i\n"
        + "file appendonly.aof.2.incr.aof seq 2 type i\n").getBytes(StandardCharsets.US_ASCII));
    Run r = check("", m.toString());
    assertEquals(1, r.code());
    assertTrue(r.out().startsWith("Start checking Multi Part AOF\nStart to check INCR files.\n"
        + "AOF analyzed: filename=appendonly.aof.1.incr.aof"), r.out());
    assertTrue(r.out().contains("INCR AOF appendonly.aof.1.incr.aof is valid\n"), r.out());
    assertTrue(r.out().endsWith("AOF appendonly.aof.2.incr.aof is not valid. Use the --fix option to try fixing it.\n"),
        r.out());
    Run fixed = check("y\n", "--fix", m.toString());
    assertEquals(0, fixed.code(), fixed.out());
    assertTrue(fixed.out().endsWith("Successfully truncated AOF appendonly.aof.2.incr.aof\n"
        + "All AOF files and manifest are valid\n"), fixed.out());
    Run valid = check("", m.toString());
    assertEquals(0, valid.code());
    assertEquals(valid.out(), RedisToolsCompatTest.redisCheckAof(m).output(), "same report as the real tool");
  }

  @Test
  void onlyTheLastIncrFileMayBeFixed() throws IOException {
    write("appendonly.aof.1.incr.aof", "#RG".getBytes(StandardCharsets.US_ASCII));
    write("appendonly.aof.2.incr.aof", record("p", 2, 0, 1, SET));
    Path m = write("appendonly.aof.manifest", ("file appendonly.aof.1.incr.aof seq 1 type i\n"
        + "file appendonly.aof.2.incr.aof seq 2 type i\n").getBytes(StandardCharsets.US_ASCII));
    Run r = check("y\n", "--fix", m.toString());
    assertEquals(1, r.code());
    assertTrue(r.out().contains("Failed to truncate AOF appendonly.aof.1.incr.aof because it is not the last file"),
        r.out());
  }

  @Test
  void usageAndMissingFile() {
    Run usage = check("");
    assertEquals(1, usage.code());
    assertEquals("Usage: redgrid-check-aof [--fix] <file.manifest|file.aof>\n", usage.out());
    Run missing = check("", dir.resolve("nope.aof").toString());
    assertEquals(1, missing.code());
    assertTrue(missing.out().startsWith("Cannot open file "), missing.out());
  }

  @Test
  void agreesWithTheJournalOnWhatIsValid() throws IOException {
    // One scanner: what the loader would truncate is exactly what --fix cuts.
    byte[] good = record("p", 1, 0, 1, SET);
    Path f = write("j.aof", concat(good, record("p", 2, 0, 3, SET), record("p", 3, 1, 3, SET)));
    AofScanner.Result scan = AofScanner.check(f);
    assertEquals(AofScanner.Status.TRUNCATED, scan.status());
    assertEquals(good.length, scan.okUpTo());
  }
}
