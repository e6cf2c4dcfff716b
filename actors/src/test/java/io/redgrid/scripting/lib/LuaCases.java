package io.redgrid.scripting.lib;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import party.iroiro.luajava.LuaException;
import party.iroiro.luajava.lua51.Lua51;

/**
 * Lua snippets with the results redis-server 7.0.15 gave for them, recorded in
 * {@code <library>.cases} (one {@code snippet TAB result} per line) beside this class.
 *
 * <p>Each snippet runs as {@code return D(pcall(function() SNIPPET end))} after the helper in
 * {@code show.lua}, in a chunk named {@code @user_script} like Redis's, so results and error
 * texts (with their {@code user_script:25:} positions) compare as plain strings. {@code D} prints
 * the pcall results with their count, strings with non-printable bytes as {@code \xNN} and
 * numbers with {@code %.17g}. The snippets of one file run in order in one Lua state, as they
 * did on one fresh server: the few that change cjson settings put them back.
 */
record LuaCases(String snippet, String expected) {
  static final String SHOW = resource("show.lua").stripTrailing();

  static List<LuaCases> load(String library) {
    List<LuaCases> cases = new ArrayList<>();
    for (String line : resource(library + ".cases").split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      int tab = line.indexOf('\t');
      cases.add(new LuaCases(line.substring(0, tab), line.substring(tab + 1)));
    }
    return cases;
  }

  /** The script Redis ran for this case (EVAL script 0). */
  String script() {
    return SHOW + "\nreturn D(pcall(function() " + snippet + " end))";
  }

  /** Runs this case in {@code lua}, which has the libraries installed. */
  String runIn(Lua51 lua) {
    byte[] source = script().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer code = ByteBuffer.allocateDirect(source.length);
    code.put(source).flip();
    try {
      lua.load(code, "@user_script");
      lua.pCall(0, 1);
      String result = lua.toString(-1);
      lua.setTop(0);
      return result;
    } catch (LuaException e) {
      lua.setTop(0);
      return "LuaException " + e.getMessage();
    }
  }

  private static String resource(String name) {
    try (InputStream in = LuaCases.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
