package io.redgrid.rdb;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * DUMP/RESTORE payloads: value encoding + 2-byte RDB version (LE) + 8-byte CRC64 (LE), as Redis'
 * createDumpPayload/verifyDumpPayload.
 */
public final class DumpPayload {
  private DumpPayload() {}

  public static byte[] dump(Object value, RdbOptions options) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RdbOutput out = new RdbOutput(bytes, options.compression());
    try {
      out.writeTypedValue(value);
      out.writeLittleEndian(Rdb.VERSION, 2);
      // Redis' DUMP always carries the checksum, whatever rdbchecksum says.
      out.writeLittleEndian(out.crc(), 8);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** True when the footer carries a version this server reads and a matching CRC64 (verifyDumpPayload). */
  public static boolean verify(byte[] payload) {
    if (payload.length < 10) {
      return false;
    }
    int footer = payload.length - 10;
    int version = (payload[footer] & 0xff) | (payload[footer + 1] & 0xff) << 8;
    if (version > Rdb.VERSION) {
      return false;
    }
    long stored = 0;
    for (int i = 0; i < 8; i++) {
      stored |= (long) (payload[footer + 2 + i] & 0xff) << (8 * i);
    }
    return Crc64.update(0, payload, 0, payload.length - 8) == stored;
  }

  /**
   * The value of a verified payload. RdbFormatException when the footer is wrong (see
   * {@link #verify}) or the value cannot be decoded; an empty collection is a format error too.
   */
  public static Object restore(byte[] payload) throws RdbFormatException {
    if (!verify(payload)) {
      throw new RdbFormatException("DUMP payload version or checksum are wrong", payload.length);
    }
    RdbInput in = new RdbInput(new ByteArrayInputStream(payload, 0, payload.length - 10));
    try {
      Object value = ValueReader.read(in, in.readByte());
      if (value == null) {
        throw in.error("Empty value in DUMP payload");
      }
      return value;
    } catch (RdbFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new RdbFormatException(e.getMessage(), in.offset());
    }
  }
}
