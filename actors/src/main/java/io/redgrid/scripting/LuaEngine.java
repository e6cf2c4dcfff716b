package io.redgrid.scripting;

import io.redgrid.protocol.Reply;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.LuaException;
import party.iroiro.luajava.lua51.Lua51;
import party.iroiro.luajava.lua51.Lua51Natives;

/**
 * The Lua 5.1 virtual machine scripts run in, sandboxed as Redis 7.0's: the redis.* API, exact
 * Lua/RESP conversions, read-only globals and Redis' error texts. Used by one thread only (the
 * script thread of {@link ScriptRunner}); EVAL scripts and, later, FUNCTION libraries load code
 * with {@link #load} and run it with {@link #call}.
 *
 * <p>What a script's {@code redis.call} does is the {@link Host}'s business: the engine converts
 * arguments and replies and raises errors the way Redis does.
 */
public final class LuaEngine implements AutoCloseable {
  /** What a running script needs from its caller: commands, log lines, ACL checks, kills. */
  public interface Host {
    /**
     * Runs one command for {@code redis.call}/{@code redis.pcall}; script-level refusals (unknown
     * command, not allowed from scripts ...) come back as {@link Reply.Error} with Redis' text.
     * {@code protocol} is the script's RESP version ({@code redis.setresp}).
     */
    Reply command(byte[][] argv, int protocol);

    /** redis.log at a Redis log level (0 debug .. 3 warning). */
    default void log(int level, String message) {}

    /** redis.acl_check_cmd: null for an unknown command, else whether the user may run it. */
    default Boolean aclCheck(byte[][] argv) {
      return Boolean.TRUE;
    }

    /**
     * Checked every {@value #HOOK_INSTRUCTIONS} Lua instructions: an error text (without the
     * leading dash) stops the script with that error, null lets it go on.
     */
    default String interruption() {
      return null;
    }
  }

  /** A script failure with its final error text (without the dash), e.g. "ERR user_script:1: ...". */
  public static final class ScriptError extends RuntimeException {
    public ScriptError(String message) {
      super(message, null, false, false);
    }
  }

  /** How many Lua instructions run between two checks for SCRIPT KILL (Redis: 100000). */
  public static final int HOOK_INSTRUCTIONS = 100_000;

  /** Chunk name of the engine's own Lua code: the error handler skips its frames. */
  private static final String INTERNAL = "=redgrid";

