package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.ADMIN;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.NOSCRIPT;
import static io.redgrid.command.Flag.READONLY;
import static io.redgrid.command.Flag.STALE;

import io.redgrid.command.Call;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.command.Numbers;
import io.redgrid.protocol.Reply;
import io.redgrid.server.Monitors;
import io.redgrid.server.Version;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** MONITOR, ROLE and LOLWUT. */
public final class AdminCommands implements CommandFamily {
  private static final Reply ROLE = Reply.array(Reply.bulk("master"), Reply.ZERO, Reply.EMPTY_ARRAY);

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("monitor").arity(exactly(1)).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server")
            .summary("Listens for all requests received by the server in real-time.")
            .runs(AdminCommands::monitor),
        command("role").arity(exactly(1)).flags(NOSCRIPT, LOADING, STALE, FAST).group("server")
            .acl("admin", "dangerous").since("2.8.12").complexity("O(1)")
            .summary("Returns the replication role.").runs(call -> ROLE),
        command("lolwut").arity(atLeast(1)).flags(READONLY, FAST).group("server").since("5.0.0")
            .summary("Displays computer art and the Redis version").runs(AdminCommands::lolwut));
  }

  /** MONITOR: OK once; a client already monitoring gets no reply at all (as Redis). */
  private static Reply monitor(Call call) {
    if (call.session().monitor()) {
      return null;
    }
    Monitors monitors = call.server().monitors();
    if (monitors != null) {
      monitors.add(call.session());
    } else {
      call.session().monitor(true);
    }
    return Reply.OK;
  }

  /**
   * LOLWUT [VERSION v] [args...]: Redis prints v as "%u.0.0" and picks the art by its first
   * characters: 5.x (and 4.9) Schotter, 6.x (and 5.9) the skyline, anything else the version line.
   */
  private static Reply lolwut(Call call) {
    String version = Version.REDIS_VERSION;
    int first = 1;
    if (call.argc() >= 3 && call.is(1, "VERSION")) {
      long requested = call.longArg(2);
      version = Integer.toUnsignedString((int) requested) + ".0.0";
      first = 3;
    }
    String text;
    if (is(version, '5', false) || is(version, '4', true)) {
      text = Lolwut.version5(arg(call, first, 66), arg(call, first + 1, 8), arg(call, first + 2, 12),
          ThreadLocalRandom.current());
    } else if (is(version, '6', false) || is(version, '5', true)) {
      text = Lolwut.version6(arg(call, first, 80), arg(call, first + 1, 20), ThreadLocalRandom.current());
    } else {
      text = Lolwut.plain();
    }
    return Reply.verbatim("txt", Lolwut.utf8(text));
  }

  /** Version {@code major}.x where x is 9 ({@code nine}) or not 9. */
  private static boolean is(String version, char major, boolean nine) {
    return version.length() > 2 && version.charAt(0) == major && version.charAt(1) == '.'
        && (version.charAt(2) == '9') == nine;
  }

  private static long arg(Call call, int index, long fallback) {
    return index < call.argc() ? Numbers.parseLong(call.arg(index), Errors.NOT_INTEGER) : fallback;
  }
}
