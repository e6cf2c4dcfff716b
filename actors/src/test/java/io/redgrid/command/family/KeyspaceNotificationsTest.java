package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redgrid.command.CommandHarness;
import io.redgrid.protocol.Reply;
import io.redgrid.server.ClientSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** notify-keyspace-events: the channels and messages each write publishes, as Redis 7.0 (checked on a real server). */
class KeyspaceNotificationsTest {
  private final CommandHarness h = new CommandHarness();
  private final List<String> events = new ArrayList<>();

  @BeforeEach
  void subscribe() {
    ClientSession subscriber = new ClientSession(2, "127.0.0.1:50001", "127.0.0.1:6379", 0);
    subscriber.onPush(push -> {
      List<Reply> items = ((Reply.Push) push).items();
      events.add(text(items.get(2)) + " " + text(items.get(3)));
    });
    h.pubsub.subscribe(subscriber, io.redgrid.pubsub.Subscriptions.Kind.PATTERN, "__key*__:*".getBytes(StandardCharsets.UTF_8));
  }

  private static String text(Reply reply) {
    return new String(((Reply.Bulk) reply).value(), StandardCharsets.UTF_8);
  }

  private List<String> drain() {
    List<String> copy = List.copyOf(events);
    events.clear();
    return copy;
  }

  /** Both channels of one event, keyspace first, as Redis publishes them. */
  private static List<String> both(int db, String key, String... names) {
    List<String> out = new ArrayList<>();
    for (String name : names) {
      out.add("__keyspace@" + db + "__:" + key + " " + name);
      out.add("__keyevent@" + db + "__:" + name + " " + key);
    }
    return out;
  }

  private void enable(String flags) {
    assertEquals("OK", h.cli("CONFIG", "SET", "notify-keyspace-events", flags));
  }

  @Test
  void configIsValidatedAndNormalizedLikeRedis() {
    assertEquals("1) \"notify-keyspace-events\"\n2) \"\"", h.cli("CONFIG", "GET", "notify-keyspace-events"));
    enable("KEA");
    assertEquals("1) \"notify-keyspace-events\"\n2) \"AKE\"", h.cli("CONFIG", "GET", "notify-keyspace-events"));
    enable("gK$n");
    assertEquals("1) \"notify-keyspace-events\"\n2) \"g$nK\"", h.cli("CONFIG", "GET", "notify-keyspace-events"));
    enable("ndtexzhsl$gmEK");
    assertEquals("1) \"notify-keyspace-events\"\n2) \"AKEm\"", h.cli("CONFIG", "GET", "notify-keyspace-events"));
    assertEquals("(error) ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - "
        + "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.", h.cli("CONFIG", "SET", "notify-keyspace-events", "Q"));
    assertEquals("1) \"notify-keyspace-events\"\n2) \"AKEm\"", h.cli("CONFIG", "GET", "notify-keyspace-events"));
  }

  @Test
  void nothingIsPublishedByDefault() {
    h.cli("SET", "k", "v", "EX", "10");
    h.cli("DEL", "k");
    assertEquals(List.of(), drain());
  }

  @Test
  void stringAndGenericEvents() {
    enable("KEA");
    h.cli("SET", "k", "v", "EX", "100");
    assertEquals(both(0, "k", "set", "expire"), drain());
    h.cli("SET", "k", "v", "KEEPTTL");
    assertEquals(both(0, "k", "set"), drain());
    h.cli("INCR", "n");
    h.cli("INCRBYFLOAT", "n", "1.5");
    assertEquals(concat(both(0, "n", "incrby"), both(0, "n", "incrbyfloat")), drain());
    h.cli("APPEND", "k", "x");
    h.cli("SETRANGE", "k", "0", "y");
    h.cli("GETEX", "k", "PERSIST");
    h.cli("GETDEL", "k");
    assertEquals(both(0, "k", "append", "setrange", "persist", "del"), drain());
    h.cli("RENAME", "n", "m");
    assertEquals(concat(both(0, "n", "rename_from"), both(0, "m", "rename_to")), drain());
    h.cli("COPY", "m", "c");
    assertEquals(both(0, "c", "copy_to"), drain());
    h.cli("MOVE", "c", "1");
    assertEquals(concat(both(0, "c", "move_from"), both(1, "c", "move_to")), drain());
    h.cli("EXPIRE", "m", "0");
    assertEquals(both(0, "m", "del"), drain());
    h.cli("MSET", "a", "1", "b", "2");
    assertEquals(concat(both(0, "a", "set"), both(0, "b", "set")), drain());
    h.cli("PEXPIRE", "a", "100");
    h.cli("PERSIST", "a");
    h.cli("DEL", "a", "nosuch");
    assertEquals(both(0, "a", "expire", "persist", "del"), drain());
    assertEquals(h.dump(), h.replayed().dump());
  }

