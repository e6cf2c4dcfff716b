package io.redgrid.command;

import io.redgrid.protocol.Reply;
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
    }
    return this;
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
    try {
      Reply refused = call.performEvictions();
      if (refused != null) {
        return refused;
      }
      return call.spec().handler().run(call);
    } catch (CommandError e) {
      return Reply.error(e.getMessage());
    } finally {
      call.remeasureTouched();
      remember(call);
    }
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
