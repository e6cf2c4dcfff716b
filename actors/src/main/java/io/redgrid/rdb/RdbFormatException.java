package io.redgrid.rdb;

import java.io.IOException;

/** A malformed or unsupported RDB stream or DUMP payload, with the byte offset where it was noticed. */
public final class RdbFormatException extends IOException {
  private final long offset;

  public RdbFormatException(String msg, long offset) {
    super(msg + " (at byte " + offset + ")");
    this.offset = offset;
  }

  public long offset() {
    return offset;
  }
}
