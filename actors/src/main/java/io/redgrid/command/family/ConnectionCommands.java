package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.ADMIN;
import static io.redgrid.command.Flag.ALLOW_BUSY;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.NOSCRIPT;
import static io.redgrid.command.Flag.NO_AUTH;
import static io.redgrid.command.Flag.STALE;

import io.redgrid.acl.Acl;
import io.redgrid.blocking.BlockedClients;
import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.command.Numbers;
import io.redgrid.protocol.Reply;
import io.redgrid.server.ClientSession;
import io.redgrid.server.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Commands about the connection itself. */
public final class ConnectionCommands implements CommandFamily {
  private static final Reply RESET = Reply.simple("RESET");
  private static final String BAD_NAME =
      "ERR Client names cannot contain spaces, newlines or special characters.";
  private static final String WRONGPASS =
      "WRONGPASS invalid username-password pair or user is disabled.";
  private static final String NO_SUCH_CLIENT = "ERR No such client";
  private static final String AUTH_WITHOUT_PASSWORD = "ERR AUTH <password> called without any password"
      + " configured for the default user. Are you sure your configuration is correct?";
  private static final String HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already"
      + " authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate"
      + " the client and select the RESP protocol version at the same time";

  private static final List<String> CLIENT_HELP = List.of(
      "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CACHING (YES|NO)",
      "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
      "GETREDIR",
      "    Return the client ID we are redirecting to when tracking is enabled.",
      "GETNAME",
      "    Return the name of the current connection.",
      "ID",
      "    Return the ID of the current connection.",
      "INFO",
      "    Return information about the current client connection.",
      "KILL <ip:port>",
      "    Kill connection made from <ip:port>.",
      "KILL <option> <value> [<option> <value> [...]]",
      "    Kill connections. Options are:",
      "    * ADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made from the specified address",
      "    * LADDR (<ip:port>|<unixsocket>:0)",
      "      Kill connections made to specified local address",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Kill connections by type.",
      "    * USER <username>",
      "      Kill connections authenticated by <username>.",
      "    * SKIPME (YES|NO)",
      "      Skip killing current connection (default: yes).",
      "    * MAXAGE <maxage>",
      "      Kill connections older than the specified age.",
      "LIST [options ...]",
      "    Return information about client connections. Options:",
      "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
      "      Return clients of specified type.",
      "UNPAUSE",
      "    Stop the current client pause, resuming traffic.",
      "PAUSE <timeout> [WRITE|ALL]",
      "    Suspend all, or just write, clients for <timeout> milliseconds.",
      "REPLY (ON|OFF|SKIP)",
      "    Control the replies sent to the current connection.",
      "SETNAME <name>",
      "    Assign the name <name> to the current connection.",
      "UNBLOCK <clientid> [TIMEOUT|ERROR]",
      "    Unblock the specified blocked client.",
      "SETINFO <option> <value>",
      "    Set client meta attr. Options are:",
      "    * LIB-NAME: the client lib name.",
      "    * LIB-VER: the client lib version.",
      "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
      "         [OPTIN] [OPTOUT] [NOLOOP]",
      "    Control server assisted client side caching.",
      "TRACKINGINFO",
      "    Report tracking status for the current connection.",
      "NO-EVICT (ON|OFF)",
      "    Protect current client connection from eviction.",
      "NO-TOUCH (ON|OFF)",
      "    Will not touch LRU/LFU stats when this mode is on.",
      "HELP",
      "    Prints this help.");

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("ping").arity(atLeast(1)).flags(FAST).group("connection")
            .tips("request_policy:all_shards", "response_policy:all_succeeded")
            .summary("Returns the server's liveliness response.").runs(this::ping),
        command("echo").arity(exactly(2)).flags(LOADING, STALE, FAST).group("connection")
            .summary("Returns the given string.").runs(call -> Reply.bulk(call.arg(1))),
        command("select").arity(exactly(2)).flags(LOADING, STALE, FAST).group("connection")
            .summary("Changes the selected database.").runs(this::select),
        command("quit").arity(atLeast(1))
            .flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).group("connection")
            .summary("Closes the connection.").complexity("O(1)").runs(this::quit),
        command("reset").arity(exactly(1))
            .flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).group("connection")
            .summary("Resets the connection.").since("6.2.0").complexity("O(1)").runs(this::reset),
        command("auth").arity(atLeast(2))
            .flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).group("connection")
            .summary("Authenticates the connection.").complexity("O(N) where N is the number of passwords defined for the user")
            .runs(this::auth),
        command("hello").arity(atLeast(1))
            .flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY).group("connection")
            .summary("Handshakes with the Redis server.").since("6.0.0").complexity("O(1)")
            .runs(this::hello),
        command("client").arity(atLeast(2)).group("connection")
            .summary("A container for client connection commands.").since("2.4.0")
            .complexity("Depends on subcommand.")
            .subcommands(ClientAdmin.after(
                command("id").arity(exactly(2)).flags(NOSCRIPT, LOADING, STALE)
                    .summary("Returns the unique client ID of the connection.").since("5.0.0")
                    .complexity("O(1)").runs(call -> Reply.integer(call.session().id())),
                command("setname").arity(exactly(3)).flags(NOSCRIPT, LOADING, STALE)
                    .summary("Sets the connection name.").since("2.6.9").complexity("O(1)")
                    .runs(this::setName),
                command("unblock").arity(atLeast(3)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Unblocks a client blocked by a blocking command from a different connection.")
                    .since("5.0.0").complexity("O(log N) where N is the number of client connections")
                    .runs(this::clientUnblock),
                command("getname").arity(exactly(2)).flags(NOSCRIPT, LOADING, STALE)
                    .summary("Returns the name of the connection.").since("2.6.9").complexity("O(1)")
                    .runs(call -> Reply.bulk(call.session().name())),
                command("list").arity(atLeast(2)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .tips("nondeterministic_output")
                    .summary("Lists open connections.").since("2.4.0")
                    .complexity("O(N) where N is the number of client connections").runs(this::list),
                command("info").arity(exactly(2)).flags(NOSCRIPT, LOADING, STALE)
                    .tips("nondeterministic_output")
                    .summary("Returns information about the connection.").since("6.2.0")
                    .complexity("O(1)").runs(this::info),
                command("setinfo").arity(exactly(4)).flags(NOSCRIPT, LOADING, STALE)
                    .tips("request_policy:all_nodes", "response_policy:all_succeeded")
                    .summary("Sets information specific to the client or connection.").since("7.2.0")
                    .complexity("O(1)").runs(this::setInfo),
                command("kill").arity(atLeast(3)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Terminates open connections.").since("2.4.0")
                    .complexity("O(N) where N is the number of client connections").runs(this::kill),
                command("tracking").arity(atLeast(3)).flags(NOSCRIPT, LOADING, STALE)
                    .summary("Controls server-assisted client-side caching for the connection.")
                    .since("6.0.0").complexity("O(1). Some options may introduce additional complexity.")
                    .runs(ClientTracking::tracking),
                command("caching").arity(exactly(3)).flags(NOSCRIPT, LOADING, STALE)
                    .summary("Instructs the server whether to track the keys in the next request.")
                    .since("6.0.0").complexity("O(1)").runs(ClientTracking::caching),
                command("getredir").arity(exactly(2)).flags(NOSCRIPT, LOADING, STALE)
                    .summary("Returns the client ID to which the connection's tracking notifications are redirected.")
                    .since("6.0.0").complexity("O(1)").runs(ClientTracking::getredir),
                command("trackinginfo").arity(exactly(2)).flags(NOSCRIPT, LOADING, STALE)
                    .summary("Returns information about server-assisted client-side caching for the connection.")
                    .since("6.2.0").complexity("O(1)").runs(ClientTracking::trackingInfo),
                command("help").arity(exactly(2)).flags(LOADING, STALE)
                    .summary("Returns helpful text about the different subcommands.").since("5.0.0")
                    .complexity("O(1)").runs(call -> help(CLIENT_HELP)))));
  }

  /** PING [message] */
  private Reply ping(Call call) {
    if (call.argc() > 2) {
      throw Errors.wrongArity("ping");
    }
    // A RESP2 subscriber cannot tell a status reply from a message: Redis answers in the
    // message shape there.
    ClientSession session = call.session();
    if (session != null && session.protocol() == 2 && session.subscriptions().active()) {
      return Reply.array(List.of(Reply.bulk("pong"),
          call.argc() == 2 ? Reply.bulk(call.arg(1)) : Reply.EMPTY_BULK));
    }
    return call.argc() == 2 ? Reply.bulk(call.arg(1)) : Reply.PONG;
  }

  /** SELECT index */
  private Reply select(Call call) {
    long index = call.longArg(1, "ERR value is not an integer or out of range");
    if (index < 0 || index >= call.server().config().databases()) {
      throw new CommandError(Errors.DB_OUT_OF_RANGE);
    }
    call.session().select((int) index);
    return Reply.OK;
  }

  /** QUIT: replies OK, then the connection closes once the reply is written. */
  private Reply quit(Call call) {
    call.session().requestClose();
    return Reply.OK;
  }

  /** RESET: back to a fresh connection (db 0, RESP2, no name). */
  private Reply reset(Call call) {
    if (call.server() != null && call.server().pubsub() != null) {
      call.server().pubsub().removeAll(call.session());
    }
    if (call.server() != null && call.server().tracking() != null) {
      call.server().tracking().disable(call.session().id());
    }
    call.session().reset();
    if (call.server() != null && call.server().acl() != null) {
      call.server().acl().connected(call.session());
    }
    return RESET;
  }

  /** AUTH [username] password */
  private Reply auth(Call call) {
    if (call.argc() > 3) {
      throw new CommandError(Errors.SYNTAX);
    }
    Acl acl = call.server() == null ? null : call.server().acl();
    if (acl == null) {
      throw new CommandError(AUTH_WITHOUT_PASSWORD);
    }
    String username = "default";
    if (call.argc() == 2) {
      if (!acl.authRequiredByPassword()) {
        throw new CommandError(AUTH_WITHOUT_PASSWORD);
      }
    } else {
      username = new String(call.arg(1), StandardCharsets.UTF_8);
    }
    if (!acl.authenticate(call.session(), username, call.arg(call.argc() - 1), "auth", call.now(),
        () -> clientInfo(call))) {
      throw new CommandError(WRONGPASS);
    }
    return Reply.OK;
  }

  /** The calling client's CLIENT LIST line, for ACL LOG entries. */
  public static String clientInfo(Call call) {
    return describe(call.session(), call);
  }

  /** HELLO [protover [AUTH username password] [SETNAME clientname]] */
  private Reply hello(Call call) {
    ClientSession session = call.session();
    long version = 0;
    int next = 1;
    if (call.argc() >= 2) {
      version = call.longArg(next++, "ERR Protocol version is not an integer or out of range");
      if (version < 2 || version > 3) {
        throw new CommandError("NOPROTO unsupported protocol version");
      }
    }
    byte[] user = null;
    int authAt = 0;
    byte[] name = null;
    for (int i = next; i < call.argc(); i++) {
      int more = call.argc() - 1 - i;
      if (call.is(i, "AUTH") && more >= 2) {
        user = call.arg(i + 1);
        authAt = i;
        i += 2;
      } else if (call.is(i, "SETNAME") && more >= 1) {
        name = call.arg(++i);
      } else {
        throw new CommandError("ERR Syntax error in HELLO option '" + call.text(i) + "'");
      }
    }
    Acl acl = call.server() == null ? null : call.server().acl();
    if (acl == null) {
      // Without ACLs there is only the password-less default user, which any password opens.
      if (user != null && !"default".equals(new String(user, StandardCharsets.UTF_8))) {
        throw new CommandError(WRONGPASS);
      }
    } else {
      if (user != null && !acl.authenticate(session, new String(user, StandardCharsets.UTF_8),
          call.arg(authAt + 2), "hello", call.now(), () -> clientInfo(call))) {
        throw new CommandError(WRONGPASS);
      }
      if (!session.authenticated()) {
        throw new CommandError(HELLO_NOAUTH);
      }
    }
    if (name != null) {
      checkName(name, BAD_NAME);
      session.name(name);
    }
    if (version != 0) {
      session.protocol((int) version);
    }
    return Reply.map(List.of(
        Reply.bulk("server"), Reply.bulk("redis"),
        Reply.bulk("version"), Reply.bulk(Version.REDIS_VERSION),
        Reply.bulk("proto"), Reply.integer(session.protocol()),
        Reply.bulk("id"), Reply.integer(session.id()),
        Reply.bulk("mode"), Reply.bulk("standalone"),
        Reply.bulk("role"), Reply.bulk("master"),
        Reply.bulk("modules"), Reply.EMPTY_ARRAY));
  }

  /** CLIENT SETNAME name; an empty name removes it. */
  private Reply setName(Call call) {
    checkName(call.arg(2), BAD_NAME);
    call.session().name(call.arg(2));
    return Reply.OK;
  }

  /** Redis' validateClientAttr: printable ASCII without spaces. */
  private static void checkName(byte[] name, String error) {
    for (byte b : name) {
      if (b < '!' || b > '~') {
        throw new CommandError(error);
      }
    }
  }

  /** CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2; clients send it on connect). */
  private Reply setInfo(Call call) {
    String option = call.text(2);
    boolean libName = call.is(2, "LIB-NAME");
    if (!libName && !call.is(2, "LIB-VER")) {
      throw new CommandError("ERR Unrecognized option '" + option + "'");
    }
    checkName(call.arg(3), "ERR " + option + " cannot contain spaces, newlines or special characters.");
    if (libName) {
      call.session().libraryName(call.text(3));
    } else {
      call.session().libraryVersion(call.text(3));
    }
    return Reply.OK;
  }

  /** CLIENT INFO: this connection's CLIENT LIST line. */
  private Reply info(Call call) {
    return Reply.verbatim("txt", (describe(call.session(), call) + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID id ...] */
  private Reply list(Call call) {
    StringBuilder out = new StringBuilder();
    if (call.argc() == 4 && call.is(2, "TYPE")) {
      java.util.function.Predicate<ClientSession> type = clientType(call, 3);
      for (ClientSession client : call.server().clients()) {
        if (type.test(client)) {
          out.append(describe(client, call)).append('\n');
        }
      }
    } else if (call.argc() > 3 && call.is(2, "ID")) {
      List<Long> ids = new ArrayList<>();
      for (int i = 3; i < call.argc(); i++) {
        ids.add(call.longArg(i, "ERR Invalid client ID"));
      }
      for (long id : ids) {
        for (ClientSession client : call.server().clients()) {
          if (client.id() == id) {
            out.append(describe(client, call)).append('\n');
          }
        }
      }
    } else if (call.argc() != 2) {
      throw new CommandError(Errors.SYNTAX);
    } else {
      describeAll(call, out);
    }
    return Reply.verbatim("txt", out.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static void describeAll(Call call, StringBuilder out) {
    for (ClientSession client : call.server().clients()) {
      out.append(describe(client, call)).append('\n');
    }
  }

  /**
   * Clients of a CLIENT LIST / KILL type: PUBSUB those with subscriptions (Redis' flag P),
   * NORMAL the others; RedGrid has no replicas. Redis' error for unknown types.
   */
  private static java.util.function.Predicate<ClientSession> clientType(Call call, int index) {
    String type = call.text(index).toLowerCase(Locale.ROOT);
    switch (type) {
      case "normal":
        return client -> !client.subscriptions().active();
      case "pubsub":
        return client -> client.subscriptions().active();
      case "master", "slave", "replica":
        return client -> false;
      default:
        throw new CommandError("ERR Unknown client type '" + call.text(index) + "'");
    }
  }

  /**
   * One CLIENT LIST line in Redis' field order. Buffer and memory fields are estimates: the
   * gateway's buffers are not per-client figures; fd is a per-connection number, not a real
   * descriptor.
   */
  static String describe(ClientSession client, Call call) {
    long now = call.now();
    long argvMem = 0;
    if (client == call.session()) {
      for (byte[] arg : call.argv()) {
        argvMem += arg.length;
      }
    }
    return "id=" + client.id()
        + " addr=" + client.address()
        + " laddr=" + client.localAddress()
        + " fd=" + (client.id() + 7)
        + " name=" + client.nameText()
        + " age=" + Math.max(0, (now - client.createdAt()) / 1000)
        + " idle=" + Math.max(0, (now - client.lastInteraction()) / 1000)
        + " flags=" + ClientAdmin.flags(call, client)
        + " db=" + client.db()
        + " sub=" + client.subscriptions().channels()
        + " psub=" + client.subscriptions().patterns()
        + " ssub=" + client.subscriptions().shardChannels()
        + " multi=" + client.transaction().queuedCount() + " qbuf=0 qbuf-free=0"
        + " argv-mem=" + argvMem
        + " multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=" + client.outputBytes()
        + " tot-mem=" + (1024 + argvMem + client.outputBytes())
        + " events=r cmd=" + client.lastCommand()
        + " user=" + client.user() + " redir=" + ClientTracking.redirect(call, client) + " resp=" + client.protocol()
        + " lib-name=" + client.libraryName()
        + " lib-ver=" + client.libraryVersion();
  }

  /**
   * CLIENT KILL ip:port | CLIENT KILL [ID id] [TYPE t] [ADDR a] [LADDR a] [USER u] [SKIPME yes|no]
   * [MAXAGE seconds]
   */
  private Reply kill(Call call) {
    String addr = null;
    String laddr = null;
    long id = 0;
    java.util.function.Predicate<ClientSession> type = client -> true;
    boolean skipMe = true;
    long maxAge = 0;
    String user = null;
    if (call.argc() == 3) {
      addr = call.text(2);
      skipMe = false; // the old form may kill the caller itself
    } else {
      for (int i = 2; i < call.argc(); i += 2) {
        boolean more = call.argc() > i + 1;
        if (call.is(i, "ID") && more) {
          id = Numbers.parseLong(call.arg(i + 1), "ERR client-id should be greater than 0");
          if (id < 1) {
            throw new CommandError("ERR client-id should be greater than 0");
          }
        } else if (call.is(i, "TYPE") && more) {
          type = clientType(call, i + 1);
        } else if (call.is(i, "ADDR") && more) {
          addr = call.text(i + 1);
        } else if (call.is(i, "LADDR") && more) {
          laddr = call.text(i + 1);
        } else if (call.is(i, "USER") && more) {
          user = call.text(i + 1);
          io.redgrid.acl.Acl acl = call.server().acl();
          if (acl == null ? !"default".equals(user) : acl.user(user) == null) {
            throw new CommandError("ERR No such user '" + user + "'");
          }
        } else if (call.is(i, "MAXAGE") && more) {
          maxAge = ClientAdmin.maxAge(call, i + 1);
        } else if (call.is(i, "SKIPME") && more) {
          if (call.is(i + 1, "YES")) {
            skipMe = true;
          } else if (call.is(i + 1, "NO")) {
            skipMe = false;
          } else {
            throw new CommandError(Errors.SYNTAX);
          }
        } else {
          throw new CommandError(Errors.SYNTAX);
        }
      }
    }
    ClientSession me = call.session();
    int killed = 0;
    for (ClientSession client : List.copyOf(call.server().clients())) {
      if ((addr != null && !addr.equals(client.address()))
          || (laddr != null && !laddr.equals(client.localAddress()))
          || !type.test(client)
          || (user != null && !user.equals(client.user()))
          || (id != 0 && client.id() != id)
          || (maxAge != 0 && (call.now() - client.createdAt()) / 1000 < maxAge)
          || (client == me && skipMe)) {
        continue;
      }
      if (client == me) {
        me.requestClose(); // after this reply is written
      } else {
        client.kill();
      }
      killed++;
    }
    if (call.argc() == 3) {
      if (killed == 0) {
        throw new CommandError(NO_SUCH_CLIENT);
      }
      return Reply.OK;
    }
    return Reply.integer(killed);
  }

  /** A HELP reply: status lines, as Redis' addReplyHelp sends them. */
  static Reply help(List<String> lines) {
    List<Reply> items = new ArrayList<>(lines.size());
    for (String line : lines) {
      items.add(Reply.simple(line));
    }
    return Reply.array(items);
  }

  /** CLIENT UNBLOCK client-id [TIMEOUT | ERROR]: 1 if that client was blocked. */
  private Reply clientUnblock(Call call) {
    long id = call.longArg(2);
    boolean error = false;
    if (call.argc() == 4) {
      if (call.is(3, "ERROR")) {
        error = true;
      } else if (!call.is(3, "TIMEOUT")) {
        throw new CommandError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      }
    } else if (call.argc() > 4) {
      throw new CommandError(Errors.SYNTAX);
    }
    BlockedClients blocked = call.server().blocked();
    return blocked != null && blocked.unblock(id, error) ? Reply.ONE : Reply.ZERO;
  }

}