  private static final String BOOTSTRAP = """
      local jcall, jpcall, jlog, jsha1, jacl, jcheck, jsetresp, jsetrepl =
            __rg_call, __rg_pcall, __rg_log, __rg_sha1, __rg_acl, __rg_check, __rg_setresp, __rg_setrepl
      __rg_call, __rg_pcall, __rg_log, __rg_sha1, __rg_acl, __rg_check, __rg_setresp, __rg_setrepl =
            nil, nil, nil, nil, nil, nil, nil, nil
      local G = _G
      local dbg = debug
      local error, type, tostring, select, setmetatable, rawset, rawget, pairs, xpcall, setfenv, pcall, unpack, loadstring =
            error, type, tostring, select, setmetatable, rawset, rawget, pairs, xpcall, setfenv, pcall, unpack, loadstring
      -- read-only proxies and the table each stands for
      local protected = setmetatable({}, {__mode = 'k'})
      local function readonly_error() error('Attempt to modify a readonly table', 2) end
      local function readonly(t)
        local proxy = setmetatable({}, {__index = t, __newindex = readonly_error, __metatable = false})
        protected[proxy] = t
        return proxy
      end

      local redis = {}
      -- Java (C) functions: a tail call to them keeps the script's frame for error positions.
      redis.call = jcall
      redis.pcall = jpcall
      redis.error_reply = function(e)
        if type(e) ~= 'string' then return {err = 'ERR wrong number or type of arguments'} end
        if e:sub(1, 1) ~= '-' then e = '-' .. e end
        if e:find(' ', 1, true) then return {err = e:sub(2)} end
        return {err = 'ERR ' .. e:sub(2)}
      end
      redis.status_reply = function(s)
        if type(s) ~= 'string' then return {err = 'ERR wrong number or type of arguments'} end
        return {ok = s}
      end
      redis.sha1hex = jsha1
      redis.log = jlog
      redis.setresp = jsetresp
      redis.set_repl = jsetrepl
      redis.replicate_commands = function() return true end
      redis.breakpoint = function() return false end
      redis.debug = function() end
      redis.acl_check_cmd = jacl
      redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
      redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
      redis.REDIS_VERSION = __rg_version
      redis.REDIS_VERSION_NUM = __rg_version_num
      __rg_version, __rg_version_num = nil, nil

      -- What scripts see: a copy of the globals Redis keeps, libraries behind read-only proxies.
      local visible = {}
      for k, v in pairs(G) do
        if type(v) == 'table' and k ~= '_G' then visible[k] = readonly(v) else visible[k] = v end
      end
      visible.redis = readonly(redis)
      for _, name in ipairs({'os', 'io', 'package', 'debug', 'require', 'module', 'loadfile', 'dofile',
          'setfenv', 'getfenv', 'print', 'newproxy'}) do
        visible[name] = nil
      end
      visible.rawset = function(t, k, v)
        if protected[t] then error('Attempt to modify a readonly table', 0) end
        return rawset(t, k, v)
      end
      visible.rawget = function(t, k)
        local real = protected[t]
        if real then return real[k] end
        return rawget(t, k)
      end
      visible.setmetatable = function(t, m)
        if protected[t] then error('Attempt to modify a readonly table', 0) end
        return setmetatable(t, m)
      end
      -- Redis 7.0's pcall hands back the text of an error table {err=...} rather than the table.
      local function pack(...) return select('#', ...), {...} end
      visible.pcall = function(...)
        local n, r = pack(pcall(...))
        if not r[1] and type(r[2]) == 'table' then
          local e = r[2].err
          if type(e) == 'string' or type(e) == 'number' then r[2] = e end
        end
        return unpack(r, 1, n)
      end
      local env = setmetatable({}, {
        __index = function(_, k)
          local v = visible[k]
          if v == nil then
            error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
          end
          return v
        end,
        __newindex = readonly_error,
        __metatable = false})
      protected[env] = visible
      visible._G = env
      visible.loadstring = function(...)
        local f, e = loadstring(...)
        if f then setfenv(f, env) end
        return f, e
      end

      local function handler(err)
        local level = 2
        local i = dbg.getinfo(level, 'nSl')
        while i and (i.what == 'C' or i.source == '=redgrid') do
          level = level + 1
          i = dbg.getinfo(level, 'nSl')
        end
        if type(err) ~= 'table' then err = {err = 'ERR ' .. tostring(err)} end
        if i then
          err['source'] = i.source
          err['line'] = i.currentline
        end
        return err
      end
      local function hook()
        local stop = jcheck()
        if stop then
          -- As Redis: from now on every line raises again, so a pcall cannot swallow the stop.
          dbg.sethook(hook, 'l')
          error({err = stop})
        end
      end
      local function run(fn, ...)
        dbg.sethook(hook, '', %d)
        if select('#', ...) == 0 then return xpcall(fn, handler) end
        local a, b = ...
        return xpcall(function() return fn(a, b) end, handler)
      end
      local function prepare(fn)
        setfenv(fn, env)
        return fn
      end
      local function decode(s)
        return (s:gsub('\\1(%%x%%x)', function(h) return string.char(tonumber(h, 16)) end))
      end
      local function install(name, lib)
        visible[name] = readonly(lib)
      end
      return run, prepare, decode, visible, install, redis
      """.formatted(HOOK_INSTRUCTIONS);

  private final Lua lua;
  private final Lua51Natives natives;
  private final int runRef;
  private final int prepareRef;
  private final int decodeRef;
  private final int visibleRef;
  private final int installRef;
  private Host host;
  private int protocol = 2;

