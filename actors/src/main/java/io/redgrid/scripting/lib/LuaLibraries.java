package io.redgrid.scripting.lib;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import party.iroiro.luajava.JFunction;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.LuaException;
import party.iroiro.luajava.lua51.Lua51Natives;

/**
 * Installs the libraries Redis 7.0 links into its script VM: the globals {@code cjson},
 * {@code cmsgpack}, {@code bit} and {@code struct}, behaving like lua_cjson 2.1.0, lua_cmsgpack
 * 0.4.0, LuaBitOp 1.0.2 and lua_struct 0.2 as built into redis-server 7.0.
 *
 * <p>The libraries are Lua code ({@code redis_libs.lua} beside this class). Each public function
 * is reached through a Java trampoline, a C function to Lua, because the originals are C
 * functions: Lua then reports the caller's {@code user_script:LINE:} in errors and the name the
 * caller used in "bad argument" errors exactly as it does for Redis's C libraries, also when the
 * call is a tail call. The trampoline calls the Lua implementation protected and rethrows its
 * error value unchanged, so no Lua error ever unwinds through JNI frames.
 */
public final class LuaLibraries {
  private static final int LUA_REGISTRYINDEX = -10000;
  private static final int LUA_MULTRET = -1;
  private static final String CHUNK_NAME = "=redgrid_lualib";
  private static final byte[] SOURCE = readSource();

  /** {@code wrap(fn, multi)}: the install chunk's factory of trampolines. */
  private static final JFunction WRAP = l -> {
    Lua51Natives c = natives(l);
    long p = l.getPointer();
    boolean multi = c.lua_toboolean(p, 2) != 0;
    c.lua_settop(p, 1);
    int ref = c.luaL_ref(p, LUA_REGISTRYINDEX);
    l.push(new Trampoline(ref, multi));
    return 1;
  };

  private LuaLibraries() {
  }

  /**
   * Sets the globals {@code cjson}, {@code cmsgpack}, {@code bit} and {@code struct} in {@code lua}.
   * Call it after {@code openLibraries()} and before the sandbox hides or freezes anything: the
   * libraries keep private references to the standard functions they use (including
   * {@code debug.getinfo}), so scripts cannot change them afterwards, and they are set as plain
   * global assignments.
   */
  public static void install(Lua lua) {
    Lua51Natives c = natives(lua);
    long p = lua.getPointer();
    ByteBuffer code = ByteBuffer.allocateDirect(SOURCE.length);
    code.put(SOURCE).flip();
    try {
      lua.load(code, CHUNK_NAME);
      c.lua_pushlightuserdata(p, 0); // cjson.null is a NULL lightuserdata, as in lua_cjson
      lua.push(WRAP);
      lua.pCall(2, 0);
    } catch (LuaException e) {
      throw new IllegalStateException("installing the Redis Lua libraries failed: " + e.getMessage(), e);
    }
  }

  private static Lua51Natives natives(Lua lua) {
    if (lua.getLuaNatives() instanceof Lua51Natives n) {
      return n;
    }
    throw new IllegalArgumentException("the Redis Lua libraries need a Lua 5.1 state, got " + lua.getClass());
  }

  private static byte[] readSource() {
    try (InputStream in = LuaLibraries.class.getResourceAsStream("redis_libs.lua")) {
      if (in == null) {
        throw new IllegalStateException("redis_libs.lua is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The C function a library function is: calls the Lua implementation held in the registry with
   * all arguments. With {@code multi} the implementation returns one table {@code {n=count, ...}}
   * whose elements become the results (up to the C stack limit Redis's libraries also have).
   */
  private record Trampoline(int ref, boolean multi) implements JFunction {
    @Override
    public int __call(Lua l) {
      Lua51Natives c = natives(l);
      long p = l.getPointer();
      int nargs = c.lua_gettop(p);
      c.lua_rawgeti(p, LUA_REGISTRYINDEX, ref);
      c.lua_insert(p, 1);
      if (c.lua_pcall(p, nargs, multi ? 1 : LUA_MULTRET, 0) != 0) {
        return -1; // the error value is on top: luajava raises it as this function's error
      }
      if (!multi) {
        return c.lua_gettop(p);
      }
      c.lua_getfield(p, 1, "n");
      int n = (int) c.lua_tonumber(p, -1);
      c.lua_settop(p, 1);
      if (n > 0 && c.lua_checkstack(p, n) == 0) {
        c.lua_pushstring(p, "stack overflow (too many results)");
        return -1;
      }
      for (int i = 1; i <= n; i++) {
        c.lua_rawgeti(p, 1, i);
      }
      c.lua_remove(p, 1);
      return n;
    }
  }
}
