package io.redgrid.command.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.protocol.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FUNCTION LOAD / DELETE / FLUSH / LIST / DUMP / RESTORE / STATS / KILL against the texts and
 * shapes Redis 7.0.15 gives (taken from a real redis-server side by side).
 */
class FunctionCommandsTest {
  private final CommandHarness h = new CommandHarness();

  private static final String BODY = "\nredis.register_function('f1', function() return 1 end)";

  private String load(String code) {
    return h.cli("FUNCTION", "LOAD", code);
  }

  @Test
  void headerErrorsAsRedis() {
    assertEquals("(error) ERR Missing library metadata", load("no header"));
    assertEquals("(error) ERR Missing library metadata", load(" #!lua name=d\n"));
    assertEquals("(error) ERR Invalid library metadata", load("#!lua name=d"));
    assertEquals("(error) ERR Invalid library metadata", load("#!lua name=\"d" + BODY));
    assertEquals("(error) ERR Library name was not given", load("#!lua" + BODY));
    assertEquals("(error) ERR Library name was not given", load("#!" + BODY));
    String badName = "(error) ERR Library names can only contain letters, numbers, or underscores(_) "
        + "and must be at least one character long";
    assertEquals(badName, load("#!lua name=" + BODY));
    assertEquals(badName, load("#!lua name=a-b" + BODY));
    assertEquals(badName, load("#!lua name=\"d e\"" + BODY));
    assertEquals(badName, load("#!luax name=a-b" + BODY));
    assertEquals("(error) ERR Invalid metadata value, name argument was given multiple times",
        load("#!lua name=a NAME=b" + BODY));
    assertEquals("(error) ERR Invalid metadata value given: foo=bar", load("#!lua foo=bar" + BODY));
    assertEquals("(error) ERR Invalid metadata value given: x", load("#!lua name=d x" + BODY));
    assertEquals("(error) ERR Invalid metadata value given: lua", load("#! lua name=ll" + BODY));
    assertEquals("(error) ERR Engine 'luax' not found", load("#!luax name=d" + BODY));
    assertEquals("(error) ERR Engine 'js' not found", load("#!js name=d" + BODY));
    assertEquals("\"dd\"", load("#!Lua name=dd" + BODY));
    assertEquals("\"ee\"", load("#!LUA  name=ee  \r\nredis.register_function('f2', function() end)"));
  }

  @Test
  void loadErrorsAsRedis() {
    assertEquals("(error) ERR No functions registered", load("#!lua name=d\n"));
    assertEquals("(error) ERR No functions registered", load("#!lua name=d\nreturn 1"));
    assertEquals("(error) ERR Error compiling function: user_function:2: '<name>' expected near '<eof>'",
        load("#!lua name=d\nfunction"));
    assertEquals("(error) ERR Error compiling function: user_function:3: '=' expected near '<eof>'",
        load("#!lua name=d\nlocal y = 1 \n error"));
    String registering = "(error) ERR Error registering functions: ";
    assertEquals(registering + "ERR user_function:2: Script attempted to access nonexistent global variable 'string'",
        load("#!lua name=d\nlocal s = string.format('%d', 1)"));
    assertEquals(registering + "ERR user_function:2: Script attempted to access nonexistent global variable 'call'",
        load("#!lua name=d\nredis.call('ping')"));
    assertEquals(registering + "ERR user_function:2: Script attempted to access nonexistent global variable 'setresp'",
        load("#!lua name=d\nlocal x = redis.setresp"));
    assertEquals(registering + "ERR user_function:2: Script attempted to access nonexistent global variable 'pairs'",
        load("#!lua name=d\nfor k in pairs(redis) do end"));
    assertEquals(registering + "ERR user_function:2: Script attempted to access nonexistent global variable '_G'",
        load("#!lua name=d\nlocal x = _G"));
    assertEquals(registering + "ERR user_function:2: Attempt to modify a readonly table", load("#!lua name=d\nx = 1"));
    assertEquals(registering + "ERR user_function:2: Attempt to modify a readonly table",
        load("#!lua name=d\nredis.foo = 1"));
    assertEquals(registering + "ERR user_function:2: attempt to perform arithmetic on a nil value",
        load("#!lua name=d\nlocal x = nil + 1"));
    assertEquals(registering + "ERR user_function:3: attempt to index local 'y' (a number value)",
        load("#!lua name=d\nlocal y = 1 \n local x = y.z"));
    assertEquals(registering + "ERR FUNCTION LOAD timeout", load("#!lua name=d\nwhile true do end"));
    assertEquals("(error) ERR Unknown option given: x", h.cli("FUNCTION", "LOAD", "x", "code"));
    assertEquals("(error) ERR wrong number of arguments for 'function|load' command", h.cli("FUNCTION", "LOAD"));
  }

