package io.redgrid.command;

/** Redis 7.0's error texts, byte for byte: clients parse them. */
public final class Errors {
  public static final String WRONGTYPE =
      "WRONGTYPE Operation against a key holding the wrong kind of value";
  public static final String NOT_INTEGER = "ERR value is not an integer or out of range";
  public static final String NOT_FLOAT = "ERR value is not a valid float";
  public static final String SYNTAX = "ERR syntax error";
  public static final String NO_SUCH_KEY = "ERR no such key";
  public static final String OVERFLOW = "ERR increment or decrement would overflow";
  public static final String NAN_OR_INFINITY = "ERR increment would produce NaN or Infinity";
  public static final String DB_OUT_OF_RANGE = "ERR DB index is out of range";
  public static final String STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
  public static final String OUT_OF_RANGE_OFFSET = "ERR offset is out of range";
  public static final String NOT_POSITIVE = "ERR value is out of range, must be positive";

  private Errors() {}

  public static CommandError wrongArity(String command) {
    return new CommandError("ERR wrong number of arguments for '" + command + "' command");
  }

  public static CommandError invalidExpireTime(String command) {
    return new CommandError("ERR invalid expire time in '" + command + "' command");
  }
}