  @Test
  void listEvents() {
    enable("KEA");
    h.cli("RPUSH", "l", "a", "b", "c");
    h.cli("LPUSH", "l", "z");
    h.cli("LPOP", "l");
    h.cli("RPOP", "l", "2");
    h.cli("LINSERT", "l", "BEFORE", "a", "q");
    h.cli("LINSERT", "l", "BEFORE", "nosuch", "q");
    h.cli("LSET", "l", "0", "w");
    h.cli("LREM", "l", "0", "w");
    h.cli("LREM", "l", "0", "nosuch");
    h.cli("LTRIM", "l", "0", "0");
    assertEquals(both(0, "l", "rpush", "lpush", "lpop", "rpop", "linsert", "lset", "lrem", "ltrim"), drain());
    h.cli("RPUSH", "l2", "x");
    drain();
    h.cli("LMOVE", "l2", "l", "LEFT", "RIGHT");
    assertEquals(concat(both(0, "l", "rpush"), both(0, "l2", "lpop", "del")), drain());
    h.cli("LPOP", "l", "5");
    assertEquals(both(0, "l", "lpop", "del"), drain());
    h.cli("RPUSH", "s", "3", "1", "2");
    h.cli("SORT", "s", "STORE", "dst");
    h.cli("SORT", "s", "STORE", "dst2", "LIMIT", "5", "1");
    assertEquals(concat(both(0, "s", "rpush"), both(0, "dst", "sortstore")), drain());
    h.cli("SORT", "s", "STORE", "dst", "LIMIT", "5", "1");
    assertEquals(both(0, "dst", "del"), drain());
    assertEquals(h.dump(), h.replayed().dump());
  }

  @Test
  void hashEvents() {
    enable("KEA");
    h.cli("HSET", "h", "a", "1", "b", "2");
    h.cli("HSETNX", "h", "c", "3");
    h.cli("HSETNX", "h", "c", "3");
    h.cli("HINCRBY", "h", "a", "1");
    h.cli("HINCRBYFLOAT", "h", "a", "1.5");
    h.cli("HDEL", "h", "a", "b", "nosuch");
    h.cli("HDEL", "h", "nosuch");
    h.cli("HDEL", "h", "c");
    h.cli("HMSET", "h", "x", "1");
    assertEquals(both(0, "h", "hset", "hset", "hincrby", "hincrbyfloat", "hdel", "hdel", "del", "hset"), drain());
    assertEquals(h.dump(), h.replayed().dump());
  }

  @Test
  void setEvents() {
    enable("KEA");
    h.cli("SADD", "s", "a", "b", "c");
    h.cli("SADD", "s", "a");
    h.cli("SREM", "s", "a");
    h.cli("SPOP", "s");
    assertEquals(both(0, "s", "sadd", "srem", "spop"), drain());
    h.cli("SMOVE", "s", "t", "nosuch");
    h.cli("SMOVE", "s", "t", h.cli("SMEMBERS", "s").replaceAll("^1\\) \"|\"$", ""));
    assertEquals(concat(both(0, "s", "srem", "del"), both(0, "t", "sadd")), drain());
    h.cli("SADD", "u", "1");
    h.cli("SINTERSTORE", "d", "u", "u");
    h.cli("SUNIONSTORE", "d", "u");
    h.cli("SDIFFSTORE", "d", "u", "u");
    h.cli("SDIFFSTORE", "d", "u", "u");
    h.cli("SPOP", "u", "5");
    assertEquals(concat(both(0, "u", "sadd"), both(0, "d", "sinterstore", "sunionstore", "del"),
        both(0, "u", "spop", "del")), drain());
    h.cli("SADD", "v", "1", "2", "3");
    h.cli("SPOP", "v", "2");
    assertEquals(both(0, "v", "sadd", "spop"), drain());
    assertEquals(h.dump(), h.replayed().dump());
  }

