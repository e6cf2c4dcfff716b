package io.redgrid.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandHarness;
import io.redgrid.protocol.Reply;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScriptCommandsTest {
  private final CommandHarness redis = new CommandHarness();

  /** A tiny fluent check on a reply's text, in the words of the assertions below. */
  record Text(Object actual) {
    void isEqualTo(Object expected) {
      assertEquals(expected, actual);
    }

    void startsWith(String prefix) {
      assertTrue(String.valueOf(actual).startsWith(prefix), () -> actual + " should start with " + prefix);
    }

    void endsWith(String suffix) {
      assertTrue(String.valueOf(actual).endsWith(suffix), () -> actual + " should end with " + suffix);
    }

    void contains(String part) {
      assertTrue(String.valueOf(actual).contains(part), () -> actual + " should contain " + part);
    }
  }

  static Text assertThat(Object actual) {
    return new Text(actual);
  }

  @AfterEach
  void stop() {
    redis.close();
  }

  private String eval(String script, String... rest) {
    String[] args = new String[rest.length + 2];
    args[0] = "eval";
    args[1] = script;
    System.arraycopy(rest, 0, args, 2, rest.length);
    return redis.cli(args);
  }

  @Test
  void conversionsFromLuaToRedisAsRedis70() {
    assertThat(eval("return 3.99", "0")).isEqualTo("(integer) 3");
    assertThat(eval("return -3.7", "0")).isEqualTo("(integer) -3");
    assertThat(eval("return 1e20", "0")).isEqualTo("(integer) -9223372036854775808");
    assertThat(eval("return '12'", "0")).isEqualTo("\"12\"");
    assertThat(eval("return true", "0")).isEqualTo("(integer) 1");
    assertThat(eval("return false", "0")).isEqualTo("(nil)");
    assertThat(eval("return nil", "0")).isEqualTo("(nil)");
    assertThat(eval("return {1,2,nil,3}", "0")).isEqualTo("1) (integer) 1\n2) (integer) 2");
    assertThat(eval("return {ok='fine'}", "0")).isEqualTo("fine");
    assertThat(eval("return {err='xx'}", "0")).isEqualTo("(error) xx");
    assertThat(eval("return {err=12}", "0")).isEqualTo("(empty array)");
    assertThat(eval("return {KEYS[1],ARGV[1],#KEYS,#ARGV}", "1", "a", "b"))
        .isEqualTo("1) \"a\"\n2) \"b\"\n3) (integer) 1\n4) (integer) 1");
  }

  @Test
  void redisCallRunsCommandsAndConvertsReplies() {
    assertThat(eval("redis.call('set','x','y') ; return redis.call('get','x')", "0")).isEqualTo("\"y\"");
    assertThat(eval("return redis.call('get','nokey')", "0")).isEqualTo("(nil)");
    assertThat(eval("return type(redis.call('get','nokey'))", "0")).isEqualTo("\"boolean\"");
    assertThat(eval("return redis.call('ping')", "0")).isEqualTo("PONG");
    assertThat(eval("redis.call('set','bin','a\\0\\200b') return redis.call('get','bin') == 'a\\0\\200b'", "0"))
        .isEqualTo("(integer) 1");
    assertThat(redis.run("strlen", "bin").toString()).contains("4");
  }

  @Test
  void errorsHaveRedis70Texts() {
    redis.run("set", "s", "a");
    String sha = LuaEngine.sha1Hex("return redis.call('incr','s')".getBytes());
    assertThat(eval("return redis.call('incr','s')", "0")).isEqualTo(
        "(error) ERR value is not an integer or out of range script: " + sha + ", on @user_script:1.");
    assertThat(eval("return 1+nil", "0")).startsWith(
        "(error) ERR user_script:1: attempt to perform arithmetic on a nil value script: ");
    assertThat(eval("return y", "0")).startsWith(
        "(error) ERR user_script:1: Script attempted to access nonexistent global variable 'y' script: ");
    assertThat(eval("x=1", "0")).startsWith("(error) ERR user_script:1: Attempt to modify a readonly table script: ");
    assertThat(eval("redis.call=1", "0")).startsWith("(error) ERR user_script:1: Attempt to modify a readonly table script: ");
    assertThat(eval("string.foo=1", "0")).startsWith("(error) ERR user_script:1: Attempt to modify a readonly table script: ");
    assertThat(eval("rawset(_G,'a',1) return a", "0")).startsWith("(error) ERR Attempt to modify a readonly table script: ");
    assertThat(eval("return os", "0")).contains("nonexistent global variable 'os'");
    assertThat(eval("return debug", "0")).contains("nonexistent global variable 'debug'");
    assertThat(eval("return loadfile", "0")).contains("nonexistent global variable 'loadfile'");
    assertThat(eval("error('boo')", "0")).startsWith("(error) ERR user_script:1: boo script: ");
    assertThat(eval("error({err='MY boo'})", "0")).startsWith("(error) MY boo script: ");
    assertThat(eval("local a = 1\nreturn redis.call('incr','s')", "0")).endsWith("on @user_script:2.");
    assertThat(eval("return redis.call('nosuch')", "0")).startsWith(
        "(error) ERR Unknown Redis command called from script script: ");
    assertThat(eval("return redis.call('multi')", "0")).startsWith(
        "(error) ERR This Redis command is not allowed from script script: ");
    assertThat(eval("return redis.call('get')", "0")).startsWith(
        "(error) ERR Wrong number of args calling Redis command from script script: ");
    assertThat(eval("return redis.call()", "0")).startsWith(
        "(error) ERR Please specify at least one argument for this redis lib call script: ");
    assertThat(eval("return redis.call({})", "0")).startsWith(
        "(error) ERR Lua redis lib command arguments must be strings or integers script: ");
    assertThat(eval("return redis.pcall('nosuch')", "0")).isEqualTo("(error) ERR Unknown Redis command called from script");
    assertThat(eval("return 'a' +", "0")).isEqualTo(
        "(error) ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'");
    assertThat(eval("return redis.error_reply('E1')", "0")).isEqualTo("(error) ERR E1");
    assertThat(eval("return redis.error_reply('-E1 x')", "0")).isEqualTo("(error) E1 x");
    assertThat(eval("return redis.error_reply(12)", "0")).isEqualTo("(error) ERR wrong number or type of arguments");
    assertThat(eval("return redis.status_reply('S')", "0")).isEqualTo("S");
    assertThat(eval("error(nil)", "0")).startsWith("(error) ERR nil script: ");
  }

  @Test
  void redisApiFunctions() {
    assertThat(eval("return redis.sha1hex('')", "0")).isEqualTo("\"da39a3ee5e6b4b0d3255bfef95601890afd80709\"");
    assertThat(eval("return redis.REDIS_VERSION .. ' ' .. redis.REDIS_VERSION_NUM", "0")).isEqualTo("\"7.0.15 458767\"");
    assertThat(eval("return redis.setresp(4)", "0")).startsWith("(error) ERR RESP version must be 2 or 3. script: ");
    assertThat(eval("return tostring(redis.LOG_DEBUG)..redis.LOG_VERBOSE..redis.LOG_NOTICE..redis.LOG_WARNING"
        + "..redis.REPL_NONE..redis.REPL_AOF..redis.REPL_SLAVE..redis.REPL_REPLICA..redis.REPL_ALL", "0"))
        .isEqualTo("\"012301223\"");
    assertThat(eval("return redis.replicate_commands()", "0")).isEqualTo("(integer) 1");
    assertThat(eval("return redis.set_repl(redis.REPL_ALL)", "0")).isEqualTo("(nil)");
    assertThat(eval("return redis.log(redis.LOG_WARNING,'hi')", "0")).isEqualTo("(nil)");
    assertThat(eval("return redis.breakpoint()", "0")).isEqualTo("(nil)");
    assertThat(eval("return redis.debug('x')", "0")).isEqualTo("(nil)");
    assertThat(eval("return redis.acl_check_cmd('get','a')", "0")).isEqualTo("(integer) 1");
    assertThat(eval("return redis.acl_check_cmd('nosuch')", "0")).startsWith(
        "(error) ERR Invalid command passed to redis.acl_check_cmd() script: ");
  }

  @Test
  void resp3ConversionsAfterSetresp() {
    redis.run("hset", "h", "f", "v");
    assertThat(eval("redis.setresp(3) local m = redis.call('hgetall','h') return m.map.f", "0")).isEqualTo("\"v\"");
    assertThat(eval("redis.setresp(3) return redis.call('get','nokey') == nil", "0")).isEqualTo("(true)");
    assertThat(eval("local m = redis.call('hgetall','h') return m", "0")).isEqualTo("1) \"f\"\n2) \"v\"");
    assertThat(redis.wire("eval", "return {double=3.5}", "0")).isEqualTo("$3\r\n3.5\r\n");
    assertThat(redis.wire("eval", "redis.setresp(3) return true", "0")).isEqualTo(":1\r\n");
  }

  @Test
  void evalshaScriptLoadExistsFlush() {
    String sha = LuaEngine.sha1Hex("return 1".getBytes());
    assertThat(redis.cli("evalsha", sha, "0")).isEqualTo("(error) NOSCRIPT No matching script. Please use EVAL.");
    assertThat(redis.cli("script", "load", "return 1")).isEqualTo("\"" + sha + "\"");
    assertThat(redis.cli("script", "exists", sha, "abc")).isEqualTo("1) (integer) 1\n2) (integer) 0");
    assertThat(redis.cli("evalsha", sha.toUpperCase(), "0")).isEqualTo("(integer) 1");
    assertThat(redis.cli("script", "flush", "bad")).isEqualTo("(error) ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    assertThat(redis.cli("script", "flush", "async")).isEqualTo("OK");
    assertThat(redis.cli("script", "exists", sha)).isEqualTo("1) (integer) 0");
    String evalSha = LuaEngine.sha1Hex("return 2".getBytes());
    eval("return 2", "0");
    assertThat(redis.cli("script", "exists", evalSha)).isEqualTo("1) (integer) 1");
    assertThat(redis.cli("script", "kill")).isEqualTo("(error) NOTBUSY No scripts in execution right now.");
  }

  @Test
  void numkeysErrors() {
    assertThat(redis.cli("eval", "x", "y")).isEqualTo("(error) ERR value is not an integer or out of range");
    assertThat(redis.cli("eval", "x", "-1")).isEqualTo("(error) ERR Number of keys can't be negative");
    assertThat(redis.cli("eval", "x", "2", "a")).isEqualTo("(error) ERR Number of keys can't be greater than number of args");
    assertThat(redis.cli("eval", "x")).isEqualTo("(error) ERR wrong number of arguments for 'eval' command");
    assertThat(redis.cli("command", "getkeys", "eval", "x", "2", "a", "b", "c")).isEqualTo("1) \"a\"\n2) \"b\"");
  }

  @Test
  void readOnlyScriptsRefuseWrites() {
    assertThat(redis.cli("eval_ro", "return redis.call('set','a','b')", "1", "a")).startsWith(
        "(error) ERR Write commands are not allowed from read-only scripts. script: ");
    assertThat(eval("#!lua flags=no-writes\nreturn redis.call('set','a','b')", "1", "a")).endsWith(
        "on @user_script:2.");
    assertThat(eval("#!lua flags=bad\nreturn 1", "0")).isEqualTo("(error) ERR Unexpected flag in script shebang: bad");
    assertThat(eval("#!luax\nreturn 1", "0")).isEqualTo("(error) ERR Unexpected engine in script shebang: #!luax");
    assertThat(eval("#!lua name=x\nreturn 1", "0")).isEqualTo("(error) ERR Unknown lua shebang option: name=x");
    assertThat(eval("#!lua", "0")).isEqualTo("(error) ERR Invalid script shebang");
    assertThat(eval("#!lua flags=no-cluster,allow-cross-slot-keys,allow-oom,allow-stale\nreturn 1", "0")).isEqualTo("(integer) 1");
    assertThat(eval("#!lua\nerror('x')", "0")).startsWith("(error) ERR user_script:2: x script: ");
  }

  @Test
  void selectInsideAScriptChangesTheScriptsDatabaseOnly() {
    assertThat(eval("redis.call('select','3') redis.call('set','k','v3') return redis.call('get','k')", "0"))
        .isEqualTo("\"v3\"");
    assertThat(redis.cli("get", "k")).isEqualTo("(nil)");
    assertThat(redis.session.db()).isEqualTo(0);
  }

  @Test
  void pcallHandsBackTheTextOfAnErrorTableAsRedis70() {
    assertThat(eval("local ok, err = pcall(function() return redis.call('nosuch') end) return err", "0"))
        .isEqualTo("\"ERR Unknown Redis command called from script\"");
    assertThat(eval("local ok, err = pcall(function() error({err='x'}) end) return type(err)", "0"))
        .isEqualTo("\"string\"");
    assertThat(eval("local ok, err = pcall(function() error('in') end) return err", "0"))
        .isEqualTo("\"user_script:1: in\"");
    assertThat(eval("return {pcall(function() return 1, 2 end)}", "0"))
        .isEqualTo("1) (integer) 1\n2) (integer) 1\n3) (integer) 2");
  }

  @Test
  void sandboxHidesAndProtectsAsRedis70() {
    for (String hidden : new String[] {"setfenv", "getfenv", "print", "newproxy", "require", "module", "dofile"}) {
      assertThat(eval("return type(" + hidden + ")", "0")).contains("nonexistent global variable '" + hidden + "'");
    }
    assertThat(eval("return type(loadstring)..type(gcinfo)..type(coroutine)..type(unpack)", "0"))
        .isEqualTo("\"functionfunctiontablefunction\"");
    assertThat(eval("return rawget(_G, 'redis') ~= nil", "0")).isEqualTo("(integer) 1");
    assertThat(eval("setmetatable(_G, {})", "0")).startsWith("(error) ERR Attempt to modify a readonly table script: ");
    assertThat(eval("return loadstring('x = 1')()", "0")).contains("Attempt to modify a readonly table");
    assertThat(eval("local t = {} t.x = 1 return t.x", "0")).isEqualTo("(integer) 1");
    assertThat(eval("return redis.call('blpop','lst',0)", "0")).startsWith(
        "(error) ERR This Redis command is not allowed from script script: ");
  }

  @Test
  void redisApiArgumentErrorsPointAtTheScriptLine() {
    assertThat(eval("return redis.sha1hex()", "0")).endsWith("ERR wrong number of arguments script: "
        + LuaEngine.sha1Hex("return redis.sha1hex()".getBytes()) + ", on @user_script:1.");
    assertThat(eval("return redis.log(1)", "0")).startsWith("(error) ERR redis.log() requires two arguments or more. script: ");
    assertThat(eval("return redis.log(9, 'x')", "0")).endsWith("on @user_script:1.");
    assertThat(eval("return redis.setresp()", "0")).startsWith("(error) ERR redis.setresp() requires one argument. script: ");
    assertThat(eval("return redis.set_repl()", "0")).startsWith("(error) ERR redis.set_repl() requires two arguments. script: ");
    assertThat(eval("return redis.set_repl(9)", "0")).startsWith(
        "(error) ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE. script: ");
    assertThat(eval("return redis.acl_check_cmd('set')", "0")).isEqualTo("(integer) 1");
  }

  @Test
  void aclIsCheckedPerCommandWithTheCallersUser() {
    redis.cli("ACL", "SETUSER", "u", "on", "nopass", "~*", "+@all", "-set");
    redis.acl().connected(redis.session);
    assertThat(redis.cli("AUTH", "u", "x")).isEqualTo("OK");
    assertThat(eval("return redis.call('set','a','b')", "0")).startsWith(
        "(error) ERR The user executing the script can't run this command or subcommand script: ");
    assertThat(eval("return redis.pcall('set','a','b')", "0")).isEqualTo(
        "(error) ERR The user executing the script can't run this command or subcommand");
    assertThat(eval("return redis.acl_check_cmd('set','a','b')", "0")).isEqualTo("(nil)");
    assertThat(eval("return redis.acl_check_cmd('get','a')", "0")).isEqualTo("(integer) 1");
  }

  @Test
  void writesOverMaxmemoryUnderNoevictionAreRefused() throws Exception {
    redis.run("set", "filler", "x".repeat(10_000));
    redis.config.set(java.util.Map.of("maxmemory", "1"));
    try {
      assertThat(eval("return redis.call('set','a','b')", "0")).startsWith(
          "(error) OOM command not allowed when used memory > 'maxmemory'. script: ");
      assertThat(eval("#!lua\nreturn 1", "0")).isEqualTo("(error) OOM command not allowed when used memory > 'maxmemory'.");
      assertThat(eval("#!lua flags=no-writes\nreturn redis.call('get','filler') ~= nil", "0")).isEqualTo("(integer) 1");
      assertThat(eval("return redis.call('get','filler') ~= nil", "0")).isEqualTo("(integer) 1");
      assertThat(eval("#!lua flags=allow-oom\nreturn redis.call('set','a','b')", "0")).isEqualTo("OK");
    } finally {
      redis.config.set(java.util.Map.of("maxmemory", "0"));
    }
  }

  @Test
  void functionsCanBeCalledWithKeysAndArgsAsArguments() {
    ScriptRunner runner = redis.scripts();
    String reply = runner.submit(() -> {
      LuaEngine engine = runner.engine();
      int ref = engine.load("return function(keys, args) return {keys[1], args[1], #keys} end".getBytes(), "@user_function");
      Reply factory = engine.call(ref, List.of(), List.of(), new LuaEngine.Host() {
        @Override
        public Reply command(byte[][] argv, int protocol) {
          return Reply.NULL;
        }
      }, "f");
      return factory.toString();
    }).join();
    // A chunk returning a function converts to nil; FUNCTION keeps references from redis.register_function instead.
    assertThat(reply).isEqualTo("Null");
    String called = runner.submit(() -> {
      LuaEngine engine = runner.engine();
      int ref = engine.load("local keys, args = ... return {keys[1], args[1], #keys}".getBytes(), "@user_function");
      return CommandHarness.render(engine.callFunction(ref, List.of("k".getBytes()), List.of("a".getBytes()),
          (argv, protocol) -> Reply.NULL, "f"), "");
    }).join();
    assertThat(called).isEqualTo("1) \"k\"\n2) \"a\"\n3) (integer) 1");
  }

  @Test
  void infoMemoryReportsLuaAndTheScriptCache() {
    eval("return 'cached'", "0");
    String info = redis.cli("info", "memory");
    assertThat(info).contains("number_of_cached_scripts:1");
    assertThat(info).contains("used_memory_scripts_eval:");
    assertTrue(!info.contains("used_memory_lua:0\r\n"), info);
  }

  @Test
  void binaryKeysAndArgumentsRoundTrip() {
    byte[] binary = {0, 1, 2, (byte) 0x80, (byte) 0xff, 'a', '\n', 1};
    Reply reply = redis.run("eval".getBytes(), "redis.call('set', KEYS[1], ARGV[1]) return {redis.call('get', KEYS[1]), #ARGV[1], KEYS[1]}".getBytes(),
        "1".getBytes(), binary, binary);
    List<Reply> items = ((Reply.Array) reply).items();
    org.junit.jupiter.api.Assertions.assertArrayEquals(binary, ((Reply.Bulk) items.get(0)).value());
    assertEquals(Reply.integer(binary.length), items.get(1));
    org.junit.jupiter.api.Assertions.assertArrayEquals(binary, ((Reply.Bulk) items.get(2)).value());
    org.junit.jupiter.api.Assertions.assertArrayEquals(binary, ((Reply.Bulk) redis.run("get".getBytes(), binary)).value());
  }
}
