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
