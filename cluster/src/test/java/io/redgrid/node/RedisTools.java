package io.redgrid.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/** The real Redis tools (redis-server, redis-check-rdb, redis-check-aof) that tests compare against; CI installs them. */
final class RedisTools {
  private RedisTools() {}

  /** The tool's path; fails the test (never skips it) when the tool is not installed. */
  static String require(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new AssertionError(tool + " is not installed: apt-get install -y redis-server redis-tools");
  }

  record Result(int exitCode, String output) {}

  static Result run(String tool, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(require(tool));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(tool + " did not finish");
    }
    return new Result(process.exitValue(), output);
  }

  static int freePort() throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A real redis-server on a free port in {@code dir}, logging to dir/redis.log; close() stops it. */
  static final class RedisServer implements AutoCloseable {
    final int port;
    private final Process process;

    RedisServer(Path dir, String... directives) throws IOException {
      port = freePort();
      List<String> command = new ArrayList<>(List.of(require("redis-server"), "--port", Integer.toString(port),
          "--dir", dir.toString()));
      command.addAll(List.of(directives));
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("redis.log").toFile()).start();
    }

    /** A connection once the server answers (it may be loading its files). */
    Jedis connect() throws InterruptedException {
      return RedisTools.connect(port);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** A Jedis connection to a server that is still starting or loading: retries for up to 60 seconds. */
  static Jedis connect(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Jedis jedis = new Jedis("127.0.0.1", port);
      try {
        jedis.ping();
        return jedis;
      } catch (RuntimeException e) {
        jedis.close();
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }
}
