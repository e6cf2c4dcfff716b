package io.redgrid.scripting;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.CommandSpec.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.command.CommandError;
import io.redgrid.command.CommandHarness;
import io.redgrid.command.CommandTable;
import io.redgrid.command.Commands;
import io.redgrid.command.KeySpec;
import io.redgrid.protocol.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How Redis Functions plug into the script engine: a command shaped like EVAL (name numkeys
 * key... arg...) routed to the script thread, a {@link ScriptRunner.Resolver} that finds the
 * function, and {@link LuaEngine#callFunction} running it with keys and args as arguments.
 */
class ScriptPluginTest {
  private final CommandHarness redis = new CommandHarness(tableWithFcall(), 4, 16);
  private final Map<String, Integer> functions = new ConcurrentHashMap<>();

  ScriptPluginTest() {
    redis.scripts();
  }

  private static CommandTable tableWithFcall() {
    CommandTable table = Commands.standardTable();
    table.register(() -> List.of(command("xcall").arity(atLeast(3)).keys(KeySpec.keynum(2, null))
        .onScriptThread().group("scripting").runs(call -> call.server().scripts().evalHere(call))));
    return table;
  }

  @AfterEach
  void stop() {
    redis.close();
  }

  @Test
  void aRegisteredResolverRunsFunctionsWithTheRedisApi() {
    ScriptRunner runner = redis.scripts();
    runner.submit(() -> {
      LuaEngine engine = runner.engine();
      engine.registerApi("register_function", l -> {
        String name = l.toString(1);
        l.pushValue(2);
        functions.put(name, l.ref());
        return 0;
      });
      int library = engine.load(("redis.register_function('incr_by', function(keys, args) "
          + "return redis.call('incrby', keys[1], args[1]) end)").getBytes(StandardCharsets.UTF_8), "@user_function");
      engine.call(library, List.of(), List.of(), (argv, protocol) -> Reply.NULL, "library");
      return null;
    }).join();
    runner.register("xcall", call -> {
      String name = new String(call.arg(1), StandardCharsets.UTF_8);
      Integer ref = functions.get(name);
      if (ref == null) {
        throw new CommandError("ERR Function not found");
      }
      return new ScriptRunner.Target() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public ScriptFlags flags() {
          return ScriptFlags.NONE;
        }

        @Override
        public Reply invoke(LuaEngine engine, List<byte[]> keys, List<byte[]> args, LuaEngine.Host host) {
          return engine.callFunction(ref, keys, args, host, name);
        }
      };
    });
    assertEquals("(integer) 5", redis.cli("xcall", "incr_by", "1", "n", "5"));
    assertEquals("(integer) 7", redis.cli("xcall", "incr_by", "1", "n", "2"));
    assertEquals("(error) ERR Function not found", redis.cli("xcall", "nosuch", "0"));
    String error = redis.cli("xcall", "incr_by", "1", "n", "x");
    assertTrue(error.startsWith("(error) ERR value is not an integer or out of range script: incr_by, on @user_function:1."),
        error);
  }
}
