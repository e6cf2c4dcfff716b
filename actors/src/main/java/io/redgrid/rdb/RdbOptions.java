package io.redgrid.rdb;

/** Options of RDB writing: Redis' rdbcompression (LZF for strings > 20 bytes) and rdbchecksum (CRC64). */
public record RdbOptions(boolean compression, boolean checksum) {
  public static final RdbOptions DEFAULT = new RdbOptions(true, true);
}
