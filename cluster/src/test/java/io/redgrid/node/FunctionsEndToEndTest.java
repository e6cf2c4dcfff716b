package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.FunctionRestorePolicy;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.LibraryInfo;

/**
 * Redis Functions through a started node: libraries survive restarts with the AOF, with RDB
 * snapshots only and across an AOF rewrite; a real Redis' dump.rdb with libraries is imported
 * and ours loads in a real Redis; DUMP / RESTORE between the two.
 */
class FunctionsEndToEndTest {
  private static final String[] AOF = {"--appendonly", "yes", "--save", ""};
  private static final String[] NO_AOF = {"--appendonly", "no", "--save", ""};

  static final String COUNTER = "#!lua name=counter\n"
      + "redis.register_function('incr_by', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n"
      + "redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end,"
      + " flags={'no-writes'}, description='reads the counter'}";
  static final String GREETER = "#!lua name=greeter\n"
      + "redis.register_function('hello', function(keys, args) return 'hello ' .. args[1] end)";
  static final String GREETER_V2 = "#!lua name=greeter\n"
      + "redis.register_function('hello', function(keys, args) return 'hi ' .. args[1] end)";
  static final String SCRATCH = "#!lua name=scratch\nredis.register_function('tmp', function() return 0 end)";

  private static NodeFixture start(Path dir, String... directives) {
    String[] args = new String[directives.length + 2];
    args[0] = "--dir";
    args[1] = dir.toString();
    System.arraycopy(directives, 0, args, 2, directives.length);
    return new NodeFixture(args);
  }

  private static Path tempDir() throws IOException {
    return Files.createTempDirectory("redgrid-functions");
  }

  /** Library name -> code, as FUNCTION LIST WITHCODE shows them. */
  private static TreeMap<String, String> libraries(Jedis jedis) {
    TreeMap<String, String> libraries = new TreeMap<>();
    for (LibraryInfo library : jedis.functionListWithCode()) {
      libraries.put(library.getLibraryName(), library.getLibraryCode());
    }
    return libraries;
  }

  /** Loads, replaces and deletes: the final set is counter + greeter v2. */
  private static void changeLibraries(Jedis jedis) {
    assertEquals("counter", jedis.functionLoad(COUNTER));
    assertEquals("greeter", jedis.functionLoad(GREETER));
    assertEquals("scratch", jedis.functionLoad(SCRATCH));
    assertEquals("greeter", jedis.functionLoadReplace(GREETER_V2));
    assertEquals("OK", jedis.functionDelete("scratch"));
  }

  private static TreeMap<String, String> expected() {
    TreeMap<String, String> expected = new TreeMap<>();
    expected.put("counter", COUNTER);
    expected.put("greeter", GREETER_V2);
    return expected;
  }

  @Test
  void loadListDeleteAndErrorsThroughJedis() throws Exception {
    NodeFixture node = start(tempDir(), NO_AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
      changeLibraries(jedis);
      assertEquals(expected(), libraries(jedis));
      List<LibraryInfo> counter = jedis.functionList("count*");
      assertEquals(1, counter.size());
      assertEquals("LUA", counter.get(0).getEngine());
      List<String> names = new ArrayList<>();
      counter.get(0).getFunctions().forEach(f -> names.add((String) f.get("name")));
      names.sort(null);
      assertEquals(List.of("incr_by", "peek"), names);
      JedisDataException exists = assertThrows(JedisDataException.class, () -> jedis.functionLoad(COUNTER));
      assertEquals("ERR Library 'counter' already exists", exists.getMessage());
      JedisDataException missing = assertThrows(JedisDataException.class, () -> jedis.functionDelete("nope"));
      assertEquals("ERR Library not found", missing.getMessage());
      assertEquals("OK", jedis.functionFlush());
      assertEquals(List.of(), jedis.functionList());
    } finally {
      node.node.close(false);
    }
  }

  @Test
  void librariesSurviveARestartWithTheAof() throws Exception {
    Path dir = tempDir();
    NodeFixture first = start(dir, AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", first.port())) {
      changeLibraries(jedis);
    } finally {
      first.node.close(false);
    }
    NodeFixture second = start(dir, AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", second.port())) {
      assertEquals(expected(), libraries(jedis));
      // the replayed REPLACE and DELETE left no trace: the names are free again
      assertEquals("scratch", jedis.functionLoad(SCRATCH));
      // libraries loaded by the recovery run on the script thread like any other
      assertEquals("hi there", jedis.fcall("hello", List.of(), List.of("there")));
      assertEquals(3L, jedis.fcall("incr_by", List.of("c"), List.of("3")));
      assertEquals("3", jedis.fcallReadonly("peek", List.of("c"), List.of()));
    } finally {
      second.node.close(false);
    }
  }