  @Test
  void registerFunctionErrorsAsRedis() {
    String registering = "(error) ERR Error registering functions: ERR ";
    String rf = "#!lua name=d\nredis.register_function";
    assertEquals(registering + "Function already exists in the library",
        load(rf + "('x', function() end) " + rf.substring(13) + "('x', function() end)"));
    assertEquals(registering + "Library names can only contain letters, numbers, or underscores(_) and must be "
        + "at least one character long", load(rf + "('x-y', function() end)"));
    assertEquals(registering + "Library names can only contain letters, numbers, or underscores(_) and must be "
        + "at least one character long", load(rf + "(1.5, function() end)"));
    assertEquals(registering + "calling redis.register_function with a single argument is only applicable to Lua "
        + "table (representing named arguments).", load(rf + "('x')"));
    assertEquals(registering + "second argument to redis.register_function must be a function", load(rf + "('x', 1)"));
    assertEquals(registering + "wrong number of arguments to redis.register_function", load(rf + "()"));
    assertEquals(registering + "wrong number of arguments to redis.register_function",
        load(rf + "('x', function() end, 3)"));
    assertEquals(registering + "first argument to redis.register_function must be a string",
        load(rf + "({function_name='x', callback=function() end}, 2)"));
    assertEquals(registering + "first argument to redis.register_function must be a string",
        load(rf + "(nil, function() end)"));
    assertEquals(registering + "unknown flag given",
        load(rf + "{function_name='x', callback=function() end, flags={'no-writes', 'foo'}}"));
    assertEquals(registering + "unknown flag given", load(rf + "{function_name='x', callback=function() end, flags={1}}"));
    assertEquals(registering + "flags argument to redis.register_function must be a table representing function flags",
        load(rf + "{function_name='x', callback=function() end, flags='no-writes'}"));
    assertEquals(registering + "unknown argument given to redis.register_function",
        load(rf + "{function_name='x', callback=function() end, foo=3}"));
    assertEquals(registering + "unknown argument given to redis.register_function",
        load(rf + "{[1]='x', callback=function() end}"));
    assertEquals(registering + "redis.register_function must get a callback argument", load(rf + "{function_name='x'}"));
    assertEquals(registering + "redis.register_function must get a function name argument",
        load(rf + "{callback=function() end}"));
    assertEquals(registering + "callback argument given to redis.register_function must be a function",
        load(rf + "{function_name='x', callback=1}"));
    assertEquals(registering + "function_name argument given to redis.register_function must be a string",
        load(rf + "{function_name={}, callback=function() end}"));
    assertEquals(registering + "redis.log() requires two arguments or more.", load("#!lua name=d\nredis.log(1)"));
    assertEquals(registering + "Invalid debug level.", load("#!lua name=d\nredis.log(99, 'x')"));
    assertEquals(registering + "First argument must be a number (log level).", load("#!lua name=d\nredis.log('x', 'x')"));
    assertEquals(0, h.functions.libraryCount());
  }

