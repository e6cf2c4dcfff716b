package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.Call;
import io.redgrid.command.CommandHarness;
import io.redgrid.command.CommandSpec;
import io.redgrid.keyspace.Slots;
import io.redgrid.protocol.Reply;
import io.redgrid.protocol.RespWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerCommandsTest {
  private final CommandHarness h = new CommandHarness();

  private String info(String... sections) {
    String[] args = new String[sections.length + 1];
    args[0] = "INFO";
    System.arraycopy(sections, 0, args, 1, sections.length);
    Reply reply = h.run(args);
    assertTrue(reply instanceof Reply.Verbatim, String.valueOf(reply));
    return new String(((Reply.Verbatim) reply).text(), StandardCharsets.UTF_8);
  }

  @Test
  void timeUsesTheKeyspaceClock() {
    h.clock.set(1_700_000_123_456L);
    assertEquals("1) \"1700000123\"\n2) \"456000\"", h.cli("TIME"));
    assertEquals("(error) ERR wrong number of arguments for 'time' command", h.cli("TIME", "x"));
  }

  @Test
  void infoDefaultHasRedisSectionsInOrder() {
    String all = info();
    assertTrue(all.startsWith("# Server\r\nredis_version:7.0.15\r\n"), all);
    int server = all.indexOf("# Server");
    int clients = all.indexOf("\r\n\r\n# Clients\r\n");
    int memory = all.indexOf("\r\n\r\n# Memory\r\n");
    int stats = all.indexOf("\r\n\r\n# Stats\r\n");
    int keyspace = all.indexOf("\r\n\r\n# Keyspace\r\n");
    assertTrue(server < clients && clients < memory && memory < stats && stats < keyspace, all);
    assertTrue(all.endsWith("# Keyspace\r\n"), all);
    assertTrue(all.contains("\r\nredis_mode:standalone\r\n"));
    assertTrue(all.contains("\r\ntcp_port:6379\r\n"));
    assertTrue(all.contains("\r\nprocess_id:" + ProcessHandle.current().pid() + "\r\n"));
    assertTrue(all.contains("\r\nhz:10\r\n"));
    assertTrue(all.contains("\r\nconnected_clients:1\r\n"));
    assertTrue(all.contains("\r\nmaxmemory:0\r\n"));
    assertTrue(all.contains("\r\nevicted_keys:0\r\n"));
    assertTrue(all.contains("\r\nrole:master\r\n"));
    String varying = "(used_memory|used_cpu|mem_fragmentation)\\w*:[^\r]*";
    String stable = all.replaceAll(varying, "");
    assertEquals(stable, info("default").replaceAll(varying, ""));
    // all and everything add commandstats and latencystats (which count the INFO calls themselves).
    for (String everything : List.of(info("ALL"), info("everything"))) {
      String withoutCounted = everything.replaceAll(varying, "")
          .replaceAll("# Commandstats\r\n(cmdstat_[^\r]*\r\n)*\r\n", "")
          .replaceAll("# Latencystats\r\n(latency_percentiles_[^\r]*\r\n)*\r\n", "");
      assertEquals(stable, withoutCounted);
      assertTrue(everything.contains("\r\n\r\n# Commandstats\r\ncmdstat_info:calls="), everything);
    }
  }

  @Test
  void infoSelectedSectionsAndUnknownOnes() {
    assertEquals("", info("nosuch"));
    String two = info("clients", "SERVER");
    assertTrue(two.startsWith("# Server\r\n") && two.contains("\r\n\r\n# Clients\r\nconnected_clients:1\r\n"), two);
    assertFalse(two.contains("# Memory"));
    String memory = info("memory");
    long used = Long.parseLong(memory.replaceAll("(?s).*used_memory:(\\d+).*", "$1"));
    assertTrue(used > 0);
    assertTrue(memory.contains("\r\nused_memory_human:"), memory);
  }

  @Test
  void infoStatsCountersAndResetstat() {
    h.cli("SET", "k", "v");
    h.cli("GET", "k");
    h.cli("GET", "missing");
    h.stats.commandsProcessed.add(3);
    h.stats.connectionsReceived.add(2);
    String stats = info("stats");
    assertTrue(stats.contains("\r\ntotal_connections_received:2\r\n"), stats);
    assertTrue(stats.contains("\r\ntotal_commands_processed:3\r\n"), stats);
    assertTrue(stats.contains("\r\nkeyspace_hits:1\r\nkeyspace_misses:1\r\n"), stats);
    assertTrue(stats.contains("\r\ninstantaneous_ops_per_sec:0\r\n"), stats);
    assertEquals("OK", h.cli("CONFIG", "RESETSTAT"));
    stats = info("stats");
    assertTrue(stats.contains("\r\nkeyspace_hits:0\r\nkeyspace_misses:0\r\n"), stats);
    assertTrue(stats.contains("\r\ntotal_commands_processed:0\r\n"), stats);
    assertEquals("(error) ERR wrong number of arguments for 'config|resetstat' command",
        h.cli("CONFIG", "RESETSTAT", "x"));
  }

  @Test
  void instantaneousOpsAveragesSixteenSamples() {
    h.stats.sampleOps(0);
    h.stats.commandsProcessed.add(160);
    h.stats.sampleOps(100); // 1600 ops/s in one of 16 samples
    assertEquals(100, h.stats.instantaneousOpsPerSec());
  }

  @Test
  void infoKeyspaceCountsEveryShard() {
    for (int i = 0; i < 20; i++) {
      h.cli("SET", "key" + i, "v");
    }
    h.cli("SET", "vol1", "v", "EX", "100");
    h.cli("SET", "vol2", "v", "PX", "100000");
    h.select(3);
    h.cli("SET", "other", "v");
    assertEquals("# Keyspace\r\ndb0:keys=22,expires=2,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n",
        info("keyspace"));
    assertTrue(h.table.lookup("info").route() == io.redgrid.command.Route.ALL_SHARDS);
  }

  @Test
  void configGetMatchesGlobsCaseInsensitively() {
    assertEquals("1) \"hz\"\n2) \"10\"", h.cli("CONFIG", "GET", "hz"));
    assertEquals("1) \"hz\"\n2) \"10\"", h.cli("CONFIG", "GET", "HZ"));
    assertEquals("1) \"port\"\n2) \"6379\"\n3) \"hz\"\n4) \"10\"", h.cli("CONFIG", "GET", "hz", "port", "nosuch"));
    assertEquals("1) \"proto-max-bulk-len\"\n2) \"536870912\"", h.cli("CONFIG", "GET", "*max-bulk*"));
    assertEquals("1) \"hz\"\n2) \"10\"", h.cli("CONFIG", "GET", "h?", "hz"));
    assertEquals("(empty array)", h.cli("CONFIG", "GET", "nosuch"));
    assertTrue(h.wire("CONFIG", "GET", "hz").startsWith("*2\r\n"));
    h.session.protocol(3);
    assertEquals("%1\r\n$2\r\nhz\r\n$2\r\n10\r\n", h.wire("CONFIG", "GET", "hz"));
    assertEquals("(error) ERR wrong number of arguments for 'config|get' command", h.cli("CONFIG", "GET"));
  }

  @Test
  void configSetIsAllOrNothing() {
    assertEquals("OK", h.cli("CONFIG", "SET", "hz", "20", "loglevel", "warning"));
    assertEquals("20", h.config.get("hz"));
    assertEquals("warning", h.config.get("loglevel"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer",
        h.cli("CONFIG", "SET", "loglevel", "notice", "hz", "abc"));
    assertEquals("warning", h.config.get("loglevel"), "nothing applied when one value is bad");
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter",
        h.cli("CONFIG", "SET", "hz", "20", "HZ", "30"));
    assertEquals("(error) ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'",
        h.cli("CONFIG", "SET", "hz", "20", "hz", "30", "nosuch", "1"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config",
        h.cli("CONFIG", "SET", "databases", "3"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of the following: debug, verbose, notice, warning, nothing",
        h.cli("CONFIG", "SET", "loglevel", "foo"));
    assertEquals("(error) ERR wrong number of arguments for 'config|set' command", h.cli("CONFIG", "SET", "hz"));
    assertEquals("(error) ERR wrong number of arguments for 'config|set' command",
        h.cli("CONFIG", "SET", "hz", "1", "loglevel"));
    assertEquals("20", h.config.get("hz"));
  }

  @Test
  void configHelpAndUnknown() {
    assertTrue(h.cli("CONFIG", "HELP").startsWith("1) CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\n2) GET <pattern>"));
    assertEquals("(error) ERR unknown subcommand 'foo'. Try CONFIG HELP.", h.cli("CONFIG", "foo"));
    assertEquals("(error) ERR The server is running without a config file", h.cli("CONFIG", "rewrite"));
    assertEquals("(error) ERR wrong number of arguments for 'config' command", h.cli("CONFIG"));
  }

  @Test
  void shutdownStopsWithoutAReply() {
    assertNull(h.run("SHUTDOWN", "NOSAVE", "NOW", "FORCE"));
    assertTrue(h.shutdownRequested);
    assertTrue(h.session.closeRequested());
  }

  @Test
  void shutdownOptionErrors() {
    assertEquals("(error) ERR syntax error", h.cli("SHUTDOWN", "foo"));
    assertEquals("(error) ERR syntax error", h.cli("SHUTDOWN", "SAVE", "NOSAVE"));
    assertEquals("(error) ERR syntax error", h.cli("SHUTDOWN", "ABORT", "NOW"));
    assertEquals("(error) ERR No shutdown in progress.", h.cli("SHUTDOWN", "ABORT"));
    assertFalse(h.shutdownRequested);
    assertFalse(h.session.closeRequested());
  }

  @Test
  void debugSleepDefersWithoutBlocking() throws Exception {
    byte[][] argv = {"DEBUG".getBytes(), "SLEEP".getBytes(), "0.2".getBytes()};
    CommandSpec spec = h.table.resolve(argv);
    assertEquals(io.redgrid.command.Route.ALL_SHARDS, spec.route());
    long start = System.nanoTime();
    Call call = h.table.prepare(spec, argv, h.context());
    assertEquals(Reply.OK, h.table.run(call));
    assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(150), "the handler must not sleep");
    CompletableFuture<?> deferral = call.deferral().toCompletableFuture();
    assertFalse(deferral.isDone());
    deferral.get(5, TimeUnit.SECONDS);
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(190));
  }

  @Test
  void debugSleepParsesLikeStrtod() {
    assertEquals(100_000, ServerCommands.sleepMicros("0.1"));
    assertEquals(1_000, ServerCommands.sleepMicros("1e-3"));
    assertEquals(2_000_000, ServerCommands.sleepMicros("2xyz"));
    assertEquals(0, ServerCommands.sleepMicros("abc"));
    assertEquals(0, ServerCommands.sleepMicros("-1"));
    assertEquals("OK", h.cli("DEBUG", "SLEEP", "0"));
    assertEquals("OK", h.cli("DEBUG", "sleep", "abc"));
  }

  @Test
  void debugHelpAndErrors() {
    assertEquals("1) DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\n2) LOADAOF\n"
        + "3)     Flush the AOF buffers on disk and reload the AOF in memory.\n4) OBJECT <key>\n"
        + "5)     Show low level info about `key` and associated value.\n6) RELOAD\n"
        + "7)     Save the RDB on disk and reload it back to memory.\n8) SET-ACTIVE-EXPIRE <0|1>\n"
        + "9)     Setting it to 0 disables expiring keys in background when they are not\n"
        + "10)     accessed (otherwise the Redis behavior). Setting it to 1 reenables back the\n"
        + "11)     default.\n12) SLEEP <seconds>\n"
        + "13)     Stop the server for <seconds>. Decimals allowed.\n14) HELP\n15)     Prints this help.",
        h.cli("DEBUG", "HELP"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.",
        h.cli("DEBUG", "foo"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP.",
        h.cli("DEBUG", "sleep"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'help'. Try DEBUG HELP.",
        h.cli("DEBUG", "help", "x"));
    assertEquals("(error) ERR wrong number of arguments for 'debug' command", h.cli("DEBUG"));
  }

  @Test
  void commandInfoHasRedisLayout() {
    h.session.protocol(3);
    assertEquals("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n"
        + "~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n"
        + "$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n"
        + "$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n"
        + "$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n", h.wire("COMMAND", "INFO", "get"));
    h.session.protocol(2);
    String mset = h.cli("COMMAND", "INFO", "mset");
    assertTrue(mset.contains("2) (integer) -3") && mset.contains("5) (integer) -1") && mset.contains("6) (integer) 2")
        && mset.contains("@write") && mset.contains("\"lastkey\"\n") , mset);
    assertEquals("1) (nil)", h.cli("COMMAND", "INFO", "nosuch"));
  }

  /** redis-cli style rendering flattened to {@code a|b|c}, independent of indentation. */
  private String flat(String... args) {
    return h.cli(args).replaceAll("\n\\s*", "|");
  }

  @Test
  void commandInfoOfContainersListsSubcommands() {
    String client = flat("COMMAND", "INFO", "client");
    assertTrue(client.startsWith("1) 1) \"client\"|2) (integer) -2|3) (empty array)|4) (integer) 0|5) (integer) 0"
        + "|6) (integer) 0|7) 1) @slow|8) (empty array)|9) (empty array)|10) 1) 1) \"client|id\""), client);
    assertTrue(client.contains("\"client|kill\"|2) (integer) -3|3) 1) admin|2) noscript|3) loading|4) stale"), client);
    String list = flat("COMMAND", "INFO", "client|list");
    assertTrue(list.contains("7) 1) @admin|2) @slow|3) @dangerous|4) @connection|8) 1) \"nondeterministic_output\""), list);
    String hello = flat("COMMAND", "INFO", "hello");
    assertTrue(hello.contains("3) 1) noscript|2) loading|3) stale|4) fast|5) no_auth|6) allow_busy|"), hello);
    assertTrue(hello.contains("7) 1) @fast|2) @connection|"), hello);
    String info = flat("COMMAND", "INFO", "info");
    assertTrue(info.contains("7) 1) @slow|2) @dangerous|8) 1) \"nondeterministic_output\""), info);
    String command = flat("COMMAND", "INFO", "command");
    assertTrue(command.contains("\"command|getkeys\"") && command.contains("7) 1) @slow|2) @connection|"), command);
    String setslot = flat("COMMAND", "INFO", "cluster|setslot");
    assertTrue(setslot.contains("3) 1) admin|2) stale|3) no_async_loading|"), setslot);
  }

  @Test
  void commandWithoutArgumentsDescribesEveryCommand() {
    Reply all = h.run("COMMAND");
    assertEquals(h.table.size(), ((Reply.Array) all).items().size());
    assertEquals(((Reply.Array) all).items().size(), ((Reply.Array) h.run("COMMAND", "INFO")).items().size());
    assertEquals("(integer) " + h.table.size(), h.cli("COMMAND", "COUNT"));
    assertEquals("(error) ERR wrong number of arguments for 'command|count' command", h.cli("COMMAND", "COUNT", "x"));
    assertEquals("(error) ERR unknown subcommand 'foo'. Try COMMAND HELP.", h.cli("COMMAND", "foo"));
    assertTrue(h.cli("COMMAND", "HELP").startsWith("1) COMMAND <subcommand>"));
  }

  @Test
  void commandDocs() {
    h.session.protocol(3);
    String docs = new String(RespWriter.encode(h.run("COMMAND", "DOCS", "time", "nosuch"), 3), StandardCharsets.UTF_8);
    assertEquals("%1\r\n$4\r\ntime\r\n%4\r\n$7\r\nsummary\r\n$24\r\nReturns the server time.\r\n"
        + "$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n", docs);
    h.session.protocol(2);
    String client = h.cli("COMMAND", "DOCS", "client");
    assertTrue(client.contains("\"subcommands\"") && client.contains("\"client|kill\""), client);
    assertEquals("(empty array)", h.cli("COMMAND", "DOCS", "nosuch"));
    assertTrue(((Reply.MapReply) h.run("COMMAND", "DOCS")).keysAndValues().size() == 2 * h.table.size());
  }

  @Test
  void commandList() {
    String all = h.cli("COMMAND", "LIST");
    assertTrue(all.contains("\"get\"") && all.contains("\"client|list\"") && all.contains("\"config|set\""), all);
    assertEquals("1) \"config\"\n2) \"config|get\"\n3) \"config|set\"\n4) \"config|resetstat\"\n5) \"config|rewrite\"\n6) \"config|help\"",
        h.cli("COMMAND", "LIST", "FILTERBY", "PATTERN", "CONFIG*"));
    String connection = h.cli("COMMAND", "LIST", "filterby", "aclcat", "Connection");
    assertTrue(connection.contains("\"ping\"") && connection.contains("\"client|id\"") && !connection.contains("\"get\""),
        connection);
    assertEquals("(empty array)", h.cli("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"));
    assertEquals("(empty array)", h.cli("COMMAND", "LIST", "FILTERBY", "MODULE", "x"));
    assertEquals("(error) ERR syntax error", h.cli("COMMAND", "LIST", "FILTERBY", "foo", "x"));
    assertEquals("(error) ERR syntax error", h.cli("COMMAND", "LIST", "FILTERBY"));
    assertEquals("(error) ERR syntax error", h.cli("COMMAND", "LIST", "foo"));
  }

  @Test
  void commandGetKeys() {
    assertEquals("1) \"a\"\n2) \"c\"", h.cli("COMMAND", "GETKEYS", "MSET", "a", "b", "c", "d"));
    assertEquals("1) \"k\"", h.cli("COMMAND", "GETKEYS", "get", "k"));
    assertEquals("1) 1) \"k\"\n   2) 1) RO\n      2) access", h.cli("COMMAND", "GETKEYSANDFLAGS", "get", "k"));
    assertEquals("(error) ERR Invalid command specified", h.cli("COMMAND", "GETKEYS", "nosuch", "a"));
    assertEquals("(error) ERR Invalid command specified", h.cli("COMMAND", "GETKEYS", "client", "nosuch"));
    assertEquals("(error) ERR The command has no key arguments", h.cli("COMMAND", "GETKEYS", "ping", "a"));
    assertEquals("(error) ERR The command has no key arguments", h.cli("COMMAND", "GETKEYS", "client", "list"));
    assertEquals("(error) ERR Invalid number of arguments specified for command",
        h.cli("COMMAND", "GETKEYS", "get", "a", "b"));
    assertEquals("(error) ERR Invalid number of arguments specified for command",
        h.cli("COMMAND", "GETKEYS", "set", "a"));
    assertEquals("(error) ERR wrong number of arguments for 'command|getkeys' command",
        h.cli("COMMAND", "GETKEYS", "get"));
  }

  @Test
  void clusterKeyslotWorksAndTheRestIsDisabled() {
    assertEquals("(integer) " + Slots.slot("foo".getBytes()), h.cli("CLUSTER", "KEYSLOT", "foo"));
    assertEquals("(integer) 12182", h.cli("CLUSTER", "KEYSLOT", "foo"));
    assertEquals(h.cli("CLUSTER", "KEYSLOT", "{user1}.a"), h.cli("CLUSTER", "KEYSLOT", "user1"));
    assertEquals("(error) ERR This instance has cluster support disabled", h.cli("CLUSTER", "INFO"));
    assertEquals("(error) ERR This instance has cluster support disabled", h.cli("CLUSTER", "HELP"));
    assertEquals("(error) ERR unknown subcommand 'foo'. Try CLUSTER HELP.", h.cli("CLUSTER", "foo"));
    assertEquals("(error) ERR wrong number of arguments for 'cluster|keyslot' command", h.cli("CLUSTER", "KEYSLOT"));
    assertEquals("(error) ERR wrong number of arguments for 'cluster' command", h.cli("CLUSTER"));
    assertNotNull(h.table.lookup("cluster").subcommand("setslot".getBytes()));
  }
}
