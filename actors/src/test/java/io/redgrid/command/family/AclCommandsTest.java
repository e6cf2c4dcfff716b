package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.acl.Acl;
import io.redgrid.command.CommandHarness;
import io.redgrid.command.CommandSpec;
import io.redgrid.protocol.Reply;
import io.redgrid.server.ClientSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AclCommandsTest {
  private final CommandHarness h = new CommandHarness();

  /** Runs a command as a connection does: NOAUTH / NOPERM first, then the command. */
  private String client(String... args) {
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    Reply reply;
    try {
      CommandSpec spec = h.table.resolve(argv);
      String denied = h.acl().permitsAll(h.session) ? null
          : h.acl().check(h.session, spec, argv, h.clock.millis(), () -> "id=1 user=" + h.session.user());
      reply = denied != null ? Reply.error(denied) : h.table.execute(spec, argv, h.context());
    } catch (io.redgrid.command.CommandError e) {
      reply = Reply.error(e.getMessage());
    }
    return CommandHarness.render(reply, "");
  }

  @Test
  void defaultUserAsRedisShowsIt() {
    assertEquals("1) \"user default on nopass ~* &* +@all\"", h.cli("ACL", "LIST"));
    assertEquals("1) \"flags\"\n2) 1) \"on\"\n   2) \"nopass\"\n3) \"passwords\"\n4) (empty array)\n"
        + "5) \"commands\"\n6) \"+@all\"\n7) \"keys\"\n8) \"~*\"\n9) \"channels\"\n10) \"&*\"\n"
        + "11) \"selectors\"\n12) (empty array)", h.cli("ACL", "GETUSER", "default"));
    assertEquals("\"default\"", h.cli("ACL", "WHOAMI"));
    assertEquals("1) \"default\"", h.cli("ACL", "USERS"));
    assertTrue(h.acl().permitsAll(h.session));
  }

  @Test
  void newUserIsOffWithNothingAllowed() {
    assertEquals("OK", h.cli("ACL", "SETUSER", "alice"));
    assertEquals("1) \"flags\"\n2) 1) \"off\"\n3) \"passwords\"\n4) (empty array)\n"
        + "5) \"commands\"\n6) \"-@all\"\n7) \"keys\"\n8) \"\"\n9) \"channels\"\n10) \"\"\n"
        + "11) \"selectors\"\n12) (empty array)", h.cli("ACL", "GETUSER", "alice"));
    assertEquals("1) \"user alice off resetchannels -@all\"\n2) \"user default on nopass ~* &* +@all\"",
        h.cli("ACL", "LIST"));
    assertEquals("(nil)", h.cli("ACL", "GETUSER", "nosuch"));
  }

  @Test
  void rulesPasswordsPatternsAndSelectors() {
    assertEquals("OK", h.cli("ACL", "SETUSER", "alice", "on", ">p1",
        "#5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", "~cache:*", "%R~r*",
        "%W~w*", "&chan*", "+@read", "-get", "+set", "+client|list", "(+get", "~x*)"));
    assertEquals("1) \"user alice on #f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a"
        + " #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~cache:* %R~r* %W~w*"
        + " resetchannels &chan* -@all +@read +client|list -get +set (~x* resetchannels -@all +get)\"\n"
        + "2) \"user default on nopass ~* &* +@all\"", h.cli("ACL", "LIST"));
    String user = h.cli("ACL", "GETUSER", "alice");
    assertTrue(user.contains("8) \"~cache:* %R~r* %W~w*\""), user);
    assertTrue(user.contains("10) \"&chan*\""), user);
    assertTrue(user.contains("6) \"-@all +@read +client|list -get +set\""), user);
    assertTrue(user.contains("2) \"-@all +get\"") && user.contains("4) \"~x*\""), user);
    // +@all then subtracting keeps the future commands.
    assertEquals("OK", h.cli("ACL", "SETUSER", "bob", "+@all", "-get"));
    assertTrue(h.cli("ACL", "LIST").contains("user bob off resetchannels +@all -get"));
    assertEquals("OK", h.cli("ACL", "SETUSER", "bob", "nocommands", "+get"));
    assertTrue(h.cli("ACL", "LIST").contains("user bob off resetchannels -@all +get"));
    // Container: +client allows every subcommand, -client denies them.
    assertEquals("OK", h.cli("ACL", "SETUSER", "bob", "+client", "-client", "+config|get"));
    assertTrue(h.cli("ACL", "LIST").contains("user bob off resetchannels -@all +config|get +get"));
    // Key pattern flags merge, %RW~ is ~.
    assertEquals("OK", h.cli("ACL", "SETUSER", "y", "%R~", "%rw~a", "%WR~b"));
    assertTrue(h.cli("ACL", "GETUSER", "y").contains("8) \"%R~ ~a ~b\""));
    assertEquals("OK", h.cli("ACL", "SETUSER", "y", "reset"));
    assertTrue(h.cli("ACL", "LIST").contains("user y off sanitize-payload resetchannels -@all"));
    assertEquals("OK", h.cli("ACL", "SETUSER", "y", "()"));
    assertTrue(h.cli("ACL", "LIST").contains("user y off sanitize-payload resetchannels -@all (resetchannels -@all)"));
    assertEquals("OK", h.cli("ACL", "SETUSER", "y", "clearselectors", "on", "nopass", "allkeys", "allchannels", "allcommands"));
    assertTrue(h.cli("ACL", "LIST").contains("user y on nopass sanitize-payload ~* &* +@all"));
    assertEquals("OK", h.cli("ACL", "SETUSER", "y", "-@read", ">a", ">b", "<a"));
    assertTrue(h.cli("ACL", "LIST").contains("user y on sanitize-payload"
        + " #3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d ~* &* +@all -@read"));
    assertEquals("OK", h.cli("ACL", "SETUSER", "y", "resetpass", "off"));
    assertTrue(h.cli("ACL", "LIST").contains("user y off sanitize-payload ~* &* +@all -@read"));
    assertEquals("OK", h.cli("ACL", "SETUSER", "y", "-@all", "+select|0", "+select|1", "skip-sanitize-payload"));
    assertTrue(h.cli("ACL", "LIST").contains("user y off skip-sanitize-payload ~* &* -@all +select|0 +select|1"));
  }

  @Test
  void setUserErrorsAsRedis() {
    assertEquals("(error) ERR Error in ACL SETUSER modifier 'foo': Syntax error", h.cli("ACL", "SETUSER", "x", "foo"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '+nosuch': Unknown command or category name in ACL",
        h.cli("ACL", "SETUSER", "x", "+nosuch"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '+@nosuch': Unknown command or category name in ACL",
        h.cli("ACL", "SETUSER", "x", "+@nosuch"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '+client|nosuch': Unknown command or category name in ACL",
        h.cli("ACL", "SETUSER", "x", "+client|nosuch"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '-get|x': Unknown command or category name in ACL",
        h.cli("ACL", "SETUSER", "x", "-get|x"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '+get|': Syntax error", h.cli("ACL", "SETUSER", "x", "+get|"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '+client|list|x': Allowing first-arg of a subcommand is not supported",
        h.cli("ACL", "SETUSER", "x", "+client|list|x"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '%X~a': Syntax error", h.cli("ACL", "SETUSER", "x", "%X~a"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '%~a': Syntax error", h.cli("ACL", "SETUSER", "x", "%~a"));
    assertEquals("(error) ERR Unmatched parenthesis in acl selector starting at '(+get'.", h.cli("ACL", "SETUSER", "x", "(+get"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '(foo)': Syntax error", h.cli("ACL", "SETUSER", "x", "(foo)"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '<nopw': The password you are trying to remove from the user does not exist",
        h.cli("ACL", "SETUSER", "x", "<nopw"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '#abc': The password hash must be exactly 64 characters"
        + " and contain only lowercase hexadecimal characters", h.cli("ACL", "SETUSER", "x", "#abc"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '!abc': The password hash must be exactly 64 characters"
        + " and contain only lowercase hexadecimal characters", h.cli("ACL", "SETUSER", "x", "!abc"));
    assertEquals("(error) ERR Usernames can't contain spaces or null characters", h.cli("ACL", "SETUSER", "a b"));
    assertEquals("(error) ERR Usernames can't contain spaces or null characters", h.cli("ACL", "SETUSER", "a\tb"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '~a b': Syntax error", h.cli("ACL", "SETUSER", "x", "~a b"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '&a\tb': Syntax error", h.cli("ACL", "SETUSER", "x", "&a\tb"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '~a': Adding a pattern after the * pattern (or the"
        + " 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty"
        + " list of patterns", h.cli("ACL", "SETUSER", "x", "~*", "~a"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier '&a': Adding a pattern after the * pattern (or the"
        + " 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an"
        + " empty list of channels", h.cli("ACL", "SETUSER", "x", "&*", "&a"));
    // All or nothing: a failed SETUSER created nothing and changed nothing.
    assertEquals("1) \"default\"", h.cli("ACL", "USERS"));
    assertEquals("OK", h.cli("ACL", "SETUSER", "x", "on"));
    assertEquals("(error) ERR Error in ACL SETUSER modifier 'bad': Syntax error", h.cli("ACL", "SETUSER", "x", "off", "bad"));
    assertTrue(h.cli("ACL", "LIST").contains("user x on "));
    assertEquals("(error) ERR wrong number of arguments for 'acl|setuser' command", h.cli("ACL", "SETUSER"));
    assertEquals("(error) ERR unknown subcommand 'nosuch'. Try ACL HELP.", h.cli("ACL", "nosuch"));
  }

  @Test
  void authAndWrongPass() {
    Acl acl = h.acl();
    acl.connected(h.session);
    assertTrue(h.session.authenticated());
    assertEquals("(error) ERR AUTH <password> called without any password configured for the default user."
        + " Are you sure your configuration is correct?", client("AUTH", "nopass"));
    assertEquals("(error) ERR syntax error", client("AUTH", "a", "b", "c"));
    assertEquals("(error) ERR wrong number of arguments for 'auth' command", client("AUTH"));
    h.cli("ACL", "SETUSER", "alice", "on", ">pw", "~k*", "+get", "+acl|whoami");
    assertEquals("(error) WRONGPASS invalid username-password pair or user is disabled.", client("AUTH", "alice", "bad"));
    assertEquals("(error) WRONGPASS invalid username-password pair or user is disabled.", client("AUTH", "nosuch", "pw"));
    assertEquals("default", h.session.user());
    assertEquals("OK", client("AUTH", "alice", "pw"));
    assertEquals("alice", h.session.user());
    assertEquals("\"alice\"", client("ACL", "WHOAMI"));
    // A disabled user cannot log in, even with the right password.
    h.cli("ACL", "SETUSER", "alice", "off");
    assertEquals("(error) WRONGPASS invalid username-password pair or user is disabled.", client("AUTH", "alice", "pw"));
    String log = h.cli("ACL", "LOG");
    assertTrue(log.startsWith("1) 1) \"count\"\n   2) (integer) 2\n   3) \"reason\"\n   4) \"auth\"\n"
        + "   5) \"context\"\n   6) \"toplevel\"\n   7) \"object\"\n   8) \"auth\"\n   9) \"username\"\n"
        + "   10) \"alice\"\n   11) \"age-seconds\""), log);
    // Same reason/object/user within a minute: one entry, counted twice (the first bad password).
    assertTrue(log.contains("2) (integer) 2"), log);
    assertTrue(log.contains("\"nosuch\""), log);
  }

  @Test
  void requirepassAndNoauth() {
    h.run("CONFIG", "SET", "requirepass", "secret");
    Acl acl = h.acl();
    ClientSession fresh = h.session;
    acl.connected(fresh);
    assertFalse(fresh.authenticated());
    assertEquals("(error) NOAUTH Authentication required.", client("GET", "k"));
    assertEquals("(error) NOAUTH Authentication required.", client("PING"));
    assertEquals("(error) NOAUTH HELLO must be called with the client already authenticated, otherwise the"
        + " HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP"
        + " protocol version at the same time", client("HELLO", "3"));
    assertEquals(2, h.session.protocol());
    assertEquals("(error) WRONGPASS invalid username-password pair or user is disabled.",
        client("HELLO", "2", "AUTH", "default", "bad"));
    assertEquals("(error) WRONGPASS invalid username-password pair or user is disabled.", client("AUTH", "bad"));
    assertTrue(client("HELLO", "3", "AUTH", "default", "secret", "SETNAME", "n1").contains("\"proto\""));
    assertEquals(3, h.session.protocol());
    assertEquals("n1", h.session.nameText());
    assertEquals("(nil)", client("GET", "k"));
    // RESET logs out; AUTH with the password alone logs in as default.
    assertEquals("RESET", client("RESET"));
    assertEquals("(error) NOAUTH Authentication required.", client("GET", "k"));
    assertEquals("OK", client("AUTH", "secret"));
    assertEquals("(nil)", client("GET", "k"));
    assertTrue(h.cli("ACL", "LIST").contains("user default on #2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b ~* &* +@all"));
    // CONFIG SET requirepass "" makes the default user nopass again.
    h.run("CONFIG", "SET", "requirepass", "");
    assertEquals("1) \"user default on nopass ~* &* +@all\"", h.cli("ACL", "LIST"));
    acl.connected(h.session);
    assertTrue(h.session.authenticated());
  }

  @Test
  void nopermForCommandsKeysAndChannels() {
    h.cli("ACL", "SETUSER", "alice", "on", ">pw", "~k*", "&c*", "+get", "+set", "+publish", "+subscribe",
        "+psubscribe", "+acl", "+hello", "(+hset", "~h*)");
    assertEquals("OK", client("AUTH", "alice", "pw"));
    assertFalse(h.acl().permitsAll(h.session));
    assertEquals("(error) NOPERM this user has no permissions to access one of the keys used as arguments",
        client("GET", "x"));
    assertEquals("(nil)", client("GET", "k1"));
    assertEquals("OK", client("SET", "k1", "v"));
    assertEquals("(error) NOPERM this user has no permissions to run the 'del' command", client("DEL", "k1"));
    assertEquals("(error) NOPERM this user has no permissions to access one of the channels used as arguments",
        client("PUBLISH", "d", "x"));
    assertEquals("(integer) 0", client("PUBLISH", "c1", "x"));
    assertEquals("(error) NOPERM this user has no permissions to access one of the keys used as arguments",
        client("HSET", "k1", "a", "b"));
    assertEquals("(integer) 1", client("HSET", "h1", "a", "b"));
    // Patterns are compared literally with the channel rules.
    assertEquals("(error) NOPERM this user has no permissions to access one of the channels used as arguments",
        client("PSUBSCRIBE", "c*x"));
    assertEquals("(error) NOPERM this user has no permissions to run the 'client|list' command",
        client("CLIENT", "LIST"));
    // NO_AUTH commands pass whatever the rules; others do not.
    assertEquals("(error) NOPERM this user has no permissions to run the 'ping' command", client("PING"));
    assertEquals("RESET", client("RESET"));
    assertEquals("OK", client("AUTH", "alice", "pw"));
    String log = h.cli("ACL", "LOG", "2");
    assertTrue(log.startsWith("1) 1) \"count\"\n   2) (integer) 1\n   3) \"reason\"\n   4) \"command\"\n"
        + "   5) \"context\"\n   6) \"toplevel\"\n   7) \"object\"\n   8) \"ping\"\n   9) \"username\"\n"
        + "   10) \"alice\"\n   11) \"age-seconds\"\n   12) (double) 0"), log);
    assertTrue(log.contains("8) \"client|list\""), log);
    assertTrue(log.contains("id=1 user=alice"), log);
    String all = h.cli("ACL", "LOG");
    assertTrue(all.contains("4) \"channel\"") && all.contains("8) \"c*x\"") && all.contains("8) \"d\""), all);
    assertTrue(all.contains("4) \"key\"") && all.contains("8) \"x\""), all);
    assertEquals(3, h.acl().log().denied("command"));
    assertEquals(2, h.acl().log().denied("key"));
    assertEquals(2, h.acl().log().denied("channel"));
    assertEquals(0, h.acl().log().denied("auth"));
    assertEquals("OK", h.cli("ACL", "LOG", "RESET"));
    assertEquals("(empty array)", h.cli("ACL", "LOG"));
    assertEquals(2, h.acl().log().denied("key"));
    h.acl().log().resetStats();
    assertEquals(0, h.acl().log().denied("key"));
  }

  @Test
  void readAndWriteKeyPatterns() {
    h.cli("ACL", "SETUSER", "rw", "on", "nopass", "+@all", "%R~r*", "%W~w*", "&*");
    assertEquals("OK", client("AUTH", "rw", "x"));
    assertEquals("(nil)", client("GET", "r1"));
    assertEquals("(error) NOPERM this user has no permissions to access one of the keys used as arguments",
        client("SET", "r1", "v"));
    assertEquals("OK", client("SET", "w1", "v"));
    assertEquals("(error) NOPERM this user has no permissions to access one of the keys used as arguments",
        client("GET", "w1"));
    // LPUSH only inserts: a write pattern is enough; LPOP also reads.
    assertEquals("(integer) 1", client("LPUSH", "wl", "a"));
    assertEquals("(error) NOPERM this user has no permissions to access one of the keys used as arguments",
        client("LPOP", "wl"));
    // Keys of one command in different roles: the source is read, the destination written.
    h.cli("ACL", "SETUSER", "rw", "%RW~rw*");
    client("SET", "rw1", "v");
    client("SADD", "rws", "a");
    assertEquals("(integer) 0", client("COPY", "r1", "w2"));
    assertEquals("(integer) 1", client("COPY", "rw1", "w2"));
    assertEquals("(error) NOPERM this user has no permissions to access one of the keys used as arguments",
        client("COPY", "w2", "w3"));
    assertEquals("(integer) 1", client("SUNIONSTORE", "w4", "rws", "r1"));
    assertEquals("(error) NOPERM this user has no permissions to access one of the keys used as arguments",
        client("SUNIONSTORE", "r4", "rws"));
    assertEquals("OK", client("RENAME", "rw1", "w5"));
    assertEquals("(error) NOPERM this user has no permissions to access one of the keys used as arguments",
        client("RENAME", "w5", "w6"));
  }

  @Test
  void dryRun() {
    h.cli("ACL", "SETUSER", "alice", "on", ">pw", "~k*", "&c*", "+get", "+set", "+publish", "(+hset", "~h*)");
    assertEquals("\"This user has no permissions to access the 'x' key\"", h.cli("ACL", "DRYRUN", "alice", "get", "x"));
    assertEquals("OK", h.cli("ACL", "DRYRUN", "alice", "get", "k"));
    assertEquals("\"This user has no permissions to run the 'del' command\"", h.cli("ACL", "DRYRUN", "alice", "del", "k"));
    assertEquals("(error) ERR User 'nosuch' not found", h.cli("ACL", "DRYRUN", "nosuch", "get", "k"));
    assertEquals("(error) ERR Command 'nosuch' not found", h.cli("ACL", "DRYRUN", "alice", "nosuch", "k"));
    assertEquals("(error) ERR wrong number of arguments for 'get' command", h.cli("ACL", "DRYRUN", "alice", "get"));
    assertEquals("(error) ERR Command 'client' not found", h.cli("ACL", "DRYRUN", "alice", "client", "nosuch"));
    assertEquals("(error) ERR wrong number of arguments for 'client' command", h.cli("ACL", "DRYRUN", "alice", "client"));
    assertEquals("\"This user has no permissions to run the 'client|list' command\"",
        h.cli("ACL", "DRYRUN", "alice", "client", "list"));
    assertEquals("OK", h.cli("ACL", "DRYRUN", "alice", "auth", "x"));
    assertEquals("\"This user has no permissions to access the 'd' channel\"",
        h.cli("ACL", "DRYRUN", "alice", "publish", "d", "x"));
    assertEquals("OK", h.cli("ACL", "DRYRUN", "alice", "hset", "h1", "a", "b"));
    assertEquals("(empty array)", h.cli("ACL", "LOG"));
    // Categories as Redis': the usual "+@all -@dangerous" keeps FLUSHALL, KEYS and SWAPDB away.
    h.cli("ACL", "SETUSER", "safe", "on", "nopass", "~*", "+@all", "-@dangerous", "-@sortedset");
    for (String[] command : List.of(new String[] {"flushall"}, new String[] {"flushdb"}, new String[] {"keys", "*"},
        new String[] {"swapdb", "0", "1"}, new String[] {"zadd", "z", "1", "a"}, new String[] {"bzpopmin", "z", "0"})) {
      String[] args = new String[command.length + 3];
      args[0] = "ACL";
      args[1] = "DRYRUN";
      args[2] = "safe";
      System.arraycopy(command, 0, args, 3, command.length);
      assertEquals("\"This user has no permissions to run the '" + command[0] + "' command\"", h.cli(args));
    }
    assertEquals("OK", h.cli("ACL", "DRYRUN", "safe", "dbsize"));
    assertEquals("OK", h.cli("ACL", "DRYRUN", "safe", "set", "k", "v"));
  }

  @Test
  void clientKillUserKillsThatUsersClients() {
    h.cli("ACL", "SETUSER", "kk", "on", "nopass", "+@all", "~*");
    ClientSession other = new ClientSession(2, "127.0.0.1:50001", "127.0.0.1:6379", 0);
    boolean[] killed = new boolean[1];
    other.onKill(() -> killed[0] = true);
    other.aclUser(h.acl().user("kk"));
    h.clients.add(other);
    assertEquals("(error) ERR No such user 'nosuch'", h.cli("CLIENT", "KILL", "USER", "nosuch"));
    assertEquals("(integer) 0", h.cli("CLIENT", "KILL", "USER", "default"), "the caller is skipped");
    assertFalse(killed[0]);
    assertEquals("(integer) 1", h.cli("CLIENT", "KILL", "USER", "kk"));
    assertTrue(killed[0]);
  }

  @Test
  void deluserDisconnectsItsClients() {
    h.cli("ACL", "SETUSER", "kk", "on", "nopass", "+@all", "~*");
    ClientSession other = new ClientSession(2, "127.0.0.1:50001", "127.0.0.1:6379", 0);
    boolean[] killed = new boolean[1];
    other.onKill(() -> killed[0] = true);
    other.aclUser(h.acl().user("kk"));
    h.clients.add(other);
    assertEquals("(error) ERR The 'default' user cannot be removed", h.cli("ACL", "DELUSER", "kk", "default"));
    assertFalse(killed[0]);
    assertEquals("(integer) 1", h.cli("ACL", "DELUSER", "kk", "nosuch"));
    assertTrue(killed[0]);
    assertEquals("default", other.user());
    assertFalse(other.authenticated());
    assertEquals("(integer) 0", h.cli("ACL", "DELUSER", "kk"));
    assertFalse(h.session.closeRequested());
    // Deleting the user this connection is logged in as closes it after the reply.
    h.cli("ACL", "SETUSER", "me", "on", "nopass", "+@all", "~*");
    assertEquals("OK", client("AUTH", "me", "x"));
    assertEquals("(integer) 1", client("ACL", "DELUSER", "me"));
    assertTrue(h.session.closeRequested());
    // CLIENT LIST shows the user of each connection.
    assertTrue(h.cli("CLIENT", "INFO").contains(" user=default "));
  }

  @Test
  void setuserClosesSubscribersWhoseChannelsAreNoLongerAllowed() {
    h.cli("ACL", "SETUSER", "sub", "on", "nopass", "+@all", "~*", "&news.*");
    ClientSession other = new ClientSession(2, "127.0.0.1:50001", "127.0.0.1:6379", 0);
    boolean[] killed = new boolean[1];
    other.onKill(() -> killed[0] = true);
    other.aclUser(h.acl().user("sub"));
    h.clients.add(other);
    h.pubsub.subscribe(other, io.redgrid.pubsub.Subscriptions.Kind.CHANNEL,
        "news.today".getBytes(StandardCharsets.UTF_8));
    assertTrue(h.acl().subscriptionsAllowed(other));
    assertEquals("OK", h.cli("ACL", "SETUSER", "sub", "&other"));
    assertFalse(killed[0]);
    assertEquals("OK", h.cli("ACL", "SETUSER", "sub", "resetchannels", "&other"));
    assertTrue(killed[0]);
  }

  @Test
  void catGenpassHelpAndFileErrors() {
    String cat = h.cli("ACL", "CAT");
    assertTrue(cat.startsWith("1) \"keyspace\"\n2) \"read\"\n3) \"write\""), cat);
    assertTrue(cat.endsWith("21) \"scripting\""), cat);
    String connection = h.cli("ACL", "CAT", "connection");
    assertTrue(connection.contains("\"auth\"") && connection.contains("\"client|kill\""), connection);
    assertFalse(connection.contains("\"get\""));
    assertEquals("(error) ERR Unknown category 'nosuch'", h.cli("ACL", "CAT", "nosuch"));
    assertTrue(h.cli("ACL", "GENPASS").matches("\"[0-9a-f]{64}\""));
    assertTrue(h.cli("ACL", "GENPASS", "5").matches("\"[0-9a-f]{2}\""));
    assertTrue(h.cli("ACL", "GENPASS", "4096").matches("\"[0-9a-f]{1024}\""));
    assertEquals("(error) ERR ACL GENPASS argument must be the number of bits for the output password, a positive"
        + " number up to 4096", h.cli("ACL", "GENPASS", "0"));
    assertEquals("(error) ERR ACL GENPASS argument must be the number of bits for the output password, a positive"
        + " number up to 4096", h.cli("ACL", "GENPASS", "4097"));
    assertEquals("(error) ERR value is not an integer or out of range", h.cli("ACL", "GENPASS", "x"));
    String noFile = "(error) ERR This Redis instance is not configured to use an ACL file. You may want to"
        + " specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a"
        + " Redis configuration file set) in order to store users in the Redis configuration.";
    assertEquals(noFile, h.cli("ACL", "SAVE"));
    assertEquals(noFile, h.cli("ACL", "LOAD"));
    assertEquals("(error) ERR value is not an integer or out of range", h.cli("ACL", "LOG", "x"));
    assertEquals("(empty array)", h.cli("ACL", "LOG", "-1"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'cat'. Try ACL HELP.",
        h.cli("ACL", "cat", "a", "b"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'LOG'. Try ACL HELP.",
        h.cli("ACL", "LOG", "1", "2"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'genpass'. Try ACL HELP.",
        h.cli("ACL", "genpass", "1", "2"));
    assertEquals("(error) ERR wrong number of arguments for 'acl|whoami' command", h.cli("ACL", "WHOAMI", "x"));
    String help = h.cli("ACL", "HELP");
    assertTrue(help.startsWith("1) ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"), help);
    assertTrue(help.endsWith("29)     Prints this help."), help);
  }

  @Test
  void saveAndLoadTheAclFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("users.acl");
    Files.writeString(file, "user alice on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ~a* +get\n");
    h.config.load("aclfile " + file, "test");
    assertEquals("1) \"user alice on #5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"
        + " ~a* resetchannels -@all +get\"\n2) \"user default on nopass ~* &* +@all\"", h.cli("ACL", "LIST"));
    h.cli("ACL", "SETUSER", "bob", "on", "nopass", "+@read");
    assertEquals("OK", h.cli("ACL", "SAVE"));
    List<String> saved = Files.readAllLines(file);
    assertEquals(3, saved.size());
    assertTrue(saved.get(1).startsWith("user bob on nopass resetchannels -@all +@read"), saved.get(1));
    Files.writeString(file, "user carol on nopass +nosuch\nfoo\nuser bob on\nuser bob off\n");
    assertEquals("(error) ERR " + file + ":1: Error in applying operation '+nosuch': Unknown command or category"
        + " name in ACL. " + file + ":2 should start with user keyword followed by the username. WARNING:"
        + " Duplicate user 'bob' found on line 4. WARNING: ACL errors detected, no change to the previously"
        + " active ACL rules was performed", h.cli("ACL", "LOAD"));
    assertEquals("1) \"alice\"\n2) \"bob\"\n3) \"default\"", h.cli("ACL", "USERS"));
    Files.writeString(file, "user carol on nopass +@all ~*\n");
    ClientSession other = new ClientSession(2, "127.0.0.1:50001", "127.0.0.1:6379", 0);
    boolean[] killed = new boolean[1];
    other.onKill(() -> killed[0] = true);
    other.aclUser(h.acl().user("bob"));
    h.clients.add(other);
    assertEquals("OK", h.cli("ACL", "LOAD"));
    assertTrue(killed[0]);
    assertEquals("1) \"carol\"\n2) \"default\"", h.cli("ACL", "USERS"));
  }

  @Test
  void pubsubDefaultAndLogLength() {
    h.run("CONFIG", "SET", "acl-pubsub-default", "allchannels");
    h.cli("ACL", "SETUSER", "pp");
    h.cli("ACL", "SETUSER", "qq", "reset", "(+get)");
    h.run("CONFIG", "SET", "acl-pubsub-default", "resetchannels");
    h.cli("ACL", "SETUSER", "rr", "reset");
    assertEquals("1) \"user default on nopass ~* &* +@all\"\n2) \"user pp off &* -@all\"\n"
        + "3) \"user qq off sanitize-payload &* -@all (&* -@all +get)\"\n4) \"user rr off sanitize-payload resetchannels -@all\"",
        h.cli("ACL", "LIST"));
    assertEquals("1) \"acllog-max-len\"\n2) \"128\"", h.cli("CONFIG", "GET", "acllog-max-len"));
    h.run("CONFIG", "SET", "acllog-max-len", "2");
    for (String user : List.of("a", "b", "c")) {
      client("AUTH", user, "x");
    }
    String log = h.cli("ACL", "LOG");
    assertTrue(log.contains("\"c\"") && log.contains("\"b\"") && !log.contains("\"a\""), log);
    assertEquals(3, h.acl().log().denied("auth"));
  }

  @Test
  void aUserLineForDefaultOverridesRequirepass() throws Exception {
    h.config.load("user default on >pw ~* &* +@all", "test");
    assertTrue(h.cli("ACL", "LIST").contains("user default on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~* &* +@all"));
    assertTrue(h.acl().authRequired());
  }

  @Test
  void startupErrorsDoNotShowPasswords() throws Exception {
    h.config.load("user alice on <secretpw", "test");
    IllegalStateException error = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, h::acl);
    assertEquals("Error in user declaration 'alice': Error in ACL SETUSER modifier '(redacted)': The password you"
        + " are trying to remove from the user does not exist", error.getCause().getMessage());
  }

  @Test
  void userLinesOfTheConfigFile() throws Exception {
    h.config.load("user alice on >pw ~* +@all\nrequirepass s3", "test");
    assertEquals(List.of(List.of("alice", "on", ">pw", "~*", "+@all")), h.config.userLines());
    assertTrue(h.cli("ACL", "LIST").contains("user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~* resetchannels +@all"));
    assertTrue(h.acl().authRequired());
  }

  @Test
  void redactsSecretsForMonitorAndSlowlog() {
    assertEquals(List.of("AUTH", "(redacted)", "(redacted)"), redacted("AUTH", "u", "p"));
    assertEquals(List.of("HELLO", "3", "AUTH", "(redacted)", "(redacted)", "SETNAME", "x"),
        redacted("HELLO", "3", "AUTH", "u", "p", "SETNAME", "x"));
    assertEquals(List.of("ACL", "SETUSER", "alice", "(redacted)", "(redacted)"), redacted("ACL", "SETUSER", "alice", "on", ">pw"));
    assertEquals(List.of("CONFIG", "SET", "requirepass", "(redacted)", "hz", "10"),
        redacted("CONFIG", "SET", "requirepass", "x", "hz", "10"));
    byte[][] get = {"get".getBytes(), "k".getBytes()};
    assertSame(get, Acl.redacted(h.table.resolve(get), get));
    assertFalse(Acl.redacts(h.table.resolve(get)));
  }

  private List<String> redacted(String... args) {
    byte[][] argv = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
    }
    byte[][] out = Acl.redacted(h.table.resolve(argv), argv);
    assertNotSame(argv, out);
    return java.util.Arrays.stream(out).map(b -> new String(b, StandardCharsets.UTF_8)).toList();
  }

  @SuppressWarnings("unused")
  private static final Map<String, String> UNUSED = Map.of();
}