  @Test
  void registerFunctionFormsAndFlags() {
    assertEquals("\"d\"", load("#!lua name=d\n"
        + "redis.log(redis.LOG_WARNING, 'loading', redis.REDIS_VERSION, redis.REDIS_VERSION_NUM)\n"
        + "redis.register_function{function_name='x', callback=function() end, "
        + "flags={'NO-WRITES', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys', 'no-writes'}, "
        + "description='desc'}\n"
        + "redis.register_function{function_name=1, callback=function() end, description=3, flags={[2]='no-writes'}}\n"
        + "local f = function() end redis.register_function('F', f) redis.register_function('f', f)"));
    assertEquals("1) 1) \"library_name\"\n   2) \"d\"\n   3) \"engine\"\n   4) \"LUA\"\n   5) \"functions\"\n"
        + "   6) 1) 1) \"name\"\n         2) \"x\"\n         3) \"description\"\n         4) \"desc\"\n"
        + "         5) \"flags\"\n         6) 1) no-writes\n            2) allow-oom\n            3) allow-stale\n"
        + "            4) no-cluster\n            5) allow-cross-slot-keys\n"
        + "      2) 1) \"name\"\n         2) \"1\"\n         3) \"description\"\n         4) \"3\"\n"
        + "         5) \"flags\"\n         6) (empty array)\n"
        + "      3) 1) \"name\"\n         2) \"F\"\n         3) \"description\"\n         4) (nil)\n"
        + "         5) \"flags\"\n         6) (empty array)\n"
        + "      4) 1) \"name\"\n         2) \"f\"\n         3) \"description\"\n         4) (nil)\n"
        + "         5) \"flags\"\n         6) (empty array)", h.cli("FUNCTION", "LIST"));
    assertEquals(4, h.functions.functionCount());
  }

  @Test
  void libraryAndFunctionClashes() {
    assertEquals("\"a\"", load("#!lua name=a\nredis.register_function('fa', function() return 1 end)"));
    assertEquals("(error) ERR Library 'a' already exists",
        load("#!lua name=a\nredis.register_function('fb', function() end)"));
    assertEquals("(error) ERR Function fa already exists",
        load("#!lua name=b\nredis.register_function('fa', function() end)"));
    assertEquals("\"a\"", h.cli("FUNCTION", "LOAD", "REPLACE", "#!lua name=a\nredis.register_function('fa2', function() end)"));
    assertEquals("\"b\"", load("#!lua name=b\nredis.register_function('fa', function() end)"));
    // REPLACE keeps the old library when the new one fails
    assertEquals("(error) ERR Function fa already exists", h.cli("FUNCTION", "LOAD", "replace",
        "#!lua name=a\nredis.register_function('fa', function() end)"));
    assertEquals("(error) ERR No functions registered", h.cli("FUNCTION", "LOAD", "REPLACE", "#!lua name=a\n"));
    assertEquals("fa2", h.functions.function("fa2").name());
    assertEquals(2, h.functions.libraryCount());
  }

