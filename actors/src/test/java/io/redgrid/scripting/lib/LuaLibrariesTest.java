package io.redgrid.scripting.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import party.iroiro.luajava.LuaException;
import party.iroiro.luajava.lua51.Lua51;
import party.iroiro.luajava.lua51.Lua51Natives;

class LuaLibrariesTest {

  private static Lua51 newState() {
    Lua51 lua = new Lua51();
    lua.openLibraries();
    LuaLibraries.install(lua);
    return lua;
  }

  /** Every recorded case gives, byte for byte, what redis-server 7.0.15 gave. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cjson", "cmsgpack", "bit", "struct", "misc", "extra"})
  void matchesRedis(String library) {
    List<LuaCases> cases = LuaCases.load(library);
    assertTrue(cases.size() >= 10, library + " has cases");
    List<String> mismatches = new ArrayList<>();
    try (Lua51 lua = newState()) {
      for (LuaCases c : cases) {
        String actual = c.runIn(lua);
        if (!c.expected().equals(actual)) {
          mismatches.add(c.snippet() + "\n  redis: " + c.expected() + "\n  ours:  " + actual);
        }
      }
    }
    assertEquals("", String.join("\n", mismatches));
  }

  /** Runs a chunk named like Redis's user scripts and returns its one result as a string. */
  private static String eval(Lua51 lua, String script) throws LuaException {
    byte[] source = script.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer code = ByteBuffer.allocateDirect(source.length);
    code.put(source).flip();
    lua.load(code, "@user_script");
    lua.pCall(0, 1);
    String result = lua.toString(-1);
    lua.setTop(0);
    return result;
  }

  private static String error(Lua51 lua, String script) {
    LuaException e = assertThrows(LuaException.class, () -> eval(lua, script));
    lua.setTop(0);
    return e.getMessage();
  }

  @Test
  void encodesLikeLuaCjson() throws LuaException {
    try (Lua51 lua = newState()) {
      assertEquals("[1,2,3]", eval(lua, "return cjson.encode({1,2,3})"));
      assertEquals("{\"a\":\"x\\/y\"}", eval(lua, "return cjson.encode({a='x/y'})"));
      assertEquals("{}", eval(lua, "return cjson.encode({})"));
      assertEquals("[0.1,1e+100,3.1415926535898]", eval(lua, "return cjson.encode({0.1, 1e100, math.pi})"));
      assertEquals("[1,null,3]", eval(lua, "return cjson.encode({1, cjson.null, 3})"));
    }
  }

  @Test
  void errorsNameTheCallerLikeCFunctions() {
    try (Lua51 lua = newState()) {
      // A tail call, a plain call and a call through a local: Lua's own debug info names them.
      assertEquals("user_script:1: bad argument #1 to 'tohex' (number expected, got no value)",
          error(lua, "return bit.tohex()"));
      assertEquals("user_script:2: bad argument #2 to 'f' (number expected, got string)",
          error(lua, "local f = bit.band\nlocal x = f(1, 'x')"));
      assertEquals("user_script:1: Expected value but found invalid token at character 1",
          error(lua, "return cjson.decode('x')"));
      assertEquals("user_script:1: Cannot serialise table: excessively sparse array",
          error(lua, "return cjson.encode({[1]=1, [100]=2})"));
      assertEquals("table index is nil", error(lua, "return cmsgpack.unpack('\\129\\192\\1')"));
      assertEquals("user_script:1: bad argument #2 to 'unpack' (data string too short)",
          error(lua, "return struct.unpack('i4', 'abc')"));
    }
  }

  @Test
  void nullIsANullLightUserdata() throws LuaException {
    try (Lua51 lua = newState()) {
      lua.getGlobal("cjson");
      lua.getField(-1, "null");
      Lua51Natives natives = (Lua51Natives) lua.getLuaNatives();
      assertEquals(1, natives.lua_islightuserdata(lua.getPointer(), -1));
      assertEquals(0L, natives.lua_touserdata(lua.getPointer(), -1));
      lua.setTop(0);
      assertEquals("true", eval(lua, "return tostring(cjson.decode('[null]')[1] == cjson.null)"));
    }
  }

  @Test
  void manyResultsComeBackUpToTheCStackLimit() throws LuaException {
    try (Lua51 lua = newState()) {
      assertEquals("7999", eval(lua, "return #{cmsgpack.unpack(string.rep('\\1', 7999))}"));
      assertEquals("user_script:1: stack overflow (too many return values at once; use unpack_one "
          + "or unpack_limit instead.)", error(lua, "return cmsgpack.unpack(string.rep('\\1', 8000))"));
      assertEquals("7998", eval(lua, "return #{struct.unpack(string.rep('b', 7997), string.rep('a', 8000))}"));
    }
  }

  @Test
  void hostileInputFailsInsteadOfExhaustingTheProcess() throws LuaException {
    try (Lua51 lua = newState()) {
      assertEquals("user_script:1: Found too many nested data structures (7999) at character 7999",
          error(lua, "cjson.decode_max_depth(2^31-1) return cjson.decode(string.rep('[', 1000000))"));
      assertEquals("user_script:1: Cannot serialise, excessive nesting (7998)",
          error(lua, "cjson.encode_max_depth(2^31-1) local t = {} t[1] = t return cjson.encode(t)"));
      assertEquals("user_script:1: stack overflow (in function mp_decode_to_lua_array)",
          error(lua, "return cmsgpack.unpack(string.rep('\\145', 1000000))"));
      assertEquals("user_script:1: Missing bytes in input.",
          error(lua, "return cmsgpack.unpack('\\221\\255\\255\\255\\255')"));
      // Self-references stop at lua_cmsgpack's nesting limit of 16 and encode as nil there.
      assertEquals("17", eval(lua, "local t = {} t[1] = t return #cmsgpack.pack(t)"));
      assertEquals("user_script:1: bad argument #3 to 'pack' (string too short)",
          error(lua, "return struct.pack('c2000000000', 'x')"));
    }
  }

  @Test
  void eachStateHasItsOwnSettings() throws LuaException {
    try (Lua51 a = newState(); Lua51 b = newState()) {
      assertEquals("5", eval(a, "return cjson.encode_max_depth(5)"));
      assertEquals("1000", eval(b, "return cjson.encode_max_depth()"));
      assertEquals("5", eval(a, "return cjson.encode_max_depth()"));
    }
  }
}
