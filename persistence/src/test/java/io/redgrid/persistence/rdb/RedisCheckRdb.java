package io.redgrid.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs the real redis-check-rdb on a file; a missing tool is a test failure, not a skip. */
final class RedisCheckRdb {
  private RedisCheckRdb() {}

  /** The file is a valid RDB holding {@code keys} keys, {@code expires} of them with a TTL. */
  static void assertAccepts(Path file, long keys, long expires) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder("redis-check-rdb", file.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      fail("redis-check-rdb is not installed (it comes with redis-server, e.g. apt-get install redis-server; "
          + "it must be on the PATH): " + e.getMessage());
      return;
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "redis-check-rdb did not finish");
    assertEquals(0, process.exitValue(), "redis-check-rdb rejected " + file + ":\n" + output);
    assertTrue(output.contains("RDB looks OK"), "redis-check-rdb on " + file + ":\n" + output);
    assertTrue(output.contains("[info] " + keys + " keys read"), "expected " + keys + " keys:\n" + output);
    assertTrue(output.contains("[info] " + expires + " expires"), "expected " + expires + " expires:\n" + output);
  }
}
