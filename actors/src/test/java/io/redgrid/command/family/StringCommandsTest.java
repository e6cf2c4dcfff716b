package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.redgrid.command.CommandHarness;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.CommandTable;
import io.redgrid.command.Flag;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;

/** The string family against Redis 7.0's replies, errors and propagated effects. */
class StringCommandsTest {
  private static final String WRONGTYPE = "(error) WRONGTYPE Operation against a key holding the wrong kind of value";
  private static final String NOT_INTEGER = "(error) ERR value is not an integer or out of range";
  private static final String NOT_FLOAT = "(error) ERR value is not a valid float";
  private static final String SYNTAX = "(error) ERR syntax error";
  private static final String TOO_LONG = "(error) ERR string exceeds maximum allowed size (proto-max-bulk-len)";

  private final CommandHarness h = new CommandHarness();

  private long now() {
    return h.clock.millis();
  }

  private KeyEntry entry(String key) {
    return h.keyspace(h.shardOf(key)).database(h.session.db()).get(bytes(key));
  }

  private long expireAt(String key) {
    return entry(key).expireAt();
  }

  /** Puts a value of another type (no command of another family is needed). */
  private void putList(String key) {
    h.keyspace(h.shardOf(key)).database(h.session.db()).put(bytes(key), new ArrayList<>(List.of("a")));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  // ---- table -------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "get,2", "set,-3", "setnx,3", "setex,4", "psetex,4", "getset,3", "getdel,2", "getex,-2",
      "mget,-2", "mset,-3", "msetnx,-3", "append,3", "strlen,2", "getrange,4", "substr,4",
      "setrange,4", "incr,2", "decr,2", "incrby,3", "decrby,3", "incrbyfloat,3", "lcs,-3"})
  void arityAsRedis(String name, int arity) {
    CommandSpec spec = h.table.lookup(name);
    assertEquals(arity, spec.arity().redisArity());
    assertEquals("string", spec.group());
    int tooFew = arity > 0 ? arity - 1 : -arity - 1;
    String[] argv = new String[tooFew];
    argv[0] = name;
    for (int i = 1; i < tooFew; i++) {
      argv[i] = "a";
    }
    assertEquals("(error) ERR wrong number of arguments for '" + name + "' command", h.cli(argv));
    if (arity > 0) {
      String[] tooMany = new String[arity + 1];
      tooMany[0] = name;
      for (int i = 1; i <= arity; i++) {
        tooMany[i] = "1";
      }
      assertEquals("(error) ERR wrong number of arguments for '" + name + "' command", h.cli(tooMany));
    }
  }

  @Test
  void flagsAndKeysAsRedis() {
    assertEquals(Set.of(Flag.WRITE, Flag.FAST), h.table.lookup("getex").flags());
    assertEquals(Set.of(Flag.WRITE, Flag.DENYOOM, Flag.FAST), h.table.lookup("incrbyfloat").flags());
    assertEquals(Set.of(Flag.READONLY), h.table.lookup("getrange").flags());
    assertEquals(Set.of(Flag.WRITE, Flag.DENYOOM), h.table.lookup("setrange").flags());
    assertEquals(Set.of(Flag.READONLY), h.table.lookup("lcs").flags());
    assertEquals(2, h.table.lookup("lcs").keys().last());
    assertEquals(2, h.table.lookup("msetnx").keys().step());
    assertEquals("7.0.0", h.table.lookup("lcs").since());
  }

  @Test
  void msetAndMsetnxNeedPairs() {
    assertEquals("(error) ERR wrong number of arguments for 'mset' command", h.cli("MSET", "a", "1", "b"));
    assertEquals("(error) ERR wrong number of arguments for 'msetnx' command", h.cli("MSETNX", "a", "1", "b"));
    assertEquals(List.of(), h.effects());
  }

  // ---- GET / SET ---------------------------------------------------------------------------

  @Test
  void getAndSet() {
    assertEquals("(nil)", h.cli("GET", "k"));
    assertEquals("OK", h.cli("SET", "k", "v"));
    assertEquals("\"v\"", h.cli("GET", "k"));
    assertEquals("OK", h.cli("set", "k", "w"));
    assertEquals("\"w\"", h.cli("get", "k"));
    assertEquals(List.of("SET k v", "SET k w"), h.effects());
    h.assertReplays();
  }

  @Test
  void getWrongType() {
    putList("l");
    assertEquals(WRONGTYPE, h.cli("GET", "l"));
  }

  @Test
  void setNxXx() {
    assertEquals("(nil)", h.cli("SET", "k", "v", "XX"));
    assertEquals("OK", h.cli("SET", "k", "v", "NX"));
    assertEquals("(nil)", h.cli("SET", "k", "w", "NX"));
    assertEquals("(nil)", h.cli("SET", "k", "w", "nx", "nx"));
    assertEquals("OK", h.cli("SET", "k", "x", "XX"));
    assertEquals("\"x\"", h.cli("GET", "k"));
    assertEquals(List.of("SET k v", "SET k x"), h.effects());
    h.assertReplays();
  }

  @Test
  void setGet() {
    assertEquals("(nil)", h.cli("SET", "k", "v", "GET"));
    assertEquals("\"v\"", h.cli("SET", "k", "w", "GET", "GET"));
    assertEquals("\"w\"", h.cli("SET", "k", "x", "NX", "GET"));
    assertEquals("\"w\"", h.cli("GET", "k"));
    assertEquals("(nil)", h.cli("SET", "n", "x", "XX", "GET"));
    assertEquals("(nil)", h.cli("GET", "n"));
    assertEquals(List.of("SET k v", "SET k w"), h.effects());
    h.assertReplays();
  }

  @Test
  void setGetOnWrongTypeFailsAndLeavesTheKey() {
    putList("l");
    assertEquals(WRONGTYPE, h.cli("SET", "l", "v", "GET"));
    assertEquals(WRONGTYPE, h.cli("SET", "l", "v", "NX", "GET"));
    assertEquals(List.of("a"), entry("l").value());
    assertEquals(List.of(), h.effects());
    assertEquals("OK", h.cli("SET", "l", "v"));
    assertEquals("\"v\"", h.cli("GET", "l"));
  }

  @Test
  void setExpiryOptionsAreAbsoluteInTheJournal() {
    long t = now();
    assertEquals("OK", h.cli("SET", "a", "1", "EX", "10"));
    assertEquals("OK", h.cli("SET", "b", "1", "PX", "1500"));
    assertEquals("OK", h.cli("SET", "c", "1", "EXAT", String.valueOf(t / 1000 + 100)));
    assertEquals("OK", h.cli("SET", "d", "1", "PXAT", String.valueOf(t + 5)));
    assertEquals(t + 10_000, expireAt("a"));
    assertEquals(t + 1500, expireAt("b"));
    assertEquals((t / 1000 + 100) * 1000, expireAt("c"));
    assertEquals(t + 5, expireAt("d"));
    assertEquals(List.of(
        "SET a 1 PXAT " + (t + 10_000), "SET b 1 PXAT " + (t + 1500),
        "SET c 1 PXAT " + (t / 1000 + 100) * 1000, "SET d 1 PXAT " + (t + 5)),
        sorted(h.effects()));
    h.assertReplays();
    h.clock.advance(6);
    assertEquals("(nil)", h.cli("GET", "d"));
    assertEquals("\"1\"", h.cli("GET", "b"));
  }

  @Test
  void setRepeatedExpiryLastWinsAndOnlyItIsValidated() {
    long t = now();
    assertEquals("OK", h.cli("SET", "k", "v", "EX", "10", "EX", "20"));
    assertEquals(t + 20_000, expireAt("k"));
    assertEquals("OK", h.cli("SET", "k", "v", "EX", "abc", "EX", "30"));
    assertEquals(t + 30_000, expireAt("k"));
    h.assertReplays();
  }

  @Test
  void setWithoutExpiryClearsTtlAndKeepTtlKeepsIt() {
    long t = now();
    h.cli("SET", "k", "v", "EX", "100");
    assertEquals("OK", h.cli("SET", "k", "w", "KEEPTTL"));
    assertEquals(t + 100_000, expireAt("k"));
    assertEquals("OK", h.cli("SET", "k", "x", "KEEPTTL", "KEEPTTL"));
    assertEquals(t + 100_000, expireAt("k"));
    assertEquals("OK", h.cli("SET", "k", "y"));
    assertEquals(KeyEntry.NO_EXPIRY, expireAt("k"));
    assertEquals("OK", h.cli("SET", "n", "v", "KEEPTTL"));
    assertEquals(KeyEntry.NO_EXPIRY, expireAt("n"));
    assertEquals(List.of("SET k v PXAT " + (t + 100_000), "SET k w KEEPTTL", "SET k x KEEPTTL", "SET k y"),
        h.effects().stream().filter(e -> e.startsWith("SET k")).toList());
    h.assertReplays();
  }

  @ParameterizedTest(name = "SET k v {0}")
  @CsvSource(delimiter = '|', value = {
      "NX XX", "XX NX", "EX 10 PX 10", "PX 10 EX 10", "EX 10 EXAT 10", "PXAT 10 PX 10",
      "KEEPTTL EX 10", "EX 10 KEEPTTL", "EX", "PX", "EXAT", "PXAT", "PERSIST", "FOO", "GET EX",
      "EX 10 GET PX 5"})
  void setSyntaxErrors(String options) {
    List<String> argv = new ArrayList<>(List.of("SET", "k", "v"));
    argv.addAll(List.of(options.split(" ")));
    assertEquals(SYNTAX, h.cli(argv.toArray(String[]::new)));
    assertEquals("(nil)", h.cli("GET", "k"));
    assertEquals(List.of(), h.effects());
  }

  @ParameterizedTest(name = "SET k v {0} {1}")
  @CsvSource({
      "EX,0", "EX,-1", "PX,0", "PX,-5", "EXAT,0", "PXAT,-1", "EX,9999999999999999",
      "EX,9223372036854775", "PX,9223372036854775807", "EX,9223372036854775807"})
  void setInvalidExpireTime(String option, String amount) {
    assertEquals("(error) ERR invalid expire time in 'set' command", h.cli("SET", "k", "v", option, amount));
    assertEquals("(nil)", h.cli("GET", "k"));
    assertEquals(List.of(), h.effects());
  }

  @Test
  void setLargestValidExpiries() {
    assertEquals("OK", h.cli("SET", "k", "v", "EXAT", "9223372036854775"));
    assertEquals(9223372036854775000L, expireAt("k"));
    assertEquals("OK", h.cli("SET", "k", "v", "PXAT", "9223372036854775807"));
    assertEquals(Long.MAX_VALUE, expireAt("k"));
    h.assertReplays();
  }

  @Test
  void setExpireNotAnInteger() {
    assertEquals(NOT_INTEGER, h.cli("SET", "k", "v", "EX", "1.5"));
    assertEquals(NOT_INTEGER, h.cli("SET", "k", "v", "PX", "abc"));
  }

  @Test
  void setExpiryIsValidatedBeforeGetTypeCheck() {
    putList("l");
    assertEquals("(error) ERR invalid expire time in 'set' command", h.cli("SET", "l", "v", "GET", "EX", "0"));
  }

  @Test
  void setPxatInThePastStoresAKeyThatIsAlreadyGone() {
    assertEquals("OK", h.cli("SET", "k", "v", "PXAT", "1"));
    h.assertReplays();
    assertEquals("(nil)", h.cli("GET", "k"));
    assertEquals(List.of("SET k v PXAT 1", "DEL k"), h.effects());
    h.assertReplays();
  }

  @Test
  void lazilyExpiredKeyIsPropagatedAsDel() {
    h.cli("SET", "k", "v", "PX", "10");
    h.clock.advance(11);
    assertEquals("OK", h.cli("SET", "k", "w", "NX"));
    assertEquals(List.of("SET k v PXAT " + (now() - 11 + 10), "DEL k", "SET k w"), h.effects());
    h.assertReplays();
  }

  // ---- SETNX / SETEX / PSETEX / GETSET -----------------------------------------------------

  @Test
  void setnx() {
    assertEquals("(integer) 1", h.cli("SETNX", "k", "v"));
    assertEquals("(integer) 0", h.cli("SETNX", "k", "w"));
    assertEquals("\"v\"", h.cli("GET", "k"));
    putList("l");
    assertEquals("(integer) 0", h.cli("SETNX", "l", "w"));
    assertEquals(List.of("SET k v"), h.effects());
  }

  @Test
  void setexAndPsetex() {
    long t = now();
    assertEquals("OK", h.cli("SETEX", "a", "10", "v"));
    assertEquals("OK", h.cli("PSETEX", "b", "1500", "w"));
    assertEquals("\"v\"", h.cli("GET", "a"));
    assertEquals(t + 10_000, expireAt("a"));
    assertEquals(t + 1500, expireAt("b"));
    assertEquals(List.of("SET a v PXAT " + (t + 10_000), "SET b w PXAT " + (t + 1500)), sorted(h.effects()));
    h.assertReplays();
    putList("l");
    assertEquals("OK", h.cli("SETEX", "l", "10", "v"));
    assertEquals("\"v\"", h.cli("GET", "l"));
  }

  @Test
  void setexErrors() {
    assertEquals("(error) ERR invalid expire time in 'setex' command", h.cli("SETEX", "k", "0", "v"));
    assertEquals("(error) ERR invalid expire time in 'setex' command", h.cli("SETEX", "k", "-1", "v"));
    assertEquals("(error) ERR invalid expire time in 'setex' command", h.cli("SETEX", "k", "9999999999999999", "v"));
    assertEquals("(error) ERR invalid expire time in 'psetex' command", h.cli("PSETEX", "k", "-5", "v"));
    assertEquals("(error) ERR invalid expire time in 'psetex' command",
        h.cli("PSETEX", "k", "9223372036854775807", "v"));
    assertEquals(NOT_INTEGER, h.cli("SETEX", "k", "abc", "v"));
    assertEquals(NOT_INTEGER, h.cli("PSETEX", "k", "1.5", "v"));
    assertEquals("(nil)", h.cli("GET", "k"));
    assertEquals(List.of(), h.effects());
  }

  @Test
  void getsetReturnsOldValueAndClearsTtl() {
    assertEquals("(nil)", h.cli("GETSET", "k", "v"));
    h.cli("SET", "k", "v", "EX", "100");
    assertEquals("\"v\"", h.cli("GETSET", "k", "w"));
    assertEquals("\"w\"", h.cli("GET", "k"));
    assertEquals(KeyEntry.NO_EXPIRY, expireAt("k"));
    assertEquals("SET k w", h.effects().get(h.effects().size() - 1));
    h.assertReplays();
    putList("l");
    assertEquals(WRONGTYPE, h.cli("GETSET", "l", "v"));
  }

  // ---- GETDEL / GETEX ----------------------------------------------------------------------

  @Test
  void getdel() {
    assertEquals("(nil)", h.cli("GETDEL", "k"));
    h.cli("SET", "k", "v");
    assertEquals("\"v\"", h.cli("GETDEL", "k"));
    assertEquals("(nil)", h.cli("GET", "k"));
    assertNull(entry("k"));
    assertEquals(List.of("SET k v", "DEL k"), h.effects());
    h.assertReplays();
    putList("l");
    assertEquals(WRONGTYPE, h.cli("GETDEL", "l"));
  }

  @Test
  void getexWithoutOptionsIsAGet() {
    assertEquals("(nil)", h.cli("GETEX", "k"));
    h.cli("SET", "k", "v", "EX", "100");
    h.clearEffects();
    assertEquals("\"v\"", h.cli("GETEX", "k"));
    assertEquals(now() + 100_000, expireAt("k"));
    assertEquals(List.of(), h.effects());
  }

  @Test
  void getexSetsExpiry() {
    h.cli("SET", "k", "v");
    long t = now();
    assertEquals("\"v\"", h.cli("GETEX", "k", "EX", "10"));
    assertEquals(t + 10_000, expireAt("k"));
    assertEquals("\"v\"", h.cli("GETEX", "k", "PX", "500"));
    assertEquals(t + 500, expireAt("k"));
    assertEquals("\"v\"", h.cli("GETEX", "k", "EXAT", String.valueOf(t / 1000 + 50)));
    assertEquals((t / 1000 + 50) * 1000, expireAt("k"));
    assertEquals("\"v\"", h.cli("GETEX", "k", "PXAT", String.valueOf(t + 77)));
    assertEquals(t + 77, expireAt("k"));
    assertEquals("\"v\"", h.cli("GETEX", "k", "ex", "10", "ex", "20"));
    assertEquals(t + 20_000, expireAt("k"));
    assertEquals(List.of("SET k v", "SET k v PXAT " + (t + 10_000), "SET k v PXAT " + (t + 500),
        "SET k v PXAT " + (t / 1000 + 50) * 1000, "SET k v PXAT " + (t + 77), "SET k v PXAT " + (t + 20_000)),
        h.effects());
    h.assertReplays();
  }

  @Test
  void getexPersist() {
    h.cli("SET", "k", "v", "EX", "100");
    assertEquals("\"v\"", h.cli("GETEX", "k", "PERSIST"));
    assertEquals(KeyEntry.NO_EXPIRY, expireAt("k"));
    assertEquals("SET k v", h.effects().get(1));
    h.assertReplays();
    h.clearEffects();
    assertEquals("\"v\"", h.cli("GETEX", "k", "PERSIST"));
    assertEquals(List.of(), h.effects());
  }

  @Test
  void getexPastAbsoluteTimeDeletes() {
    h.cli("SET", "a", "v");
    h.cli("SET", "b", "w");
    assertEquals("\"v\"", h.cli("GETEX", "a", "PXAT", "1"));
    assertEquals("\"w\"", h.cli("GETEX", "b", "EXAT", String.valueOf(now() / 1000)));
    assertNull(entry("a"));
    assertNull(entry("b"));
    assertEquals(List.of("DEL a", "DEL b", "SET a v", "SET b w"), sorted(h.effects()));
    h.assertReplays();
  }

  @Test
  void getexErrors() {
    h.cli("SET", "k", "v");
    h.clearEffects();
    assertEquals(SYNTAX, h.cli("GETEX", "k", "PERSIST", "EX", "10"));
    assertEquals(SYNTAX, h.cli("GETEX", "k", "EX", "10", "PERSIST"));
    assertEquals(SYNTAX, h.cli("GETEX", "k", "EX", "10", "PX", "10"));
    assertEquals(SYNTAX, h.cli("GETEX", "k", "KEEPTTL"));
    assertEquals(SYNTAX, h.cli("GETEX", "k", "NX"));
    assertEquals(SYNTAX, h.cli("GETEX", "k", "GET"));
    assertEquals(SYNTAX, h.cli("GETEX", "k", "EX"));
    assertEquals(SYNTAX, h.cli("GETEX", "missing", "EX"));
    assertEquals(NOT_INTEGER, h.cli("GETEX", "k", "EX", "abc"));
    assertEquals("(error) ERR invalid expire time in 'getex' command", h.cli("GETEX", "k", "EX", "0"));
    assertEquals("(error) ERR invalid expire time in 'getex' command", h.cli("GETEX", "k", "EX", "9999999999999999"));
    assertEquals("(error) ERR invalid expire time in 'getex' command", h.cli("GETEX", "k", "PXAT", "-1"));
    // A missing key answers nil before the expiry value is looked at, as Redis.
    assertEquals("(nil)", h.cli("GETEX", "missing", "EX", "abc"));
    assertEquals("(nil)", h.cli("GETEX", "missing", "EX", "-1"));
    assertEquals(KeyEntry.NO_EXPIRY, expireAt("k"));
    assertEquals(List.of(), h.effects());
    putList("l");
    assertEquals(WRONGTYPE, h.cli("GETEX", "l"));
    assertEquals(WRONGTYPE, h.cli("GETEX", "l", "EX", "abc"));
  }

  // ---- MGET / MSET / MSETNX ----------------------------------------------------------------

  @Test
  void mgetAndMset() {
    assertEquals("OK", h.cli("MSET", "a", "1", "b", "2", "a", "3"));
    putList("l");
    assertEquals("1) \"3\"\n2) \"2\"\n3) (nil)\n4) (nil)", h.cli("MGET", "a", "b", "l", "zz"));
    assertEquals(List.of("SET a 1", "SET a 3", "SET b 2"), sorted(h.effects()));
    h.keyspace(h.shardOf("l")).database(0).remove(bytes("l"));
    h.assertReplays();
  }

  @Test
  void msetClearsTtl() {
    h.cli("SET", "a", "1", "EX", "100");
    h.cli("MSET", "a", "2");
    assertEquals(KeyEntry.NO_EXPIRY, expireAt("a"));
    h.assertReplays();
  }

  @Test
  void msetnxIsAllOrNothing() {
    assertEquals("(integer) 1", h.cli("MSETNX", "a", "1", "b", "2"));
    assertEquals("(integer) 0", h.cli("MSETNX", "b", "3", "c", "4"));
    assertEquals("(nil)", h.cli("GET", "c"));
    assertEquals("\"2\"", h.cli("GET", "b"));
    assertEquals("(integer) 1", h.cli("MSETNX", "x", "1", "x", "2"));
    assertEquals("\"2\"", h.cli("GET", "x"));
    putList("l");
    assertEquals("(integer) 0", h.cli("MSETNX", "l", "1", "y", "2"));
    assertEquals("(nil)", h.cli("GET", "y"));
    assertEquals(List.of("SET a 1", "SET b 2", "SET x 1", "SET x 2"), sorted(h.effects()));
    h.keyspace(h.shardOf("l")).database(0).remove(bytes("l"));
    h.assertReplays();
  }

  @Test
  void msetnxSeesExpiredKeysAsMissing() {
    h.cli("SET", "a", "1", "PX", "10");
    h.clock.advance(11);
    assertEquals("(integer) 1", h.cli("MSETNX", "a", "2"));
    assertEquals("\"2\"", h.cli("GET", "a"));
    h.assertReplays();
  }

  // ---- APPEND / STRLEN ---------------------------------------------------------------------

  @Test
  void append() {
    assertEquals("(integer) 0", h.cli("APPEND", "k", ""));
    assertEquals("\"\"", h.cli("GET", "k"));
    assertEquals("(integer) 5", h.cli("APPEND", "k", "Hello"));
    assertEquals("(integer) 11", h.cli("APPEND", "k", " World"));
    assertEquals("\"Hello World\"", h.cli("GET", "k"));
    assertEquals("(integer) 11", h.cli("STRLEN", "k"));
    assertEquals(List.of("APPEND k ", "APPEND k Hello", "APPEND k  World"), h.effects());
    h.assertReplays();
  }

  @Test
  void appendDoesNotChangeAnEarlierReply() {
    h.cli("SET", "k", "ab");
    Reply before = h.run("GET", "k");
    h.cli("APPEND", "k", "c");
    h.cli("SETRANGE", "k", "0", "X");
    assertArrayEquals(bytes("ab"), ((Reply.Bulk) before).value());
  }

  @Test
  void appendKeepsTtl() {
    long t = now();
    h.cli("SET", "k", "v", "EX", "100");
    h.cli("APPEND", "k", "w");
    assertEquals(t + 100_000, expireAt("k"));
    h.assertReplays();
  }

  @Test
  void appendAndStrlenWrongType() {
    putList("l");
    assertEquals(WRONGTYPE, h.cli("APPEND", "l", "x"));
    assertEquals(WRONGTYPE, h.cli("STRLEN", "l"));
    assertEquals("(integer) 0", h.cli("STRLEN", "missing"));
    assertEquals(List.of(), h.effects());
  }

  @Test
  void appendBeyondTheSizeLimit() {
    CommandHarness small = new CommandHarness(new CommandTable().register(new StringCommands(10)), 4, 16);
    assertEquals("(integer) 8", small.cli("APPEND", "k", "12345678"));
    assertEquals("(integer) 10", small.cli("APPEND", "k", "90"));
    assertEquals(TOO_LONG, small.cli("APPEND", "k", "x"));
    assertEquals("\"1234567890\"", small.cli("GET", "k"));
    assertEquals(TOO_LONG, small.cli("SETRANGE", "k", "9", "ab"));
    assertEquals("(integer) 10", small.cli("SETRANGE", "k", "8", "ab"));
    assertEquals(TOO_LONG, small.cli("SETRANGE", "n", "10", "a"));
    assertEquals(List.of("APPEND k 12345678", "APPEND k 90", "SETRANGE k 8 ab"), small.effects());
    assertEquals(small.dump(), small.replayed().dump());
  }

  // ---- GETRANGE / SUBSTR -------------------------------------------------------------------

  @ParameterizedTest(name = "GETRANGE s {0} {1}")
  @CsvSource({
      "0,4,Hello", "-3,-1,rld", "-1,-3,''", "5,2,''", "0,100,Hello World", "-100,-50,H", "-100,2,Hel",
      "0,-1,Hello World", "6,6,W", "10,10,d", "11,20,''", "9223372036854775807,-9223372036854775808,''",
      "-9223372036854775808,9223372036854775807,Hello World", "3,-9,''", "-5,-1,World"})
  void getrange(String start, String end, String expected) {
    h.cli("SET", "s", "Hello World");
    assertEquals('"' + expected + '"', h.cli("GETRANGE", "s", start, end));
    assertEquals('"' + expected + '"', h.cli("SUBSTR", "s", start, end));
  }

  @Test
  void getrangeEdges() {
    assertEquals("\"\"", h.cli("GETRANGE", "missing", "0", "1"));
    h.cli("SET", "e", "");
    assertEquals("\"\"", h.cli("GETRANGE", "e", "0", "-1"));
    assertEquals("\"\"", h.cli("GETRANGE", "e", "-1", "0"));
    assertEquals(NOT_INTEGER, h.cli("GETRANGE", "e", "a", "1"));
    assertEquals(NOT_INTEGER, h.cli("GETRANGE", "e", "0", "1.0"));
    putList("l");
    assertEquals(WRONGTYPE, h.cli("GETRANGE", "l", "0", "1"));
    // The indexes are checked before the key, as Redis does.
    assertEquals(NOT_INTEGER, h.cli("GETRANGE", "l", "x", "1"));
    assertEquals("$0\r\n\r\n", h.wire("GETRANGE", "missing", "0", "1"));
  }

  // ---- SETRANGE ----------------------------------------------------------------------------

  @Test
  void setrange() {
    h.cli("SET", "k", "Hello World");
    assertEquals("(integer) 11", h.cli("SETRANGE", "k", "6", "Redis"));
    assertEquals("\"Hello Redis\"", h.cli("GET", "k"));
    assertEquals("(integer) 13", h.cli("SETRANGE", "k", "10", "abc"));
    assertEquals("\"Hello Rediabc\"", h.cli("GET", "k"));
    assertEquals("(integer) 5", h.cli("SETRANGE", "n", "3", "ab"));
    assertArrayEquals(new byte[] {0, 0, 0, 'a', 'b'}, ((Reply.Bulk) h.run("GET", "n")).value());
    assertEquals(List.of("SET k Hello World", "SETRANGE k 10 abc", "SETRANGE k 6 Redis", "SETRANGE n 3 ab"),
        sorted(h.effects()));
    h.assertReplays();
  }

  @Test
  void setrangeEmptyValueChangesNothing() {
    assertEquals("(integer) 0", h.cli("SETRANGE", "n", "5", ""));
    assertNull(entry("n"));
    h.cli("SET", "k", "abc");
    assertEquals("(integer) 3", h.cli("SETRANGE", "k", "0", ""));
    // With nothing to write, even an offset past the limit is fine.
    assertEquals("(integer) 3", h.cli("SETRANGE", "k", "536870912", ""));
    assertEquals(List.of("SET k abc"), h.effects());
    h.assertReplays();
  }

  @Test
  void setrangeKeepsTtl() {
    long t = now();
    h.cli("SET", "k", "abc", "EX", "100");
    h.cli("SETRANGE", "k", "1", "X");
    assertEquals("\"aXc\"", h.cli("GET", "k"));
    assertEquals(t + 100_000, expireAt("k"));
    h.assertReplays();
  }

  @Test
  void setrangeErrors() {
    h.cli("SET", "k", "abc");
    h.clearEffects();
    assertEquals("(error) ERR offset is out of range", h.cli("SETRANGE", "k", "-1", "x"));
    assertEquals(NOT_INTEGER, h.cli("SETRANGE", "k", "a", "x"));
    assertEquals(NOT_INTEGER, h.cli("SETRANGE", "k", "99999999999999999999", "x"));
    assertEquals(TOO_LONG, h.cli("SETRANGE", "n", "536870911", "ab"));
    assertEquals(TOO_LONG, h.cli("SETRANGE", "k", "536870911", "ab"));
    assertEquals(TOO_LONG, h.cli("SETRANGE", "k", "9223372036854775807", "ab"));
    assertNull(entry("n"));
    putList("l");
    assertEquals(WRONGTYPE, h.cli("SETRANGE", "l", "0", "x"));
    assertEquals(WRONGTYPE, h.cli("SETRANGE", "l", "0", ""));
    assertEquals("(error) ERR offset is out of range", h.cli("SETRANGE", "l", "-1", "x"));
    assertEquals(List.of(), h.effects());
  }

  // ---- INCR / DECR / INCRBY / DECRBY -------------------------------------------------------

  @Test
  void incrementsAndDecrements() {
    assertEquals("(integer) 1", h.cli("INCR", "k"));
    assertEquals("(integer) 11", h.cli("INCRBY", "k", "10"));
    assertEquals("(integer) 10", h.cli("DECR", "k"));
    assertEquals("(integer) 7", h.cli("DECRBY", "k", "3"));
    assertEquals("(integer) -3", h.cli("DECRBY", "k", "10"));
    assertEquals("(integer) 2", h.cli("INCRBY", "k", "5"));
    assertEquals("(integer) -1", h.cli("DECR", "n"));
    assertEquals("(integer) -5", h.cli("INCRBY", "m", "-5"));
    assertEquals("\"2\"", h.cli("GET", "k"));
    assertEquals(List.of("DECR k", "DECR n", "DECRBY k 10", "DECRBY k 3", "INCR k", "INCRBY k 10",
        "INCRBY k 5", "INCRBY m -5"), sorted(h.effects()));
    h.assertReplays();
  }

  @Test
  void incrKeepsTtl() {
    long t = now();
    h.cli("SET", "k", "1", "EX", "100");
    assertEquals("(integer) 2", h.cli("INCR", "k"));
    assertEquals(t + 100_000, expireAt("k"));
    h.assertReplays();
  }

  @Test
  void incrOverflow() {
    h.cli("SET", "max", "9223372036854775807");
    h.cli("SET", "min", "-9223372036854775808");
    assertEquals("(error) ERR increment or decrement would overflow", h.cli("INCR", "max"));
    assertEquals("(error) ERR increment or decrement would overflow", h.cli("INCRBY", "max", "1"));
    assertEquals("(error) ERR increment or decrement would overflow", h.cli("DECR", "min"));
    assertEquals("(error) ERR increment or decrement would overflow", h.cli("DECRBY", "min", "1"));
    assertEquals("(error) ERR increment or decrement would overflow",
        h.cli("INCRBY", "min", "-9223372036854775808"));
    assertEquals("(error) ERR decrement would overflow", h.cli("DECRBY", "min", "-9223372036854775808"));
    assertEquals("(error) ERR decrement would overflow", h.cli("DECRBY", "new", "-9223372036854775808"));
    assertEquals("(integer) -1", h.cli("INCRBY", "max", "-9223372036854775808"));
    assertEquals("(integer) 9223372036854775807", h.cli("DECRBY", "n", "-9223372036854775807"));
    assertEquals("(integer) -9223372036854775808", h.cli("INCRBY", "m", "-9223372036854775808"));
    assertEquals(List.of("DECRBY n -9223372036854775807", "INCRBY m -9223372036854775808",
        "INCRBY max -9223372036854775808", "SET max 9223372036854775807", "SET min -9223372036854775808"),
        sorted(h.effects()));
    h.assertReplays();
  }

  @ParameterizedTest(name = "INCR on \"{0}\"")
  @CsvSource(delimiter = '|', value = {"abc", "' 1'", "'1 '", "01", "-0", "+1", "1.0", "''",
      "9223372036854775808", "-9223372036854775809", "1e3"})
  void incrOnNonInteger(String value) {
    h.cli("SET", "k", value);
    h.clearEffects();
    assertEquals(NOT_INTEGER, h.cli("INCR", "k"));
    assertEquals(NOT_INTEGER, h.cli("DECRBY", "k", "1"));
    assertEquals(List.of(), h.effects());
  }

  @Test
  void incrArgumentErrors() {
    assertEquals(NOT_INTEGER, h.cli("INCRBY", "k", "abc"));
    assertEquals(NOT_INTEGER, h.cli("DECRBY", "k", "1.5"));
    assertEquals(NOT_INTEGER, h.cli("INCRBY", "k", "9223372036854775808"));
    putList("l");
    assertEquals(WRONGTYPE, h.cli("INCR", "l"));
    assertEquals(WRONGTYPE, h.cli("DECRBY", "l", "1"));
    // The increment is checked before the key, as Redis.
    assertEquals(NOT_INTEGER, h.cli("INCRBY", "l", "x"));
    assertEquals(List.of(), h.effects());
  }

  // ---- INCRBYFLOAT -------------------------------------------------------------------------

  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvSource(delimiter = '|', value = {
      // Expected results are real Redis 7.0 replies: long double sums printed with %.17Lf.
      "10.5|0.1|10.6", "0.1|0.2|0.3", "|3.0e3|3000", "3000|1e20|100000000000000003000", "|1e-20|0",
      "|-1e-20|0", "|0x10|16", "|0x1p-3|0.125", "|0x.8|0.5", "|1.|1", "|.5|0.5", "|+.5e1|5", "|-0|0",
      "|1.23456789012345678901|1.23456789012345679", "|123456789.123456789|123456789.12345678899873747",
      "0.3|-0.3|0", "5|-10|-5", "|0.000000000000000015|0.00000000000000002", "-0.0|-0.0|0",
      "1e-4950|0|0", "1.5|1e-4940|1.5", "00012|0|12", "0x1.fffffffffffffffffp0|0|2",
      "99999999999999999999999999999999999.99999999999999999|0.00000000000000001|99999999999999999997871448567840768",
      "1.7976931348623157e308|1e308|279769313486231570002352240441350078789299929179619934003987695617693370918830364684014944221042050987341155710361544171686148029276505307138777262321877129888036065002204239033812550598509174132739480498569620043582760541189365866551522561741435317031294527744011878159793174665688773926186886103199182225408"})
  void incrbyfloatFormatsAsRedis(String initial, String increment, String expected) {
    if (initial != null) {
      h.cli("SET", "k", initial);
    }
    assertEquals('"' + expected + '"', h.cli("INCRBYFLOAT", "k", increment));
    assertEquals('"' + expected + '"', h.cli("GET", "k"));
    assertEquals("SET k " + expected + " KEEPTTL", h.effects().get(h.effects().size() - 1));
    h.assertReplays();
  }

  /** 300 random sums whose expected results were produced by a real Redis 7.0.15 (x86-64). */
  @ParameterizedTest(name = "{0} + {1} = {2}")
  @CsvFileSource(resources = "incrbyfloat-redis-7.0.psv", delimiter = '|')
  void incrbyfloatMatchesRecordedRedisResults(String initial, String increment, String expected) {
    h.cli("SET", "k", initial);
    assertEquals('"' + expected + '"', h.cli("INCRBYFLOAT", "k", increment));
  }

  @Test
  void incrbyfloatKeepsTtlAndPropagatesSetKeepttl() {
    long t = now();
    h.cli("SET", "k", "1", "EX", "100");
    assertEquals("\"2.5\"", h.cli("INCRBYFLOAT", "k", "1.5"));
    assertEquals(t + 100_000, expireAt("k"));
    assertEquals(List.of("SET k 1 PXAT " + (t + 100_000), "SET k 2.5 KEEPTTL"), h.effects());
    h.assertReplays();
  }

  @ParameterizedTest(name = "INCRBYFLOAT {0} + {1}")
  @CsvSource(delimiter = '|', value = {
      "|nan|ERR value is not a valid float", "|' 1'|ERR value is not a valid float",
      "|'1 '|ERR value is not a valid float", "|1e5000|ERR value is not a valid float",
      "|1e-5000|ERR value is not a valid float", "|1e|ERR value is not a valid float",
      "|1e+|ERR value is not a valid float", "|.e5|ERR value is not a valid float",
      "|+-1|ERR value is not a valid float", "|0x|ERR value is not a valid float",
      "|1_0|ERR value is not a valid float", "|''|ERR value is not a valid float",
      "abc|1|ERR value is not a valid float", "1.5|abc|ERR value is not a valid float",
      "|inf|ERR increment would produce NaN or Infinity", "|-INF|ERR increment would produce NaN or Infinity",
      "|INFINITY|ERR increment would produce NaN or Infinity", "inf|-inf|ERR increment would produce NaN or Infinity",
      "1e4932|1e4932|ERR increment would produce NaN or Infinity",
      "0x1p16383|0x1p16383|ERR increment would produce NaN or Infinity"})
  void incrbyfloatErrors(String initial, String increment, String error) {
    if (initial != null) {
      h.cli("SET", "k", initial);
    }
    h.clearEffects();
    assertEquals("(error) " + error, h.cli("INCRBYFLOAT", "k", increment));
    assertEquals(initial == null ? "(nil)" : '"' + initial + '"', h.cli("GET", "k"));
    assertEquals(List.of(), h.effects());
  }

  @Test
  void incrbyfloatWrongType() {
    putList("l");
    assertEquals(WRONGTYPE, h.cli("INCRBYFLOAT", "l", "1"));
    assertEquals(WRONGTYPE, h.cli("INCRBYFLOAT", "l", "abc"));
  }

  // ---- LCS ---------------------------------------------------------------------------------

  @Test
  void lcsString() {
    h.cli("MSET", "key1", "ohmytext", "key2", "mynewtext");
    h.clearEffects();
    assertEquals("\"mytext\"", h.cli("LCS", "key1", "key2"));
    assertEquals("\"mytext\"", h.cli("LCS", "key1", "key2", "WITHMATCHLEN"));
    assertEquals("(integer) 6", h.cli("LCS", "key1", "key2", "LEN"));
    assertEquals("\"\"", h.cli("LCS", "key1", "nokey"));
    assertEquals("(integer) 0", h.cli("LCS", "nokey", "nokey2", "LEN"));
    assertEquals(List.of(), h.effects());
  }

  @Test
  void lcsIdxResp2() {
    h.cli("MSET", "key1", "ohmytext", "key2", "mynewtext");
    String expected = String.join("\n",
        "1) \"matches\"",
        "2) 1) 1) 1) (integer) 4",
        "         2) (integer) 7",
        "      2) 1) (integer) 5",
        "         2) (integer) 8",
        "   2) 1) 1) (integer) 2",
        "         2) (integer) 3",
        "      2) 1) (integer) 0",
        "         2) (integer) 1",
        "3) \"len\"",
        "4) (integer) 6");
    assertEquals(expected, h.cli("LCS", "key1", "key2", "IDX"));
    assertEquals(expected, h.cli("LCS", "key1", "key2", "MINMATCHLEN", "-5", "idx"));
    assertEquals("*4\r\n$7\r\nmatches\r\n*2\r\n"
        + "*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
        + "*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n"
        + "$3\r\nlen\r\n:6\r\n", h.wire("LCS", "key1", "key2", "IDX"));
  }

  @Test
  void lcsIdxMinMatchLenWithMatchLen() {
    h.cli("MSET", "key1", "ohmytext", "key2", "mynewtext");
    assertEquals(String.join("\n",
        "1) \"matches\"",
        "2) 1) 1) 1) (integer) 4",
        "         2) (integer) 7",
        "      2) 1) (integer) 5",
        "         2) (integer) 8",
        "      3) (integer) 4",
        "3) \"len\"",
        "4) (integer) 6"), h.cli("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"));
    assertEquals("1) \"matches\"\n2) (empty array)\n3) \"len\"\n4) (integer) 0", h.cli("LCS", "key1", "nokey", "IDX"));
  }

  @Test
  void lcsIdxResp3IsAMap() {
    h.cli("MSET", "key1", "ohmytext", "key2", "mynewtext");
    h.session.protocol(3);
    assertEquals("%2\r\n$7\r\nmatches\r\n*1\r\n"
        + "*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
        + "$3\r\nlen\r\n:6\r\n", h.wire("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"));
    assertEquals("%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", h.wire("LCS", "key1", "nokey", "IDX"));
    assertEquals("$6\r\nmytext\r\n", h.wire("LCS", "key1", "key2"));
  }

  @Test
  void lcsRangesTouchingTheStart() {
    h.cli("MSET", "a", "abcXdef", "b", "abcYdef");
    assertEquals("\"abcdef\"", h.cli("LCS", "a", "b"));
    assertEquals(String.join("\n",
        "1) \"matches\"",
        "2) 1) 1) 1) (integer) 4",
        "         2) (integer) 6",
        "      2) 1) (integer) 4",
        "         2) (integer) 6",
        "      3) (integer) 3",
        "   2) 1) 1) (integer) 0",
        "         2) (integer) 2",
        "      2) 1) (integer) 0",
        "         2) (integer) 2",
        "      3) (integer) 3",
        "3) \"len\"",
        "4) (integer) 6"), h.cli("LCS", "a", "b", "IDX", "WITHMATCHLEN"));
  }

  @Test
  void lcsErrors() {
    h.cli("MSET", "key1", "a", "key2", "b");
    assertEquals("(error) ERR If you want both the length and indexes, please just use IDX.",
        h.cli("LCS", "key1", "key2", "IDX", "LEN"));
    assertEquals("(error) ERR If you want both the length and indexes, please just use IDX.",
        h.cli("LCS", "key1", "key2", "LEN", "IDX"));
    assertEquals(SYNTAX, h.cli("LCS", "key1", "key2", "MINMATCHLEN"));
    assertEquals(SYNTAX, h.cli("LCS", "key1", "key2", "FOO"));
    assertEquals(NOT_INTEGER, h.cli("LCS", "key1", "key2", "MINMATCHLEN", "x"));
    putList("l");
    assertEquals("(error) ERR The specified keys must contain string values", h.cli("LCS", "key1", "l"));
    assertEquals("(error) ERR The specified keys must contain string values", h.cli("LCS", "l", "key1", "FOO"));
  }

  @Test
  void lcsTableLimit() {
    CommandHarness small = new CommandHarness(new CommandTable().register(new StringCommands(64)), 4, 16);
    small.cli("MSET", "a", "abc", "b", "abc");
    assertEquals("\"abc\"", small.cli("LCS", "a", "b"));
    small.cli("MSET", "a", "abcdefgh", "b", "abcdefgh");
    assertEquals("(error) ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        small.cli("LCS", "a", "b"));
  }

  private static List<String> sorted(List<String> lines) {
    List<String> copy = new ArrayList<>(lines);
    copy.sort(null);
    return copy;
  }
}
