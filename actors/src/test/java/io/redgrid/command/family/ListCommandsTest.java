package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Flag;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.ListValue;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The list family against Redis 7.0.15's replies, errors and propagated effects. */
class ListCommandsTest {
  private static final String WRONGTYPE = "(error) WRONGTYPE Operation against a key holding the wrong kind of value";
  private static final String NOT_INTEGER = "(error) ERR value is not an integer or out of range";
  private static final String NOT_POSITIVE = "(error) ERR value is out of range, must be positive";
  private static final String SYNTAX = "(error) ERR syntax error";
  private static final String RANK_ZERO = "(error) ERR RANK can't be zero: use 1 to start from the first match, "
      + "2 from the second ... or use negative to start from the end of the list";

  private final CommandHarness h = new CommandHarness();

  private KeyEntry entry(String key) {
    return h.keyspace(h.shardOf(key)).database(h.session.db()).get(bytes(key));
  }

  private String range(String key) {
    return h.cli("LRANGE", key, "0", "-1");
  }

  /** redis-cli's rendering of an array of bulk strings. */
  private static String list(String... items) {
    if (items.length == 0) {
      return "(empty array)";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < items.length; i++) {
      if (i > 0) {
        out.append('\n');
      }
      out.append(i + 1).append(") \"").append(items[i]).append('"');
    }
    return out.toString();
  }

