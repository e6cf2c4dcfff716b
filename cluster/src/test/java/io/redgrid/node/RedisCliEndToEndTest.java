package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real redis-cli (Debian's redis-tools) against a started node. Runs where redis-cli is
 * installed; .ci/run installs it, so CI always runs it.
 */
class RedisCliEndToEndTest {
  private static NodeFixture fixture;

  @BeforeAll
  static void start() {
    assumeTrue(redisCli() != null, "redis-cli is not installed");
    fixture = new NodeFixture();
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void commandsFromTheCommandLine() throws Exception {
    assertEquals("OK", cli(null, "set", "cli:k", "hello world"));
    assertEquals("hello world", cli(null, "get", "cli:k"));
    assertEquals("\"hello world\"", cli(null, "--no-raw", "get", "cli:k"));
    assertEquals("(nil)", cli(null, "--no-raw", "get", "cli:missing"));
    assertEquals("(integer) 1", cli(null, "--no-raw", "del", "cli:k"));
    assertEquals("OK", cli(null, "-n", "7", "set", "cli:db", "seven"));
    assertEquals("seven", cli(null, "-n", "7", "get", "cli:db"));
    assertEquals("", cli(null, "get", "cli:db"));
    assertEquals("ERR wrong number of arguments for 'get' command", cli(null, "get"));
  }

  @Test
  void interactiveSessionThroughStdin() throws Exception {
    String output = cli("set cli:a 1\nincr cli:a\nmset cli:x 1 cli:y 2\nmget cli:x cli:y\nping\n");
    assertEquals("OK\n2\nOK\n1\n2\nPONG", output);
  }

  @Test
  void pipeModeLoadsManyCommands() throws Exception {
    StringBuilder commands = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      commands.append("SET pipe:").append(i).append(' ').append(i).append("\r\n");
    }
    String output = cli(commands.toString(), "--pipe");
    assertTrue(output.contains("errors: 0, replies: 5000"), output);
    assertEquals("4999", cli(null, "get", "pipe:4999"));
  }

  @Test
  void resp3Session() throws Exception {
    assertEquals("OK", cli(null, "-3", "set", "cli:r3", "v"));
    assertEquals("v", cli(null, "-3", "get", "cli:r3"));
  }

  private static String cli(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(redisCli(), "-p", Integer.toString(fixture.port())));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (stdin != null) {
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "redis-cli did not finish");
    return output.strip();
  }

  private static String redisCli() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File candidate = new File(dir, "redis-cli");
      if (candidate.canExecute()) {
        return candidate.getPath();
      }
    }
    return null;
  }
}