  @Test
  void librariesSurviveARestartFromTheLastSaveOnly() throws Exception {
    Path dir = tempDir();
    NodeFixture first = start(dir, NO_AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", first.port())) {
      changeLibraries(jedis);
      assertEquals("OK", jedis.save());
      jedis.functionLoad(SCRATCH); // after the save: lost, as in Redis without an AOF
    } finally {
      first.node.close(false);
    }
    NodeFixture second = start(dir, NO_AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", second.port())) {
      assertEquals(expected(), libraries(jedis));
      assertEquals("hi snapshot", jedis.fcall("hello", List.of(), List.of("snapshot")));
    } finally {
      second.node.close(false);
    }
  }

  @Test
  void anAofRewriteKeepsTheLibraries() throws Exception {
    Path dir = tempDir();
    NodeFixture first = start(dir, AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", first.port())) {
      changeLibraries(jedis);
      jedis.bgrewriteaof();
      PersistenceEndToEndTest.awaitInfo(jedis, "aof_rewrites:1");
      PersistenceEndToEndTest.awaitInfo(jedis, "aof_rewrite_in_progress:0");
      assertEquals("scratch", jedis.functionLoad(SCRATCH)); // in the new incremental file
    } finally {
      first.node.close(false);
    }
    Path manifest = dir.resolve("appendonlydir").resolve("appendonly.aof.manifest");
    RedisTools.Result check = RedisTools.run("redis-check-aof", manifest.toString());
    assertEquals(0, check.exitCode(), check.output());
    // A real Redis 7 loads the libraries from our RDB base and our incremental AOF alike.
    Path copy = tempDir();
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path target = copy.resolve(dir.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    try (RedisTools.RedisServer redis = new RedisTools.RedisServer(copy, "--save", "", "--appendonly", "yes");
         Jedis jedis = redis.connect()) {
      TreeMap<String, String> expected = expected();
      expected.put("scratch", SCRATCH);
      assertEquals(expected, libraries(jedis));
    }
    NodeFixture second = start(dir, AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", second.port())) {
      TreeMap<String, String> expected = expected();
      expected.put("scratch", SCRATCH);
      assertEquals(expected, libraries(jedis));
    } finally {
      second.node.close(false);
    }
  }

  @Test
  void dumpRdbWithLibrariesGoesBothWaysWithARealRedis() throws Exception {
    Path ours = tempDir();
    NodeFixture node = start(ours, NO_AOF);
    byte[] payload;
    try (Jedis jedis = new Jedis("127.0.0.1", node.port())) {
      changeLibraries(jedis);
      jedis.set("counter", "10");
      assertEquals("OK", jedis.save());
      payload = jedis.functionDump();
    } finally {
      node.node.close(false);
    }
    Path theirs = tempDir();
    Files.copy(ours.resolve("dump.rdb"), theirs.resolve("dump.rdb"));
    try (RedisTools.RedisServer redis = new RedisTools.RedisServer(theirs, "--save", "", "--appendonly", "no");
         Jedis jedis = redis.connect()) {
      assertEquals(expected(), libraries(jedis));
      assertEquals(15L, jedis.fcall("incr_by", List.of("counter"), List.of("5")));
      assertEquals("OK", jedis.functionFlush());
      assertEquals("OK", jedis.functionRestore(payload));
      assertEquals(expected(), libraries(jedis));
      jedis.functionLoad(SCRATCH);
      assertEquals("OK", jedis.save());
    }
    Path imported = tempDir();
    Files.copy(theirs.resolve("dump.rdb"), imported.resolve("dump.rdb"));
    NodeFixture importer = start(imported, NO_AOF);
    try (Jedis jedis = new Jedis("127.0.0.1", importer.port())) {
      TreeMap<String, String> expected = expected();
      expected.put("scratch", SCRATCH);
      assertEquals(expected, libraries(jedis));
      assertEquals("15", jedis.get("counter"));
      JedisDataException clash = assertThrows(JedisDataException.class, () -> jedis.functionRestore(payload));
      assertEquals("ERR Library counter already exists", clash.getMessage());
      assertEquals("OK", jedis.functionRestore(payload, FunctionRestorePolicy.FLUSH));
      assertEquals(expected(), libraries(jedis));
      assertTrue(jedis.functionStats().getEngines().containsKey("LUA"));
    } finally {
      importer.node.close(false);
    }
  }
}
