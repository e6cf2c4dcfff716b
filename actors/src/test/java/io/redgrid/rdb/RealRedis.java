package io.redgrid.rdb;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server started by a test on a free port in a temporary directory, spoken to over
 * a plain RESP2 socket. Missing redis-server fails the test (CI installs it); it is never skipped.
 */
public final class RealRedis implements AutoCloseable {
  public final Path dir;
  public final int port;
  private final Process process;
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  private RealRedis(Path dir, int port, Process process) throws IOException {
    this.dir = dir;
    this.port = port;
    this.process = process;
    Socket s = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (s == null) {
      try {
        s = new Socket("127.0.0.1", port);
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          process.destroyForcibly();
          throw new IOException("redis-server did not start on port " + port + ": "
              + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8), e);
        }
        sleep(20);
      }
    }
    this.socket = s;
    this.out = s.getOutputStream();
    this.in = new BufferedInputStream(s.getInputStream());
  }

  /** Starts redis-server in {@code dir} (created if null), loading {@code dir/dump.rdb} if there is one. */
  public static RealRedis start(Path dir) throws IOException {
    requireOnPath("redis-server");
    if (dir == null) {
      dir = Files.createTempDirectory("redgrid-rdb");
    }
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Process process = new ProcessBuilder("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--dir", dir.toString(), "--dbfilename", "dump.rdb",
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning")
        .redirectErrorStream(true).start();
    RealRedis redis = new RealRedis(dir, port, process);
    // Loading a file happens before the server accepts commands, but wait for LOADING to end anyway.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Object pong = redis.call("PING");
      if ("PONG".equals(pong) || System.nanoTime() > deadline) {
        break;
      }
      sleep(20);
    }
    return redis;
  }

  /** Fails the test with a clear message when a Redis binary is not installed. */
  public static String requireOnPath(String binary) {
    for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(p, binary);
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    fail(binary + " is not on PATH: the RDB compatibility tests need a real Redis 7.0 "
        + "(apt-get install redis-server)");
    return null;
  }

  public Path rdbFile() {
    return dir.resolve("dump.rdb");
  }

  /** Sends one command; the reply as String (status), Error text prefixed "ERR:", Long, byte[], List or null. */
  public Object call(Object... args) throws IOException {
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    req.write(('*' + Integer.toString(args.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (Object a : args) {
      byte[] b = a instanceof byte[] bytes ? bytes : a.toString().getBytes(StandardCharsets.UTF_8);
      req.write(('$' + Integer.toString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      req.write(b);
      req.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.write(req.toByteArray());
    out.flush();
    return reply();
  }

  /** A command whose reply is a bulk string, as text (null for nil). */
  public String text(Object... args) throws IOException {
    Object r = call(args);
    if (r instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    return r == null ? null : r.toString();
  }

  private Object reply() throws IOException {
    int type = in.read();
    String line = line();
    switch (type) {
      case '+':
        return line;
      case '-':
        return "ERR:" + line;
      case ':':
        return Long.parseLong(line);
      case '$': {
        int len = Integer.parseInt(line);
        if (len < 0) {
          return null;
        }
        byte[] b = in.readNBytes(len);
        in.readNBytes(2);
        return b;
      }
      case '*': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          items.add(reply());
        }
        return items;
      }
      default:
        throw new IOException("unexpected reply type " + type);
    }
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      sb.append((char) c);
    }
    in.read();
    return sb.toString();
  }

  /** Runs a Redis tool (redis-check-rdb ...) and returns its exit code and output. */
  public static String[] run(String... command) throws IOException, InterruptedException {
    requireOnPath(command[0]);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " timed out");
    }
    return new String[] {Integer.toString(p.exitValue()), output};
  }

  @Override
  public void close() throws IOException {
    try {
      socket.close();
    } finally {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
