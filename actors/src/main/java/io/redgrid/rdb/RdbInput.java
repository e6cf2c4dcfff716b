package io.redgrid.rdb;

import io.redgrid.command.Numbers;
import java.io.IOException;
import java.io.InputStream;

/**
 * The decoding half of the RDB format's primitives (rdbLoadLen, rdbGenericLoadStringObject,
 * rdbLoadDoubleValue ...): reads a stream while keeping the byte offset and the running CRC64.
 */
final class RdbInput {
  private final InputStream in;
  private long offset;
  private long crc;
  /** Set by {@link #readLength()} when the prefix was a special encoding (11xxxxxx), not a length. */
  private boolean encoded;

  RdbInput(InputStream in) {
    this.in = in;
  }

  long offset() {
    return offset;
  }

  long crc() {
    return crc;
  }

  RdbFormatException error(String message) {
    return new RdbFormatException(message, offset);
  }

  int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw error("Unexpected EOF reading RDB file");
    }
    crc = Crc64.update(crc, b);
    offset++;
    return b;
  }

  byte[] readBytes(long len) throws IOException {
    if (len < 0 || len > Integer.MAX_VALUE - 16) {
      throw error("Invalid length " + len);
    }
    byte[] b = in.readNBytes((int) len);
    if (b.length != len) {
      offset += b.length;
      throw error("Unexpected EOF reading RDB file");
    }
    crc = Crc64.update(crc, b, 0, b.length);
    offset += len;
    return b;
  }

  /** Bytes the checksum does not cover (the CRC trailer itself). */
  byte[] readUnchecked(int len) throws IOException {
    byte[] b = in.readNBytes(len);
    offset += b.length;
    if (b.length != len) {
      throw error("Unexpected EOF reading RDB file");
    }
    return b;
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
        long start = offset;
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
