package io.redgrid.scripting;

import io.redgrid.command.CommandError;
import java.nio.charset.StandardCharsets;

/**
 * The Redis 7.0 shebang of a script ({@code #!lua flags=no-writes,allow-oom}): which flags it
 * declares, and its code with the shebang line blanked so line numbers stay those of the body.
 */
public record ScriptFlags(boolean shebang, boolean noWrites, boolean allowOom, boolean allowStale,
    int shebangLength) {
  public static final ScriptFlags NONE = new ScriptFlags(false, false, false, false, 0);

  /** Parses a shebang with Redis' errors (evalExtractShebangFlags). */
  public static ScriptFlags parse(byte[] body) {
    if (body.length < 2 || body[0] != '#' || body[1] != '!') {
      return NONE;
    }
    int end = 0;
    while (end < body.length && body[end] != '\n') {
      end++;
    }
    if (end == body.length) {
      throw new CommandError("ERR Invalid script shebang");
    }
    String line = new String(body, 0, end, StandardCharsets.UTF_8);
    String[] parts = line.split(" ");
    if (!parts[0].equals("#!lua")) {
      throw new CommandError("ERR Unexpected engine in script shebang: " + parts[0]);
    }
    boolean noWrites = false;
    boolean allowOom = false;
    boolean allowStale = false;
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i];
      if (part.isEmpty()) {
        continue;
      }
      if (!part.startsWith("flags=")) {
        throw new CommandError("ERR Unknown lua shebang option: " + part);
      }
      String list = part.substring("flags=".length());
      if (list.isEmpty()) {
        continue;
      }
      for (String flag : list.split(",", -1)) {
        switch (flag) {
          case "no-writes" -> noWrites = true;
          case "allow-oom" -> allowOom = true;
          case "allow-stale" -> allowStale = true;
          case "no-cluster", "allow-cross-slot-keys" -> { }
          default -> throw new CommandError("ERR Unexpected flag in script shebang: " + flag);
        }
      }
    }
    return new ScriptFlags(true, noWrites, allowOom, allowStale, end);
  }

  /** The code Lua compiles: the shebang line emptied, its newline kept. */
  public byte[] code(byte[] body) {
    if (!shebang) {
      return body;
    }
    byte[] code = new byte[body.length - shebangLength];
    System.arraycopy(body, shebangLength, code, 0, code.length);
    return code;
  }
}
