package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.READONLY;
import static io.redgrid.command.Flag.STALE;
import static io.redgrid.command.KeySpec.single;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.keyspace.Database;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.memory.MemoryReport;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP, answered from the node's own
 * accounting (estimated JVM heap bytes of keys and values, see {@code Footprint}).
 */
public final class MemoryCommands implements CommandFamily {
  /** Below this much used memory Redis' doctor declines to judge (5 MB, as Redis). */
  private static final long DOCTOR_MIN_USED = 5L * 1024 * 1024;
  private static final String EMPTY_DOCTOR = "Hi Sam, this instance is empty or is using very little "
      + "memory, my issues detector can't be used in these conditions. Please, leave for your mission "
      + "on Earth and fill it with some data. The new Sam and I will be back to our programming as "
      + "soon as I finished rebooting.";
  private static final String HEALTHY_DOCTOR = "Hi Sam, I can't find any memory issue in your "
      + "instance. I can only account for what occurs on this base.";
  private static final String PEAK_DOCTOR = " * Peak memory: In the past this instance used more "
      + "than 150% the memory that is currently using. The allocator is normally not able to "
      + "release memory after a peak, so you can expect to see a big fragmentation ratio, however "
      + "this is actually harmless and is only due to the memory peak, and if the Redis instance "
      + "Resident Set Size (RSS) is currently bigger than expected, the memory will be used as "
      + "soon as you fill the Redis instance with more data. If the memory peak was only "
      + "occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, "
      + "otherwise the only other option is to shutdown and restart the instance.\n\n";

