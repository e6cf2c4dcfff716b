package io.redgrid.persistence.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import akka.persistence.PersistentRepr;
import io.redgrid.shard.ShardEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files the journal writes with ShardEventSerializer payloads are valid Redis AOFs for the real redis-check-aof. */
class RedisToolsCompatTest {
  static final Path REDIS_CHECK_AOF = Paths.get("/usr/bin/redis-check-aof");

  @TempDir Path dir;

  static ShardEvent event(int db, String... argv) {
    byte[][] cmd = new byte[argv.length][];
    for (int i = 0; i < argv.length; i++) {
      cmd[i] = argv[i].getBytes(StandardCharsets.UTF_8);
    }
    return new ShardEvent(db, cmd);
  }

  record Run(int code, String output) {}

  static Run redisCheckAof(Path file) throws Exception {
    if (!Files.isExecutable(REDIS_CHECK_AOF)) {
      fail("redis-check-aof is missing at " + REDIS_CHECK_AOF + ": install redis-tools (apt-get install redis-tools)");
    }
    Process p = new ProcessBuilder(REDIS_CHECK_AOF.toString(), file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out);
  }

  @Test
  void redisCheckAofAcceptsIncrFilesAndTheManifest() throws Exception {
    Path aofDir = dir.resolve("appendonlydir");
    try (AofNode node = new AofNode(dir)) {
      AofNode.expectSuccess(node.send(
          AofNode.atomic(AofNode.repr("shard-0", 1, event(0, "SET", "k", "v\r\nwith crlf"))),
          AofNode.atomic(AofNode.repr("shard-1", 1, event(3, "LPUSH", "l", "a", "b")))));
      AofNode.expectSuccess(node.send(AofNode.atomic(
          AofNode.repr("shard-0", 2, event(0, "DEL", "k")),
          AofNode.repr("shard-0", 3, event(9, "PEXPIREAT", "x", "1700000000000")))));
      node.delete("shard-1", 1);
      int next = node.aof().rotate().toCompletableFuture().get(10, TimeUnit.SECONDS);
      AofNode.expectSuccess(node.send(AofNode.atomic(AofNode.repr("shard-0", 4, event(0, "INCR", "n")))));
      List<PersistentRepr> back = node.replayAll("shard-0").events();
      ShardEvent restored = (ShardEvent) back.get(2).payload();
      assertEquals(9, restored.db());
      assertEquals("PEXPIREAT", new String(restored.command()[0], StandardCharsets.UTF_8));

      Path incr1 = aofDir.resolve("appendonly.aof.1.incr.aof");
      String text = Files.readString(incr1, StandardCharsets.ISO_8859_1);
      assertTrue(text.contains("*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*4\r\n$5\r\nLPUSH"), text);
      assertTrue(text.contains("#RG-DEL shard-1 1\r\n"), text);
      for (Path f : List.of(incr1, aofDir.resolve("appendonly.aof.2.incr.aof"))) {
        Run run = redisCheckAof(f);
        assertEquals(0, run.code(), run.output());
        assertTrue(run.output().contains("AOF " + f + " is valid"), run.output());
        assertTrue(run.output().contains(", diff=0"), run.output());
      }
      Run run = redisCheckAof(node.aof().manifestPath());
      assertEquals(0, run.code(), run.output());
      assertTrue(run.output().contains("All AOF files and manifest are valid"), run.output());

      // After a rewrite whose base is an (empty) RDB: base + incr are still a valid Redis AOF.
      byte[] emptyRdb = new byte[18];
      System.arraycopy("REDIS0010".getBytes(StandardCharsets.US_ASCII), 0, emptyRdb, 0, 9);
      emptyRdb[9] = (byte) 0xff;
      node.aof().completeRewrite(next, out -> out.write(emptyRdb)).toCompletableFuture().get(10, TimeUnit.SECONDS);
      run = redisCheckAof(node.aof().manifestPath());
      assertEquals(0, run.code(), run.output());
      assertTrue(run.output().contains("BASE AOF appendonly.aof.1.base.rdb is valid"), run.output());
      assertTrue(run.output().contains("All AOF files and manifest are valid"), run.output());
    }
  }

  @Test
  void redisCheckAofFlagsAReallyTruncatedFile() throws Exception {
    try (AofNode node = new AofNode(dir)) {
      node.writeEach("p", 1, 1);
      AofNode.expectSuccess(node.send(AofNode.atomic(AofNode.repr("shard-0", 1, event(0, "SET", "k", "v")))));
    }
    Path incr = dir.resolve("appendonlydir/appendonly.aof.1.incr.aof");
    // Our own String payloads are not RESP: only ShardEvent payloads make a Redis-valid file.
    byte[] all = Files.readAllBytes(incr);
    int cut = new String(all, StandardCharsets.ISO_8859_1).indexOf("#RG shard-0");
    Files.write(incr, java.util.Arrays.copyOfRange(all, cut, all.length - 3));
    Run run = redisCheckAof(incr);
    assertEquals(1, run.code(), run.output());
    assertTrue(run.output().contains("is not valid"), run.output());
  }

}
