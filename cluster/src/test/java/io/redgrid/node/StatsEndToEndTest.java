package io.redgrid.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.redgrid.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.Slowlog;

/**
 * INFO sections, commandstats/errorstats/latencystats, SLOWLOG, LATENCY and CONFIG
 * GET/SET/RESETSTAT/REWRITE against a node started from a redis.conf, with Jedis, Lettuce and
 * the real redis-cli. Tests share one node and reset what they look at.
 */
class StatsEndToEndTest {
  private static Path dir;
  private static Path configFile;
  private static Node node;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("redgrid-stats");
    configFile = dir.resolve("redis.conf");
    Files.writeString(configFile, "# RedGrid test configuration\nhz 10\n\n# slow log\nslowlog-max-len 64\n");
    node = Node.start(ServerConfig.fromArgs(new String[] {configFile.toString(), "--port", "0", "--dir", dir.toString()}));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static Jedis jedis() {
    return new Jedis("127.0.0.1", node.port());
  }

  private static String field(String info, String name) {
    for (String line : info.split("\r\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1);
      }
    }
    return null;
  }

  @Test
  void commandstatsAndErrorstatsWithJedis() {
    try (Jedis jedis = jedis()) {
      jedis.configResetStat();
      jedis.set("e2e:k", "v");
      jedis.get("e2e:k");
      assertThrows(JedisDataException.class, () -> jedis.lpush("e2e:k", "x"));
      assertThrows(JedisDataException.class, () -> jedis.sendCommand(() -> "GET".getBytes()));
      assertThrows(JedisDataException.class, () -> jedis.sendCommand(() -> "NOSUCH".getBytes()));
      String stats = jedis.info("commandstats");
      assertTrue(field(stats, "cmdstat_get").matches("calls=1,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=1,failed_calls=0"), stats);
      assertTrue(field(stats, "cmdstat_lpush").matches("calls=1,.*,rejected_calls=0,failed_calls=1"), stats);
      assertTrue(field(stats, "cmdstat_set").startsWith("calls=1,"), stats);
      String errors = jedis.info("errorstats");
      assertEquals("2", field(errors, "errorstat_ERR").replace("count=", ""), errors);
      assertEquals("count=1", field(errors, "errorstat_WRONGTYPE"), errors);
      assertEquals("3", field(jedis.info("stats"), "total_error_replies"));
      String latency = jedis.info("latencystats");
      assertTrue(field(latency, "latency_percentiles_usec_set").matches("p50=\\d+\\.\\d{3},p99=\\d+\\.\\d{3},p99\\.9=\\d+\\.\\d{3}"), latency);
      jedis.configResetStat();
      assertEquals("# Errorstats\r\n", jedis.info("errorstats"));
      assertEquals(null, field(jedis.info("commandstats"), "cmdstat_get"));
    }
  }

