package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.ADMIN;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.NOSCRIPT;
import static io.redgrid.command.Flag.STALE;
import static io.redgrid.command.family.ConnectionCommands.help;

import io.redgrid.acl.Acl;
import io.redgrid.acl.AclCommandIndex;
import io.redgrid.acl.AclException;
import io.redgrid.acl.AclUser;
import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.command.Numbers;
import io.redgrid.protocol.Reply;
import io.redgrid.server.ClientSession;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** ACL: users, their rules, the log of denials and the aclfile. */
public final class AclCommands implements CommandFamily {
  private static final String NO_ACL_FILE = "ERR This Redis instance is not configured to use an ACL"
      + " file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG"
      + " REWRITE (assuming you have a Redis configuration file set) in order to store users in the"
      + " Redis configuration.";
  private static final String GENPASS_RANGE = "ERR ACL GENPASS argument must be the number of bits for"
      + " the output password, a positive number up to 4096";
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final List<String> ACL_HELP = List.of(
      "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CAT [<category>]",
      "    List all commands that belong to <category>, or all command categories",
      "    when no category is specified.",
      "DELUSER <username> [<username> ...]",
      "    Delete a list of users.",
      "DRYRUN <username> <command> [<arg> ...]",
      "    Returns whether the user can execute the given command without executing the command.",
      "GETUSER <username>",
      "    Get the user's details.",
      "GENPASS [<bits>]",
      "    Generate a secure 256-bit user password. The optional `bits` argument can",
      "    be used to specify a different size.",
      "LIST",
      "    Show users details in config file format.",
      "LOAD",
      "    Reload users from the ACL file.",
      "LOG [<count> | RESET]",
      "    Show the ACL log entries.",
      "SAVE",
      "    Save the current config to the ACL file.",
      "SETUSER <username> <attribute> [<attribute> ...]",
      "    Create or modify a user with the specified attributes.",
      "USERS",
      "    List all the registered usernames.",
      "WHOAMI",
      "    Return the current connection username.",
      "HELP",
      "    Prints this help.");

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("acl").arity(atLeast(2)).group("server")
            .summary("A container for Access List Control commands.").since("6.0.0")
            .complexity("Depends on subcommand.")
            .subcommands(
                command("cat").arity(atLeast(2)).flags(NOSCRIPT, LOADING, STALE)
                    .summary("Lists the ACL categories, or the commands inside a category.").since("6.0.0")
                    .complexity("O(1) since the categories and commands are a fixed set.").runs(this::cat),
                command("deluser").arity(atLeast(3)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Deletes ACL users, and terminates their connections.").since("6.0.0")
                    .complexity("O(1) amortized time considering the typical user.").runs(this::delUser),
                command("dryrun").arity(atLeast(4)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Simulates the execution of a command by a user, without executing the command.")
                    .since("7.0.0").complexity("O(1).").runs(this::dryRun),
                command("genpass").arity(atLeast(2)).flags(NOSCRIPT, LOADING, STALE)
                    .summary("Generates a pseudorandom, secure password that can be used to identify ACL users.")
                    .since("6.0.0").complexity("O(N)").runs(this::genPass),
                command("getuser").arity(exactly(3)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Lists the ACL rules of a user.").since("6.0.0")
                    .complexity("O(N). Where N is the number of password, command and pattern rules that the user has.")
                    .runs(this::getUser),
                command("list").arity(exactly(2)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Dumps the effective rules in ACL file format.").since("6.0.0")
                    .complexity("O(N). Where N is the number of configured users.").runs(this::list),
                command("load").arity(exactly(2)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Reloads the rules from the configured ACL file.").since("6.0.0")
                    .complexity("O(N). Where N is the number of configured users.").runs(this::load),
                command("log").arity(atLeast(2)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Lists recent security events generated due to ACL rules.").since("6.0.0")
                    .complexity("O(N) with N being the number of entries shown.").runs(this::log),
                command("save").arity(exactly(2)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Saves the effective ACL rules in the configured ACL file.").since("6.0.0")
                    .complexity("O(N). Where N is the number of configured users.").runs(this::save),
                command("setuser").arity(atLeast(3)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Creates and modifies an ACL user and its rules.").since("6.0.0")
                    .complexity("O(N). Where N is the number of rules provided.").runs(this::setUser),
                command("users").arity(exactly(2)).flags(ADMIN, NOSCRIPT, LOADING, STALE)
                    .summary("Lists all ACL users.").since("6.0.0")
                    .complexity("O(N). Where N is the number of configured users.").runs(this::users),
                command("whoami").arity(exactly(2)).flags(NOSCRIPT, LOADING, STALE)
                    .summary("Returns the authenticated username of the current connection.").since("6.0.0")
                    .complexity("O(1)").runs(call -> Reply.bulk(call.session().user())),
                command("help").arity(exactly(2)).flags(LOADING, STALE)
                    .summary("Returns helpful text about the different subcommands.").since("6.0.0")
                    .complexity("O(1)").runs(call -> help(ACL_HELP))));
  }

  /** Redis' addReplySubcommandSyntaxError. */
  private static CommandError subcommandSyntax(Call call) {
    return new CommandError("ERR unknown subcommand or wrong number of arguments for '" + call.text(1)
        + "'. Try ACL HELP.");
  }

  private static Acl acl(Call call) {
    Acl acl = call.server() == null ? null : call.server().acl();
    if (acl == null) {
      throw new CommandError("ERR ACL is not available here");
    }
    return acl;
  }

  /** ACL SETUSER username [rule ...] */
  private Reply setUser(Call call) {
    List<String> ops = new ArrayList<>();
    for (int i = 3; i < call.argc(); i++) {
      ops.add(call.text(i));
    }
    Acl acl = acl(call);
    AclUser user;
    try {
      user = acl.setUser(call.text(2), ops);
    } catch (AclException e) {
      throw new CommandError("ERR " + e.getMessage());
    }
    // Subscribers whose channels the new rules no longer allow are disconnected, as in Redis.
    for (ClientSession client : List.copyOf(call.server().clients())) {
      if (client.aclUser() == user && !acl.subscriptionsAllowed(client)) {
        if (client == call.session()) {
          client.requestClose();
        } else {
          client.kill();
        }
      }
    }
    return Reply.OK;
  }

  /** ACL GETUSER username */
  private Reply getUser(Call call) {
    AclUser user = acl(call).user(call.text(2));
    return user == null ? Reply.NULL : user.getUserReply();
  }

  /** ACL DELUSER username [...]: the connections of deleted users are closed, as in Redis. */
  private Reply delUser(Call call) {
    Acl acl = acl(call);
    for (int i = 2; i < call.argc(); i++) {
      if (call.text(i).equals("default")) {
        throw new CommandError("ERR The 'default' user cannot be removed");
      }
    }
    List<AclUser> deleted = new ArrayList<>();
    for (int i = 2; i < call.argc(); i++) {
      AclUser user = acl.deleteUser(call.text(i));
      if (user != null) {
        deleted.add(user);
      }
    }
    disconnect(call, Set.copyOf(deleted));
    return Reply.integer(deleted.size());
  }

  /** Closes the clients logged in as one of {@code users}; the caller's own after its reply. */
  private static void disconnect(Call call, Set<AclUser> users) {
    if (users.isEmpty()) {
      return;
    }
    for (ClientSession client : List.copyOf(call.server().clients())) {
      if (client.aclUser() != null && users.contains(client.aclUser())) {
        // As Redis: back to the default user, logged out, until the close takes effect.
        client.aclUser(call.server().acl().defaultUser());
        client.authenticated(false);
        if (client == call.session()) {
          client.requestClose();
        } else {
          client.kill();
        }
      }
    }
  }

  /** ACL LIST */
  private Reply list(Call call) {
    List<Reply> lines = new ArrayList<>();
    for (String line : acl(call).describeAll()) {
      lines.add(Reply.bulk(line));
    }
    return Reply.array(lines);
  }

  /** ACL USERS */
  private Reply users(Call call) {
    List<Reply> names = new ArrayList<>();
    for (AclUser user : acl(call).users()) {
      names.add(Reply.bulk(user.name()));
    }
    return Reply.array(names);
  }

  /** ACL CAT [category] */
  private Reply cat(Call call) {
    if (call.argc() > 3) {
      throw subcommandSyntax(call);
    }
    List<Reply> names = new ArrayList<>();
    if (call.argc() == 2) {
      for (String category : AclCommandIndex.CATEGORIES) {
        names.add(Reply.bulk(category));
      }
      return Reply.array(names);
    }
    List<String> commands = acl(call).commandsIn(call.text(2));
    if (commands == null) {
      throw new CommandError("ERR Unknown category '" + call.text(2) + "'");
    }
    for (String command : commands) {
      names.add(Reply.bulk(command));
    }
    return Reply.array(names);
  }

  /** ACL DRYRUN username command [arg ...] */
  private Reply dryRun(Call call) {
    Acl acl = acl(call);
    AclUser user = acl.user(call.text(2));
    if (user == null) {
      throw new CommandError("ERR User '" + call.text(2) + "' not found");
    }
    byte[][] argv = java.util.Arrays.copyOfRange(call.argv(), 3, call.argc());
    CommandSpec top = acl.index().table().lookup(argv[0]);
    if (top == null || (!top.subcommands().isEmpty() && argv.length > 1 && top.subcommand(argv[1]) == null
        && top.handler() == null)) {
      throw new CommandError("ERR Command '" + call.text(3) + "' not found");
    }
    CommandSpec spec = acl.index().table().resolve(argv);
    String denied = acl.dryRun(user, spec, argv);
    return denied == null ? Reply.OK : Reply.bulk(denied);
  }

  /** ACL GENPASS [bits] */
  private Reply genPass(Call call) {
    if (call.argc() > 3) {
      throw subcommandSyntax(call);
    }
    long bits = 256;
    if (call.argc() == 3) {
      bits = Numbers.parseLong(call.arg(2), Errors.NOT_INTEGER);
      if (bits <= 0 || bits > 4096) {
        throw new CommandError(GENPASS_RANGE);
      }
    }
    int chars = (int) ((bits + 3) / 4);
    byte[] random = new byte[(chars + 1) / 2];
    RANDOM.nextBytes(random);
    return Reply.bulk(HexFormat.of().formatHex(random).substring(0, chars));
  }

  /** ACL LOG [count | RESET] */
  private Reply log(Call call) {
    Acl acl = acl(call);
    if (call.argc() > 3) {
      throw subcommandSyntax(call);
    }
    long count = 10;
    if (call.argc() == 3) {
      if (call.is(2, "RESET")) {
        acl.log().reset();
        return Reply.OK;
      }
      count = Math.max(0, Numbers.parseLong(call.arg(2), Errors.NOT_INTEGER));
    }
    return acl.log().reply(count, call.now());
  }

  /** ACL SAVE */
  private Reply save(Call call) {
    Acl acl = acl(call);
    if (acl.aclFile() == null) {
      throw new CommandError(NO_ACL_FILE);
    }
    try {
      acl.save();
    } catch (IOException e) {
      throw new CommandError("ERR There was an error trying to save the ACLs. Please check the server"
          + " logs for more information");
    }
    return Reply.OK;
  }

  /** ACL LOAD: all or nothing; clients of users that were replaced are disconnected, as in Redis. */
  private Reply load(Call call) {
    Acl acl = acl(call);
    if (acl.aclFile() == null) {
      throw new CommandError(NO_ACL_FILE);
    }
    List<AclUser> before = new ArrayList<>(acl.users());
    String errors = acl.load();
    if (errors != null) {
      throw new CommandError("ERR " + errors);
    }
    before.remove(acl.defaultUser());
    disconnect(call, Set.copyOf(before));
    return Reply.OK;
  }
}