  public LuaEngine() {
    lua = new Lua51();
    natives = (Lua51Natives) lua.getLuaNatives();
    for (String library : new String[] {"base", "table", "string", "math", "debug"}) {
      lua.openLibrary(library);
    }
    installLibraries(lua);
    lua.push(l -> redisCall(l, true));
    lua.setGlobal("__rg_call");
    lua.push(l -> redisCall(l, false));
    lua.setGlobal("__rg_pcall");
    lua.push(this::redisLog);
    lua.setGlobal("__rg_log");
    lua.push(this::sha1);
    lua.setGlobal("__rg_sha1");
    lua.push(this::aclCheck);
    lua.setGlobal("__rg_acl");
    lua.push(this::check);
    lua.setGlobal("__rg_check");
    lua.push(this::setResp);
    lua.setGlobal("__rg_setresp");
    lua.push(LuaEngine::setRepl);
    lua.setGlobal("__rg_setrepl");
    lua.push(io.redgrid.server.Version.REDIS_VERSION);
    lua.setGlobal("__rg_version");
    lua.push(versionNumber(io.redgrid.server.Version.REDIS_VERSION));
    lua.setGlobal("__rg_version_num");
    try {
      loadChunk(lua, BOOTSTRAP.getBytes(StandardCharsets.UTF_8), INTERNAL);
      lua.pCall(0, 6);
    } catch (LuaException e) {
      throw new IllegalStateException("Lua bootstrap failed: " + e.getMessage(), e);
    }
    lua.pushValue(-1);
    redisTableRef = lua.ref();
    lua.pop(1);
    installRef = lua.ref();
    visibleRef = lua.ref();
    decodeRef = lua.ref();
    prepareRef = lua.ref();
    runRef = lua.ref();
    // os, io and package are never opened; drop what base opens that Redis removes.
    for (String name : new String[] {"loadfile", "dofile"}) {
      lua.pushNil();
      lua.setGlobal(name);
    }
  }

  private final int redisTableRef;

  /**
   * Where the Lua libraries Redis bundles (cjson, cmsgpack, bit, struct) are installed into the
   * state, before the sandbox is built so scripts see them read-only.
   */
  private void installLibraries(Lua L) {
    io.redgrid.scripting.lib.LuaLibraries.install(L);
  }

  private static long versionNumber(String version) {
    String[] parts = version.split("\\.");
    return (Long.parseLong(parts[0]) << 16) | (Long.parseLong(parts[1]) << 8) | Long.parseLong(parts[2]);
  }

  // ---- loading and calling --------------------------------------------------------------------

  /**
   * Compiles {@code body} under the chunk name {@code chunkName} (e.g. {@code @user_script}) into
   * a function of the sandbox and returns a reference to it for {@link #call}. A syntax error
   * throws {@link ScriptError} with Lua's message, e.g. {@code user_script:1: unexpected symbol}.
   */
  public int load(byte[] body, String chunkName) {
    try {
      loadChunk(lua, body, chunkName);
    } catch (LuaException e) {
      String message = lua.toString(-1);
      lua.setTop(0);
      throw new ScriptError(message == null ? e.getMessage() : message);
    }
    lua.refGet(prepareRef);
    lua.insert(-2);
    try {
      lua.pCall(1, 1);
    } catch (LuaException e) {
      lua.setTop(0);
      throw new ScriptError("ERR " + e.getMessage());
    }
    return lua.ref();
  }

  /** Frees a function loaded with {@link #load} (SCRIPT FLUSH). */
  public void unload(int functionRef) {
    lua.unref(functionRef);
  }

  /**
   * Calls a loaded function with the globals KEYS and ARGV set, commands going to {@code host};
   * returns its result converted as Redis 7.0 does, or throws {@link ScriptError} with the final
   * error text; {@code name} is what errors report after "script:" (the sha for EVAL).
   */
  public Reply call(int functionRef, List<byte[]> keys, List<byte[]> args, Host host, String name) {
    return invoke(functionRef, keys, args, host, name, false);
  }

  /**
   * Calls a loaded function as Redis 7.0 calls a FUNCTION: {@code keys} and {@code args} are its
   * two arguments (tables) instead of the KEYS/ARGV globals; otherwise as {@link #call}.
   */
  public Reply callFunction(int functionRef, List<byte[]> keys, List<byte[]> args, Host host, String name) {
    return invoke(functionRef, keys, args, host, name, true);
  }

  private Reply invoke(int functionRef, List<byte[]> keys, List<byte[]> args, Host host, String name,
      boolean asArguments) {
    this.host = host;
    this.protocol = 2; // every script starts in RESP2 (redis.setresp changes it for this run)
    try {
      lua.setTop(0);
      if (!asArguments) {
        lua.refGet(visibleRef);
        pushArray(lua, keys);
        lua.setField(-2, "KEYS");
        pushArray(lua, args);
        lua.setField(-2, "ARGV");
        lua.pop(1);
      }
      lua.refGet(runRef);
      lua.refGet(functionRef);
      int nargs = 1;
      if (asArguments) {
        pushArray(lua, keys);
        pushArray(lua, args);
        nargs = 3;
      }
      try {
        lua.pCall(nargs, 2);
      } catch (LuaException e) {
        throw new ScriptError("ERR Error running script " + name + ", " + e.getMessage());
      }
      if (lua.toBoolean(-2)) {
        return toReply(lua, -1);
      }
      throw new ScriptError(errorText(lua, -1, name));
    } finally {
      lua.setTop(0);
      this.host = null;
    }
  }

