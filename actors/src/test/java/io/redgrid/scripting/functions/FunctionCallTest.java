package io.redgrid.scripting.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * FCALL / FCALL_RO on the script engine: arguments, flags, errors and replies as Redis 7.0.15
 * gives them (taken side by side from a real redis-server).
 */
class FunctionCallTest {
  private final CommandHarness h = new CommandHarness();

  FunctionCallTest() {
    h.scripts(); // the script thread, which FCALL needs
  }

  private static final String LIBRARY = "#!lua name=t\n"
      + "redis.register_function('keysargs', function(keys, args) return {#keys, #args, keys[1], args[1]} end)\n"
      + "redis.register_function('globals', function(keys, args) return {KEYS ~= nil, ARGV ~= nil} end)\n"
      + "redis.register_function('err', function() return nil + 1 end)\n"
      + "redis.register_function('err2', function() return redis.call('nope') end)\n"
      + "redis.register_function('err3', function() error('boom') end)\n"
      + "redis.register_function('err4', function() error({err='MY custom'}) end)\n"
      + "redis.register_function('w', function(keys) return redis.call('set', keys[1], 'v') end)\n"
      + "redis.register_function{function_name='ro', callback=function(keys) return redis.call('set', keys[1], 'v') end, flags={'no-writes'}}\n"
      + "redis.register_function{function_name='ro2', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}\n"
      + "redis.register_function('setg', function() x = 1 end)\n"
      + "redis.register_function('getg', function() return y end)\n"
      + "redis.register_function('reg', function() redis.register_function('a', function() end) end)\n"
      + "redis.register_function('incr', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n"
      + "redis.register_function('sel', function() return redis.call('select', 1) end)\n"
      + "redis.register_function('libs', function() return {math.floor(2.5), string.format('%d', 7), "
      + "cjson.encode({1, 2}), bit.band(7, 3)} end)\n"
      + "redis.register_function('evalonly', function() return {type(redis.breakpoint), type(redis.debug), "
      + "type(redis.replicate_commands), type(redis.set_repl), type(redis.setresp), type(redis.sha1hex)} end)";

  @AfterEach
  void stop() {
    h.close();
  }

  private void load() {
    assertEquals("\"t\"", h.cli("FUNCTION", "LOAD", LIBRARY));
  }

  @Test
  void keysAndArgsArriveAsArgumentsNotGlobals() {
    load();
    assertEquals("1) (integer) 1\n2) (integer) 1\n3) \"k\"\n4) \"a\"", h.cli("FCALL", "keysargs", "1", "k", "a"));
    assertEquals("(error) ERR user_function:3: Script attempted to access nonexistent global variable 'KEYS' "
        + "script: globals, on @user_function:3.", h.cli("FCALL", "globals", "0"));
    assertEquals("1) (integer) 2\n2) \"7\"\n3) \"[1,2]\"\n4) (integer) 3", h.cli("FCALL", "libs", "0"));
    // as Redis 7.0: breakpoint, debug and replicate_commands are EVAL's only
    assertEquals("1) \"nil\"\n2) \"nil\"\n3) \"nil\"\n4) \"function\"\n5) \"function\"\n6) \"function\"",
        h.cli("FCALL", "evalonly", "0"));
  }

  @Test
  void errorsAsRedis() {
    load();
    assertEquals("(error) ERR user_function:4: attempt to perform arithmetic on a nil value script: err, on @user_function:4.",
        h.cli("FCALL", "err", "0"));
    assertEquals("(error) ERR Unknown Redis command called from script script: err2, on @user_function:5.",
        h.cli("FCALL", "err2", "0"));
    assertEquals("(error) ERR user_function:6: boom script: err3, on @user_function:6.", h.cli("FCALL", "err3", "0"));
    assertEquals("(error) MY custom script: err4, on @user_function:7.", h.cli("FCALL", "err4", "0"));
    assertEquals("(error) ERR user_function:11: Attempt to modify a readonly table script: setg, on @user_function:11.",
        h.cli("FCALL", "setg", "0"));
    assertEquals("(error) ERR user_function:12: Script attempted to access nonexistent global variable 'y' "
        + "script: getg, on @user_function:12.", h.cli("FCALL", "getg", "0"));
    assertEquals("(error) ERR user_function:13: attempt to call field 'register_function' (a nil value) "
        + "script: reg, on @user_function:13.", h.cli("FCALL", "reg", "0"));
    assertEquals("(error) ERR Function not found", h.cli("FCALL", "nope", "0"));
    assertEquals("(error) ERR Function not found", h.cli("FCALL", "nope", "x"));
    assertEquals("(error) ERR Function not found", h.cli("FCALL_RO", "nope", "0"));
    assertEquals("(error) ERR Bad number of keys provided", h.cli("FCALL", "w", "x"));
    assertEquals("(error) ERR Number of keys can't be negative", h.cli("FCALL", "w", "-1"));
    assertEquals("(error) ERR Number of keys can't be greater than number of args", h.cli("FCALL", "w", "5", "k"));
    assertEquals("(error) ERR wrong number of arguments for 'fcall' command", h.cli("FCALL", "w"));
    assertEquals("(error) ERR wrong number of arguments for 'fcall_ro' command", h.cli("FCALL_RO", "w"));
    assertEquals("(error) ERR This Redis command is not allowed from script script: "
        + "b6aa53e544919ead2b0546af5a54c3ab1bfda720, on @user_script:1.",
        h.cli("EVAL", "return redis.call(\"fcall\", \"w\", 1, \"k\")", "0"));
  }

