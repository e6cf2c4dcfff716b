package io.redgrid.scripting.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redgrid.rdb.RealRedis;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The recorded expectations of {@link LuaLibrariesTest} still are what a real redis-server
 * answers: every case is sent as {@code EVAL} to a fresh server, one library file after the
 * other in the order the cases were recorded.
 */
class LuaLibrariesRealRedisTest {

  @Test
  void recordedResultsAreRedisResults() throws Exception {
    List<String> mismatches = new ArrayList<>();
    for (String library : List.of("cjson", "cmsgpack", "bit", "struct", "misc", "extra")) {
      // A fresh server per file: cjson settings live as long as the server's Lua state.
      try (RealRedis redis = RealRedis.start(null)) {
        for (LuaCases c : LuaCases.load(library)) {
          String actual = redis.text("EVAL", c.script(), "0");
          if (!c.expected().equals(actual)) {
            mismatches.add(c.snippet() + "\n  recorded: " + c.expected() + "\n  redis:    " + actual);
          }
        }
      }
    }
    assertEquals("", String.join("\n", mismatches));
  }
}