  /** Lua memory in bytes: INFO's used_memory_lua. */
  public long memoryBytes() {
    long pointer = lua.getPointer();
    return natives.lua_gc(pointer, 3, 0) * 1024L + natives.lua_gc(pointer, 4, 0);
  }

  /** Runs a full garbage collection (SCRIPT FLUSH). */
  public void collectGarbage() {
    natives.lua_gc(lua.getPointer(), 2, 0);
  }

  /** Installs a read-only global library table for scripts (used by FUNCTION's loader too). */
  public void installGlobal(String name) {
    lua.refGet(installRef);
    lua.push(name);
    lua.getGlobal(name);
    try {
      lua.pCall(2, 0);
    } catch (LuaException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Adds a function to the {@code redis} table scripts see (FUNCTION's
   * {@code redis.register_function}); a Java function returning -1 raises the value on top.
   */
  public void registerApi(String name, party.iroiro.luajava.JFunction function) {
    lua.refGet(redisTableRef);
    lua.push(function);
    lua.setField(-2, name);
    lua.pop(1);
  }

  /** The raw Lua state, for FUNCTION's registration API; only on the script thread. */
  public Lua state() {
    return lua;
  }

  /**
   * Pushes the globals table scripts see (a plain table the sandbox's proxy reads): FUNCTION's
   * loader builds the environment of library code on it.
   */
  public void pushGlobals() {
    lua.refGet(visibleRef);
  }

  @Override
  public void close() {
    lua.close();
  }

  private static void loadChunk(Lua lua, byte[] body, String chunkName) throws LuaException {
    ByteBuffer buffer = ByteBuffer.allocateDirect(body.length);
    buffer.put(body).flip();
    lua.load(buffer, chunkName);
  }

  /** The final text of a failed script: Redis' luaCallFunction error formatting. */
  private static String errorText(Lua lua, int index, String name) {
    if (lua.type(index) != Lua.LuaType.TABLE) {
      String message = lua.isString(index) ? lua.toString(index) : "execution failure";
      return "ERR Error running script " + name + ", " + message;
    }
    int table = lua.getTop() + index + 1;
    lua.getField(table, "err");
    String message = lua.isString(-1) ? new String(bytes(lua, -1), StandardCharsets.UTF_8) : null;
    lua.pop(1);
    lua.getField(table, "source");
    String source = lua.isString(-1) ? lua.toString(-1) : null;
    lua.pop(1);
    lua.getField(table, "line");
    String line = lua.isNumber(-1) ? Long.toString((long) lua.toNumber(-1)) : null;
    lua.pop(1);
    if (message == null) {
      message = "ERR unknown error";
    }
    if (message.endsWith("\n")) {
      message = message.substring(0, message.length() - 1);
    }
    if (source != null && line != null) {
      return message + " script: " + name + ", on " + source + ":" + line + ".";
    }
    return message;
  }

  // ---- Java functions behind redis.* ---------------------------------------------------------

  /**
   * redis.call ({@code raise}) and redis.pcall: the reply, or an error table that call raises
   * and pcall returns. A Java function returning -1 raises the value on top of the stack.
   */
  private int redisCall(Lua l, boolean raise) {
    int argc = l.getTop();
    if (argc == 0) {
      return raised(l, "ERR Please specify at least one argument for this redis lib call");
    }
    byte[][] argv = new byte[argc][];
    for (int i = 0; i < argc; i++) {
      int index = i + 1;
      Lua.LuaType type = l.type(index);
      if (type != Lua.LuaType.STRING && type != Lua.LuaType.NUMBER) {
        return raised(l, "ERR Lua redis lib command arguments must be strings or integers");
      }
      argv[i] = bytes(l, index);
    }
    Reply reply;
    try {
      reply = host == null ? Reply.error("ERR no script running") : host.command(argv, protocol);
    } catch (RuntimeException e) {
      reply = Reply.error("ERR internal error: " + e);
    }
    String stop = host == null ? null : host.interruption();
    if (stop != null) {
      return raised(l, stop);
    }
    l.setTop(0);
    if (reply instanceof Reply.Error error) {
      pushError(l, error.message());
      return raise ? -1 : 1;
    }
    push(l, reply);
    return 1;
  }

  /** Raises Redis' error table {err = message} from a Java function. */
  private static int raised(Lua l, String message) {
    l.setTop(0);
    pushError(l, message);
    return -1;
  }

  /** An error reply as Redis' scripts see it: {err = "CODE message"} (luaPushErrorBuff). */
  private static void pushError(Lua l, String message) {
    if (message.startsWith("-")) {
      message = message.substring(1);
    }
    if (message.endsWith("\r\n")) {
      message = message.substring(0, message.length() - 2);
    } else if (message.endsWith("\n")) {
      message = message.substring(0, message.length() - 1);
    }
    if (message.indexOf(' ') < 0) {
      message = "ERR " + message;
    }
    l.newTable();
    l.push(message);
    l.setField(-2, "err");
  }

  /** redis.log(level, message...): Redis' argument checks, the parts joined by spaces. */
  private int redisLog(Lua l) {
    int argc = l.getTop();
    if (argc < 2) {
      return raised(l, "ERR redis.log() requires two arguments or more.");
    }
    if (!l.isNumber(1)) {
      return raised(l, "ERR First argument must be a number (log level).");
    }
    double level = l.toNumber(1);
    if (level < 0 || level > 3) {
      return raised(l, "ERR Invalid debug level.");
    }
    StringBuilder message = new StringBuilder();
    for (int i = 2; i <= argc; i++) {
      if (l.isString(i)) {
        if (i != 2) {
          message.append(' ');
        }
        message.append(new String(bytes(l, i), StandardCharsets.UTF_8));
      }
    }
    if (host != null) {
      host.log((int) level, message.toString());
    }
    l.setTop(0);
    return 0;
  }

  private int sha1(Lua l) {
    if (l.getTop() != 1) {
      return raised(l, "ERR wrong number of arguments");
    }
    byte[] input = l.isString(1) ? bytes(l, 1) : new byte[0];
    l.setTop(0);
    l.push(sha1Hex(input));
    return 1;
  }

  /** redis.set_repl(flags): accepted and ignored (effects are always what is persisted). */
  private static int setRepl(Lua l) {
    if (l.getTop() != 1) {
      return raised(l, "ERR redis.set_repl() requires two arguments.");
    }
    double flags = l.isNumber(1) ? l.toNumber(1) : 0;
    if (flags < 0 || flags > 3 || flags != Math.floor(flags)) {
      return raised(l, "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
    }
    l.setTop(0);
    return 0;
  }

  private int aclCheck(Lua l) {
    int argc = l.getTop();
    if (argc == 0) {
      return raised(l, "ERR Please specify at least one argument for this redis lib call");
    }
    byte[][] argv = new byte[argc][];
    for (int i = 0; i < argc; i++) {
      Lua.LuaType type = l.type(i + 1);
      if (type != Lua.LuaType.STRING && type != Lua.LuaType.NUMBER) {
        return raised(l, "ERR Lua redis lib command arguments must be strings or integers");
      }
      argv[i] = bytes(l, i + 1);
    }
    Boolean allowed = host == null ? Boolean.TRUE : host.aclCheck(argv);
    if (allowed == null) {
      return raised(l, "ERR Invalid command passed to redis.acl_check_cmd()");
    }
    l.setTop(0);
    l.push(allowed.booleanValue());
    return 1;
  }

  private int check(Lua l) {
    String stop = host == null ? null : host.interruption();
    if (stop == null) {
      return 0;
    }
    l.push(stop);
    return 1;
  }

  private int setResp(Lua l) {
    if (l.getTop() != 1) {
      return raised(l, "ERR redis.setresp() requires one argument.");
    }
    int resp = l.isNumber(1) ? (int) l.toNumber(1) : 0;
    if (resp != 2 && resp != 3) {
      return raised(l, "ERR RESP version must be 2 or 3.");
    }
    protocol = resp;
    l.setTop(0);
    return 0;
  }

  /** SHA1 in lower-case hex, as SCRIPT LOAD and redis.sha1hex report it. */
  public static String sha1Hex(byte[] input) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(input));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- conversions ---------------------------------------------------------------------------

  /** The bytes of the string (or number, as Lua formats it) at {@code index}. */
  static byte[] bytes(Lua l, int index) {
    ByteBuffer buffer = l.toBuffer(index);
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  /**
   * Pushes a byte string. The binding takes Java strings only, so bytes outside 1..127 travel
   * escaped ({@code \1} + two hex digits) and a Lua gsub restores them; ASCII goes straight.
   */
  private void pushBytes(Lua l, byte[] value) {
    boolean plain = true;
    for (byte b : value) {
      if (b <= 1) { // 0, 1 and every byte >= 0x80 (negative)
        plain = false;
        break;
      }
    }
    if (plain) {
      l.push(new String(value, StandardCharsets.ISO_8859_1));
      return;
    }
    StringBuilder escaped = new StringBuilder(value.length + 16);
    for (byte b : value) {
      if (b <= 1) {
        escaped.append('\1').append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      } else {
        escaped.append((char) b);
      }
    }
    l.refGet(decodeRef);
    l.push(escaped.toString());
    try {
      l.pCall(1, 1);
    } catch (LuaException e) {
      l.pushNil();
    }
  }

  private void pushArray(Lua l, List<byte[]> values) {
    l.createTable(values.size(), 0);
    for (int i = 0; i < values.size(); i++) {
      pushBytes(l, values.get(i));
      l.rawSetI(-2, i + 1);
    }
  }

  /** A command's reply as Lua sees it (Redis' redisProtocolToLuaType, RESP2 or RESP3). */
  private void push(Lua l, Reply reply) {
    l.checkStack(4);
    boolean resp3 = protocol == 3;
    if (reply instanceof Reply.Simple simple) {
      l.newTable();
      l.push(simple.text());
      l.setField(-2, "ok");
    } else if (reply instanceof Reply.Error error) {
      pushError(l, error.message());
    } else if (reply instanceof Reply.Int integer) {
      l.push((double) integer.value());
    } else if (reply instanceof Reply.Bulk bulk) {
      pushBytes(l, bulk.value());
    } else if (reply instanceof Reply.Null ignored) {
      pushNull(l, resp3);
    } else if (reply instanceof Reply.NullArray ignored) {
      pushNull(l, resp3);
    } else if (reply instanceof Reply.Array array) {
      pushList(l, array.items());
    } else if (reply instanceof Reply.Push push) {
      pushList(l, push.items());
    } else if (reply instanceof Reply.MapReply map) {
      if (!resp3) {
        pushList(l, map.keysAndValues());
      } else {
        l.newTable();
        l.newTable();
        List<Reply> items = map.keysAndValues();
        for (int i = 0; i + 1 < items.size(); i += 2) {
          push(l, items.get(i));
          push(l, items.get(i + 1));
          l.rawSet(-3);
        }
        l.setField(-2, "map");
      }
    } else if (reply instanceof Reply.SetReply set) {
      if (!resp3) {
        pushList(l, set.items());
      } else {
        l.newTable();
        l.newTable();
        for (Reply item : set.items()) {
          push(l, item);
          l.push(true);
          l.rawSet(-3);
        }
        l.setField(-2, "set");
      }
    } else if (reply instanceof Reply.Double number) {
      if (!resp3) {
        pushBytes(l, Reply.formatDouble(number.value()).getBytes(StandardCharsets.US_ASCII));
      } else {
        l.newTable();
        l.push(number.value());
        l.setField(-2, "double");
      }
    } else if (reply instanceof Reply.Bool bool) {
      if (!resp3) {
        l.push(bool.value() ? 1.0 : 0.0);
      } else {
        l.push(bool.value());
      }
    } else if (reply instanceof Reply.Verbatim verbatim) {
      if (!resp3) {
        pushBytes(l, verbatim.text());
      } else {
        l.newTable();
        l.newTable();
        l.push(verbatim.format());
        l.setField(-2, "format");
        pushBytes(l, verbatim.text());
        l.setField(-2, "string");
        l.setField(-2, "verbatim_string");
      }
    } else if (reply instanceof Reply.BigNumber big) {
      if (!resp3) {
        pushBytes(l, big.value().toString().getBytes(StandardCharsets.US_ASCII));
      } else {
        l.newTable();
        l.push(big.value().toString());
        l.setField(-2, "big_number");
      }
    }
  }

  private static void pushNull(Lua l, boolean resp3) {
    if (resp3) {
      l.pushNil();
    } else {
      l.push(false);
    }
  }

  private void pushList(Lua l, List<Reply> items) {
    l.createTable(items.size(), 0);
    for (int i = 0; i < items.size(); i++) {
      push(l, items.get(i));
      l.rawSetI(-2, i + 1);
    }
  }

  /** A script's result as Redis replies it (Redis' luaReplyToRedisReply). */
  private Reply toReply(Lua l, int index) {
    return toReply(l, index, 0);
  }

  /**
   * Redis stops at Lua's stack limit (about 8000 levels); RedGrid at {@value #MAX_NESTING}, which
   * every reply writer handles on an ordinary thread stack. Same error, same shape.
   */
  private static final int MAX_NESTING = 1000;

  private Reply toReply(Lua l, int index, int depth) {
    try {
      l.checkStack(4);
    } catch (RuntimeException e) {
      return Reply.error("ERR reached lua stack limit");
    }
    if (depth > MAX_NESTING) {
      return Reply.error("ERR reached lua stack limit"); // a table nested (or containing itself) too deep
    }
    int at = index < 0 ? l.getTop() + index + 1 : index;
    switch (l.type(at)) {
      case STRING:
        return Reply.bulk(bytes(l, at));
      case BOOLEAN:
        if (protocol == 2) {
          return l.toBoolean(at) ? Reply.integer(1) : Reply.NULL;
        }
        return Reply.bool(l.toBoolean(at));
      case NUMBER:
        return Reply.integer(truncate(l.toNumber(at)));
      case TABLE:
        return tableToReply(l, at, depth + 1);
      default:
        return Reply.NULL;
    }
  }

  private Reply tableToReply(Lua l, int at, int depth) {
    Reply special = stringField(l, at, "err", true);
    if (special != null) {
      return special;
    }
    special = stringField(l, at, "ok", false);
    if (special != null) {
      return special;
    }
    l.getField(at, "double");
    if (l.type(-1) == Lua.LuaType.NUMBER) {
      double value = l.toNumber(-1);
      l.pop(1);
      return Reply.dbl(value);
    }
    l.pop(1);
    l.getField(at, "big_number");
    if (l.type(-1) == Lua.LuaType.STRING) {
      String text = l.toString(-1);
      l.pop(1);
      try {
        return Reply.bigNumber(new BigInteger(text.trim()));
      } catch (NumberFormatException e) {
        return Reply.bulk(text.getBytes(StandardCharsets.UTF_8));
      }
    }
    l.pop(1);
    l.getField(at, "map");
    if (l.type(-1) == Lua.LuaType.TABLE) {
      int map = l.getTop();
      List<Reply> items = new ArrayList<>();
      l.pushNil();
      while (l.next(map) != 0) {
        items.add(toReply(l, -2, depth));
        items.add(toReply(l, -1, depth));
        l.pop(1);
      }
      l.pop(1);
      return Reply.map(items);
    }
    l.pop(1);
    l.getField(at, "set");
    if (l.type(-1) == Lua.LuaType.TABLE) {
      int set = l.getTop();
      List<Reply> items = new ArrayList<>();
      l.pushNil();
      while (l.next(set) != 0) {
        items.add(toReply(l, -2, depth));
        l.pop(1);
      }
      l.pop(1);
      return Reply.set(items);
    }
    l.pop(1);
    List<Reply> items = new ArrayList<>();
    for (int i = 1; ; i++) {
      l.rawGetI(at, i);
      if (l.isNil(-1)) {
        l.pop(1);
        break;
      }
      items.add(toReply(l, -1, depth));
      l.pop(1);
    }
    return Reply.array(items);
  }

  private static Reply stringField(Lua l, int at, String field, boolean error) {
    l.getField(at, field);
    try {
      if (l.type(-1) != Lua.LuaType.STRING) {
        return null;
      }
      String text = new String(bytes(l, -1), StandardCharsets.UTF_8);
      if (error) {
        return Reply.error(text);
      }
      return Reply.simple(text.replace('\r', ' ').replace('\n', ' '));
    } finally {
      l.pop(1);
    }
  }

  /** Lua numbers become integers as Redis' C cast does them on x86 (out of range: LLONG_MIN). */
  static long truncate(double value) {
    if (Double.isNaN(value) || value >= 9.223372036854775807E18 || value < -9.223372036854775808E18) {
      return Long.MIN_VALUE;
    }
    return (long) value;
  }
}
