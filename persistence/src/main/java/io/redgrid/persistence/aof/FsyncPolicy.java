package io.redgrid.persistence.aof;

import java.util.Locale;

/** Redis' appendfsync policies. */
public enum FsyncPolicy {
  /** fsync before a write is acknowledged (one fsync per drained group). */
  ALWAYS,
  /** fsync in the background at most once per second. */
  EVERYSEC,
  /** leave flushing to the operating system. */
  NO;

  /** Parses a Redis directive value ("always", "everysec", "no"), case-insensitively. */
  public static FsyncPolicy parse(String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "always":
        return ALWAYS;
      case "everysec":
        return EVERYSEC;
      case "no":
        return NO;
      default:
        throw new IllegalArgumentException("argument(s) must be one of the following: always, everysec, no");
    }
  }

  /** The directive value as Redis prints it. */
  public String directive() {
    return name().toLowerCase(Locale.ROOT);
  }
}
