package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.Call;
import io.redgrid.command.CommandHarness;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatsCommandsTest {
  private final CommandHarness h = new CommandHarness();

  @BeforeEach
  void followConfig() {
    h.stats.commands.configure(h.config);
  }

  private String info(String... sections) {
    String[] args = new String[sections.length + 1];
    args[0] = "INFO";
    System.arraycopy(sections, 0, args, 1, sections.length);
    return new String(((Reply.Verbatim) h.run(args)).text(), StandardCharsets.UTF_8);
  }

  private static String line(String text, String prefix) {
    for (String line : text.split("\r\n")) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    return null;
  }

  /** Records a call of {@code args} as if it had taken {@code micros}, through the same path as CommandTable.run. */
  private void timed(long micros, String... args) {
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    Call call = h.table.prepare(h.table.resolve(argv), argv, h.context());
    h.stats.commands.record(call, Reply.OK, micros * 1000);
  }

  @Test
  void commandstatsCountCallsFailuresAndRejections() {
    h.cli("SET", "k", "v");
    h.cli("GET", "k");
    h.cli("GET", "k");
    h.cli("LPUSH", "k", "x"); // WRONGTYPE: a failed call
    h.cli("GET"); // wrong arity: rejected before running
    h.cli("NOSUCH", "x"); // unknown: errorstats only
    h.cli("CONFIG", "nosuch"); // unknown subcommand: errorstats only
    h.cli("CONFIG", "GET"); // subcommand arity: rejected on config|get
    String stats = info("commandstats");
    assertTrue(stats.startsWith("# Commandstats\r\n"), stats);
    Pattern get = Pattern.compile("cmdstat_get:calls=2,usec=(\\d+),usec_per_call=(\\d+\\.\\d\\d),rejected_calls=1,failed_calls=0");
    Matcher m = get.matcher(line(stats, "cmdstat_get:"));
    assertTrue(m.matches(), stats);
    assertEquals(String.format(java.util.Locale.ROOT, "%.2f", Long.parseLong(m.group(1)) / 2.0), m.group(2));
    assertTrue(line(stats, "cmdstat_lpush:").matches("cmdstat_lpush:calls=1,usec=\\d+,usec_per_call=\\d+\\.\\d\\d,rejected_calls=0,failed_calls=1"), stats);
    assertTrue(line(stats, "cmdstat_config|get:").matches("cmdstat_config\\|get:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0"), stats);
    assertTrue(line(stats, "cmdstat_set:").startsWith("cmdstat_set:calls=1,"), stats);
    assertEquals(null, line(stats, "cmdstat_nosuch"));
    assertEquals(null, line(stats, "cmdstat_del:"));

    String errors = info("errorstats");
    assertEquals("# Errorstats\r\nerrorstat_ERR:count=4\r\nerrorstat_WRONGTYPE:count=1\r\n", errors);
  }

  @Test
  void aContainerWithoutSubcommandIsRejectedOnItself() {
    assertEquals("OK", h.cli("CONFIG", "RESETSTAT"));
    h.cli("CONFIG");
    h.cli("CONFIG", "nosuch");
    h.cli("nosuch");
    // as redis-server 7.0 answers for the same commands
    assertEquals("# Commandstats\r\n"
        + "cmdstat_config:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0\r\n",
        info("commandstats").replaceAll("cmdstat_config\\|resetstat:[^\r]*\r\n", ""));
    assertEquals("# Errorstats\r\nerrorstat_ERR:count=3\r\n", info("errorstats"));
  }

  @Test
  void errorCodeIsTheFirstWordWithinThirtyTwoCharacters() {
    h.stats.commands.error("NOPERM this user has no permissions");
    h.stats.commands.error("LOADING Redis is loading the dataset in memory");
    h.stats.commands.error("no-spaces-at-all");
    h.stats.commands.error("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ too long a code");
    assertEquals("# Errorstats\r\nerrorstat_ERR:count=2\r\nerrorstat_LOADING:count=1\r\nerrorstat_NOPERM:count=1\r\n",
        info("errorstats"));
  }

  @Test
  void errorCodesStopAtOneHundredTwentyEight() {
    for (int i = 0; i < 200; i++) {
      h.stats.commands.error("CODE" + i + " x");
    }
    assertEquals(128, h.stats.commands.errors().size());
    h.stats.commands.error("CODE0 x");
    assertEquals(2L, h.stats.commands.errors().get("CODE0"));
  }

  @Test
  void latencystatsUseTheConfiguredPercentiles() {
    h.cli("SET", "k", "v");
    h.cli("GET", "k");
    String latency = info("latencystats");
    assertTrue(latency.startsWith("# Latencystats\r\n"), latency);
    assertTrue(line(latency, "latency_percentiles_usec_get:")
        .matches("latency_percentiles_usec_get:p50=\\d+\\.\\d{3},p99=\\d+\\.\\d{3},p99\\.9=\\d+\\.\\d{3}"), latency);
    assertEquals("OK", h.cli("CONFIG", "SET", "latency-tracking-info-percentiles", "50.5 0 100"));
    assertEquals("1) \"latency-tracking-info-percentiles\"\n2) \"50.5 0 100\"",
        h.cli("CONFIG", "GET", "latency-tracking-info-percentiles"));
    assertTrue(line(info("latencystats"), "latency_percentiles_usec_get:")
        .matches("latency_percentiles_usec_get:p50\\.5=\\d+\\.\\d{3},p0=\\d+\\.\\d{3},p100=\\d+\\.\\d{3}"));
    assertEquals("OK", h.cli("CONFIG", "SET", "latency-tracking-info-percentiles", ""));
    assertEquals("latency_percentiles_usec_get:", line(info("latencystats"), "latency_percentiles_usec_get:"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - "
        + "Invalid latency-tracking-info-percentiles parameters",
        h.cli("CONFIG", "SET", "latency-tracking-info-percentiles", "50 abc"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - "
        + "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]",
        h.cli("CONFIG", "SET", "latency-tracking-info-percentiles", "50 101"));
  }

  @Test
  void percentilesReportTheHistogramsHighestEquivalentValue() {
    timed(8, "GET", "k"); // 8000 ns: Redis reports 8.031
    assertEquals("latency_percentiles_usec_get:p50=8.031,p99=8.031,p99.9=8.031",
        line(info("latencystats"), "latency_percentiles_usec_get:"));
  }

  @Test
  void latencyTrackingNoStopsHistograms() {
    assertEquals("OK", h.cli("CONFIG", "SET", "latency-tracking", "no"));
    h.cli("GET", "k");
    assertEquals(null, line(info("latencystats"), "latency_percentiles_usec_get"));
    assertTrue(line(info("commandstats"), "cmdstat_get:").startsWith("cmdstat_get:calls=1,"));
  }

  @Test
  void resetstatClearsCommandErrorAndLatencyStatsButNotTheSlowlog() {
    h.cli("CONFIG", "SET", "slowlog-log-slower-than", "0");
    h.cli("GET", "k");
    h.cli("LPUSH");
    h.stats.keyspaceHits.add(3);
    h.stats.evictedKeys.add(2);
    assertEquals("OK", h.cli("CONFIG", "RESETSTAT"));
    String commandstats = info("commandstats");
    assertTrue(commandstats.matches("# Commandstats\r\ncmdstat_config\\|resetstat:calls=1,[^\r]*\r\n"), commandstats);
    assertEquals("# Errorstats\r\n", info("errorstats"));
    assertFalse(info("latencystats").contains("_get:"));
    assertTrue(info("stats").contains("\r\nevicted_keys:0\r\n"));
    assertTrue(info("stats").contains("\r\nkeyspace_hits:0\r\n"));
    assertTrue(Long.parseLong(h.cli("SLOWLOG", "LEN").replace("(integer) ", "")) >= 3);
  }

  @Test
  void infoSectionsInRedisOrder() {
    String everything = info("everything");
    String[] order = {"# Server", "# Clients", "# Memory", "# Persistence", "# Stats", "# Replication", "# CPU",
        "# Modules", "# Commandstats", "# Errorstats", "# Latencystats", "# Cluster", "# Keyspace"};
    int at = -1;
    for (String section : order) {
      int next = everything.indexOf(section + "\r\n");
      assertTrue(next > at, section + " in " + everything);
      at = next;
    }
    String defaults = info();
    assertTrue(defaults.contains("# CPU\r\n") && defaults.contains("# Modules\r\n") && defaults.contains("# Errorstats\r\n"));
    assertFalse(defaults.contains("# Commandstats") || defaults.contains("# Latencystats"));
    String several = info("cpu", "COMMANDSTATS", "nosuch");
    assertTrue(several.startsWith("# CPU\r\nused_cpu_sys:"), several);
    assertTrue(several.contains("\r\n\r\n# Commandstats\r\n"), several);
    assertEquals("", info("nosuch"));
  }

  @Test
  void infoRealFigures() {
    String cpu = info("cpu");
    assertTrue(cpu.matches("(?s)# CPU\r\nused_cpu_sys:\\d+\\.\\d{6}\r\nused_cpu_user:\\d+\\.\\d{6}\r\n.*"), cpu);
    assertTrue(Double.parseDouble(line(cpu, "used_cpu_user:").substring(14)) > 0, cpu);
    String memory = info("memory");
    assertTrue(Long.parseLong(line(memory, "used_memory_rss:").substring(16)) > 0, memory);
    assertTrue(line(memory, "used_memory_peak:") != null && line(memory, "maxmemory_policy:") != null, memory);
    String stats = info("stats");
    assertTrue(stats.contains("\r\ninstantaneous_input_kbps:0.00\r\ninstantaneous_output_kbps:0.00\r\n"), stats);
    h.stats.netInputBytes.add(10_240);
    h.stats.sampleOps(1000);
    h.stats.netInputBytes.add(16 * 10_240);
    h.stats.sampleOps(2000);
    // one sample of 160 KiB/s averaged over 16 slots
    assertTrue(info("stats").contains("\r\ninstantaneous_input_kbps:10.00\r\n"), info("stats"));
    String server = info("server");
    assertTrue(line(server, "executable:").length() > "executable:".length(), server);
    assertEquals("config_file:", line(server, "config_file:"));
  }

  @Test
  void slowlogEntriesHaveRedisShape() {
    // 1 s: the test's own commands never count, even on a loaded machine
    assertEquals("OK", h.cli("CONFIG", "SET", "slowlog-log-slower-than", "1000000"));
    h.clock.set(1_700_000_005_000L);
    timed(2_000_000, "SET", "k", "v");
    h.cli("CLIENT", "SETNAME", "worker");
    timed(999_999, "GET", "k"); // below the threshold
    timed(1_500_000, "GET", "k");
    assertEquals("(integer) 2", h.cli("SLOWLOG", "LEN"));
    String all = h.cli("SLOWLOG", "GET");
    assertEquals("1) 1) (integer) 1\n"
        + "   2) (integer) 1700000005\n"
        + "   3) (integer) 1500000\n"
        + "   4) 1) \"GET\"\n"
        + "      2) \"k\"\n"
        + "   5) \"127.0.0.1:50000\"\n"
        + "   6) \"worker\"\n"
        + "2) 1) (integer) 0\n"
        + "   2) (integer) 1700000005\n"
        + "   3) (integer) 2000000\n"
        + "   4) 1) \"SET\"\n"
        + "      2) \"k\"\n"
        + "      3) \"v\"\n"
        + "   5) \"127.0.0.1:50000\"\n"
        + "   6) \"\"", all);
    assertEquals(1, ((Reply.Array) h.run("SLOWLOG", "GET", "1")).items().size());
    assertEquals(2, ((Reply.Array) h.run("SLOWLOG", "GET", "-1")).items().size());
    assertEquals("(empty array)", h.cli("SLOWLOG", "GET", "0"));
    assertEquals("(error) ERR count should be greater than or equal to -1", h.cli("SLOWLOG", "GET", "-2"));
    assertEquals("(error) ERR count should be greater than or equal to -1", h.cli("SLOWLOG", "GET", "x"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.",
        h.cli("SLOWLOG", "get", "1", "2"));
    assertEquals("(error) ERR wrong number of arguments for 'slowlog|len' command", h.cli("SLOWLOG", "LEN", "x"));
    assertEquals("(error) ERR unknown subcommand 'foo'. Try SLOWLOG HELP.", h.cli("SLOWLOG", "foo"));
    assertEquals("OK", h.cli("SLOWLOG", "RESET"));
    assertEquals("(integer) 0", h.cli("SLOWLOG", "LEN"));
    timed(2_000_000, "GET", "k");
    assertTrue(h.cli("SLOWLOG", "GET").startsWith("1) 1) (integer) 2\n"), "ids go on after a reset");
    assertTrue(h.cli("SLOWLOG", "HELP").startsWith("1) SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\n2) GET [<count>]"));
  }

  @Test
  void slowlogTruncatesArgumentsLikeRedis() {
    List<String> args = new ArrayList<>(List.of("SADD", "s"));
    for (int i = 0; i < 38; i++) {
      args.add("m" + i);
    }
    h.cli("CONFIG", "SET", "slowlog-log-slower-than", "1000000");
    timed(2_000_000, args.toArray(new String[0]));
    timed(2_000_000, "SET", "k", "x".repeat(200));
    Reply.Array entries = (Reply.Array) h.run("SLOWLOG", "GET");
    List<Reply> sadd = ((Reply.Array) ((Reply.Array) entries.items().get(1)).items().get(3)).items();
    assertEquals(32, sadd.size());
    assertEquals("\"m28\"", CommandHarness.render(sadd.get(30), ""));
    assertEquals("\"... (9 more arguments)\"", CommandHarness.render(sadd.get(31), ""));
    List<Reply> set = ((Reply.Array) ((Reply.Array) entries.items().get(0)).items().get(3)).items();
    assertEquals("\"" + "x".repeat(128) + "... (72 more bytes)\"", CommandHarness.render(set.get(2), ""));
  }

  @Test
  void slowlogRedactsPasswordsAndHonoursItsDirectives() {
    assertEquals("OK", h.cli("CONFIG", "SET", "slowlog-log-slower-than", "0", "slowlog-max-len", "2"));
    h.cli("HELLO", "2", "AUTH", "default", "secret");
    h.cli("GET", "a");
    h.cli("GET", "b");
    assertEquals("(integer) 2", h.cli("SLOWLOG", "LEN"));
    String log = h.cli("SLOWLOG", "GET");
    assertFalse(log.contains("HELLO"), "trimmed to slowlog-max-len");
    h.cli("SLOWLOG", "RESET");
    assertEquals("OK", h.cli("CONFIG", "SET", "slowlog-max-len", "10"));
    h.cli("HELLO", "2", "AUTH", "default", "secret");
    log = h.cli("SLOWLOG", "GET");
    assertTrue(log.contains("\"HELLO\"") && log.contains("\"(redacted)\"") && !log.contains("secret"), log);
    assertEquals("OK", h.cli("CONFIG", "SET", "slowlog-log-slower-than", "-1"));
    h.cli("SLOWLOG", "RESET");
    timed(1_000_000, "GET", "k");
    assertEquals("(integer) 0", h.cli("SLOWLOG", "LEN"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - "
        + "argument must be between -1 and 9223372036854775807 inclusive",
        h.cli("CONFIG", "SET", "slowlog-log-slower-than", "-5"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - "
        + "argument must be between 0 and 9223372036854775807 inclusive", h.cli("CONFIG", "SET", "slowlog-max-len", "-1"));
    assertEquals("1) \"slowlog-log-slower-than\"\n2) \"-1\"\n3) \"slowlog-max-len\"\n4) \"10\"",
        h.cli("CONFIG", "GET", "slowlog-*"));
  }

  @Test
  void latencyMonitorRecordsCommandEventsOverTheThreshold() {
    assertEquals("(empty array)", h.cli("LATENCY", "LATEST"));
    timed(200_000, "KEYS", "*"); // threshold 0: the monitor is off
    assertEquals("(empty array)", h.cli("LATENCY", "LATEST"));
    // 40 ms: high enough that the test's own commands never count, even on a loaded machine
    assertEquals("OK", h.cli("CONFIG", "SET", "latency-monitor-threshold", "40"));
    long start = 1_795_622_393_000L;
    h.clock.set(start);
    timed(40_425, "KEYS", "*");
    timed(39_999, "KEYS", "*"); // under the threshold
    h.clock.set(start + 2_000);
    timed(89_776, "KEYS", "*");
    timed(45_000, "GET", "k"); // a fast command
    assertEquals("1) 1) \"command\"\n   2) (integer) 1795622395\n   3) (integer) 89\n   4) (integer) 89\n"
        + "2) 1) \"fast-command\"\n   2) (integer) 1795622395\n   3) (integer) 45\n   4) (integer) 45",
        h.cli("LATENCY", "LATEST"));
    assertEquals("1) 1) (integer) 1795622393\n   2) (integer) 40\n2) 1) (integer) 1795622395\n   2) (integer) 89",
        h.cli("LATENCY", "HISTORY", "command"));
    assertEquals("(empty array)", h.cli("LATENCY", "HISTORY", "nosuch"));
    // the same second keeps its worst sample
    timed(60_000, "KEYS", "*");
    timed(95_000, "KEYS", "*");
    assertEquals("1) 1) (integer) 1795622393\n   2) (integer) 40\n2) 1) (integer) 1795622395\n   2) (integer) 95",
        h.cli("LATENCY", "HISTORY", "command"));
  }

  @Test
  void latencyGraphAndDoctorAsRedis() {
    h.cli("CONFIG", "SET", "latency-monitor-threshold", "40", "slowlog-log-slower-than", "1000");
    long start = 1_795_622_393_000L;
    h.clock.set(start);
    timed(40_425, "KEYS", "*");
    h.clock.set(start + 2_000);
    timed(89_776, "KEYS", "*");
    assertEquals("\"command - high 89 ms, low 40 ms (all time high 89 ms)\n"
        + "-".repeat(80) + "\n"
        + " #\n |\n |\n_|\n  \n20\nss\n\"", h.cli("LATENCY", "GRAPH", "command"));
    assertEquals("(error) ERR No samples available for event 'foo'", h.cli("LATENCY", "GRAPH", "foo"));
    assertEquals("\"Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n"
        + "1. command: 2 latency spikes (average 64ms, mean deviation 24ms, period 1.00 sec). Worst all time event 89ms.\n\n"
        + "I have a few advices for you:\n\n"
        + "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. "
        + "Please check https://redis.io/commands/slowlog for more information.\n"
        + "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. "
        + "If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects "
        + "into multiple smaller objects.\n\"", h.cli("LATENCY", "DOCTOR"));
    assertEquals("(integer) 0", h.cli("LATENCY", "RESET", "foo"));
    assertEquals("(integer) 1", h.cli("LATENCY", "RESET", "COMMAND", "foo"));
    assertEquals("(integer) 0", h.cli("LATENCY", "RESET"));
    assertEquals("\"Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. "
        + "I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n\"",
        h.cli("LATENCY", "DOCTOR"));
    h.cli("CONFIG", "SET", "latency-monitor-threshold", "0");
    assertTrue(h.cli("LATENCY", "DOCTOR").startsWith("\"I'm sorry, Dave, I can't do that. Latency monitoring is disabled"));
    assertEquals("(error) ERR wrong number of arguments for 'latency|history' command", h.cli("LATENCY", "HISTORY"));
    assertTrue(h.cli("LATENCY", "HELP").startsWith("1) LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\n2) DOCTOR"));
  }

  @Test
  void aDeferredCommandIsTimedUntilItsDeferralEnds() throws Exception {
    h.cli("CONFIG", "SET", "latency-monitor-threshold", "100", "slowlog-log-slower-than", "100000");
    byte[][] argv = {"DEBUG".getBytes(), "SLEEP".getBytes(), "0.15".getBytes()};
    Call call = h.table.prepare(h.table.resolve(argv), argv, h.context());
    assertEquals(Reply.OK, h.table.run(call));
    assertEquals("(empty array)", h.cli("LATENCY", "LATEST"), "not over before the sleep is");
    call.deferral().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
    // recorded by a dependent of the deferral, which may run just after get() returns
    String latest = h.cli("LATENCY", "LATEST");
    for (int i = 0; i < 100 && latest.equals("(empty array)"); i++) {
      Thread.sleep(20);
      latest = h.cli("LATENCY", "LATEST");
    }
    assertTrue(latest.startsWith("1) 1) \"command\""), latest);
    assertTrue(h.cli("SLOWLOG", "GET").contains("\"SLEEP\""));
    assertTrue(line(info("commandstats"), "cmdstat_debug:").startsWith("cmdstat_debug:calls=1,"));
  }

  @Test
  void latencyHistogramIsCumulativeByPowersOfTwo() {
    timed(7, "GET", "k");
    timed(20, "GET", "k");
    timed(125, "GET", "k");
    timed(8, "SET", "k", "v");
    timed(30, "CONFIG", "GET", "x");
    assertEquals("1) \"get\"\n"
        + "2) 1) \"calls\"\n   2) (integer) 3\n   3) \"histogram_usec\"\n"
        + "   4) 1) (integer) 8\n      2) (integer) 1\n      3) (integer) 33\n      4) (integer) 2\n"
        + "      5) (integer) 132\n      6) (integer) 3",
        h.cli("LATENCY", "HISTOGRAM", "get", "nosuch"));
    String config = h.cli("LATENCY", "HISTOGRAM", "config");
    assertTrue(config.startsWith("1) \"config|get\"\n"), config);
    String all = h.cli("LATENCY", "HISTOGRAM");
    assertTrue(all.contains("\"get\"") && all.contains("\"set\"") && all.contains("\"config|get\""), all);
  }
}
