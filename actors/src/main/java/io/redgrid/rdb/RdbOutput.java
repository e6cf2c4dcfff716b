package io.redgrid.rdb;

import io.redgrid.command.Numbers;
import io.redgrid.keyspace.HashValue;
import io.redgrid.keyspace.ListValue;
import io.redgrid.keyspace.SetValue;
import io.redgrid.keyspace.SortedSetValue;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The encoding half of the RDB format (rdbSaveLen, rdbSaveRawString, rdbSaveObject): writes to a
 * stream while keeping the running CRC64 and byte count.
 *
 * <p>Values are written in the plain types Redis 7.0 still loads and converts to its compact
 * encodings by size: lists as RDB_TYPE_LIST, sets as RDB_TYPE_SET, hashes as RDB_TYPE_HASH and
 * sorted sets as RDB_TYPE_ZSET_2. They need no listpack or ziplist writer.
 */
final class RdbOutput {
  private final OutputStream out;
  private final boolean compression;
  private final byte[] scratch = new byte[9];
  /** Our own buffer: per-byte writes to a JDK stream are synchronized calls. */
  private final byte[] buffer = new byte[1 << 16];
  private int position;
  private long crc;
  private long flushed;

  RdbOutput(OutputStream out, boolean compression) {
    this.out = out;
    this.compression = compression;
  }

  /** The CRC64 of every byte written so far. */
  long crc() throws IOException {
    drain();
    return crc;
  }

  long written() {
    return flushed + position;
  }

  /** Hands the buffered bytes to the stream (and flushes it). */
  void flush() throws IOException {
    drain();
    out.flush();
  }

  private void drain() throws IOException {
    if (position > 0) {
      crc = Crc64.update(crc, buffer, 0, position);
      out.write(buffer, 0, position);
      flushed += position;
      position = 0;
    }
  }

  void write(byte[] b, int off, int len) throws IOException {
    if (len > buffer.length - position) {
      drain();
      if (len >= buffer.length) {
        crc = Crc64.update(crc, b, off, len);
        out.write(b, off, len);
        flushed += len;
        return;
      }
    }
    System.arraycopy(b, off, buffer, position, len);
    position += len;
  }

  void write(byte[] b) throws IOException {
    write(b, 0, b.length);
  }

  void writeByte(int b) throws IOException {
    if (position == buffer.length) {
      drain();
    }
    buffer[position++] = (byte) b;
  }

  /** A little-endian integer of {@code bytes} bytes. */
  void writeLittleEndian(long value, int bytes) throws IOException {
    for (int i = 0; i < bytes; i++) {
      scratch[i] = (byte) (value >>> (8 * i));
    }
    write(scratch, 0, bytes);
  }

  /** rdbSaveLen: 6-bit, 14-bit, 32-bit or 64-bit big-endian length. */
  void writeLength(long len) throws IOException {
    if (len < 0) {
      throw new IllegalArgumentException("negative length " + len);
    }
    if (len < (1 << 6)) {
      writeByte((int) len);
    } else if (len < (1 << 14)) {
      scratch[0] = (byte) ((len >>> 8) | (Rdb.LEN_14BIT << 6));
      scratch[1] = (byte) len;
      write(scratch, 0, 2);
    } else if (len <= 0xffffffffL) {
      scratch[0] = (byte) Rdb.LEN_32BIT;
      for (int i = 0; i < 4; i++) {
        scratch[1 + i] = (byte) (len >>> (24 - 8 * i));
      }
      write(scratch, 0, 5);
    } else {
      scratch[0] = (byte) Rdb.LEN_64BIT;
      for (int i = 0; i < 8; i++) {
        scratch[1 + i] = (byte) (len >>> (56 - 8 * i));
      }
      write(scratch, 0, 9);
    }
  }

  /**
   * rdbSaveRawString: integer encoding for canonical integers of at most 11 characters that fit
   * 32 bits, LZF for strings over 20 bytes when it saves more than 4 bytes, raw otherwise.
   */
  void writeString(byte[] s) throws IOException {
    if (s.length <= 11 && s.length > 0 && writeIntegerEncoded(s)) {
      return;
    }
    if (compression && s.length > 20) {
      byte[] packed = Lzf.compress(s, s.length - 4);
      if (packed != null) {
        writeByte((Rdb.LEN_ENCVAL << 6) | Rdb.ENC_LZF);
        writeLength(packed.length);
        writeLength(s.length);
        write(packed);
        return;
      }
    }
    writeLength(s.length);
    write(s);
  }

  private boolean writeIntegerEncoded(byte[] s) throws IOException {
    Long parsed = Numbers.parseLongOrNull(s);
    if (parsed == null) {
      return false;
    }
    long v = parsed;
    if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
      writeByte((Rdb.LEN_ENCVAL << 6) | Rdb.ENC_INT8);
      writeLittleEndian(v, 1);
    } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
      writeByte((Rdb.LEN_ENCVAL << 6) | Rdb.ENC_INT16);
      writeLittleEndian(v, 2);
    } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      writeByte((Rdb.LEN_ENCVAL << 6) | Rdb.ENC_INT32);
      writeLittleEndian(v, 4);
    } else {
      return false;
    }
    return true;
  }

  /** The RDB type byte of a value as this writer encodes it. */
  static int typeOf(Object value) {
    if (value instanceof byte[]) {
      return Rdb.TYPE_STRING;
    }
    if (value instanceof ListValue) {
      return Rdb.TYPE_LIST;
    }
    if (value instanceof SetValue) {
      return Rdb.TYPE_SET;
    }
    if (value instanceof HashValue) {
      return Rdb.TYPE_HASH;
    }
    if (value instanceof SortedSetValue) {
      return Rdb.TYPE_ZSET_2;
    }
    throw new IllegalArgumentException("no RDB type for " + value.getClass().getName());
  }

  /** rdbSaveObjectType + rdbSaveObject. */
  void writeTypedValue(Object value) throws IOException {
    writeByte(typeOf(value));
    writeTypedValueBody(value);
  }

  /** rdbSaveObject: the value after its type byte (and, in a file, its key). */
  void writeTypedValueBody(Object value) throws IOException {
    if (value instanceof byte[] bytes) {
      writeString(bytes);
    } else if (value instanceof ListValue list) {
      writeLength(list.size());
      for (int i = 0; i < list.size(); i++) {
        writeString(list.get(i));
      }
    } else if (value instanceof SetValue set) {
      writeLength(set.size());
      try {
        set.forEach(member -> {
          try {
            writeString(member);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    } else if (value instanceof HashValue hash) {
      writeLength(hash.size());
      for (HashValue.Field f = hash.first(); f != null; f = f.next()) {
        writeString(f.name());
        writeString(f.value());
      }
    } else if (value instanceof SortedSetValue zset) {
      writeLength(zset.size());
      // Redis writes from the tail so that loading inserts at the skiplist head; order is free.
      for (SortedSetValue.Node n = zset.last(); n != null; n = n.previous()) {
        writeString(n.member());
        writeLittleEndian(Double.doubleToRawLongBits(n.score()), 8);
      }
    } else {
      throw new IllegalArgumentException("no RDB encoding for " + value.getClass().getName());
    }
  }
}
