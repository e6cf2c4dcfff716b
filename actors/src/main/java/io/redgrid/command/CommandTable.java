package io.redgrid.command;

import io.redgrid.protocol.Reply;
import io.redgrid.server.ServerStats;
import io.redgrid.stats.CommandStats;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every command the server knows, looked up by name straight from the request bytes (ASCII case
 * folded while hashing, so no String per command), with arity and subcommand checks in one place.
 */
public final class CommandTable {
  private static final int SLOTS = 1024;

  private final CommandSpec[] slots = new CommandSpec[SLOTS];
  private final Map<String, CommandSpec> byName = new TreeMap<>();
  private final List<CommandSpec> byId = new ArrayList<>();

  public CommandTable register(CommandFamily family) {
    for (CommandSpec spec : family.commands()) {
      if (byName.putIfAbsent(spec.name(), spec) != null) {
        throw new IllegalStateException("command declared twice: " + spec.name());
      }
      byte[] upper = spec.upperName();
      int index = foldedHash(upper) & (SLOTS - 1);
      while (slots[index] != null) {
        index = (index + 1) & (SLOTS - 1);
      }
      slots[index] = spec;
      byId.add(spec);
      spec.id(byId.size() - 1);
      for (CommandSpec sub : spec.subcommands()) {
        byId.add(sub);
        sub.id(byId.size() - 1);
      }
    }
    return this;
  }

  /** Commands and subcommands by {@link CommandSpec#id()}: what per-command statistics index. */
  public List<CommandSpec> byId() {
    return Collections.unmodifiableList(byId);
  }

  /** All top-level commands, by name. */
  public Collection<CommandSpec> all() {
    return Collections.unmodifiableCollection(byName.values());
  }

  public int size() {
    return byName.size();
  }

  /** The top-level command called {@code name} in any case, or null. */
  public CommandSpec lookup(byte[] name) {
    int index = foldedHash(name) & (SLOTS - 1);
    for (CommandSpec spec; (spec = slots[index]) != null; index = (index + 1) & (SLOTS - 1)) {
      if (Call.equalsIgnoreCase(name, spec.upperName())) {
        return spec;
      }
    }
    return null;
  }

  public CommandSpec lookup(String name) {
    return byName.get(name.toLowerCase(Locale.ROOT));
  }

  /**
   * The command (or subcommand) to run for {@code argv} after the arity checks; throws the
   * Redis error for unknown commands, unknown subcommands and wrong argument counts.
   */
  public CommandSpec resolve(byte[][] argv) {
    CommandSpec spec = lookup(argv[0]);
    if (spec == null) {
      throw new CommandError(unknownCommand(argv));
    }
    if (!spec.arity().accepts(argv.length)) {
      throw Errors.wrongArity(spec.fullName());
    }
    // COMMAND runs itself without arguments and dispatches to subcommands with them.
    if (!spec.subcommands().isEmpty() && (spec.handler() == null || argv.length > 1)) {
      CommandSpec sub = spec.subcommand(argv[1]);
      if (sub == null) {
        throw new CommandError("ERR unknown subcommand '" + abbreviate(argv[1])
            + "'. Try " + spec.name().toUpperCase(Locale.ROOT) + " HELP.");
      }
      if (!sub.arity().accepts(argv.length)) {
        throw Errors.wrongArity(sub.fullName());
      }
      return sub;
    }
    return spec;
  }

  /** Runs a resolved command; a {@link CommandError} becomes its error reply. */
  public Reply execute(CommandSpec spec, byte[][] argv, Call.Context context) {
    Call call = new Call(this, spec, argv, context);
    return run(call);
  }

  /** Runs a resolved command and hands back the call too, for its deferral. */
  public Call prepare(CommandSpec spec, byte[][] argv, Call.Context context) {
    return new Call(this, spec, argv, context);
  }