  private String keyOn(int shard, String prefix) {
    for (int i = 0; ; i++) {
      String key = prefix + i;
      if (h.shardOf(key) == shard) {
        return key;
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  // ---- table -------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "lpush,-3,1,1,1", "rpush,-3,1,1,1", "lpushx,-3,1,1,1", "rpushx,-3,1,1,1", "lpop,-2,1,1,1",
      "rpop,-2,1,1,1", "llen,2,1,1,1", "lrange,4,1,1,1", "lindex,3,1,1,1", "lset,4,1,1,1",
      "linsert,5,1,1,1", "lrem,4,1,1,1", "ltrim,4,1,1,1", "lpos,-3,1,1,1", "lmove,5,1,2,1",
      "rpoplpush,3,1,2,1", "lmpop,-4,0,0,0"})
  void tableAsRedis(String name, int arity, int first, int last, int step) {
    CommandSpec spec = h.table.lookup(name);
    assertEquals(arity, spec.arity().redisArity());
    assertEquals("list", spec.group());
    assertEquals(first, spec.keys().first());
    assertEquals(last, spec.keys().last());
    assertEquals(step, spec.keys().step());
    int tooFew = arity > 0 ? arity - 1 : -arity - 1;
    String[] argv = new String[tooFew];
    argv[0] = name;
    for (int i = 1; i < tooFew; i++) {
      argv[i] = "a";
    }
    assertEquals("(error) ERR wrong number of arguments for '" + name + "' command", h.cli(argv));
  }

  @Test
  void flagsAsRedis() {
    assertEquals(Set.of(Flag.WRITE, Flag.DENYOOM, Flag.FAST), h.table.lookup("lpush").flags());
    assertEquals(Set.of(Flag.WRITE, Flag.FAST), h.table.lookup("lpop").flags());
    assertEquals(Set.of(Flag.READONLY, Flag.FAST), h.table.lookup("llen").flags());
    assertEquals(Set.of(Flag.READONLY), h.table.lookup("lrange").flags());
    assertEquals(Set.of(Flag.WRITE), h.table.lookup("lrem").flags());
    assertEquals(Set.of(Flag.WRITE, Flag.DENYOOM), h.table.lookup("lmove").flags());
    assertEquals(Set.of(Flag.WRITE), h.table.lookup("lmpop").flags());
    assertEquals(List.of("RW", "access", "delete"), h.table.lookup("lmpop").keyFlags());
    assertEquals(List.of("RW", "insert"), h.table.lookup("rpush").keyFlags());
  }

  @Test
  void lmpopKeyPositionsFollowNumkeys() {
    CommandSpec lmpop = h.table.lookup("lmpop");
    assertArrayEquals(new int[] {2, 3}, lmpop.keys().positions(new byte[][] {
        bytes("LMPOP"), bytes("2"), bytes("a"), bytes("b"), bytes("LEFT")}));
    assertEquals(0, lmpop.keys().positions(new byte[][] {
        bytes("LMPOP"), bytes("3"), bytes("a"), bytes("LEFT")}).length);
    assertEquals(0, lmpop.keys().positions(new byte[][] {
        bytes("LMPOP"), bytes("0"), bytes("a"), bytes("LEFT")}).length);
    assertEquals(0, lmpop.keys().positions(new byte[][] {
        bytes("LMPOP"), bytes("x"), bytes("a"), bytes("LEFT")}).length);
    assertEquals("1) \"a\"\n2) \"b\"", h.cli("COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT"));
    assertEquals("(error) ERR Invalid arguments specified for command",
        h.cli("COMMAND", "GETKEYS", "LMPOP", "3", "a", "LEFT"));
  }

  // ---- push --------------------------------------------------------------------------------

  @Test
  void pushesInOrderAndPropagateAsSent() {
    h.mark();
    assertEquals("(integer) 3", h.cli("RPUSH", "l", "a", "b", "c"));
    assertEquals("(integer) 5", h.cli("LPUSH", "l", "1", "2"));
    assertEquals(list("2", "1", "a", "b", "c"), range("l"));
    assertEquals("(integer) 6", h.cli("RPUSHX", "l", "z"));
    assertEquals("(integer) 8", h.cli("LPUSHX", "l", "x", "y"));
    assertEquals(list("y", "x", "2", "1", "a", "b", "c", "z"), range("l"));
    assertEquals("(integer) 0", h.cli("LPUSHX", "missing", "a"));
    assertEquals("(integer) 0", h.cli("RPUSHX", "missing", "a", "b"));
    assertEquals("(integer) 0", h.cli("EXISTS", "missing"));
    assertEquals(List.of("RPUSH l a b c", "LPUSH l 1 2", "RPUSHX l z", "LPUSHX l x y"), h.newEffects());
    assertEquals("list", h.cli("TYPE", "l"));
    assertEquals("\"quicklist\"", h.cli("OBJECT", "ENCODING", "l"));
    h.assertReplays();
  }

  @Test
  void wrongTypeEverywhere() {
    h.run("SET", "s", "v");
    h.run("RPUSH", "l", "a");
    for (String[] command : new String[][] {
        {"LPUSH", "s", "a"}, {"RPUSH", "s", "a"}, {"LPUSHX", "s", "a"}, {"RPUSHX", "s", "a"},
        {"LPOP", "s"}, {"RPOP", "s"}, {"LPOP", "s", "0"}, {"RPOP", "s", "2"}, {"LLEN", "s"},
        {"LRANGE", "s", "0", "-1"}, {"LINDEX", "s", "0"}, {"LINDEX", "s", "x"}, {"LSET", "s", "0", "v"},
        {"LSET", "s", "x", "v"}, {"LINSERT", "s", "BEFORE", "a", "b"}, {"LREM", "s", "0", "a"},
        {"LTRIM", "s", "0", "1"}, {"LPOS", "s", "a"}, {"LPOS", "s", "a", "COUNT", "0"},
        {"LMOVE", "s", "l", "LEFT", "LEFT"}, {"LMOVE", "l", "s", "LEFT", "LEFT"}, {"RPOPLPUSH", "s", "l"},
        {"RPOPLPUSH", "l", "s"}, {"LMPOP", "2", "missing", "s", "LEFT"}, {"LMPOP", "1", "s", "RIGHT", "COUNT", "3"}}) {
      assertEquals(WRONGTYPE, h.cli(command), String.join(" ", command));
    }
    assertEquals(list("a"), range("l"), "a failed move leaves the source alone");
    assertEquals("\"v\"", h.cli("GET", "s"));
    // the destination is only looked at when the source has something to move
    assertEquals("(nil)", h.cli("LMOVE", "missing", "s", "LEFT", "LEFT"));
    assertEquals("(nil)", h.cli("RPOPLPUSH", "missing", "s"));
    assertEquals("(nil)", h.cli("LMPOP", "2", "missing", "l2", "LEFT"));
    assertEquals("(integer) 0", h.cli("LPUSHX", "missing", "a"));
  }

  // ---- pop ---------------------------------------------------------------------------------

  @Test
  void popsWithAndWithoutCount() {
    h.run("RPUSH", "l", "a", "b", "c", "d", "e");
    h.mark();
    assertEquals("\"a\"", h.cli("LPOP", "l"));
    assertEquals("\"e\"", h.cli("RPOP", "l"));
    assertEquals(list("b", "c"), h.cli("LPOP", "l", "2"));
    assertEquals("(empty array)", h.cli("LPOP", "l", "0"));
    assertEquals("(empty array)", h.cli("RPOP", "l", "0"));
    assertEquals(list("d"), h.cli("RPOP", "l", "10"));
    assertEquals("(integer) 0", h.cli("EXISTS", "l"));
    assertEquals(List.of("LPOP l", "RPOP l", "LPOP l 2", "RPOP l 1"), h.newEffects());
    h.assertReplays();

    h.run("RPUSH", "r", "1", "2", "3");
    assertEquals(list("3", "2"), h.cli("RPOP", "r", "2"));
    assertEquals(list("1"), range("r"));
    h.assertReplays();
  }

  @Test
  void popNullFormsAsRedis() {
    assertEquals("$-1\r\n", h.wire("LPOP", "missing"));
    assertEquals("*-1\r\n", h.wire("LPOP", "missing", "2"));
    assertEquals("*-1\r\n", h.wire("RPOP", "missing", "0"));
    assertEquals("*-1\r\n", h.wire("LMPOP", "1", "missing", "LEFT"));
    assertEquals("$-1\r\n", h.wire("LMOVE", "missing", "d", "LEFT", "RIGHT"));
    h.session.protocol(3);
    assertEquals("_\r\n", h.wire("LPOP", "missing"));
    assertEquals("_\r\n", h.wire("LPOP", "missing", "2"));
    assertEquals("_\r\n", h.wire("RPOP", "missing", "0"));
    assertEquals("_\r\n", h.wire("LMPOP", "1", "missing", "LEFT"));
    assertEquals("_\r\n", h.wire("LINDEX", "missing", "0"));
    assertEquals("_\r\n", h.wire("LPOS", "missing", "a"));
    h.run("RPUSH", "k", "a", "b");
    assertEquals("*0\r\n", h.wire("LPOP", "k", "0"));
    assertEquals("*2\r\n$1\r\nb\r\n$1\r\na\r\n", h.wire("RPOP", "k", "5"));
    assertEquals("_\r\n", h.wire("LPOP", "k"));
  }

  @Test
  void popCountErrors() {
    h.run("RPUSH", "l", "a");
    h.mark();
    assertEquals(NOT_POSITIVE, h.cli("LPOP", "l", "-1"));
    assertEquals(NOT_POSITIVE, h.cli("LPOP", "l", "x"));
    assertEquals(NOT_POSITIVE, h.cli("RPOP", "missing", "x"));
    assertEquals(NOT_POSITIVE, h.cli("LPOP", "missing", "-1"));
    assertEquals("(error) ERR wrong number of arguments for 'lpop' command", h.cli("LPOP", "l", "1", "2"));
    assertEquals("(error) ERR wrong number of arguments for 'rpop' command", h.cli("RPOP", "l", "1", "2"));
    assertEquals(List.of(), h.newEffects());
    assertEquals(list("a"), range("l"));
  }

  // ---- reads -------------------------------------------------------------------------------

  @Test
  void llenAndLindex() {
    h.run("RPUSH", "l", "a", "b", "c");
    assertEquals("(integer) 3", h.cli("LLEN", "l"));
    assertEquals("(integer) 0", h.cli("LLEN", "missing"));
    assertEquals("\"a\"", h.cli("LINDEX", "l", "0"));
    assertEquals("\"c\"", h.cli("LINDEX", "l", "2"));
    assertEquals("\"c\"", h.cli("LINDEX", "l", "-1"));
    assertEquals("\"a\"", h.cli("LINDEX", "l", "-3"));
    assertEquals("(nil)", h.cli("LINDEX", "l", "3"));
    assertEquals("(nil)", h.cli("LINDEX", "l", "-4"));
    assertEquals("(nil)", h.cli("LINDEX", "l", "-9223372036854775808"));
    assertEquals("(nil)", h.cli("LINDEX", "l", "9223372036854775807"));
    assertEquals(NOT_INTEGER, h.cli("LINDEX", "l", "x"));
    // the key is looked up before the index is parsed
    assertEquals("(nil)", h.cli("LINDEX", "missing", "x"));
  }

  @Test
  void lrangeClampsLikeRedis() {
    h.run("RPUSH", "l", "a", "b", "c", "d");
    assertEquals(list("a", "b", "c", "d"), h.cli("LRANGE", "l", "0", "-1"));
    assertEquals(list("b", "c"), h.cli("LRANGE", "l", "1", "2"));
    assertEquals(list("c", "d"), h.cli("LRANGE", "l", "-2", "100"));
    assertEquals(list("a", "b", "c", "d"), h.cli("LRANGE", "l", "-100", "100"));
    assertEquals(list("a"), h.cli("LRANGE", "l", "-100", "0"));
    assertEquals("(empty array)", h.cli("LRANGE", "l", "-100", "-50"));
    assertEquals("(empty array)", h.cli("LRANGE", "l", "4", "10"));
    assertEquals("(empty array)", h.cli("LRANGE", "l", "-1", "-2"));
    assertEquals("(empty array)", h.cli("LRANGE", "l", "2", "1"));
    assertEquals(list("a", "b", "c", "d"),
        h.cli("LRANGE", "l", "-9223372036854775808", "9223372036854775807"));
    assertEquals("(empty array)", h.cli("LRANGE", "missing", "0", "-1"));
    assertEquals(NOT_INTEGER, h.cli("LRANGE", "l", "0", "x"));
    assertEquals(NOT_INTEGER, h.cli("LRANGE", "missing", "x", "1"));
  }

  @Test
  void lposOptions() {
    h.run("RPUSH", "l", "a", "b", "c", "a", "b", "c");
    assertEquals("(integer) 0", h.cli("LPOS", "l", "a"));
    assertEquals("(integer) 2", h.cli("LPOS", "l", "c"));
    assertEquals("(nil)", h.cli("LPOS", "l", "zz"));
    assertEquals("(integer) 3", h.cli("LPOS", "l", "a", "RANK", "2"));
    assertEquals("(nil)", h.cli("LPOS", "l", "a", "RANK", "3"));
    assertEquals("(integer) 5", h.cli("LPOS", "l", "c", "RANK", "-1"));
    assertEquals("(integer) 2", h.cli("LPOS", "l", "c", "RANK", "-2"));
    assertEquals("(integer) 3", h.cli("LPOS", "l", "a", "RANK", "-9223372036854775808"));
    assertEquals("1) (integer) 0\n2) (integer) 3", h.cli("LPOS", "l", "a", "COUNT", "0"));
    assertEquals("1) (integer) 0", h.cli("LPOS", "l", "a", "COUNT", "1"));
    assertEquals("1) (integer) 3", h.cli("LPOS", "l", "a", "RANK", "2", "COUNT", "0"));
    assertEquals("1) (integer) 5\n2) (integer) 2", h.cli("LPOS", "l", "c", "RANK", "-1", "COUNT", "0"));
    assertEquals("1) (integer) 5", h.cli("LPOS", "l", "c", "RANK", "-1", "COUNT", "1", "MAXLEN", "1"));
    assertEquals("(integer) 5", h.cli("LPOS", "l", "c", "RANK", "-1", "MAXLEN", "1"));
    assertEquals("(nil)", h.cli("LPOS", "l", "c", "MAXLEN", "2"));
    assertEquals("(integer) 2", h.cli("LPOS", "l", "c", "MAXLEN", "3"));
    assertEquals("(empty array)", h.cli("LPOS", "l", "c", "MAXLEN", "2", "COUNT", "0"));
    assertEquals("(integer) 5", h.cli("LPOS", "l", "c", "RANK", "1", "RANK", "-1"), "the last option wins");
    assertEquals("(empty array)", h.cli("LPOS", "missing", "a", "COUNT", "0"));
    assertEquals("(nil)", h.cli("LPOS", "missing", "a"));
    assertEquals("(empty array)", h.cli("LPOS", "l", "zz", "COUNT", "2"));
  }

  @Test
  void lposErrors() {
    h.run("RPUSH", "l", "a");
    assertEquals(RANK_ZERO, h.cli("LPOS", "l", "a", "RANK", "0"));
    assertEquals(RANK_ZERO, h.cli("LPOS", "missing", "a", "RANK", "0"));
    assertEquals(NOT_INTEGER, h.cli("LPOS", "l", "a", "RANK", "x"));
    assertEquals("(error) ERR COUNT can't be negative", h.cli("LPOS", "l", "a", "COUNT", "-1"));
    assertEquals("(error) ERR COUNT can't be negative", h.cli("LPOS", "l", "a", "COUNT", "x"));
    assertEquals("(error) ERR MAXLEN can't be negative", h.cli("LPOS", "l", "a", "MAXLEN", "-1"));
    assertEquals("(error) ERR MAXLEN can't be negative", h.cli("LPOS", "l", "a", "MAXLEN", "x"));
    assertEquals(SYNTAX, h.cli("LPOS", "l", "a", "COUNT"));
    assertEquals(SYNTAX, h.cli("LPOS", "l", "a", "FOO", "1"));
  }

  // ---- LSET / LINSERT ------------------------------------------------------------------------

  @Test
  void lset() {
    h.run("RPUSH", "l", "a", "b", "c");
    h.mark();
    assertEquals("OK", h.cli("LSET", "l", "0", "A"));
    assertEquals("OK", h.cli("LSET", "l", "-1", "C"));
    assertEquals(list("A", "b", "C"), range("l"));
    assertEquals("(error) ERR index out of range", h.cli("LSET", "l", "3", "x"));
    assertEquals("(error) ERR index out of range", h.cli("LSET", "l", "-4", "x"));
    assertEquals(NOT_INTEGER, h.cli("LSET", "l", "x", "y"));
    assertEquals("(error) ERR no such key", h.cli("LSET", "missing", "0", "x"));
    assertEquals("(error) ERR no such key", h.cli("LSET", "missing", "x", "x"));
    assertEquals(List.of("LSET l 0 A", "LSET l -1 C"), h.newEffects());
    h.assertReplays();
  }

  @Test
  void linsert() {
    h.run("RPUSH", "l", "a", "b", "a");
    h.mark();
    assertEquals("(integer) 4", h.cli("LINSERT", "l", "BEFORE", "a", "x"));
    assertEquals("(integer) 5", h.cli("LINSERT", "l", "after", "a", "y"));
    assertEquals(list("x", "a", "y", "b", "a"), range("l"));
    assertEquals("(integer) 6", h.cli("LINSERT", "l", "AFTER", "b", "z"));
    assertEquals(list("x", "a", "y", "b", "z", "a"), range("l"));
    assertEquals("(integer) -1", h.cli("LINSERT", "l", "before", "zz", "x"));
    assertEquals("(integer) 0", h.cli("LINSERT", "missing", "BEFORE", "a", "x"));
    assertEquals(SYNTAX, h.cli("LINSERT", "l", "MIDDLE", "a", "x"));
    assertEquals(SYNTAX, h.cli("LINSERT", "missing", "MIDDLE", "a", "x"));
    assertEquals("(integer) 0", h.cli("EXISTS", "missing"));
    assertEquals(List.of("LINSERT l BEFORE a x", "LINSERT l after a y", "LINSERT l AFTER b z"), h.newEffects());
    h.assertReplays();
  }

  // ---- LREM / LTRIM --------------------------------------------------------------------------

  @Test
  void lremByDirection() {
    h.run("RPUSH", "l", "a", "b", "a", "c", "a", "b", "a");
    h.mark();
    assertEquals("(integer) 2", h.cli("LREM", "l", "2", "a"));
    assertEquals(list("b", "c", "a", "b", "a"), range("l"));
    assertEquals("(integer) 1", h.cli("LREM", "l", "-1", "a"));
    assertEquals(list("b", "c", "a", "b"), range("l"));
    assertEquals("(integer) 1", h.cli("LREM", "l", "-1", "b"));
    assertEquals(list("b", "c", "a"), range("l"));
    assertEquals("(integer) 0", h.cli("LREM", "l", "0", "zz"));
    assertEquals("(integer) 0", h.cli("LREM", "missing", "0", "a"));
    assertEquals(NOT_INTEGER, h.cli("LREM", "l", "x", "a"));
    assertEquals(NOT_INTEGER, h.cli("LREM", "missing", "x", "a"));
    assertEquals(List.of("LREM l 2 a", "LREM l -1 a", "LREM l -1 b"), h.newEffects());
    h.assertReplays();

    h.run("RPUSH", "m", "x", "y", "x", "x");
    assertEquals("(integer) 3", h.cli("LREM", "m", "0", "x"));
    assertEquals(list("y"), range("m"));
    h.run("RPUSH", "n", "x", "y", "x", "x");
    assertEquals("(integer) 3", h.cli("LREM", "n", "-9223372036854775808", "x"));
    assertEquals(list("y"), range("n"));
    assertEquals("(integer) 1", h.cli("LREM", "n", "5", "y"));
    assertEquals("(integer) 0", h.cli("EXISTS", "n"), "an emptied list is deleted");
    h.assertReplays();
  }

  @Test
  void ltrim() {
    h.run("RPUSH", "l", "a", "b", "c", "d");
    h.mark();
    assertEquals("OK", h.cli("LTRIM", "l", "-100", "100"));
    assertEquals(List.of(), h.newEffects(), "a trim that removes nothing is not propagated");
    assertEquals("OK", h.cli("LTRIM", "l", "1", "-2"));
    assertEquals(list("b", "c"), range("l"));
    assertEquals("OK", h.cli("LTRIM", "l", "0", "0"));
    assertEquals(list("b"), range("l"));
    assertEquals("OK", h.cli("LTRIM", "l", "5", "1"));
    assertEquals("(integer) 0", h.cli("EXISTS", "l"));
    assertEquals("OK", h.cli("LTRIM", "missing", "0", "1"));
    assertEquals(NOT_INTEGER, h.cli("LTRIM", "missing", "x", "1"));
    assertEquals(NOT_INTEGER, h.cli("LTRIM", "missing", "0", "x"));
    assertEquals(List.of("LTRIM l 1 -2", "LTRIM l 0 0", "LTRIM l 5 1"), h.newEffects());
    h.assertReplays();

    h.run("RPUSH", "r", "a", "b", "c");
    assertEquals("OK", h.cli("LTRIM", "r", "-1", "-2"));
    assertEquals("(integer) 0", h.cli("EXISTS", "r"));
    h.run("RPUSH", "r", "a", "b", "c");
    assertEquals("OK", h.cli("LTRIM", "r", "-2", "-1"));
    assertEquals(list("b", "c"), range("r"));
    h.assertReplays();
  }

  // ---- LMOVE / RPOPLPUSH ---------------------------------------------------------------------

  @Test
  void lmoveAllSidesOnOneShard() {
    h.run("RPUSH", "{t}src", "a", "b", "c", "d");
    h.mark();
    assertEquals("\"a\"", h.cli("LMOVE", "{t}src", "{t}dst", "LEFT", "LEFT"));
    assertEquals("\"d\"", h.cli("LMOVE", "{t}src", "{t}dst", "right", "left"));
    assertEquals("\"b\"", h.cli("LMOVE", "{t}src", "{t}dst", "Left", "RIGHT"));
    assertEquals("\"c\"", h.cli("RPOPLPUSH", "{t}src", "{t}dst"));
    assertEquals(list("c", "d", "a", "b"), range("{t}dst"));
    assertEquals("(integer) 0", h.cli("EXISTS", "{t}src"), "the emptied source is deleted");
    assertEquals("\"b\"", h.cli("LMOVE", "{t}dst", "{t}src", "RIGHT", "RIGHT"));
    assertEquals(List.of("LMOVE {t}src {t}dst LEFT LEFT", "LMOVE {t}src {t}dst RIGHT LEFT",
        "LMOVE {t}src {t}dst LEFT RIGHT", "LMOVE {t}src {t}dst RIGHT LEFT",
        "LMOVE {t}dst {t}src RIGHT RIGHT"), h.newEffects());
    h.assertReplays();
  }

  @Test
  void lmoveRotatesTheSameKey() {
    h.run("RPUSH", "l", "a", "b", "c");
    assertEquals("\"a\"", h.cli("LMOVE", "l", "l", "LEFT", "RIGHT"));
    assertEquals(list("b", "c", "a"), range("l"));
    assertEquals("\"a\"", h.cli("LMOVE", "l", "l", "RIGHT", "LEFT"));
    assertEquals(list("a", "b", "c"), range("l"));
    assertEquals("\"c\"", h.cli("RPOPLPUSH", "l", "l"));
    assertEquals(list("c", "a", "b"), range("l"));
    assertEquals("\"c\"", h.cli("LMOVE", "l", "l", "LEFT", "LEFT"));
    assertEquals(list("c", "a", "b"), range("l"));
    h.run("RPUSH", "one", "x");
    assertEquals("\"x\"", h.cli("LMOVE", "one", "one", "LEFT", "LEFT"));
    assertEquals(list("x"), range("one"), "a one-element list survives its own rotation");
    h.assertReplays();
  }

  @Test
  void lmoveAcrossShardsPopsAndPushes() {
    String src = keyOn(0, "src");
    String dst = keyOn(2, "dst");
    h.run("RPUSH", src, "a", "b");
    h.run("RPUSH", dst, "z");
    h.mark();
    assertEquals("\"b\"", h.cli("LMOVE", src, dst, "RIGHT", "LEFT"));
    assertEquals("\"a\"", h.cli("RPOPLPUSH", src, dst));
    assertEquals(list("a", "b", "z"), range(dst));
    assertEquals("(integer) 0", h.cli("EXISTS", src));
    assertEquals(List.of("RPOP " + src, "RPOP " + src, "LPUSH " + dst + " b", "LPUSH " + dst + " a"),
        h.newEffects());
    assertEquals("\"z\"", h.cli("LMOVE", dst, src, "RIGHT", "RIGHT"));
    assertEquals(list("z"), range(src));
    h.assertReplays();
  }

  @Test
  void lmoveErrors() {
    h.run("RPUSH", "l", "a");
    assertEquals(SYNTAX, h.cli("LMOVE", "l", "d", "MIDDLE", "LEFT"));
    assertEquals(SYNTAX, h.cli("LMOVE", "l", "d", "LEFT", "UP"));
    assertEquals(SYNTAX, h.cli("LMOVE", "missing", "d", "MIDDLE", "LEFT"));
    assertEquals("(nil)", h.cli("LMOVE", "missing", "d", "LEFT", "LEFT"));
    assertEquals("(nil)", h.cli("RPOPLPUSH", "missing", "d"));
    assertEquals("(integer) 0", h.cli("EXISTS", "d"));
  }

  @Test
  void lmoveOntoAnExpiredDestinationRecreatesIt() {
    h.run("RPUSH", "{t}d", "old");
    h.run("PEXPIRE", "{t}d", "100");
    h.run("RPUSH", "{t}s", "new");
    h.clock.advance(200);
    h.mark();
    assertEquals("\"new\"", h.cli("LMOVE", "{t}s", "{t}d", "LEFT", "LEFT"));
    assertEquals(list("new"), range("{t}d"));
    assertEquals(List.of("DEL {t}d", "LMOVE {t}s {t}d LEFT LEFT"), h.newEffects());
    assertEquals(KeyEntry.NO_EXPIRY, entry("{t}d").expireAt());
    h.assertReplays();
  }

  // ---- LMPOP ---------------------------------------------------------------------------------

  @Test
  void lmpopTakesTheFirstNonEmptyList() {
    h.run("RPUSH", "b", "1", "2", "3");
    h.run("RPUSH", "c", "x");
    h.mark();
    assertEquals("1) \"b\"\n2) 1) \"1\"", h.cli("LMPOP", "3", "missing", "b", "c", "LEFT"));
    assertEquals("1) \"b\"\n2) 1) \"3\"\n   2) \"2\"", h.cli("LMPOP", "2", "b", "c", "RIGHT", "COUNT", "5"));
    assertEquals("(integer) 0", h.cli("EXISTS", "b"));
    assertEquals("1) \"c\"\n2) 1) \"x\"", h.cli("LMPOP", "2", "b", "c", "left", "count", "1"));
    assertEquals("(nil)", h.cli("LMPOP", "2", "b", "c", "LEFT"));
    List<String> effects = new ArrayList<>(h.newEffects());
    effects.sort(null);
    assertEquals(List.of("LPOP b 1", "LPOP c 1", "RPOP b 2"), effects);
    h.session.protocol(3);
    h.run("RPUSH", "d", "v");
    assertEquals("*2\r\n$1\r\nd\r\n*1\r\n$1\r\nv\r\n", h.wire("LMPOP", "1", "d", "LEFT"));
    h.assertReplays();
  }

  @Test
  void lmpopErrors() {
    h.run("RPUSH", "l", "a", "b", "c");
    h.run("SET", "s", "v");
    h.mark();
    assertEquals("(error) ERR numkeys should be greater than 0", h.cli("LMPOP", "0", "l", "LEFT"));
    assertEquals("(error) ERR numkeys should be greater than 0", h.cli("LMPOP", "x", "l", "LEFT"));
    assertEquals("(error) ERR numkeys should be greater than 0", h.cli("LMPOP", "-1", "l", "LEFT"));
    assertEquals(SYNTAX, h.cli("LMPOP", "2", "l", "LEFT"));
    assertEquals(SYNTAX, h.cli("LMPOP", "9223372036854775807", "l", "LEFT"));
    assertEquals(SYNTAX, h.cli("LMPOP", "1", "l", "MIDDLE"));
    assertEquals("(error) ERR count should be greater than 0", h.cli("LMPOP", "1", "l", "LEFT", "COUNT", "0"));
    assertEquals("(error) ERR count should be greater than 0", h.cli("LMPOP", "1", "l", "LEFT", "COUNT", "x"));
    assertEquals("(error) ERR count should be greater than 0", h.cli("LMPOP", "1", "s", "LEFT", "COUNT", "-3"));
    assertEquals(SYNTAX, h.cli("LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "1"));
    assertEquals(SYNTAX, h.cli("LMPOP", "1", "l", "LEFT", "FOO"));
    assertEquals(SYNTAX, h.cli("LMPOP", "1", "l", "LEFT", "COUNT"));
    assertEquals(SYNTAX, h.cli("LMPOP", "2", "s", "l", "x"));
    assertEquals(WRONGTYPE, h.cli("LMPOP", "2", "s", "l", "LEFT"));
    assertEquals(List.of(), h.newEffects());
    assertEquals(list("a", "b", "c"), range("l"));
    // a key after the first non-empty list is never looked at
    assertEquals("1) \"l\"\n2) 1) \"a\"", h.cli("LMPOP", "2", "l", "s", "LEFT"));
  }

  // ---- cores for the blocking forms ----------------------------------------------------------

  @Test
  void staticCoresReturnNullWhenNothingToPop() {
    io.redgrid.command.Call call = h.table.prepare(h.table.lookup("lpop"),
        new byte[][] {bytes("LPOP"), bytes("missing")}, h.context());
    assertNull(ListCommands.pop(call, bytes("missing"), true, ListCommands.NO_COUNT));
    assertNull(ListCommands.move(call, bytes("missing"), bytes("d"), true, true));
    assertEquals(List.of(), h.effects());
    h.run("RPUSH", "k", "a", "b");
    Reply popped = ListCommands.pop(call, bytes("k"), false, ListCommands.NO_COUNT);
    assertEquals("\"b\"", CommandHarness.render(popped, ""));
    assertEquals(List.of("RPUSH k a b", "RPOP k"), h.effects());
    h.assertReplays();
  }

  // ---- expiry, encoding, copies --------------------------------------------------------------

  @Test
  void expiredListIsGoneForEveryCommand() {
    h.run("RPUSH", "l", "a", "b");
    h.run("PEXPIRE", "l", "100");
    h.clock.advance(101);
    h.mark();
    assertEquals("(integer) 0", h.cli("LLEN", "l"));
    assertEquals(List.of("DEL l"), h.newEffects());
    assertEquals("(integer) 0", h.cli("LPUSHX", "l", "x"));
    assertEquals("(integer) 1", h.cli("RPUSH", "l", "fresh"));
    assertEquals(KeyEntry.NO_EXPIRY, entry("l").expireAt());
    h.assertReplays();
  }

  @Test
  void pushesKeepTheTtl() {
    h.run("RPUSH", "l", "a");
    h.run("PEXPIRE", "l", "5000");
    long expireAt = entry("l").expireAt();
    h.run("LPUSH", "l", "b");
    h.run("LSET", "l", "0", "c");
    h.run("LPOP", "l");
    assertEquals(expireAt, entry("l").expireAt());
    assertTrue(h.dump().contains("0 l = list[a] @" + expireAt), h.dump().toString());
    h.assertReplays();
  }

  @Test
  void encodingIsAlwaysQuicklistAsRedis70() {
    h.run("RPUSH", "small", "a");
    assertEquals("\"quicklist\"", h.cli("OBJECT", "ENCODING", "small"));
    String[] many = new String[2 + 200];
    many[0] = "RPUSH";
    many[1] = "big";
    for (int i = 2; i < many.length; i++) {
      many[i] = "x";
    }
    h.run(many);
    assertEquals("\"quicklist\"", h.cli("OBJECT", "ENCODING", "big"));
    assertEquals("(integer) 1", h.cli("OBJECT", "REFCOUNT", "big"));
  }

  @Test
  void copyAcrossShardsRecreatesInChunksWithTtl() {
    String src = keyOn(1, "src");
    String dst = keyOn(3, "dst");
    List<String> args = new ArrayList<>(List.of("RPUSH", src));
    for (int i = 0; i < 300; i++) {
      args.add("e" + i);
    }
    h.run(args.toArray(new String[0]));
    long expireAt = h.clock.millis() + 9000;
    h.run("PEXPIREAT", src, Long.toString(expireAt));
    h.mark();
    assertEquals("(integer) 1", h.cli("COPY", src, dst));
    List<String> effects = h.newEffects();
    assertEquals(5, effects.size(), effects.toString());
    assertEquals("DEL " + dst, effects.get(0));
    assertTrue(effects.get(1).startsWith("RPUSH " + dst + " e0 e1 "));
    assertTrue(effects.get(3).endsWith(" e299"));
    assertEquals("PEXPIREAT " + dst + " " + expireAt, effects.get(4));
    assertEquals("(integer) 300", h.cli("LLEN", dst));
    // the copy is independent of its source
    h.run("LPOP", src);
    assertEquals("\"e0\"", h.cli("LINDEX", dst, "0"));
    h.assertReplays();

    h.mark();
    assertEquals("OK", h.cli("RENAME", src, dst));
    assertEquals("(integer) 299", h.cli("LLEN", dst));
    assertEquals("\"e1\"", h.cli("LINDEX", dst, "0"));
    h.assertReplays();
  }

  @Test
  void everyWriteReplaysToTheSameState() {
    h.run("RPUSH", "a", "1", "2", "3", "4", "5", "6");
    h.run("LPUSH", "a", "0");
    h.run("LINSERT", "a", "AFTER", "3", "3.5");
    h.run("LREM", "a", "-1", "6");
    h.run("LSET", "a", "1", "one");
    h.run("LTRIM", "a", "1", "-2");
    h.run("LMOVE", "a", "b", "LEFT", "RIGHT");
    h.run("RPOPLPUSH", "a", "c");
    h.run("LMPOP", "2", "x", "a", "RIGHT", "COUNT", "2");
    h.run("LPOP", "a", "1");
    h.run("RPOP", "b");
    h.select(5);
    h.run("RPUSH", "a", "db5");
    h.run("LPOP", "a");
    h.run("RPUSH", "a", "kept");
    h.select(0);
    h.assertReplays();
    assertEquals(List.of("0 c = list[4]", "5 a = list[kept]"), h.dump());
  }
}
