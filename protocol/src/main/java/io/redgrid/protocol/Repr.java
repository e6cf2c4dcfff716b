package io.redgrid.protocol;

/** Redis' sdscatrepr: a quoted string with C escapes, as MONITOR and CONFIG REWRITE write them. */
public final class Repr {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Repr() {}

  /** Appends {@code bytes} quoted: printable ASCII as is, C escapes, other bytes as \\xhh. */
  public static StringBuilder append(StringBuilder out, byte[] bytes) {
    out.append('"');
    for (byte b : bytes) {
      int c = b & 0xff;
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case 7 -> out.append("\\a");
        case '\b' -> out.append("\\b");
        default -> {
          if (c >= 0x20 && c < 0x7f) {
            out.append((char) c);
          } else {
            out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 15]);
          }
        }
      }
    }
    return out.append('"');
  }
}
