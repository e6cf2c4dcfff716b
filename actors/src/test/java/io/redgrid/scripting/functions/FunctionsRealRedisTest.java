package io.redgrid.scripting.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.protocol.Reply;
import io.redgrid.rdb.KeyspaceRdb;
import io.redgrid.rdb.RdbOptions;
import io.redgrid.rdb.RealRedis;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * FUNCTION DUMP payloads and RDB files with libraries go both ways between RedGrid and a real
 * Redis 7.0 (redis-server must be on the PATH, as for the other RDB compatibility tests).
 */
class FunctionsRealRedisTest {
  /** Long enough for Redis to LZF-compress it in DUMP and RDB. */
  private static final String FIRST = "#!lua name=first\n"
      + "redis.register_function{function_name='hello', callback=function(keys, args) return 'hello ' .. args[1] end,"
      + " flags={'no-writes'}, description='greets'}\n"
      + "redis.register_function('incr_by_two', function(keys) return redis.call('INCRBY', keys[1], 2) end)";
  private static final String SECOND = "#!lua name=second\nredis.register_function('ping2', function() return 'p' end)";

  @Test
  void aDumpFromRealRedisRestoresHereAndOursRestoresThere() throws IOException {
    CommandHarness h = new CommandHarness();
    try (RealRedis redis = RealRedis.start(null)) {
      assertEquals("first", redis.text("FUNCTION", "LOAD", FIRST));
      assertEquals("second", redis.text("FUNCTION", "LOAD", SECOND));
      byte[] theirs = (byte[]) redis.call("FUNCTION", "DUMP");
      assertEquals(Reply.OK, h.run("FUNCTION".getBytes(), "RESTORE".getBytes(), theirs));
      List<String> names = names(h.functions);
      names.sort(null);
      assertEquals(List.of("first", "second"), names);
      assertEquals(FIRST, new String(h.functions.function("hello").library().equals("first")
          ? h.functions.libraries().get(names(h.functions).indexOf("first")).code() : new byte[0], StandardCharsets.UTF_8));
      assertEquals("greets", new String(h.functions.function("hello").description(), StandardCharsets.UTF_8));

      byte[] ours = ((Reply.Bulk) h.run("FUNCTION", "DUMP")).value();
      assertEquals("OK", redis.call("FUNCTION", "RESTORE", ours, "FLUSH"));
      assertEquals("hello world", redis.text("FCALL", "hello", "0", "world"));
      assertEquals(2L, redis.call("FCALL", "incr_by_two", "1", "k"));
      assertEquals("p", redis.text("FCALL", "ping2", "0"));
      String clash = String.valueOf(redis.call("FUNCTION", "RESTORE", ours)); // first clash in Redis' dict order
      assertTrue(clash.equals("ERR:ERR Library first already exists") || clash.equals("ERR:ERR Library second already exists"),
          clash);
      // the same libraries in the same order (LZF output may differ by a few bytes from Redis')
      List<String> theirCodes = texts(io.redgrid.rdb.DumpPayload.restoreFunctions(theirs));
      assertEquals(theirCodes, texts(io.redgrid.rdb.DumpPayload.restoreFunctions(ours)));
      assertEquals(2, theirCodes.size());
    }
  }

  @Test
  void rdbFilesCarryLibrariesBothWays() throws Exception {
    Path dir = Files.createTempDirectory("redgrid-functions-rdb");
    Keyspace shard = new Keyspace(0, 16);
    shard.database(0).put("k".getBytes(), "1".getBytes(), io.redgrid.keyspace.KeyEntry.NO_EXPIRY);
    shard.functionLibraries(List.of(FIRST.getBytes(StandardCharsets.UTF_8), SECOND.getBytes(StandardCharsets.UTF_8)));
    try (OutputStream out = Files.newOutputStream(dir.resolve("dump.rdb"))) {
      KeyspaceRdb.write(shard, out, RdbOptions.DEFAULT, System.currentTimeMillis() / 1000, Map.of());
    }
    assertEquals("0", RealRedis.run("redis-check-rdb", dir.resolve("dump.rdb").toString())[0]);
    try (RealRedis redis = RealRedis.start(dir)) {
      assertEquals(3L, redis.call("FCALL", "incr_by_two", "1", "k"));
      assertEquals("p", redis.text("FCALL", "ping2", "0"));
      assertEquals("third", redis.text("FUNCTION", "LOAD",
          "#!lua name=third\nredis.register_function('t', function() return 3 end)"));
      assertEquals("OK", redis.call("FUNCTION", "DELETE", "second"));
      assertEquals("OK", redis.call("SAVE"));
      Keyspace loaded = new Keyspace(0, 16);
      try (InputStream in = Files.newInputStream(redis.rdbFile())) {
        KeyspaceRdb.load(in, loaded, System.currentTimeMillis());
      }
      List<String> codes = new ArrayList<>();
      for (byte[] code : loaded.functionLibraries()) {
        codes.add(new String(code, StandardCharsets.UTF_8));
      }
      codes.sort(null);
      assertEquals(List.of(FIRST, "#!lua name=third\nredis.register_function('t', function() return 3 end)"), codes);
      FunctionRegistry registry = new FunctionRegistry();
      registry.replaceAll(loaded.functionLibraries());
      assertEquals(3, registry.functionCount());
    }
  }

  private static List<String> texts(List<byte[]> codes) {
    List<String> texts = new ArrayList<>();
    for (byte[] code : codes) {
      texts.add(new String(code, StandardCharsets.UTF_8));
    }
    return texts;
  }

  private static List<String> names(FunctionRegistry registry) {
    List<String> names = new ArrayList<>();
    for (FunctionLibrary library : registry.libraries()) {
      names.add(library.name());
    }
    return names;
  }
}