  private static final List<Reply> HELP = help(
      "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "DOCTOR",
      "    Return memory problems reports.",
      "MALLOC-STATS",
      "    Return internal statistics report from the memory allocator.",
      "PURGE",
      "    Attempt to purge dirty pages for reclamation by the allocator.",
      "STATS",
      "    Return information about the memory usage of the server.",
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).",
      "HELP",
      "    Prints this help.");

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("memory").arity(atLeast(2)).group("server").since("4.0.0")
            .summary("A container for memory diagnostics commands.").subcommands(
                command("usage").arity(atLeast(3)).flags(READONLY).keys(single(2)).since("4.0.0")
                    .summary("Estimates the memory usage of a key.").runs(this::usage),
                command("stats").arity(exactly(2)).allShards().since("4.0.0")
                    .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                    .summary("Returns details about memory usage.").runs(this::stats),
                command("doctor").arity(exactly(2)).allShards().since("4.0.0")
                    .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                    .summary("Outputs a memory problems report.").runs(this::doctor),
                command("malloc-stats").arity(exactly(2)).allShards().since("4.0.0")
                    .tips("nondeterministic_output", "request_policy:all_shards", "response_policy:special")
                    .summary("Returns the allocator statistics.").runs(this::mallocStats),
                command("purge").arity(exactly(2)).allShards().since("4.0.0")
                    .tips("request_policy:all_shards", "response_policy:all_succeeded")
                    .summary("Asks the allocator to release memory.").runs(call -> Reply.OK),
                command("help").arity(exactly(2)).flags(LOADING, STALE).since("4.0.0")
                    .summary("Returns helpful text about the different subcommands.")
                    .runs(call -> Reply.array(HELP))));
  }

  /**
   * MEMORY USAGE key [SAMPLES count]: the key's accounted bytes. The accounting keeps exact
   * running sizes, so SAMPLES is checked but not needed. Like Redis, the key is neither expired
   * nor touched by looking.
   */
  private Reply usage(Call call) {
    for (int i = 3; i < call.argc(); i++) {
      if (call.is(i, "SAMPLES") && i + 1 < call.argc()) {
        if (call.longArg(i + 1) < 0) {
          throw new CommandError(Errors.SYNTAX);
        }
        i++;
      } else {
        throw new CommandError(Errors.SYNTAX);
      }
    }
    KeyEntry entry = call.database(call.arg(2)).get(call.arg(2));
    return entry == null ? Reply.NULL : Reply.integer(entry.footprint());
  }

  /** MEMORY STATS with Redis 7.0's field names; figures our accounting does not have are 0. */
  private Reply stats(Call call) {
    MemoryReport report = call.memory().report();
    List<Reply> out = new ArrayList<>();
    field(out, "peak.allocated", Reply.integer(report.peak()));
    field(out, "total.allocated", Reply.integer(report.used()));
    field(out, "startup.allocated", Reply.integer(report.startup()));
    field(out, "replication.backlog", Reply.integer(0));
    field(out, "clients.slaves", Reply.integer(0));
    field(out, "clients.normal", Reply.integer(0));
    field(out, "cluster.links", Reply.integer(0));
    field(out, "aof.buffer", Reply.integer(0));
    io.redgrid.scripting.ScriptRunner scripts = call.server() == null ? null : call.server().scripts();
    field(out, "lua.caches", Reply.integer(scripts == null ? 0 : scripts.scriptsMemory()));
    field(out, "functions.caches", Reply.integer(0));
    long overhead = report.startup();
    long keys = 0;
    long dataset = 0;
    int databases = call.shards().isEmpty() ? 0 : call.shards().get(0).databaseCount();
    for (int db = 0; db < databases; db++) {
      long size = 0;
      long main = 0;
      long expires = 0;
      long bytes = 0;
      for (Keyspace keyspace : call.shards()) {
        Database database = keyspace.database(db);
        size += database.size();
        // Each entry's own object, as Redis counts the dictEntry; the rest is data.
        main += (long) database.size() * io.redgrid.keyspace.Footprint.KEY_ENTRY;
        expires += io.redgrid.keyspace.Footprint.refs(database.volatileCount());
        bytes += database.usedMemory();
      }
      if (size == 0) {
        continue;
      }
      keys += size;
      overhead += main + expires;
      dataset += bytes - main - expires;
      field(out, "db." + db, Reply.map(List.of(
          Call.bulk("overhead.hashtable.main"), Reply.integer(main),
          Call.bulk("overhead.hashtable.expires"), Reply.integer(expires),
          Call.bulk("overhead.hashtable.slot-to-keys"), Reply.integer(0))));
    }
    long used = report.used();
    field(out, "overhead.total", Reply.integer(overhead));
    field(out, "keys.count", Reply.integer(keys));
    field(out, "keys.bytes-per-key", Reply.integer(keys == 0 ? 0 : (used - report.startup()) / keys));
    field(out, "dataset.bytes", Reply.integer(dataset));
    field(out, "dataset.percentage", Reply.dbl(used - report.startup() <= 0 ? 0
        : 100.0 * dataset / (used - report.startup())));
    field(out, "peak.percentage", Reply.dbl(report.peak() == 0 ? 0 : 100.0 * used / report.peak()));
    field(out, "allocator.allocated", Reply.integer(report.heapUsed()));
    field(out, "allocator.active", Reply.integer(report.heapUsed()));
    field(out, "allocator.resident", Reply.integer(report.heapCommitted()));
    field(out, "allocator-fragmentation.ratio", Reply.dbl(1.0));
    field(out, "allocator-fragmentation.bytes", Reply.integer(0));
    field(out, "allocator-rss.ratio", Reply.dbl(ratio(report.heapCommitted(), report.heapUsed())));
    field(out, "allocator-rss.bytes", Reply.integer(report.heapCommitted() - report.heapUsed()));
    field(out, "rss-overhead.ratio", Reply.dbl(1.0));
    field(out, "rss-overhead.bytes", Reply.integer(0));
    field(out, "fragmentation", Reply.dbl(ratio(report.heapCommitted(), used)));
    field(out, "fragmentation.bytes", Reply.integer(report.heapCommitted() - used));
    return Reply.map(out);
  }

  private static double ratio(long a, long b) {
    return b <= 0 ? 0 : (double) a / b;
  }

  private static void field(List<Reply> out, String name, Reply value) {
    out.add(Call.bulk(name));
    out.add(value);
  }

  /** MEMORY DOCTOR: Redis' texts for the checks that apply to a heap we account ourselves. */
  private Reply doctor(Call call) {
    MemoryReport report = call.memory().report();
    String text;
    if (report.used() < DOCTOR_MIN_USED) {
      text = EMPTY_DOCTOR;
    } else if (report.peak() > report.used() * 3 / 2) {
      text = "Sam, I detected a few issues in this Redis instance memory implants:\n\n" + PEAK_DOCTOR
          + "I'm here to keep you safe, Sam. I want to help you.\n";
    } else {
      text = HEALTHY_DOCTOR;
    }
    return Reply.verbatim("txt", text.getBytes(StandardCharsets.UTF_8));
  }

  /** MEMORY MALLOC-STATS: the JVM heap is the allocator; its figures instead of jemalloc's. */
  private Reply mallocStats(Call call) {
    MemoryReport report = call.memory().report();
    String text = "___ Begin JVM heap statistics ___\n"
        + "heap.used: " + report.heapUsed() + "\n"
        + "heap.committed: " + report.heapCommitted() + "\n"
        + "heap.max: " + report.heapMax() + "\n"
        + "accounted.used_memory: " + report.used() + "\n"
        + "accounted.dataset: " + report.dataset() + "\n"
        + "--- End JVM heap statistics ---\n";
    return Reply.verbatim("txt", text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<Reply> help(String... lines) {
    List<Reply> replies = new ArrayList<>(lines.length);
    for (String line : lines) {
      replies.add(Reply.simple(line));
    }
    return List.copyOf(replies);
  }
}
