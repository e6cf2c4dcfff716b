package io.redgrid.rdb;

/**
 * Redis' crc64 (Jones polynomial 0xad93d23594c935a9, reflected in and out, init 0, no final xor):
 * the checksum of RDB files and DUMP payloads.
 */
public final class Crc64 {
  /** The Jones polynomial bit-reversed, for the reflected (LSB-first) table. */
  private static final long REFLECTED_POLY = 0x95ac9329ac4bc9b5L;
  private static final long[] TABLE = new long[256];

  static {
    for (int i = 0; i < 256; i++) {
      long crc = i;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? (crc >>> 1) ^ REFLECTED_POLY : crc >>> 1;
      }
      TABLE[i] = crc;
    }
  }

  private Crc64() {}

  /** Continues {@code crc} over {@code len} bytes of {@code b} from {@code off}; start with 0. */
  public static long update(long crc, byte[] b, int off, int len) {
    for (int i = off, end = off + len; i < end; i++) {
      crc = TABLE[(int) ((crc ^ b[i]) & 0xff)] ^ (crc >>> 8);
    }
    return crc;
  }

  /** Continues {@code crc} over one byte. */
  public static long update(long crc, int b) {
    return TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
  }

  /** The checksum of a whole array. */
  public static long of(byte[] b) {
    return update(0, b, 0, b.length);
  }
}
