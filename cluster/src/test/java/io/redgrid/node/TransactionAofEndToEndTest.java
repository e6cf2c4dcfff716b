package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;

/**
 * A cross-shard MSET or MULTI/EXEC is one unit in the AOF (a MULTI ... EXEC block, as Redis writes
 * a transaction): the real redis-check-aof and redis-server accept the file, and a file cut inside
 * a unit loads with the whole transaction absent (aof-load-truncated yes) or refuses to start (no).
 */
class TransactionAofEndToEndTest {
  private static final String MULTI = "*1\r\n$5\r\nMULTI\r\n#RG-MULTI ";

  private static NodeFixture start(Path dir, String... more) {
    List<String> args = new ArrayList<>(List.of("--dir", dir.toString(), "--appendonly", "yes", "--save", ""));
    args.addAll(List.of(more));
    return new NodeFixture(args.toArray(String[]::new));
  }

  private static Path incrFile(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("appendonlydir"))) {
      return files.filter(path -> path.getFileName().toString().endsWith(".incr.aof"))
          .max(java.util.Comparator.comparing(Path::toString)).orElseThrow();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static String[] msetArgs(String prefix, int keys, String value) {
    String[] kv = new String[keys * 2];
    for (int i = 0; i < keys; i++) {
      kv[2 * i] = prefix + i;
      kv[2 * i + 1] = value;
    }
    return kv;
  }

  /** Journals a MULTI/EXEC over several shards and, last, a 20-key MSET; returns the incr file. */
  private static Path journalTransactions(Path dir) throws Exception {
    NodeFixture node = start(dir);
    try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
      jedis.set("solo", "1");
      Transaction tx = jedis.multi();
      tx.set("tx:a", "1");
      tx.incr("tx:n");
      tx.sadd("tx:s", "m");
      tx.rpush("tx:l", "x", "y");
      assertEquals(4, tx.exec().size());
      jedis.set("between", "2");
      assertEquals("OK", jedis.mset(msetArgs("m:", 20, "v")));
    } finally {
      node.node.close(false);
    }
    return incrFile(dir);
  }

  @Test
  void transactionsAreMultiExecBlocksThatRedisAcceptsAndThatLoadWhole() throws Exception {
    Path dir = Files.createTempDirectory("redgrid-txaof");
    Path incr = journalTransactions(dir);
    String text = Files.readString(incr, StandardCharsets.ISO_8859_1);
    int units = text.split("\\*1\r\n\\$5\r\nMULTI\r\n#RG-MULTI ", -1).length - 1;
    assertEquals(2, units, text);
    assertEquals(2, text.split("\r\n\\*1\r\n\\$4\r\nEXEC\r\n", -1).length - 1, text);
    // Each unit is contiguous: every record between MULTI and EXEC belongs to it.
    int last = text.lastIndexOf(MULTI);
    String block = text.substring(last, text.indexOf("EXEC", last));
    assertTrue(block.split("#RG shard-", -1).length - 1 == 20, block);
    assertTrue(text.indexOf("solo") < text.indexOf(MULTI), text);

    RedisTools.Result check = RedisTools.run("redis-check-aof",
        dir.resolve("appendonlydir/appendonly.aof.manifest").toString());
    assertEquals(0, check.exitCode(), check.output());
    assertTrue(check.output().contains("All AOF files and manifest are valid"), check.output());
    Path copy = Files.createTempDirectory("redgrid-txaof-redis");
    copyTree(dir, copy);
    try (RedisTools.RedisServer redis = new RedisTools.RedisServer(copy, "--save", "", "--appendonly", "yes");
         Jedis jedis = redis.connect()) {
      assertEquals("1", jedis.get("tx:n"));
      assertEquals(List.of("x", "y"), jedis.lrange("tx:l", 0, -1));
      assertEquals("v", jedis.get("m:19"));
    }
    NodeFixture again = start(dir);
    try (Jedis jedis = new Jedis("127.0.0.1", again.port())) {
      assertEquals("1", jedis.get("tx:n"));
      assertEquals(List.of("x", "y"), jedis.lrange("tx:l", 0, -1));
      for (int i = 0; i < 20; i++) {
        assertEquals("v", jedis.get("m:" + i));
      }
    } finally {
      again.node.close(false);
    }
  }

  @Test
  void aFileCutInsideAUnitLoadsWithoutTheWholeTransactionOrRefuses() throws Exception {
    Path dir = Files.createTempDirectory("redgrid-txaof");
    Path incr = journalTransactions(dir);
    byte[] all = Files.readAllBytes(incr);
    String text = new String(all, StandardCharsets.ISO_8859_1);
    int multi = text.lastIndexOf(MULTI);
    // Cut after some of the MSET's shard parts, before the others: a crash during its write.
    int cut = text.lastIndexOf("#RG shard-");
    assertTrue(cut > multi && text.substring(multi, cut).contains("#RG shard-"), text);
    Files.write(incr, java.util.Arrays.copyOf(all, cut));
    Path copy = Files.createTempDirectory("redgrid-txaof-no");
    copyTree(dir, copy);

    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> start(copy, "--aof-load-truncated", "no"));
    assertTrue(refused.getMessage().contains("Reached EOF before reading EXEC for MULTI"), refused.getMessage());
    assertTrue(refused.getMessage().contains(incr.getFileName().toString()), refused.getMessage());

    RedisTools.Result check = RedisTools.run("redis-check-aof", incr.toString());
    assertEquals(1, check.exitCode(), check.output());
    assertTrue(check.output().contains("Reached EOF before reading EXEC for MULTI"), check.output());

    NodeFixture again = start(dir);
    try (Jedis jedis = new Jedis("127.0.0.1", again.port())) {
      for (int i = 0; i < 20; i++) {
        assertNull(jedis.get("m:" + i), "m:" + i + " of the cut MSET");
      }
      assertEquals("2", jedis.get("between"));
      assertEquals("1", jedis.get("tx:n"));
      assertEquals("1", jedis.get("solo"));
    } finally {
      again.node.close(false);
    }
    assertEquals(multi, Files.size(incr), "cut back to before the MULTI");
    assertFalse(Files.readString(incr, StandardCharsets.ISO_8859_1).endsWith("MULTI\r\n"));
  }
}
