package io.redgrid.command.family;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.protocol.Reply;
import io.redgrid.tracking.Tracking;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO, with Redis 7.0's texts. */
final class ClientTracking {
  private static final String SYNTAX = "ERR syntax error";

  private ClientTracking() {}

  /** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP] */
  static Reply tracking(Call call) {
    Tracking tracking = call.server().tracking();
    long redirect = 0;
    boolean bcast = false, optin = false, optout = false, noloop = false;
    List<byte[]> prefixes = new ArrayList<>();
    for (int j = 3; j < call.argc(); j++) {
      boolean more = call.argc() - 1 - j > 0;
      if (call.is(j, "REDIRECT") && more) {
        j++;
        if (redirect != 0) {
          throw new CommandError("ERR A client can only redirect to a single other client");
        }
        redirect = call.longArg(j);
        if (tracking.session(redirect) == null) {
          throw new CommandError("ERR The client ID you want redirect to does not exist");
        }
      } else if (call.is(j, "BCAST")) {
        bcast = true;
      } else if (call.is(j, "OPTIN")) {
        optin = true;
      } else if (call.is(j, "OPTOUT")) {
        optout = true;
      } else if (call.is(j, "NOLOOP")) {
        noloop = true;
      } else if (call.is(j, "PREFIX") && more) {
        prefixes.add(call.arg(++j));
      } else {
        throw new CommandError(SYNTAX);
      }
    }
    long id = call.session().id();
    if (call.is(2, "ON")) {
      if (!bcast && !prefixes.isEmpty()) {
        throw new CommandError("ERR PREFIX option requires BCAST mode to be enabled");
      }
      Tracking.Client current = tracking.client(id);
      if (current != null && current.mode().bcast() != bcast) {
        throw new CommandError("ERR You can't switch BCAST mode on/off before disabling tracking "
            + "for this client, and then re-enabling it with a different mode.");
      }
      if (bcast && (optin || optout)) {
        throw new CommandError("ERR OPTIN and OPTOUT are not compatible with BCAST");
      }
      if (optin && optout) {
        throw new CommandError("ERR You can't specify both OPTIN mode and OPTOUT mode");
      }
      if (current != null && ((optin && current.mode().optout()) || (optout && current.mode().optin()))) {
        throw new CommandError("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking "
            + "for this client, and then re-enabling it with a different mode.");
      }
      if (bcast) {
        checkPrefixes(current == null ? List.of() : current.prefixes(), prefixes);
      }
      tracking.enable(call.session(), new Tracking.Mode(redirect, bcast, optin, optout, noloop), prefixes);
      return Reply.OK;
    }
    if (call.is(2, "OFF")) {
      tracking.disable(id);
      return Reply.OK;
    }
    throw new CommandError(SYNTAX);
  }

  /** Redis' checkPrefixCollisionsOrReply. */
  private static void checkPrefixes(List<byte[]> existing, List<byte[]> given) {
    for (int i = 0; i < given.size(); i++) {
      byte[] prefix = given.get(i);
      for (byte[] old : existing) {
        if (overlap(prefix, old)) {
          throw new CommandError("ERR Prefix '" + text(prefix) + "' overlaps with an existing prefix '"
              + text(old) + "'. Prefixes for a single client must not overlap.");
        }
      }
      for (int j = i + 1; j < given.size(); j++) {
        if (overlap(prefix, given.get(j))) {
          throw new CommandError("ERR Prefix '" + text(prefix) + "' overlaps with another provided prefix '"
              + text(given.get(j)) + "'. Prefixes for a single client must not overlap.");
        }
      }
    }
  }

  private static boolean overlap(byte[] a, byte[] b) {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** CLIENT CACHING YES|NO */
  static Reply caching(Call call) {
    Tracking tracking = call.server().tracking();
    Tracking.Client client = tracking.client(call.session().id());
    if (client == null) {
      throw new CommandError("ERR CLIENT CACHING can be called only when the client is in tracking "
          + "mode with OPTIN or OPTOUT mode enabled");
    }
    if (call.is(2, "YES")) {
      if (!client.mode().optin()) {
        throw new CommandError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
      }
      tracking.caching(call.session().id(), true);
    } else if (call.is(2, "NO")) {
      if (!client.mode().optout()) {
        throw new CommandError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
      }
      tracking.caching(call.session().id(), false);
    } else {
      throw new CommandError(SYNTAX);
    }
    return Reply.OK;
  }

  /** CLIENT GETREDIR: -1 when not tracking, 0 without redirection. */
  static Reply getredir(Call call) {
    Tracking.Client client = call.server().tracking().client(call.session().id());
    return Reply.integer(client == null ? -1 : client.mode().redirect());
  }

  /** CLIENT TRACKINGINFO: flags, redirect and prefixes as a map. */
  static Reply trackingInfo(Call call) {
    Tracking.Client client = call.server().tracking().client(call.session().id());
    List<Reply> flags = new ArrayList<>();
    long redirect = -1;
    List<Reply> prefixes = new ArrayList<>();
    if (client == null) {
      flags.add(Call.bulk("off"));
    } else {
      Tracking.Mode mode = client.mode();
      flags.add(Call.bulk("on"));
      if (mode.bcast()) {
        flags.add(Call.bulk("bcast"));
      }
      if (mode.optin()) {
        flags.add(Call.bulk("optin"));
        if (client.caching() > 0) {
          flags.add(Call.bulk("caching-yes"));
        }
      }
      if (mode.optout()) {
        flags.add(Call.bulk("optout"));
        if (client.caching() < 0) {
          flags.add(Call.bulk("caching-no"));
        }
      }
      if (mode.noloop()) {
        flags.add(Call.bulk("noloop"));
      }
      if (client.brokenRedirect()) {
        flags.add(Call.bulk("broken_redirect"));
      }
      redirect = mode.redirect();
      for (byte[] prefix : Tracking.prefixes(client)) {
        prefixes.add(Reply.bulk(prefix));
      }
    }
    return Reply.map(List.of(Call.bulk("flags"), Reply.set(flags), Call.bulk("redirect"),
        Reply.integer(redirect), Call.bulk("prefixes"), Reply.array(prefixes)));
  }

  /** CLIENT LIST's flags as Redis orders them: P, then t (tracking), R (broken redirect), B (bcast). */
  static String flags(Call call, io.redgrid.server.ClientSession session) {
    StringBuilder flags = new StringBuilder();
    if (session.subscriptions().active()) {
      flags.append('P');
    }
    Tracking tracking = call.server() == null ? null : call.server().tracking();
    Tracking.Client client = tracking == null ? null : tracking.client(session.id());
    if (client != null) {
      flags.append('t');
      if (client.brokenRedirect()) {
        flags.append('R');
      }
      if (client.mode().bcast()) {
        flags.append('B');
      }
    }
    return flags.length() == 0 ? "N" : flags.toString();
  }

  /** CLIENT LIST's redir: -1 when not tracking. */
  static long redirect(Call call, io.redgrid.server.ClientSession session) {
    Tracking tracking = call.server() == null ? null : call.server().tracking();
    Tracking.Client client = tracking == null ? null : tracking.client(session.id());
    return client == null ? -1 : client.mode().redirect();
  }
}
