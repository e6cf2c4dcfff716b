package io.redgrid.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** redis-server style start-up configuration and CONFIG SET. */
class ServerConfigTest {
  @Test
  void defaultsAreRedisDefaults() {
    ServerConfig config = ServerConfig.defaults();
    assertEquals(6379, config.port());
    assertEquals(16, config.databases());
    assertEquals(10, config.hz());
    assertEquals(512L * 1024 * 1024, config.protoMaxBulkLength());
  }

  @Test
  void saveRulesAsRedisConf(@TempDir Path dir) throws Exception {
    assertEquals("3600 1 300 100 60 10000", ServerConfig.defaults().get("save"));
    Path file = dir.resolve("redis.conf");
    Files.writeString(file, "save 900 1\nsave 300 10\n");
    ServerConfig config = ServerConfig.fromArgs(new String[] {file.toString()});
    assertEquals("900 1 300 10", config.get("save"), "the first save line replaces the defaults, later ones add");
    assertEquals(4, config.saveRules().length);
    assertEquals("", ServerConfig.fromArgs(new String[] {"--save", ""}).get("save"));
    assertEquals(0, ServerConfig.fromArgs(new String[] {"--save", ""}).saveRules().length);
    ConfigException odd = assertThrows(ConfigException.class,
        () -> ServerConfig.fromArgs(new String[] {"--save", "900"}));
    assertTrue(odd.getMessage().contains("Invalid save parameters"), odd.getMessage());
    ConfigException negative = assertThrows(ConfigException.class, () -> config.set(Map.of("save", "-1 2")));
    assertEquals("ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters",
        negative.getMessage());
    config.set(Map.of("save", "10 2"));
    assertEquals("10 2", config.get("save"));
    ConfigException fsync = assertThrows(ConfigException.class, () -> config.set(Map.of("appendfsync", "bad")));
    assertEquals("ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of "
        + "the following: everysec, always, no", fsync.getMessage());
    ConfigException immutable = assertThrows(ConfigException.class, () -> config.set(Map.of("rdbchecksum", "no")));
    assertTrue(immutable.getMessage().endsWith("can't set immutable config"), immutable.getMessage());
  }

  @Test
  void clientOutputBufferLimitAsRedis(@TempDir Path dir) throws Exception {
    ServerConfig config = ServerConfig.defaults();
    assertEquals("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
        config.get("client-output-buffer-limit"));
    config.set(Map.of("client-output-buffer-limit", "pubsub 1mb 512kb 10"));
    assertEquals("normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 10",
        config.get("client-output-buffer-limit"), "the classes not named keep their limits");
    assertEquals(new OutputBufferLimits.Limit(1048576, 524288, 10), config.outputBufferLimit("pubsub"));
    config.set(Map.of("client-output-buffer-limit", "normal 1mb 512kb 10 replica 2mb 1mb 5"));
    assertEquals("normal 1048576 524288 10 slave 2097152 1048576 5 pubsub 1048576 524288 10",
        config.get("client-output-buffer-limit"));
    String prefix = "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - ";
    assertEquals(prefix + "Wrong number of arguments in buffer limit configuration.", assertThrows(
        ConfigException.class, () -> config.set(Map.of("client-output-buffer-limit", "pubsub 1mb 512kb"))).getMessage());
    assertEquals(prefix + "Invalid client class specified in buffer limit configuration.", assertThrows(
        ConfigException.class, () -> config.set(Map.of("client-output-buffer-limit", "foo 1mb 512kb 10"))).getMessage());
    assertEquals(prefix + "Error in hard, soft or soft_seconds setting in buffer limit configuration.", assertThrows(
        ConfigException.class, () -> config.set(Map.of("client-output-buffer-limit", "pubsub x 512kb 10"))).getMessage());
    assertEquals(prefix + "Error in hard, soft or soft_seconds setting in buffer limit configuration.", assertThrows(
        ConfigException.class, () -> config.set(Map.of("client-output-buffer-limit", "pubsub -1 512kb 10"))).getMessage());
    Path file = dir.resolve("redis.conf");
    Files.writeString(file, "client-output-buffer-limit normal 0 0 0\nclient-output-buffer-limit pubsub 64mb 16mb 90\n");
    assertEquals("normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 90",
        ServerConfig.fromArgs(new String[] {file.toString()}).get("client-output-buffer-limit"));
  }

  @Test
  void commandLineDirectivesOverrideTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("redis.conf");
    Files.writeString(file, "# comment\nport 7000\n\ndatabases \"4\"\nhz 20\n");
    ServerConfig config = ServerConfig.fromArgs(new String[] {file.toString(), "--port", "7001"});
    assertEquals(7001, config.port());
    assertEquals(4, config.databases());
    assertEquals(20, config.hz());
    assertEquals(1024L * 1024, ServerConfig.fromArgs(new String[] {"--proto-max-bulk-len", "1mb"})
        .protoMaxBulkLength(), "memory units as redis.conf");
  }

  @Test
  void unknownDirectivesAndBadValuesStopStartUpNamingThem() {
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> ServerConfig.fromArgs(new String[] {"--no-such-thing", "1"}));
    assertTrue(unknown.getMessage().contains(">>> 'no-such-thing 1'"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("Bad directive or wrong number of arguments"));
    ConfigException redisOnly = assertThrows(ConfigException.class,
        () -> ServerConfig.fromArgs(new String[] {"--lazyfree-lazy-eviction", "yes"}));
    assertTrue(redisOnly.getMessage().contains(
        "Directive 'lazyfree-lazy-eviction' is a Redis directive that RedGrid does not implement yet"), redisOnly.getMessage());
    ConfigException badValue = assertThrows(ConfigException.class,
        () -> ServerConfig.fromArgs(new String[] {"--port", "abc"}));
    assertTrue(badValue.getMessage().contains(">>> 'port abc'"), badValue.getMessage());
    assertThrows(ConfigException.class, () -> ServerConfig.fromArgs(new String[] {"--port", "70000"}));
    assertThrows(ConfigException.class, () -> ServerConfig.fromArgs(new String[] {"--loglevel", "loud"}));
  }

  @Test
  void configSetIsAllOrNothingAndRefusesImmutableDirectives() throws Exception {
    ServerConfig config = ServerConfig.defaults();
    Map<String, String> changes = new LinkedHashMap<>();
    changes.put("hz", "50");
    changes.put("loglevel", "loud");
    ConfigException bad = assertThrows(ConfigException.class, () -> config.set(changes));
    assertTrue(bad.getMessage().startsWith("ERR CONFIG SET failed (possibly related to argument 'loglevel')"),
        bad.getMessage());
    assertEquals(10, config.hz(), "nothing changed");
    ConfigException immutable = assertThrows(ConfigException.class, () -> config.set(Map.of("databases", "4")));
    assertEquals("ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config",
        immutable.getMessage());
    int[] notified = new int[1];
    config.onChange(changed -> notified[0] += changed.size());
    config.set(Map.of("hz", "50", "loglevel", "warning"));
    assertEquals(50, config.hz());
    assertEquals("warning", config.get("loglevel"));
    assertEquals(2, notified[0]);
  }
}