  @Test
  void deleteFlushAndListOptions() {
    load("#!lua name=lib1\nredis.register_function('f1', function() end)");
    load("#!lua name=other\nredis.register_function('f2', function() end)");
    assertEquals("(error) ERR Library not found", h.cli("FUNCTION", "DELETE", "x"));
    assertEquals("(error) ERR library name argument was not given", h.cli("FUNCTION", "LIST", "LIBRARYNAME"));
    assertEquals("(error) ERR Unknown argument WITHCODE", h.cli("FUNCTION", "LIST", "WITHCODE", "WITHCODE"));
    assertEquals("(error) ERR Unknown argument foo", h.cli("FUNCTION", "LIST", "foo"));
    assertEquals("(error) ERR Unknown argument LIBRARYNAME",
        h.cli("FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"));
    assertEquals("(empty array)", h.cli("FUNCTION", "LIST", "LIBRARYNAME", "nomatch"));
    String lib1 = h.cli("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "LI*");
    assertTrue(lib1.contains("\"lib1\"") && !lib1.contains("other"), lib1);
    assertTrue(lib1.endsWith("7) \"library_code\"\n   8) \"#!lua name=lib1\nredis.register_function('f1', function() end)\""), lib1);
    assertEquals("OK", h.cli("FUNCTION", "DELETE", "lib1"));
    assertEquals(null, h.functions.function("f1"));
    assertEquals("(error) ERR FUNCTION FLUSH only supports SYNC|ASYNC option", h.cli("FUNCTION", "FLUSH", "x"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP.",
        h.cli("FUNCTION", "flush", "sync", "x"));
    assertEquals("(error) ERR unknown subcommand or wrong number of arguments for 'restore'. Try FUNCTION HELP.",
        h.cli("FUNCTION", "restore", "x", "y", "z"));
    assertEquals("(error) ERR Missing library metadata", h.cli("FUNCTION", "LOAD", "replace", "replace"));
    assertEquals("(error) ERR unknown subcommand 'foo'. Try FUNCTION HELP.", h.cli("FUNCTION", "foo"));
    assertTrue(h.cli("FUNCTION", "HELP").startsWith("1) FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\n2) LOAD [REPLACE] <FUNCTION CODE>"));
    assertEquals("OK", h.cli("FUNCTION", "FLUSH", "async"));
    assertEquals("(empty array)", h.cli("FUNCTION", "LIST"));
    assertEquals("(error) ERR wrong number of arguments for 'function|dump' command", h.cli("FUNCTION", "DUMP", "x"));
    assertEquals("(error) ERR wrong number of arguments for 'function|stats' command", h.cli("FUNCTION", "STATS", "x"));
    assertEquals("(error) NOTBUSY No scripts in execution right now.", h.cli("FUNCTION", "KILL"));
  }

  @Test
  void changesArePersistedAsSentOnShardZero() {
    load("#!lua name=a\nredis.register_function('fa', function() end)");
    h.cli("FUNCTION", "DELETE", "nothere");
    h.cli("FUNCTION", "DELETE", "a");
    h.cli("FUNCTION", "FLUSH", "SYNC");
    assertEquals(List.of("FUNCTION LOAD #!lua name=a\nredis.register_function('fa', function() end)",
        "FUNCTION DELETE a", "FUNCTION FLUSH SYNC"), h.effects());
    h.clearEffects();
    load("#!lua name=b\nredis.register_function('fb', function() end)");
    // recorded on shard 0 only: the first line of effects() is shard 0's
    assertEquals(1, h.effects().size());
  }

  @Test
  void replayingTheEffectsRebuildsTheSameLibraries() {
    load("#!lua name=a\nredis.register_function('fa', function() end)");
    load("#!lua name=b\nredis.register_function('fb', function() end)");
    byte[] payload = ((Reply.Bulk) h.run("FUNCTION", "DUMP")).value();
    h.cli("FUNCTION", "LOAD", "REPLACE", "#!lua name=a\nredis.register_function('fa2', function() end)");
    h.cli("FUNCTION", "DELETE", "b");
    load("#!lua name=c\nredis.register_function('fc', function() end)");
    assertEquals("OK", restore(payload, "REPLACE")); // a back to fa, b again, c kept
    h.cli("FUNCTION", "LOAD", "#!lua name=a\nredis.register_function('x', function() end)"); // fails: not persisted
    CommandHarness replayed = h.replayed();
    assertEquals(codes(h), codes(replayed));
    assertEquals(List.of("a", "b", "c"), codes(replayed).stream().map(code -> code.substring(11, 12)).sorted().toList());
    assertEquals("a", replayed.functions.function("fa").library());
  }

  private static List<String> codes(CommandHarness harness) {
    return harness.functions.codes().stream().map(String::new).sorted().toList();
  }

  @Test
  void statsShapesInBothProtocols() {
    load("#!lua name=lib1\nredis.register_function('f1', function() end) redis.register_function('f2', function() end)");
    assertEquals("*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n"
        + "$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:2\r\n", h.wire("FUNCTION", "STATS"));
    h.session.protocol(3);
    assertEquals("%2\r\n$14\r\nrunning_script\r\n_\r\n$7\r\nengines\r\n%1\r\n$3\r\nLUA\r\n%2\r\n"
        + "$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:2\r\n", h.wire("FUNCTION", "STATS"));
  }

  @Test
  void listInResp3HasSetsAndNulls() {
    load("#!lua name=lib1\nredis.register_function{function_name='f1', callback=function() return 1 end, "
        + "flags={'no-writes'}, description='d1'}");
    h.session.protocol(3);
    assertEquals("*1\r\n%3\r\n$12\r\nlibrary_name\r\n$4\r\nlib1\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n"
        + "*1\r\n%3\r\n$4\r\nname\r\n$2\r\nf1\r\n$11\r\ndescription\r\n$2\r\nd1\r\n$5\r\nflags\r\n~1\r\n+no-writes\r\n",
        h.wire("FUNCTION", "LIST"));
  }

  @Test
  void dumpAndRestorePolicies() {
    load("#!lua name=a\nredis.register_function('fa', function() end)");
    load("#!lua name=b\nredis.register_function('fb', function() end)");
    byte[] payload = ((Reply.Bulk) h.run("FUNCTION", "DUMP")).value();
    assertEquals((byte) 245, payload[0]);
    assertEquals("(error) ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
        h.cli("FUNCTION", "RESTORE", "x", "y"));
    assertEquals("(error) ERR DUMP payload version or checksum are wrong", h.cli("FUNCTION", "RESTORE", "x"));
    assertEquals("(error) ERR Library a already exists", restore(payload));
    assertEquals("(error) ERR Library a already exists", restore(payload, "APPEND"));
    assertEquals("OK", restore(payload, "REPLACE"));
    assertEquals("OK", h.cli("FUNCTION", "DELETE", "b"));
    load("#!lua name=c\nredis.register_function('fb', function() end)");
    assertEquals("(error) ERR Function fb already exists", restore(payload, "REPLACE"));
    assertEquals(2, h.functions.libraryCount());
    assertEquals("c", h.functions.function("fb").library());
    assertEquals("OK", restore(payload, "FLUSH"));
    assertEquals("b", h.functions.function("fb").library());
    assertEquals(null, h.functions.function("fc"));
    assertArrayEquals(payload, ((Reply.Bulk) h.run("FUNCTION", "DUMP")).value());
    // a key's DUMP is not a functions payload
    h.cli("SET", "k", "v");
    byte[] keyDump = ((Reply.Bulk) h.run("DUMP", "k")).value();
    assertEquals("(error) ERR given type is not a function", restore(keyDump));
    assertEquals("OK", h.cli("FUNCTION", "FLUSH"));
    assertEquals("OK", restore(payload));
    assertEquals(2, h.functions.libraryCount());
  }

  @Test
  void preReleasePayloadsAreTranslatedAsRedis() {
    byte[] blob = "redis.register_function('pg', function() return 1 end)".getBytes();
    byte[] record = concat(new byte[] {(byte) 246}, string("pg".getBytes()), string("LUA".getBytes()),
        new byte[] {1}, string("desc".getBytes()), string(blob));
    assertEquals("OK", restore(withFooter(record)));
    assertEquals("#!LUA name=pg\nredis.register_function('pg', function() return 1 end)",
        new String(h.functions.libraries().get(0).code()));
    assertEquals("(error) ERR Failed loading library name", restore(withFooter(new byte[] {(byte) 246})));
    assertEquals("(error) ERR Failed loading engine name",
        restore(withFooter(concat(new byte[] {(byte) 246}, string("pg".getBytes())))));
  }

  private static byte[] string(byte[] bytes) {
    return concat(new byte[] {(byte) bytes.length}, bytes); // short strings: 6-bit length
  }

  private static byte[] withFooter(byte[] body) {
    byte[] withVersion = concat(body, new byte[] {10, 0});
    long crc = io.redgrid.rdb.Crc64.update(0, withVersion, 0, withVersion.length);
    byte[] footer = new byte[8];
    for (int i = 0; i < 8; i++) {
      footer[i] = (byte) (crc >>> (8 * i));
    }
    return concat(withVersion, footer);
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private String restore(byte[] payload, String... policy) {
    byte[][] argv = new byte[3 + policy.length][];
    argv[0] = "FUNCTION".getBytes();
    argv[1] = "RESTORE".getBytes();
    argv[2] = payload;
    for (int i = 0; i < policy.length; i++) {
      argv[3 + i] = policy[i].getBytes();
    }
    return CommandHarness.render(h.run(argv), "");
  }

  @Test
  void commandInfoAsRedis() {
    String info = h.cli("COMMAND", "INFO", "function");
    assertTrue(info.startsWith("1) 1) \"function\"\n   2) (integer) -2\n   3) (empty array)\n   4) (integer) 0\n"
        + "   5) (integer) 0\n   6) (integer) 0\n   7) 1) @slow"), info);
    String load = h.cli("COMMAND", "INFO", "function|load");
    assertTrue(load.startsWith("1) 1) \"function|load\"\n   2) (integer) -3\n   3) 1) write\n      2) denyoom\n"
        + "      3) noscript\n   4) (integer) 0\n   5) (integer) 0\n   6) (integer) 0\n   7) 1) @write\n"
        + "      2) @slow\n      3) @scripting\n   8) 1) \"request_policy:all_shards\"\n"
        + "      2) \"response_policy:all_succeeded\""), load);
  }
}