  @Test
  void sortedSetEvents() {
    enable("KEA");
    h.cli("ZADD", "z", "1", "a", "2", "b");
    h.cli("ZADD", "z", "1", "a");
    h.cli("ZADD", "z", "INCR", "1", "a");
    h.cli("ZINCRBY", "z", "1", "a");
    h.cli("ZREM", "z", "a");
    h.cli("ZADD", "z", "3", "c", "4", "d", "5", "e");
    h.cli("ZREMRANGEBYRANK", "z", "0", "0");
    h.cli("ZREMRANGEBYSCORE", "z", "3", "3");
    h.cli("ZREMRANGEBYSCORE", "z", "30", "30");
    h.cli("ZREMRANGEBYLEX", "z", "-", "+");
    assertEquals(both(0, "z", "zadd", "zincr", "zincr", "zrem", "zadd", "zremrangebyrank", "zremrangebyscore",
        "zremrangebylex", "del"), drain());
    h.cli("ZADD", "z", "1", "a", "2", "b");
    h.cli("ZPOPMIN", "z");
    h.cli("ZPOPMAX", "z");
    h.cli("ZPOPMAX", "z");
    assertEquals(both(0, "z", "zadd", "zpopmin", "zpopmax", "del"), drain());
    h.cli("ZADD", "y", "1", "a");
    h.cli("ZUNIONSTORE", "o", "1", "y");
    h.cli("ZINTERSTORE", "o", "1", "y");
    h.cli("ZDIFFSTORE", "o", "1", "y");
    h.cli("ZRANGESTORE", "o", "y", "0", "-1");
    h.cli("ZRANGESTORE", "o", "y", "5", "6");
    h.cli("ZUNIONSTORE", "o", "1", "nosuch");
    assertEquals(concat(both(0, "y", "zadd"),
        both(0, "o", "zunionstore", "zinterstore", "zdiffstore", "zrangestore", "del")), drain());
    h.cli("ZMPOP", "1", "y", "MIN");
    assertEquals(both(0, "y", "zpopmin", "del"), drain());
    assertEquals(h.dump(), h.replayed().dump());
  }

  /** The sequence a real Redis 7.0 publishes with KEAn for the same commands. */
  @Test
  void newKeyEvents() {
    enable("KEAn");
    h.cli("SET", "a", "1");
    h.cli("SET", "a", "2");
    h.cli("SET", "b", "x");
    drain();
    h.cli("RENAME", "a", "b");
    assertEquals(concat(both(0, "b", "new"), both(0, "a", "rename_from"), both(0, "b", "rename_to")), drain());
    h.cli("RPUSH", "l", "x");
    h.cli("COPY", "l", "c");
    h.cli("COPY", "l", "c", "REPLACE");
    h.cli("HSET", "h", "f", "v");
    h.cli("INCR", "n");
    h.cli("MOVE", "b", "1");
    h.cli("SUNIONSTORE", "su", "l2");
    assertEquals(concat(both(0, "l", "new", "rpush"), both(0, "c", "new", "copy_to", "new", "copy_to"),
        both(0, "h", "new", "hset"), both(0, "n", "new", "incrby"), both(1, "b", "new"), both(0, "b", "move_from"),
        both(1, "b", "move_to")), drain());
    h.cli("RPUSH", "l2", "x");
    h.cli("LMOVE", "l2", "l3", "LEFT", "LEFT");
    assertEquals(concat(both(0, "l2", "new", "rpush"), both(0, "l3", "new", "lpush"), both(0, "l2", "lpop", "del")),
        drain());
    enable("KEA"); // A does not include n
    h.cli("SET", "fresh", "1");
    assertEquals(both(0, "fresh", "set"), drain());
    assertEquals(h.dump(), h.replayed().dump());
  }