  @Test
  void writeFlagsAndReadOnlyCalls() {
    load();
    assertEquals("OK", h.cli("FCALL", "w", "1", "k"));
    assertEquals("(error) ERR Write commands are not allowed from read-only scripts. script: ro, on @user_function:9.",
        h.cli("FCALL", "ro", "1", "k"));
    assertEquals("(error) ERR Write commands are not allowed from read-only scripts. script: ro, on @user_function:9.",
        h.cli("FCALL_RO", "ro", "1", "k"));
    assertEquals("(error) ERR Can not execute a script with write flag using *_ro command.",
        h.cli("FCALL_RO", "w", "1", "k"));
    assertEquals("\"v\"", h.cli("FCALL_RO", "ro2", "1", "k"));
    assertEquals("OK", h.cli("FCALL", "sel", "0"));
    assertEquals(0, h.session.db()); // SELECT inside a function changes the function's db only
  }

  @Test
  void writesArePersistedAsTheirEffects() {
    load();
    h.clearEffects();
    assertEquals("(integer) 5", h.cli("FCALL", "incr", "1", "counter", "5"));
    assertEquals("(integer) 7", h.cli("FCALL", "incr", "1", "counter", "2"));
    assertEquals(List.of("INCRBY counter 5", "INCRBY counter 2"), h.effects());
  }

  @Test
  void oomRefusesWritingFunctionsWithoutAllowOom() {
    assertEquals("\"m\"", h.cli("FUNCTION", "LOAD", "#!lua name=m\n"
        + "redis.register_function('w', function(keys) return redis.call('set', keys[1], 'v') end)\n"
        + "redis.register_function{function_name='oomok', callback=function(keys) return redis.call('set', keys[1], 'v') end, flags={'allow-oom'}}\n"
        + "redis.register_function{function_name='r', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}"));
    h.cli("SET", "big", "x".repeat(10_000));
    assertEquals("OK", h.cli("CONFIG", "SET", "maxmemory", "1"));
    assertEquals("(error) OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'",
        h.cli("FCALL", "w", "1", "k"));
    assertEquals("(nil)", h.cli("FCALL", "r", "1", "k"));
    assertEquals("OK", h.cli("FCALL", "oomok", "1", "k"));
  }

  @Test
  void commandInfoAsRedis() {
    String flags = "   3) 1) noscript\n      2) stale\n      3) skip_monitor\n      4) no_mandatory_keys\n"
        + "      5) movablekeys\n   4) (integer) 0\n   5) (integer) 0\n   6) (integer) 0\n"
        + "   7) 1) @slow\n      2) @scripting";
    assertTrue(h.cli("COMMAND", "INFO", "fcall").startsWith("1) 1) \"fcall\"\n   2) (integer) -3\n" + flags),
        h.cli("COMMAND", "INFO", "fcall"));
    String readOnly = h.cli("COMMAND", "INFO", "fcall_ro");
    assertTrue(readOnly.startsWith("1) 1) \"fcall_ro\"\n   2) (integer) -3\n   3) 1) readonly\n      2) noscript\n"),
        readOnly);
    assertEquals("1) \"a\"\n2) \"b\"", h.cli("COMMAND", "GETKEYS", "FCALL", "f", "2", "a", "b", "arg"));
  }

  @Test
  void statsAndKillWhenNothingRuns() {
    load();
    assertTrue(h.cli("FUNCTION", "STATS").startsWith("1) \"running_script\"\n2) (nil)\n"));
    assertEquals("(error) NOTBUSY No scripts in execution right now.", h.cli("FUNCTION", "KILL"));
  }
}
