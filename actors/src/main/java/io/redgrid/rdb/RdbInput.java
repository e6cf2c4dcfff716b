package io.redgrid.rdb;

import io.redgrid.command.Numbers;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The decoding half of the RDB format's primitives (rdbLoadLen, rdbGenericLoadStringObject,
 * rdbLoadDoubleValue ...): reads a stream while keeping the byte offset and the running CRC64.
 */
final class RdbInput {
  private final InputStream in;
  /** Our own buffer: per-byte reads from a JDK stream are synchronized calls. */
  private final byte[] buffer = new byte[1 << 16];
  private int position;
  private int limit;
  /** Bytes read before the current buffer content. */
  private long base;
  /** Start of the consumed bytes of the buffer the CRC does not cover yet. */
  private int crcFrom;
  private long crc;
  /** Set by {@link #readLength()} when the prefix was a special encoding (11xxxxxx), not a length. */
  private boolean encoded;

  RdbInput(InputStream in) {
    this.in = in;
  }

  long offset() {
    return base + position;
  }

  /** The CRC64 of every byte consumed so far. */
  long crc() {
    syncCrc();
    return crc;
  }

  private void syncCrc() {
    crc = Crc64.update(crc, buffer, crcFrom, position - crcFrom);
    crcFrom = position;
  }

  RdbFormatException error(String message) {
    return new RdbFormatException(message, offset());
  }

  /** Refills an exhausted buffer; false at the end of the stream. */
  private boolean fill() throws IOException {
    syncCrc();
    base += limit;
    position = 0;
    limit = 0;
    crcFrom = 0;
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      return false;
    }
    limit = n;
    return true;
  }

  int readByte() throws IOException {
    if (position == limit && !fill()) {
      throw error("Unexpected EOF reading RDB file");
    }
    return buffer[position++] & 0xff;
  }

  byte[] readBytes(long len) throws IOException {
    if (len < 0 || len > Integer.MAX_VALUE - 16) {
      throw error("Invalid length " + len);
    }
    // grown as data arrives, so a corrupt huge length fails at EOF instead of allocating it all
    byte[] out = new byte[(int) Math.min(len, 1 << 24)];
    int copied = 0;
    while (copied < len) {
      if (position == limit && !fill()) {
        throw error("Unexpected EOF reading RDB file");
      }
      if (copied == out.length) {
        out = Arrays.copyOf(out, (int) Math.min(len, out.length * 2L));
      }
      int n = Math.min(limit - position, out.length - copied);
      System.arraycopy(buffer, position, out, copied, n);
      position += n;
      copied += n;
    }
    return out;
  }

  /** Bytes the checksum does not cover (the CRC trailer itself). */
  byte[] readUnchecked(int len) throws IOException {
    syncCrc();
    byte[] out = readBytes(len);
    crcFrom = position;
    return out;
  }

  long readLittleEndian(int bytes) throws IOException {
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v |= (long) readByte() << (8 * i);
    }
    return v;
  }

  /** rdbLoadLenByRef: a length, or with {@link #wasEncoded()} an ENC_* string encoding. */
  long readLength() throws IOException {
    encoded = false;
    int first = readByte();
    int kind = (first & 0xc0) >>> 6;
    if (kind == Rdb.LEN_ENCVAL) {
      encoded = true;
      return first & 0x3f;
    }
    if (kind == Rdb.LEN_6BIT) {
      return first & 0x3f;
    }
    if (kind == Rdb.LEN_14BIT) {
      return ((first & 0x3f) << 8) | readByte();
    }
    if (first == Rdb.LEN_32BIT) {
      long v = 0;
      for (int i = 0; i < 4; i++) {
        v = (v << 8) | readByte();
      }
      return v;
    }
    if (first == Rdb.LEN_64BIT) {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | readByte();
      }
      if (v < 0) {
        throw error("Invalid length " + Long.toUnsignedString(v));
      }
      return v;
    }
    throw error(String.format("Unknown length encoding %d in rdbLoadLen()", first));
  }

  boolean wasEncoded() {
    return encoded;
  }

  /** A plain length: an encoded-string prefix here is corruption. */
  long readPlainLength() throws IOException {
    long len = readLength();
    if (encoded) {
      throw error("Unexpected string encoding where a length was expected");
    }
    return len;
  }

  /** rdbGenericLoadStringObject: raw, INT8/16/32 (as decimal text) or LZF. */
  byte[] readString() throws IOException {
    long len = readLength();
    if (!encoded) {
      return readBytes(len);
    }
    switch ((int) len) {
      case Rdb.ENC_INT8:
        return Numbers.toBytes((byte) readLittleEndian(1));
      case Rdb.ENC_INT16:
        return Numbers.toBytes((short) readLittleEndian(2));
      case Rdb.ENC_INT32:
        return Numbers.toBytes((int) readLittleEndian(4));
      case Rdb.ENC_LZF: {
        long compressedLength = readPlainLength();
        long length = readPlainLength();
        if (length > Integer.MAX_VALUE - 16) {
          throw error("Invalid LZF length " + length);
        }
        long start = offset();
        byte[] compressed = readBytes(compressedLength);
        byte[] plain = Lzf.decompress(compressed, 0, compressed.length, (int) length);
        if (plain == null) {
          throw new RdbFormatException("Invalid LZF compressed string", start);
        }
        return plain;
      }
      default:
        throw error("Unknown RDB string encoding type " + len);
    }
  }

  /** rdbLoadDoubleValue (RDB_TYPE_ZSET): a length byte then text; 253 nan, 254 +inf, 255 -inf. */
  double readStringDouble() throws IOException {
    int len = readByte();
    switch (len) {
      case 255:
        return Double.NEGATIVE_INFINITY;
      case 254:
        return Double.POSITIVE_INFINITY;
      case 253:
        return Double.NaN;
      default:
        double d = ValueReader.parseScore(readBytes(len));
        if (Double.isNaN(d)) {
          throw error("Invalid double value");
        }
        return d;
    }
  }

  /** rdbLoadBinaryDoubleValue: 8 bytes little-endian IEEE 754. */
  double readBinaryDouble() throws IOException {
    return Double.longBitsToDouble(readLittleEndian(8));
  }
}
