package io.redgrid.persistence.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server started on an RDB file (unix socket only, no TCP port, nothing saved),
 * queried with redis-cli: proves Redis itself loads what the snapshot store wrote.
 */
final class RealRedis implements AutoCloseable {
  private final Process server;
  private final Path socket;

  private RealRedis(Process server, Path socket) {
    this.server = server;
    this.socket = socket;
  }

  /** Starts redis-server loading {@code rdb}; its socket lives in {@code workDir}. */
  static RealRedis loading(Path rdb, Path workDir) throws IOException, InterruptedException {
    Path socket = workDir.resolve("redis.sock");
    Process server;
    try {
      server = new ProcessBuilder("redis-server", "--port", "0", "--unixsocket", socket.toString(),
          "--dir", rdb.getParent().toString(), "--dbfilename", rdb.getFileName().toString(),
          "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", workDir.resolve("redis.log").toString())
          .redirectErrorStream(true).redirectOutput(workDir.resolve("redis.out").toFile()).start();
    } catch (IOException e) {
      fail("redis-server is not installed (it must be on the PATH): " + e.getMessage());
      return null;
    }
    RealRedis redis = new RealRedis(server, socket);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      if (!server.isAlive()) {
        Path log = workDir.resolve("redis.log");
        fail("redis-server refused " + rdb + ":\n" + (Files.exists(log) ? Files.readString(log) : "(no log)"));
      }
      if (Files.exists(socket) && "PONG".equals(redis.cliOrNull(0, "PING"))) {
        return redis;
      }
      if (System.nanoTime() > deadline) {
        redis.close();
        fail("redis-server did not come up on " + rdb);
      }
      Thread.sleep(50);
    }
  }

  /** redis-cli --raw output of one command in database {@code db}, trailing newline removed. */
  String cli(int db, String... command) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("redis-cli", "-s", socket.toString(), "-n", Integer.toString(db),
        "--raw"));
    args.addAll(List.of(command));
    Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("redis-cli " + String.join(" ", command) + " did not finish");
    }
    assertEquals(0, process.exitValue(), "redis-cli " + String.join(" ", command) + ": " + output);
    return output.endsWith("\n") ? output.substring(0, output.length() - 1) : output;
  }

  private String cliOrNull(int db, String... command) {
    try {
      return cli(db, command);
    } catch (IOException | InterruptedException | AssertionError e) {
      return null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    cliOrNull(0, "SHUTDOWN", "NOSAVE");
    if (!server.waitFor(10, TimeUnit.SECONDS)) {
      server.destroyForcibly();
      server.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
