package io.redgrid.scripting.functions;

import io.redgrid.command.CommandError;
import io.redgrid.scripting.LuaEngine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.LuaException;

/**
 * The Lua state of Redis Functions: a {@link LuaEngine} of its own, separate from EVAL's as in
 * Redis 7.0, so the callbacks get the same redis.* API, conversions, sandbox and kill hook as
 * scripts ({@link LuaEngine#callFunction} passes KEYS and ARGV as their two arguments). Library
 * code runs in an environment whose globals are switched like Redis' luaEngineCreate: while
 * loading only the load-time API exists ({@code redis.register_function}, {@code redis.log},
 * {@code redis.LOG_*}, {@code redis.REDIS_VERSION(_NUM)}), later the callbacks see the scripts'
 * globals.
 *
 * <p>Not thread-safe: used from the script thread, or under the registry's lock while nothing
 * else runs (recovery).
 */
public final class FunctionsLua implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("io.redgrid.scripting.functions");
  /** Redis' LOAD_TIMEOUT_MS: library code must register its functions within this time. */
  static final long LOAD_TIMEOUT_MILLIS = 500;

  /**
   * Runs once per state with a table of Java helpers and the scripts' globals as its arguments;
   * returns the loader.
   * Everything user code can reach is built here so the load-time API and its error texts are
   * in one place; locals keep the helpers out of user code's sight.
   */
  private static final String SETUP = """
      local java, globals = ...
      local error, type, tostring, tonumber, next, select, pcall, setmetatable, setfenv, rawget =
            error, type, tostring, tonumber, next, select, pcall, setmetatable, setfenv, rawget
      local lower, find, concat, sethook = string.lower, string.find, table.concat, debug.sethook

      -- Redis 7.0 gives these to EVAL scripts only: a function sees no such field.
      local redisApi = debug.getmetatable(globals.redis).__index
      redisApi.breakpoint, redisApi.debug, redisApi.replicate_commands = nil, nil, nil

      local function fail(message) error({err = 'ERR ' .. message}) end
      local function isstring(v) local t = type(v) return t == 'string' or t == 'number' end
      local function missing(k)
        return "Script attempted to access nonexistent global variable '" .. tostring(k) .. "'"
      end
      local function readonly(t)
        return setmetatable({}, {
          __index = function(_, k)
            local v = t[k]
            if v == nil then error(missing(k), 2) end
            return v
          end,
          __newindex = function() error('Attempt to modify a readonly table', 2) end,
          __metatable = false})
      end

      local FLAGS = {['no-writes'] = 1, ['allow-oom'] = 2, ['allow-stale'] = 3, ['no-cluster'] = 4,
                     ['allow-cross-slot-keys'] = 5}
      local pending

      local function readFlags(t)
        local flags, j = {}, 1
        while true do
          local v = t[j]
          if v == nil then return flags end
          if not isstring(v) then return nil end
          local flag = FLAGS[lower(tostring(v))]
          if not flag then return nil end
          flags[#flags + 1] = flag
          j = j + 1
        end
      end

      local function register_function(...)
        if not pending then fail('redis.register_function can only be called on FUNCTION LOAD command') end
        local argc = select('#', ...)
        if argc < 1 or argc > 2 then fail('wrong number of arguments to redis.register_function') end
        local name, callback, description, flags
        if argc == 1 then
          local args = ...
          if type(args) ~= 'table' then
            fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).')
          end
          for k, v in next, args do
            if not isstring(k) then fail('named argument key given to redis.register_function is not a string') end
            local key = lower(tostring(k))
            if key == 'function_name' then
              if not isstring(v) then fail('function_name argument given to redis.register_function must be a string') end
              name = tostring(v)
            elseif key == 'description' then
              if not isstring(v) then fail('description argument given to redis.register_function must be a string') end
              description = tostring(v)
            elseif key == 'callback' then
              if type(v) ~= 'function' then fail('callback argument given to redis.register_function must be a function') end
              callback = v
            elseif key == 'flags' then
              if type(v) ~= 'table' then fail('flags argument to redis.register_function must be a table representing function flags') end
              flags = readFlags(v)
              if not flags then fail('unknown flag given') end
            else
              fail('unknown argument given to redis.register_function')
            end
          end
          if not name then fail('redis.register_function must get a function name argument') end
          if not callback then fail('redis.register_function must get a callback argument') end
        else
          local n, f = ...
          if not isstring(n) then fail('first argument to redis.register_function must be a string') end
          if type(f) ~= 'function' then fail('second argument to redis.register_function must be a function') end
          name, callback = tostring(n), f
        end
        if not find(name, '^[A-Za-z0-9_]+$') then
          fail('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long')
        end
        if pending.names[name] then fail('Function already exists in the library') end
        pending.names[name] = true
        pending[#pending + 1] = {name = name, callback = callback, description = description, flags = flags or {}}
      end

      local function log(...)
        local argc = select('#', ...)
        if argc < 2 then fail('redis.log() requires two arguments or more.') end
        local level = tonumber((...))
        if not level then fail('First argument must be a number (log level).') end
        if level < 0 or level > 3 then fail('Invalid debug level.') end
        local parts = {}
        for i = 2, argc do
          local v = select(i, ...)
          parts[#parts + 1] = isstring(v) and tostring(v) or ''
        end
        java.log(level, concat(parts, ' '))
      end

      local loadGlobals = {redis = readonly({
        register_function = register_function, log = log,
        LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
        REDIS_VERSION = java.version, REDIS_VERSION_NUM = java.versionNum})}

      local loading = false
      local env = setmetatable({}, {
        __index = function(_, k)
          local v
          if loading then v = loadGlobals[k] else v = globals[k] end
          if v == nil then error(missing(k), 2) end
          return v
        end,
        __newindex = function() error('Attempt to modify a readonly table', 2) end,
        __metatable = false})

      local function timeout()
        if java.timedOut() then
          sethook()
          error('FUNCTION LOAD timeout', 0)
        end
      end

      -- Runs a compiled library chunk with the load-time API; returns nil and the registered
      -- functions, or the error text as Redis' luaEngineCreate reports it.
      return function(chunk)
        setfenv(chunk, env)
        pending = {names = {}}
        loading = true
        sethook(timeout, '', 100000)
        local ok, err = pcall(chunk)
        sethook()
        loading = false
        local registered = pending
        pending = nil
        if ok then return nil, registered end
        if type(err) == 'table' and err.err then return tostring(err.err) end
        return 'ERR ' .. tostring(err)
      end
      """;

  private static final FunctionFlag[] FLAG_ORDER = FunctionFlag.values();

  private final LuaEngine engine;
  private final Lua lua;
  private final int loader;
  private long loadDeadline;

  /** A registered but not yet committed function: the caller links or drops it. */
  record Registered(String name, byte[] description, Set<FunctionFlag> flags, int callback) {}

  public FunctionsLua(String redisVersion, long redisVersionNum) {
    engine = new LuaEngine();
    lua = engine.state();
    lua.createTable(0, 4);
    lua.push(l -> {
      l.push(System.nanoTime() > loadDeadline);
      return 1;
    });
    lua.setField(-2, "timedOut");
    lua.push(l -> {
      logAt((int) l.toInteger(1), l.toString(2));
      return 0;
    });
    lua.setField(-2, "log");
    lua.push(redisVersion);
    lua.setField(-2, "version");
    lua.push(redisVersionNum);
    lua.setField(-2, "versionNum");
    engine.pushGlobals();
    int helpers = lua.getTop() - 1;
    byte[] setup = SETUP.getBytes(StandardCharsets.UTF_8);
    ByteBuffer code = ByteBuffer.allocateDirect(setup.length);
    code.put(setup).flip();
    // The engine's name for its own chunks: its error handler skips their frames.
    lua.load(code, "=redgrid");
    lua.insert(helpers);
    lua.pCall(2, 1);
    loader = lua.ref();
  }

  private static void logAt(int level, String message) {
    switch (level) {
      case 0 -> log.debug(message);
      case 1 -> log.info(message);
      case 2 -> log.info(message);
      default -> log.warn(message);
    }
  }

  /** The engine that runs the callbacks (script thread only). */
  public LuaEngine engine() {
    return engine;
  }

  /**
   * Compiles and runs a library body; returns what it registered, or throws {@link CommandError}
   * with Redis' text ({@code Error compiling function: ...}, {@code Error registering functions: ...}).
   */
  List<Registered> load(byte[] body) {
    int top = lua.getTop();
    try {
      ByteBuffer code = ByteBuffer.allocateDirect(body.length);
      code.put(body).flip();
      lua.refGet(loader);
      try {
        lua.load(code, "@user_function");
      } catch (LuaException e) {
        throw new CommandError("ERR Error compiling function: " + e.getMessage());
      }
      loadDeadline = System.nanoTime() + LOAD_TIMEOUT_MILLIS * 1_000_000L;
      lua.pCall(1, 2);
      if (!lua.isNil(-2)) {
        throw new CommandError("ERR Error registering functions: " + lua.toString(-2));
      }
      return registered(lua.getTop());
    } finally {
      lua.setTop(top);
    }
  }

  private List<Registered> registered(int table) {
    List<Registered> functions = new ArrayList<>();
    int count = lua.rawLength(table);
    for (int i = 1; i <= count; i++) {
      lua.rawGetI(table, i);
      int entry = lua.getTop();
      lua.getField(entry, "name");
      String name = lua.toString(-1);
      lua.getField(entry, "description");
      byte[] description = lua.isNil(-1) ? null : bytes(lua.toBuffer(-1));
      lua.getField(entry, "flags");
      Set<FunctionFlag> flags = EnumSet.noneOf(FunctionFlag.class);
      for (int j = 1, n = lua.rawLength(-1); j <= n; j++) {
        lua.rawGetI(-1, j);
        flags.add(FLAG_ORDER[(int) lua.toInteger(-1) - 1]);
        lua.pop(1);
      }
      lua.getField(entry, "callback");
      int callback = lua.ref();
      functions.add(new Registered(name, description, flags, callback));
      lua.setTop(entry - 1);
    }
    return functions;
  }

  /** Drops callbacks that will never run (a failed load, a deleted or replaced library). */
  void release(List<Registered> functions) {
    for (Registered function : functions) {
      lua.unref(function.callback());
    }
  }

  void release(int callback) {
    lua.unref(callback);
  }

  /** Bytes the Lua state uses (Redis' used_memory_vm_functions). */
  long memoryBytes() {
    return engine.memoryBytes();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  @Override
  public void close() {
    engine.close();
  }
}