  public Reply run(Call call) {
    // INFO commandstats, SLOWLOG, LATENCY: two clock reads per command; replay is not a call.
    CommandStats metrics = call.replaying() ? null : call.stats().commands;
    long start = metrics == null ? 0 : System.nanoTime();
    Reply reply = null;
    try {
      Reply refused = call.performEvictions();
      if (refused != null) {
        reply = refused;
        return reply;
      }
      reply = call.spec().handler().run(call);
      return reply;
    } catch (CommandError e) {
      reply = Reply.error(e.getMessage());
      return reply;
    } finally {
      call.remeasureTouched();
      remember(call);
      if (metrics != null) {
        timed(metrics, call, reply, start);
      }
    }
  }

  /**
   * Records a call once it is over: at once, or when its later reply or deferral completes
   * (SAVE, DEBUG SLEEP), so its duration is the client's wait as in Redis, without a thread held.
   */
  private static void timed(CommandStats metrics, Call call, Reply reply, long start) {
    // The recorded stage replaces the call's own, so the reply (which waits for it) can never
    // reach the client before the statistics do: LATENCY LATEST right after sees the call.
    if (call.laterReply() != null) {
      call.replyLater(call.laterReply()
          .whenComplete((later, failure) -> metrics.record(call, later, System.nanoTime() - start)));
    } else if (call.deferral() != null) {
      call.deferUntil(call.deferral()
          .whenComplete((ignored, failure) -> metrics.record(call, reply, System.nanoTime() - start)));
    } else {
      metrics.record(call, reply, System.nanoTime() - start);
    }
  }

  /**
   * Counts a command refused before it ran (arity, unknown subcommand, NOAUTH, OOM ...): its
   * rejected_calls when the command is known, and the error in errorstats either way.
   */
  public void rejected(byte[][] argv, String error, ServerStats stats) {
    CommandSpec spec = argv.length == 0 ? null : lookup(argv[0]);
    if (spec != null && !spec.subcommands().isEmpty() && argv.length > 1) {
      // As Redis: an unknown subcommand has no command to charge, only errorstats.
      spec = spec.subcommand(argv[1]);
    }
    stats.commands.rejected(spec, error);
  }

  /** CLIENT TRACKING: the keys of a read-only command are remembered for its client. */
  private static void remember(Call call) {
    io.redgrid.tracking.Tracking tracking = call.tracking();
    if (tracking == null || call.client() == 0 || call.replaying() || !tracking.active()) {
      return;
    }
    CommandSpec spec = call.spec();
    boolean readOnly = spec.has(Flag.READONLY);
    tracking.afterCommand(call.client(), readOnly, spec.fullName().startsWith("client|"),
        call.argv(), readOnly ? spec.keys().positions(call.argv()) : new int[0]);
  }

  /** Resolves and runs in one go: what tests and journal replay use. */
  public Reply execute(byte[][] argv, Call.Context context) {
    CommandSpec spec;
    try {
      spec = resolve(argv);
    } catch (CommandError e) {
      if (!context.replaying) {
        rejected(argv, e.getMessage(), context.stats);
      }
      return Reply.error(e.getMessage());
    }
    return execute(spec, argv, context);
  }

  static String unknownCommand(byte[][] argv) {
    StringBuilder message = new StringBuilder("ERR unknown command '")
        .append(abbreviate(argv[0])).append("', with args beginning with: ");
    for (int i = 1; i < argv.length && message.length() < 512; i++) {
      message.append('\'').append(abbreviate(argv[i])).append("' ");
    }
    return message.toString();
  }

  private static String abbreviate(byte[] arg) {
    String text = new String(arg, 0, Math.min(arg.length, 128), StandardCharsets.UTF_8);
    return text.replace('\r', ' ').replace('\n', ' ');
  }

  private static int foldedHash(byte[] name) {
    int h = 0;
    for (byte b : name) {
      int c = b;
      if (c >= 'a' && c <= 'z') {
        c -= 32;
      }
      h = 31 * h + c;
    }
    return h ^ (h >>> 10);
  }

  /** Names of every top-level command, for tests and COMMAND LIST. */
  public List<String> names() {
    return new ArrayList<>(byName.keySet());
  }
}
