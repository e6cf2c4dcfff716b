package io.redgrid.scripting.functions;

import io.redgrid.command.CommandError;
import io.redgrid.config.ConfigLine;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code #!<engine> name=<library>} first line of a library, parsed as Redis 7.0's
 * functionExtractLibMetaData, with its error texts. {@code body} is the code from the newline
 * on, so Lua's line numbers stay those of the whole text.
 */
public record LibraryHeader(String engine, String name, byte[] body) {
  static final String BAD_NAME = "ERR Library names can only contain letters, numbers, or underscores(_)"
      + " and must be at least one character long";

  /** Parses the header and checks the library name; {@link CommandError} with Redis' text otherwise. */
  public static LibraryHeader parse(byte[] code) {
    if (code.length < 2 || code[0] != '#' || code[1] != '!') {
      throw new CommandError("ERR Missing library metadata");
    }
    int newline = indexOf(code, (byte) '\n');
    if (newline < 0) {
      throw new CommandError("ERR Invalid library metadata");
    }
    // Header bytes as Latin-1: one char per byte, so sdssplitargs' rules apply unchanged.
    List<String> parts;
    try {
      parts = ConfigLine.split(new String(code, 0, newline, StandardCharsets.ISO_8859_1));
    } catch (RuntimeException badEscape) {
      parts = null;
    }
    if (parts == null || parts.isEmpty()) {
      throw new CommandError("ERR Invalid library metadata");
    }
    String engine = parts.get(0).substring(2);
    String name = null;
    for (int i = 1; i < parts.size(); i++) {
      String part = parts.get(i);
      if (part.regionMatches(true, 0, "name=", 0, 5)) {
        if (name != null) {
          throw new CommandError("ERR Invalid metadata value, name argument was given multiple times");
        }
        name = part.substring(5);
        continue;
      }
      throw new CommandError("ERR Invalid metadata value given: " + part);
    }
    if (name == null) {
      throw new CommandError("ERR Library name was not given");
    }
    if (!validName(name)) {
      throw new CommandError(BAD_NAME);
    }
    if (!engine.equalsIgnoreCase("lua")) {
      throw new CommandError("ERR Engine '" + engine + "' not found");
    }
    byte[] body = new byte[code.length - newline];
    System.arraycopy(code, newline, body, 0, body.length);
    return new LibraryHeader("LUA", name, body);
  }

  /** Redis' functionsVerifyName: letters, digits and underscores, at least one. */
  static boolean validName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
