package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.ADMIN;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.NOSCRIPT;
import static io.redgrid.command.Flag.STALE;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.command.Numbers;
import io.redgrid.protocol.Reply;
import io.redgrid.server.ClientPause;
import io.redgrid.server.ClientSession;
import java.util.List;

/**
 * CLIENT PAUSE / UNPAUSE / NO-EVICT / NO-TOUCH / REPLY and the client flags CLIENT LIST shows,
 * with Redis 7.0's texts (NO-TOUCH is Redis 7.2's).
 */
final class ClientAdmin {
  private static final String TIMEOUT_NOT_INTEGER = "ERR timeout is not an integer or out of range";

  private ClientAdmin() {}

  /** The subcommands CLIENT gains from this class. */
  static List<CommandSpec> subcommands() {
    return List.of(
        command("pause").arity(atLeast(3)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
            .summary("Suspends commands processing.").since("3.0.0").complexity("O(1)")
            .runs(ClientAdmin::pause),
        command("unpause").arity(exactly(2)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
            .summary("Resumes processing commands from paused clients.").since("6.2.0")
            .complexity("O(N) Where N is the number of paused clients").runs(ClientAdmin::unpause),
        command("no-evict").arity(exactly(3)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
            .summary("Sets the client eviction mode of the connection.").since("7.0.0")
            .complexity("O(1)").runs(call -> onOff(call, call.session()::noEvict)),
        command("no-touch").arity(exactly(3)).flags(NOSCRIPT, LOADING, STALE)
            .summary("Controls whether commands sent by the client affect the LRU/LFU of accessed keys.")
            .since("7.2.0").complexity("O(1)").runs(call -> onOff(call, call.session()::noTouch)),
        command("reply").arity(exactly(3)).flags(NOSCRIPT, LOADING, STALE)
            .summary("Instructs the server whether to reply to commands.").since("3.2.0")
            .complexity("O(1)").runs(ClientAdmin::reply));
  }

  /** {@code existing} CLIENT subcommands followed by this class's. */
  static CommandSpec[] after(CommandSpec... existing) {
    java.util.List<CommandSpec> all = new java.util.ArrayList<>(List.of(existing));
    all.addAll(subcommands());
    return all.toArray(new CommandSpec[0]);
  }

  /** CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked first, as Redis does. */
  private static Reply pause(Call call) {
    if (call.argc() > 4) {
      throw new CommandError("ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.");
    }
    ClientPause.Mode mode = ClientPause.Mode.ALL;
    if (call.argc() == 4) {
      if (call.is(3, "WRITE")) {
        mode = ClientPause.Mode.WRITE;
      } else if (!call.is(3, "ALL")) {
        throw new CommandError("ERR CLIENT PAUSE mode must be WRITE or ALL");
      }
    }
    long timeout = Numbers.parseLong(call.arg(2), TIMEOUT_NOT_INTEGER);
    if (timeout < 0) {
      throw new CommandError("ERR timeout is negative");
    }
    ClientPause pause = call.server().clientPause();
    long now = pause != null ? pause.now() : System.currentTimeMillis();
    if (timeout > 0 && timeout > Long.MAX_VALUE - now) {
      throw new CommandError("ERR timeout is out of range");
    }
    if (pause != null) {
      pause.pause(timeout > 0 ? now + timeout : 0, mode);
    }
    return Reply.OK;
  }

  private static Reply unpause(Call call) {
    ClientPause pause = call.server().clientPause();
    if (pause != null) {
      pause.unpause();
    }
    return Reply.OK;
  }

  private static Reply onOff(Call call, java.util.function.Consumer<Boolean> setter) {
    if (call.is(2, "ON")) {
      setter.accept(true);
    } else if (call.is(2, "OFF")) {
      setter.accept(false);
    } else {
      throw new CommandError(Errors.SYNTAX);
    }
    return Reply.OK;
  }

  /** CLIENT REPLY ON|OFF|SKIP: OFF and SKIP have no reply of their own (null: nothing is written). */
  private static Reply reply(Call call) {
    ClientSession session = call.session();
    if (call.is(2, "ON")) {
      session.replies(true);
      return Reply.OK;
    }
    if (call.is(2, "OFF")) {
      session.replies(false);
      return null;
    }
    if (call.is(2, "SKIP")) {
      session.skipNextReply();
      return null;
    }
    throw new CommandError(Errors.SYNTAX);
  }

  /**
   * CLIENT LIST's flags in Redis' order: O (monitor), P (subscriber), b (blocked or held by a
   * pause), t R B (tracking), c (closing after the reply), e (no-evict), T (no-touch); N if none.
   */
  static String flags(Call call, ClientSession client) {
    StringBuilder flags = new StringBuilder(4);
    if (client.monitor()) {
      flags.append('O');
    }
    String tracking = ClientTracking.flags(call, client);
    if (tracking.startsWith("P")) {
      flags.append('P');
      tracking = tracking.substring(1);
    }
    if (client.transaction().active()) {
      flags.append('x'); // in MULTI
    }
    if (client.postponed() || (call.server() != null && call.server().blocked() != null
        && call.server().blocked().isBlocked(client.id()))) {
      flags.append('b');
    }
    if (!tracking.equals("N")) {
      flags.append(tracking);
    }
    if (client.transaction().dirty()) {
      flags.append('d'); // a watched key was touched
    }
    if (client.closeRequested() && client != call.session()) {
      flags.append('c');
    }
    if (client.noEvict()) {
      flags.append('e');
    }
    if (client.noTouch()) {
      flags.append('T');
    }
    return flags.length() == 0 ? "N" : flags.toString();
  }

  /** CLIENT KILL MAXAGE seconds (Redis 7.4): clients connected at least that long. */
  static long maxAge(Call call, int index) {
    long maxAge = Numbers.parseLong(call.arg(index), "ERR maxage is not an integer or out of range");
    if (maxAge <= 0) {
      throw new CommandError(Errors.SYNTAX);
    }
    return maxAge;
  }
}