  @Test
  void infoSectionsWithRealFigures() throws Exception {
    try (Jedis jedis = jedis()) {
      String all = jedis.info("everything");
      for (String section : List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
          "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace")) {
        assertTrue(all.contains("# " + section + "\r\n"), section);
      }
      assertEquals(Long.toString(ProcessHandle.current().pid()), field(all, "process_id"));
      assertEquals(configFile.toAbsolutePath().toString(), field(all, "config_file"));
      assertEquals(Integer.toString(node.port()), field(all, "tcp_port"));
      assertTrue(Long.parseLong(field(all, "connected_clients")) >= 1);
      assertTrue(Long.parseLong(field(all, "total_connections_received")) >= 1);
      assertTrue(Long.parseLong(field(all, "used_memory")) > 0);
      assertTrue(Long.parseLong(field(all, "used_memory_rss")) > 0);
      assertTrue(Double.parseDouble(field(all, "used_cpu_user")) > 0);
      assertEquals("master", field(all, "role"));
      assertTrue(Long.parseLong(field(all, "total_reads_processed")) >= 1);
      assertTrue(Long.parseLong(field(all, "total_writes_processed")) >= 1);
      String two = redis.clients.jedis.util.SafeEncoder.encode(
          (byte[]) jedis.sendCommand(() -> "INFO".getBytes(), "server", "clients"));
      assertTrue(two.startsWith("# Server\r\n") && two.contains("# Clients\r\n") && !two.contains("# Memory"), two);
      // instantaneous_ops_per_sec follows a burst of commands within a couple of seconds.
      Pipeline pipeline = jedis.pipelined();
      for (int i = 0; i < 2000; i++) {
        pipeline.set("e2e:ops:" + i, "x");
      }
      pipeline.sync();
      long ops = 0;
      double kbps = 0;
      // sampled every 100 ms, as Redis' cron: the burst shows once the next sample is taken
      for (int attempt = 0; attempt < 60 && (ops == 0 || kbps == 0); attempt++) {
        String stats = jedis.info("stats");
        ops = Long.parseLong(field(stats, "instantaneous_ops_per_sec"));
        kbps = Double.parseDouble(field(stats, "instantaneous_input_kbps"));
        Thread.sleep(50);
      }
      assertTrue(ops > 0 && kbps > 0, "ops " + ops + " kbps " + kbps);
    }
  }

  @Test
  void slowlogWithJedis() {
    try (Jedis jedis = jedis()) {
      jedis.configSet("slowlog-log-slower-than", "0");
      try {
        jedis.slowlogReset();
        jedis.clientSetname("stats-e2e");
        jedis.set("e2e:slow", "v"); // runs in a shard: the client is found by id when logged
        jedis.configGet("hz"); // runs with the connection
        try (Jedis gone = jedis()) {
          gone.clientSetname("short-lived");
          gone.set("e2e:slow:gone", "v");
        }
        List<Slowlog> log = jedis.slowlogGet();
        Slowlog fromGone = log.stream().filter(e -> e.getArgs().contains("e2e:slow:gone")).findFirst().orElseThrow();
        assertEquals("short-lived", fromGone.getClientName(), "taken when logged, not when read");
        Slowlog set = log.stream().filter(e -> e.getArgs().contains("e2e:slow")).findFirst().orElseThrow();
        assertEquals(List.of("SET", "e2e:slow", "v"), set.getArgs());
        assertEquals("stats-e2e", set.getClientName());
        assertEquals("127.0.0.1", set.getClientIpPort().getHost());
        assertTrue(set.getExecutionTime() >= 0);
        assertTrue(Math.abs(set.getTimeStamp() - System.currentTimeMillis() / 1000) < 60);
        assertTrue(jedis.slowlogLen() >= 3);
        assertEquals(1, jedis.slowlogGet(1).size());
      } finally {
        jedis.configSet("slowlog-log-slower-than", "10000");
        jedis.slowlogReset();
      }
      assertEquals(0, jedis.slowlogLen());
    }
  }

  @Test
  void latencyMonitorSeesASlowCommand() {
    try (Jedis jedis = jedis()) {
      jedis.configSet("latency-monitor-threshold", "20");
      try {
        jedis.sendCommand(() -> "LATENCY".getBytes(), "RESET");
        jedis.sendCommand(() -> "DEBUG".getBytes(), "SLEEP", "0.05"); // holds every shard for 50 ms
        String latest = redis.clients.jedis.util.SafeEncoder.encodeObject(
            jedis.sendCommand(() -> "LATENCY".getBytes(), "LATEST")).toString();
        assertTrue(latest.matches("\\[\\[command, \\d+, \\d+, \\d+\\]\\]"), latest);
        String history = redis.clients.jedis.util.SafeEncoder.encodeObject(
            jedis.sendCommand(() -> "LATENCY".getBytes(), "HISTORY", "command")).toString();
        long millis = Long.parseLong(history.replaceAll(".*, (\\d+)\\]\\]", "$1"));
        assertTrue(millis >= 50 && millis < 5000, history);
        String graph = redis.clients.jedis.util.SafeEncoder.encode((byte[]) jedis.sendCommand(() -> "LATENCY".getBytes(), "GRAPH", "command"));
        assertTrue(graph.startsWith("command - high " + millis + " ms, low " + millis + " ms (all time high " + millis + " ms)\n"), graph);
        String doctor = redis.clients.jedis.util.SafeEncoder.encode((byte[]) jedis.sendCommand(() -> "LATENCY".getBytes(), "DOCTOR"));
        assertTrue(doctor.startsWith("Dave, I have observed latency spikes in this Redis instance."), doctor);
      } finally {
        jedis.configSet("latency-monitor-threshold", "0");
        jedis.sendCommand(() -> "LATENCY".getBytes(), "RESET");
      }
    }
  }

  @Test
  void configWithLettuce() {
    RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", node.port()));
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      Map<String, String> got = redis.configGet("hz", "slowlog-*");
      assertEquals(Map.of("hz", "10", "slowlog-log-slower-than", "10000", "slowlog-max-len", "64"), got);
      assertEquals("OK", redis.configSet(Map.of("hz", "25", "latency-tracking-info-percentiles", "50 90")));
      assertEquals("25", redis.configGet("hz").get("hz"));
      // all or nothing: a bad value leaves hz as it was
      Exception bad = assertThrows(Exception.class, () -> redis.configSet(Map.of("hz", "30", "loglevel", "foo")));
      assertTrue(bad.getMessage().contains("argument 'loglevel'"), bad.getMessage());
      assertEquals("25", redis.configGet("hz").get("hz"));
      redis.get("e2e:lettuce");
      assertTrue(redis.info("latencystats").contains("latency_percentiles_usec_get:p50="));
      assertTrue(redis.info("latencystats").contains(",p90="));
      assertEquals("OK", redis.configResetstat());
      assertEquals("OK", redis.configSet(Map.of("hz", "10", "latency-tracking-info-percentiles", "50 99 99.9")));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void configRewriteWithRedisCli() throws Exception {
    try (Jedis jedis = jedis()) {
      jedis.configSet("hz", "42");
      try {
        RedisTools.Result rewrite = RedisTools.run("redis-cli", "-p", Integer.toString(node.port()), "CONFIG", "REWRITE");
        assertEquals("OK", rewrite.output().trim());
        String text = Files.readString(configFile);
        assertTrue(text.startsWith("# RedGrid test configuration\nhz 42\n\n# slow log\nslowlog-max-len 64\n\n"
            + "# Generated by CONFIG REWRITE\n"), text);
        assertTrue(text.contains("\nport 0\n") || text.contains("\ndir \""), text);
        ServerConfig reread = ServerConfig.fromArgs(new String[] {configFile.toString()});
        assertEquals("42", reread.get("hz"));
        assertEquals(dir.toString(), reread.get("dir"));
      } finally {
        jedis.configSet("hz", "10");
      }
    }
    RedisTools.Result histogram = RedisTools.run("redis-cli", "-p", Integer.toString(node.port()), "LATENCY", "HISTOGRAM", "config|set");
    assertTrue(histogram.output().startsWith("config|set\ncalls\n"), histogram.output());
    RedisTools.Result slowlog = RedisTools.run("redis-cli", "-p", Integer.toString(node.port()), "SLOWLOG", "HELP");
    assertTrue(slowlog.output().startsWith("SLOWLOG <subcommand>"), slowlog.output());
    RedisTools.Result info = RedisTools.run("redis-cli", "-p", Integer.toString(node.port()), "INFO", "cpu");
    assertTrue(info.output().replace("\r", "").startsWith("# CPU\nused_cpu_sys:"), info.output());
  }

  @Test
  void protocolErrorsAreErrorReplies() throws Exception {
    try (Jedis jedis = jedis()) {
      jedis.configResetStat();
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.port())) {
        socket.getOutputStream().write("*1\r\n$x\r\n".getBytes());
        socket.getOutputStream().flush();
        byte[] buffer = new byte[256];
        int n = socket.getInputStream().read(buffer);
        assertTrue(new String(buffer, 0, n).startsWith("-ERR Protocol error"), new String(buffer, 0, n));
      }
      assertEquals("count=1", field(jedis.info("errorstats"), "errorstat_ERR"));
      assertEquals("1", field(jedis.info("stats"), "total_error_replies"));
    }
  }

  /** Field names per section, in order. */
  private static Map<String, List<String>> fieldNames(String info) {
    Map<String, List<String>> sections = new java.util.LinkedHashMap<>();
    List<String> current = null;
    for (String line : info.split("\r\n")) {
      if (line.startsWith("# ")) {
        current = new java.util.ArrayList<>();
        sections.put(line.substring(2), current);
      } else if (!line.isEmpty() && current != null) {
        current.add(line.substring(0, line.indexOf(':')));
      }
    }
    return sections;
  }

  @Test
  void infoFieldNamesAreRedisOnes() throws Exception {
    Path redisDir = Files.createTempDirectory("redgrid-stats-redis");
    try (RedisTools.RedisServer redis = new RedisTools.RedisServer(redisDir, "--save", "", "--appendonly", "no");
        Jedis real = redis.connect(); Jedis ours = jedis()) {
      Map<String, List<String>> expected = fieldNames(real.info("everything"));
      Map<String, List<String>> actual = fieldNames(ours.info("everything"));
      assertEquals(expected.keySet().stream().toList(), actual.keySet().stream().toList(), "sections in Redis' order");
      // Server: Redis' build details RedGrid has no equivalent for.
      List<String> serverOnlyInRedis = List.of("gcc_version");
      for (String section : List.of("Server", "Clients", "Stats", "Replication", "CPU", "Cluster")) {
        List<String> redisNames = new java.util.ArrayList<>(expected.get(section));
        redisNames.removeAll(serverOnlyInRedis);
        assertEquals(redisNames, actual.get(section), section + " has Redis' fields in Redis' order");
      }
      // Memory: the memory accounting fills in the rest; every name given is Redis'.
      List<String> memory = new java.util.ArrayList<>(actual.get("Memory"));
      memory.removeAll(expected.get("Memory"));
      assertEquals(List.of(), memory, "Memory fields unknown to Redis");
    }
  }

  @Test
  void startingWithoutAConfigFile() {
    try (NodeFixture fixture = new NodeFixture(); Jedis jedis = new Jedis("127.0.0.1", fixture.port())) {
      JedisDataException e = assertThrows(JedisDataException.class, jedis::configRewrite);
      assertEquals("ERR The server is running without a config file", e.getMessage());
      assertFalse(jedis.info("server").contains("config_file:/"));
    }
  }
}