  @Test
  void keyMissEvents() {
    enable("KEm");
    h.cli("GET", "g");
    h.cli("TTL", "t");
    h.cli("EXISTS", "e");
    h.cli("TYPE", "ty");
    h.cli("MGET", "m1", "m2");
    h.cli("LRANGE", "lr", "0", "-1");
    assertEquals(concat(both(0, "g", "keymiss"), both(0, "t", "keymiss"), both(0, "e", "keymiss"),
        both(0, "ty", "keymiss"), both(0, "m1", "keymiss"), both(0, "m2", "keymiss"), both(0, "lr", "keymiss")),
        drain());
    enable("KEA"); // A does not include m
    h.cli("GET", "g");
    assertEquals(List.of(), drain());
    enable("KExm"); // an expired key read: expired, then keymiss
    h.cli("SET", "x", "1", "PX", "1");
    h.clock.advance(2);
    h.cli("GET", "x");
    assertEquals(both(0, "x", "expired", "keymiss"), drain());
  }

  /** Write commands that read a missing key: the sequence a real Redis 7.0 publishes with KEAnm. */
  @Test
  void keyMissInWriteCommandsLikeRedis() {
    enable("KEAnm");
    String[][] commands = {{"GETSET", "a", "1"}, {"SET", "b", "1", "GET"}, {"COPY", "c", "d"}, {"GETDEL", "e"},
        {"GETEX", "f"}, {"INCR", "i"}, {"LPOP", "l"}, {"SORT", "s"}, {"ZRANGESTORE", "z1", "z2", "0", "1"},
        {"SINTERSTORE", "s1", "s2"}, {"SUNIONSTORE", "s3", "s4"}, {"ZUNIONSTORE", "z3", "1", "z4"},
        {"RENAME", "nosuch", "x"}, {"SMOVE", "q", "w", "e"}, {"TTL", "t"}};
    for (String[] command : commands) {
      h.cli(command);
    }
    List<String> keyspace = drain().stream().filter(e -> e.startsWith("__keyspace")).toList();
    assertEquals(List.of("a keymiss", "a new", "a set", "b keymiss", "b new", "b set", "c keymiss", "e keymiss",
        "f keymiss", "i new", "i incrby", "s keymiss", "z2 keymiss", "s2 keymiss", "s4 keymiss", "z4 keymiss",
        "t keymiss"), keyspace.stream().map(e -> e.substring("__keyspace@0__:".length())).toList());
  }

  @Test
  void lazyExpiryPublishesExpiredInTheKeysDb() {
    enable("KEA");
    h.select(3);
    h.cli("SET", "k", "v", "PX", "50");
    drain();
    h.clock.advance(51);
    assertEquals("(nil)", h.cli("GET", "k"));
    assertEquals(both(3, "k", "expired"), drain());
    assertEquals("(nil)", h.cli("GET", "k"));
    assertEquals(List.of(), drain());
  }

  @Test
  void classesAndChannelsFollowTheFlags() {
    enable("K$");
    h.cli("SET", "k", "v", "EX", "100");
    h.cli("DEL", "k");
    assertEquals(List.of("__keyspace@0__:k set"), drain());
    enable("Eg");
    h.cli("SET", "k", "v", "EX", "100");
    h.cli("DEL", "k");
    assertEquals(List.of("__keyevent@0__:expire k", "__keyevent@0__:del k"), drain());
    enable("g$"); // no K nor E: nothing at all
    h.cli("SET", "k", "v");
    h.cli("DEL", "k");
    assertEquals(List.of(), drain());
    enable("Kx");
    h.cli("SET", "k", "v", "PX", "1");
    h.clock.advance(2);
    h.cli("GET", "k");
    assertEquals(List.of("__keyspace@0__:k expired"), drain());
  }

  @Test
  void replayingPublishesNothing() {
    enable("KEA");
    byte[][] argv = {bytes("SET"), bytes("k"), bytes("v"), bytes("PXAT"), bytes("1")};
    h.table.execute(argv, h.context().replaying(true));
    h.table.execute(new byte[][] {bytes("GET"), bytes("k")}, h.context().replaying(true));
    h.table.execute(new byte[][] {bytes("DEL"), bytes("k")}, h.context().replaying(true));
    assertEquals(List.of(), drain());
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @SafeVarargs
  static List<String> concat(List<String>... lists) {
    List<String> out = new ArrayList<>();
    for (List<String> list : lists) {
      out.addAll(list);
    }
    return out;
  }
}
