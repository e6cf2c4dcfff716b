package io.redgrid.rdb;

import io.redgrid.keyspace.KeyEntry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Parses an RDB stream (every encoding Redis 7.0 writes, plus the older ones it still loads). */
public final class RdbReader {
  private final RdbInput in;

  public RdbReader(InputStream in) {
    this.in = new RdbInput(in);
  }

  /** Bytes consumed so far: where a visitor's own error happened. */
  public long offset() {
    return in.offset();
  }

  /** Reads to EOF, verifies the CRC64 when non-zero; errors are RdbFormatException naming the byte offset. */
  public void read(RdbVisitor visitor) throws IOException {
    int version = header();
    int db = 0;
    long expireAt = KeyEntry.NO_EXPIRY;
    while (true) {
      int type = in.readByte();
      switch (type) {
        case Rdb.OPCODE_EXPIRETIME -> {
          expireAt = in.readLittleEndian(4) * 1000;
          continue;
        }
        case Rdb.OPCODE_EXPIRETIME_MS -> {
          expireAt = in.readLittleEndian(8);
          continue;
        }
        case Rdb.OPCODE_FREQ -> {
          in.readByte();
          continue;
        }
        case Rdb.OPCODE_IDLE -> {
          in.readPlainLength();
          continue;
        }
        case Rdb.OPCODE_EOF -> {
          trailer(version);
          return;
        }
        case Rdb.OPCODE_SELECTDB -> {
          long index = in.readPlainLength();
          if (index > Integer.MAX_VALUE) {
            throw in.error("Invalid database index " + index);
          }
          db = (int) index;
          continue;
        }
        case Rdb.OPCODE_RESIZEDB -> {
          in.readPlainLength();
          in.readPlainLength();
          continue;
        }
        case Rdb.OPCODE_AUX -> {
          String key = new String(in.readString(), StandardCharsets.UTF_8);
          String value = new String(in.readString(), StandardCharsets.UTF_8);
          visitor.aux(key, value);
          continue;
        }
        case Rdb.OPCODE_MODULE_AUX -> throw in.error(
            "RDB module auxiliary data (opcode 247) is not supported by RedGrid");
        case Rdb.OPCODE_FUNCTION_PRE_GA -> {
          // Redis 7.0 release candidates' format, translated as 7.0's rdbFunctionLoad does
          visitor.function(DumpPayload.preGaFunction(in));
          continue;
        }
        case Rdb.OPCODE_FUNCTION2 -> {
          visitor.function(in.readString());
          continue;
        }
        default -> {
          // a key: type, key, value
        }
      }
      byte[] key = in.readString();
      Object value = ValueReader.read(in, type);
      if (value != null) {
        visitor.entry(db, key, value, expireAt);
      }
      expireAt = KeyEntry.NO_EXPIRY;
    }
  }

  /** "REDIS" + four version digits; 1..10 accepted, as Redis 7.0's rdbLoadRio. */
  private int header() throws IOException {
    byte[] magic = in.readBytes(9);
    String text = new String(magic, StandardCharsets.US_ASCII);
    if (!text.startsWith("REDIS")) {
      throw new RdbFormatException("Wrong signature trying to load DB from file", 0);
    }
    int version;
    try {
      version = Integer.parseInt(text.substring(5));
    } catch (NumberFormatException e) {
      version = -1;
    }
    if (version < 1 || version > Rdb.VERSION) {
      throw new RdbFormatException("Can't handle RDB format version "
          + (version < 0 ? text.substring(5) : Integer.toString(version)), 5);
    }
    return version;
  }

  /** Since version 5 an 8-byte CRC64 follows EOF; 0 means the writer had checksums off. */
  private void trailer(int version) throws IOException {
    if (version < 5) {
      return;
    }
    long expected = in.crc();
    long at = in.offset();
    byte[] b = in.readUnchecked(8);
    long stored = 0;
    for (int i = 0; i < 8; i++) {
      stored |= (long) (b[i] & 0xff) << (8 * i);
    }
    if (stored != 0 && stored != expected) {
      throw new RdbFormatException(String.format(
          "Wrong RDB checksum expected: (%x) got (%x)", expected, stored), at);
    }
  }
}
