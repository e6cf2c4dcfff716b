package io.redgrid.command.family;

import io.redgrid.command.Call;
import io.redgrid.keyspace.Database;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.server.ServerContext;
import io.redgrid.server.ServerStats;
import io.redgrid.server.Version;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The text of INFO: Redis' section layout and field names, with this node's real figures. */
final class InfoSections {
  static final List<String> DEFAULT = List.of("server", "clients", "memory", "persistence", "stats", "replication", "cluster", "keyspace");

  /** Like Redis' run id: random per process, so a restart is visible to clients. */
  private static final String RUN_ID = randomHex(20);
  private static final String REPL_ID = randomHex(20);

  private InfoSections() {}

  /** Redis' persistence section; without persistence (unit tests) only the loading flag. */
  private static void persistence(Call call, StringBuilder out) {
    out.append("# Persistence\r\n");
    var persistence = call.server().persistence();
    if (persistence == null) {
      out.append("loading:").append(call.server().loading() ? 1 : 0).append("\r\n");
      return;
    }
    persistence.info(out);
  }

  /** The report for INFO's arguments (none, default, all, everything, or section names). */
  static String report(Call call) {
    Set<String> wanted = new LinkedHashSet<>();
    if (call.argc() == 1) {
      wanted.addAll(DEFAULT);
    }
    for (int i = 1; i < call.argc(); i++) {
      String name = call.text(i).toLowerCase(Locale.ROOT);
      if (name.equals("default") || name.equals("all") || name.equals("everything")) {
        wanted.addAll(DEFAULT);
      } else {
        wanted.add(name);
      }
    }
    StringBuilder out = new StringBuilder();
    for (String section : DEFAULT) {
      if (!wanted.contains(section)) {
        continue;
      }
      if (out.length() > 0) {
        out.append("\r\n");
      }
      switch (section) {
        case "server" -> server(call, out);
        case "clients" -> clients(call.server(), out);
        case "memory" -> memory(call.server(), out);
        case "persistence" -> persistence(call, out);
        case "stats" -> stats(call.server().stats(), call.server().tracking(), out);
        case "replication" -> replication(call.server(), out);
        case "cluster" -> out.append("# Cluster\r\ncluster_enabled:0\r\n");
        case "keyspace" -> keyspace(call, out);
        default -> throw new IllegalStateException(section);
      }
    }
    return out.toString();
  }

  private static void field(StringBuilder out, String name, Object value) {
    out.append(name).append(':').append(value).append("\r\n");
  }

  private static void server(Call call, StringBuilder out) {
    ServerContext server = call.server();
    long uptime = Math.max(0, (call.now() - server.startedAt()) / 1000);
    Path configFile = server.config().configFile();
    out.append("# Server\r\n");
    field(out, "redis_version", Version.REDIS_VERSION);
    field(out, "redis_git_sha1", "00000000");
    field(out, "redis_git_dirty", 0);
    field(out, "redis_build_id", "0");
    field(out, "redis_mode", "standalone");
    field(out, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    field(out, "arch_bits", System.getProperty("sun.arch.data.model", "64"));
    field(out, "process_id", ProcessHandle.current().pid());
    field(out, "process_supervised", "no");
    field(out, "run_id", RUN_ID);
    field(out, "tcp_port", server.port());
    field(out, "server_time_usec", call.now() * 1000);
    field(out, "uptime_in_seconds", uptime);
    field(out, "uptime_in_days", uptime / 86400);
    field(out, "hz", server.config().hz());
    field(out, "configured_hz", server.config().hz());
    field(out, "executable", ProcessHandle.current().info().command().orElse(""));
    field(out, "config_file", configFile == null ? "" : configFile.toAbsolutePath());
    field(out, "io_threads_active", 0);
  }

  private static void clients(ServerContext server, StringBuilder out) {
    out.append("# Clients\r\n");
    field(out, "connected_clients", server.clients().size());
    field(out, "cluster_connections", 0);
    field(out, "maxclients", 10000);
    field(out, "client_recent_max_input_buffer", 0);
    field(out, "client_recent_max_output_buffer", 0);
    field(out, "blocked_clients", server.blocked() == null ? 0 : server.blocked().count());
    field(out, "tracking_clients", server.tracking() == null ? 0 : server.tracking().clientCount());
    field(out, "clients_in_timeout_table", 0);
  }

  /** used_memory is the node's accounting of keys and values (estimated heap bytes) plus a baseline. */
  private static void memory(io.redgrid.server.ServerContext server, StringBuilder out) {
    out.append("# Memory\r\n");
    server.memory().infoFields().forEach((name, value) -> field(out, name, value));
  }

  private static void stats(ServerStats stats, io.redgrid.tracking.Tracking tracking, StringBuilder out) {
    out.append("# Stats\r\n");
    field(out, "total_connections_received", stats.connectionsReceived.sum());
    field(out, "total_commands_processed", stats.commandsProcessed.sum());
    field(out, "instantaneous_ops_per_sec", stats.instantaneousOpsPerSec());
    field(out, "total_net_input_bytes", stats.netInputBytes.sum());
    field(out, "total_net_output_bytes", stats.netOutputBytes.sum());
    field(out, "rejected_connections", stats.rejectedConnections.sum());
    field(out, "expired_keys", stats.expiredKeys.sum());
    field(out, "evicted_keys", stats.evictedKeys.sum());
    field(out, "keyspace_hits", stats.keyspaceHits.sum());
    field(out, "keyspace_misses", stats.keyspaceMisses.sum());
    field(out, "tracking_total_keys", tracking == null ? 0 : tracking.keyCount());
    field(out, "tracking_total_items", tracking == null ? 0 : tracking.itemCount());
    field(out, "tracking_total_prefixes", tracking == null ? 0 : tracking.prefixCount());
    field(out, "total_error_replies", stats.errorReplies.sum());
  }

  private static void replication(ServerContext server, StringBuilder out) {
    out.append("# Replication\r\n");
    field(out, "role", "master");
    field(out, "connected_slaves", 0);
    field(out, "master_failover_state", "no-failover");
    field(out, "master_replid", REPL_ID);
    field(out, "master_replid2", "0".repeat(40));
    field(out, "master_repl_offset", 0);
    field(out, "second_repl_offset", -1);
    field(out, "repl_backlog_active", 0);
  }

  /** dbN:keys=..,expires=..,avg_ttl=0 for every non-empty db, summed over every shard. */
  private static void keyspace(Call call, StringBuilder out) {
    out.append("# Keyspace\r\n");
    List<Keyspace> shards = call.shards();
    if (shards.isEmpty()) {
      return;
    }
    int databases = shards.get(0).databaseCount();
    for (int db = 0; db < databases; db++) {
      long keys = 0;
      long expires = 0;
      for (Keyspace shard : shards) {
        Database database = shard.database(db);
        keys += database.size();
        expires += database.volatileCount();
      }
      if (keys > 0) {
        out.append("db").append(db).append(":keys=").append(keys).append(",expires=").append(expires)
            .append(",avg_ttl=0\r\n");
      }
    }
  }

  /** Redis' bytesToHuman. */
  static String bytesToHuman(long n) {
    if (n < 1024) {
      return n + "B";
    }
    String[] units = {"K", "M", "G", "T", "P"};
    double d = n;
    int unit = -1;
    while (d >= 1024 && unit < units.length - 1) {
      d /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.2f%s", d, units[unit]);
  }

  private static String randomHex(int bytes) {
    byte[] random = new byte[bytes];
    new SecureRandom().nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
