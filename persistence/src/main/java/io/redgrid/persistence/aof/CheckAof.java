package io.redgrid.persistence.aof;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * {@code redgrid-check-aof [--fix] FILE}: checks an incr AOF file or a whole manifest with the
 * journal's own scanner, printing and exiting like redis-check-aof 7.0. {@code --fix} truncates the
 * (last) incr file to its last complete batch after asking on stdin; a file ending inside a
 * MULTI/EXEC unit is cut back to before its MULTI, as redis-check-aof does.
 */
public final class CheckAof {
  private final PrintStream out;
  private final BufferedReader in;
  /** redis-check-aof's line counter runs on across the incr files of a manifest. */
  private long linesBefore;

  private CheckAof(InputStream in, PrintStream out) {
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out));
  }

  /** Runs the tool; returns the exit code. */
  static int run(String[] args, InputStream in, PrintStream out) {
    boolean fix = false;
    String file;
    if (args.length == 1) {
      file = args[0];
    } else if (args.length == 2 && args[0].equals("--fix")) {
      fix = true;
      file = args[1];
    } else {
      out.println("Usage: redgrid-check-aof [--fix] <file.manifest|file.aof>");
      return 1;
    }
    Path path = Paths.get(file);
    if (!Files.isRegularFile(path)) {
      out.println("Cannot open file " + file + ": No such file or directory");
      return 1;
    }
    CheckAof tool = new CheckAof(in, out);
    try {
      int code = file.endsWith(".manifest") ? tool.checkManifest(path, fix) : tool.checkOldStyle(path, fix);
      out.flush();
      return code;
    } catch (IOException e) {
      out.println("Error reading " + file + ": " + e.getMessage());
      return 1;
    }
  }

  private int checkOldStyle(Path path, boolean fix) throws IOException {
    out.println("Start checking Old-Style AOF");
    if (Files.size(path) == 0) {
      out.println("AOF " + path + " is empty");
      return 0;
    }
    AofScanner.Result r = AofScanner.check(path);
    report(r, path.toString());
    if (r.ok()) {
      out.println("AOF " + path + " is valid");
      return 0;
    }
    return fixOrFail(r, path.toString(), fix, true);
  }

  private int checkManifest(Path manifestFile, boolean fix) throws IOException {
    out.println("Start checking Multi Part AOF");
    AofManifest m;
    try {
      m = AofManifest.parse(manifestFile);
    } catch (IOException e) {
      out.println(e.getMessage());
      return 1;
    }
    Path dir = manifestFile.toAbsolutePath().getParent();
    if (m.base() != null) {
      out.println("Start to check BASE AOF (RDB format).");
      if (!Files.isRegularFile(dir.resolve(m.base().name()))) {
        out.println("Cannot open file " + m.base().name() + ": No such file or directory");
        return 1;
      }
      out.println("BASE AOF " + m.base().name() + " is an RDB file (its content is not checked by this tool)");
    }
    if (!m.incrs().isEmpty()) {
      out.println("Start to check INCR files.");
    }
    List<AofManifest.Entry> incrs = m.incrs();
    for (int i = 0; i < incrs.size(); i++) {
      AofManifest.Entry e = incrs.get(i);
      Path file = dir.resolve(e.name());
      if (!Files.isRegularFile(file)) {
        out.println("Cannot open file " + e.name() + ": No such file or directory");
        return 1;
      }
      if (Files.size(file) == 0) {
        out.println("INCR AOF " + e.name() + " is empty");
        continue;
      }
      AofScanner.Result r = AofScanner.check(file);
      report(r, e.name());
      if (r.ok()) {
        out.println("INCR AOF " + e.name() + " is valid");
        linesBefore += r.okLines() - 1;
        continue;
      }
      int code = fixOrFail(r, e.name(), fix, i == incrs.size() - 1);
      if (code != 0 || i < incrs.size() - 1) {
        return code;
      }
    }
    out.println("All AOF files and manifest are valid");
    return 0;
  }

  private void report(AofScanner.Result r, String name) {
    if (r.status() == AofScanner.Status.TRUNCATED && AofScanner.EOF_IN_MULTI.equals(r.error())) {
      out.println(String.format("0x%16x: %s", r.errorOffset(), r.error()));
    } else if (r.status() == AofScanner.Status.TRUNCATED) {
      out.println(String.format("0x%16x: %s", r.okUpTo(), "Unexpected end of file (" + r.error() + ")"));
    } else if (r.status() == AofScanner.Status.CORRUPT) {
      out.println(String.format("0x%16x: %s", r.errorOffset(), r.error()));
      out.println("AOF " + name + " format error");
    }
    out.println("AOF analyzed: filename=" + name + ", size=" + r.size() + ", ok_up_to=" + r.okUpTo()
        + ", ok_up_to_line=" + (linesBefore + r.okLines()) + ", diff=" + (r.size() - r.okUpTo()));
  }

  private int fixOrFail(AofScanner.Result r, String name, boolean fix, boolean lastFile) throws IOException {
    if (!fix) {
      out.println("AOF " + name + " is not valid. Use the --fix option to try fixing it.");
      return 1;
    }
    if (!lastFile) {
      out.println("Failed to truncate AOF " + name + " because it is not the last file");
      return 1;
    }
    out.println("This will shrink the AOF " + name + " from " + r.size() + " bytes, with "
        + (r.size() - r.okUpTo()) + " bytes, to " + r.okUpTo() + " bytes");
    out.print("Continue? [y/N]: ");
    out.flush();
    String answer = in.readLine();
    if (answer == null || answer.isEmpty() || Character.toLowerCase(answer.charAt(0)) != 'y') {
      out.println("Aborting...");
      return 1;
    }
    try (FileChannel ch = FileChannel.open(r.file(), StandardOpenOption.WRITE)) {
      ch.truncate(r.okUpTo());
      ch.force(true);
    } catch (IOException e) {
      out.println("Failed to truncate AOF " + name);
      return 1;
    }
    out.println("Successfully truncated AOF " + name);
    return 0;
  }
}
