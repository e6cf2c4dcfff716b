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
    return withFooter(options, out -> out.writeTypedValue(value));
  }

  /** What {@code body} writes, then the RDB version and the CRC64 of it all (DUMP's footer). */
  private static byte[] withFooter(RdbOptions options, io.redgrid.files.IoConsumer<RdbOutput> body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RdbOutput out = new RdbOutput(bytes, options.compression());
    try {
      body.accept(out);
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

  /**
   * FUNCTION DUMP: each library's code after the FUNCTION2 opcode (245), then the RDB version
   * and CRC64 footer, as Redis' functionDumpCommand.
   */
  public static byte[] dumpFunctions(java.util.List<byte[]> libraryCodes, RdbOptions options) {
    return withFooter(options, out -> {
      for (byte[] code : libraryCodes) {
        out.writeByte(Rdb.OPCODE_FUNCTION2);
        out.writeString(code);
      }
    });
  }

  /**
   * The library codes of a FUNCTION DUMP payload whose footer was verified; RdbFormatException
   * carries Redis' FUNCTION RESTORE error text ("given type is not a function" ...).
   */
  public static java.util.List<byte[]> restoreFunctions(byte[] payload) throws RdbFormatException {
    int end = payload.length - 10;
    RdbInput in = new RdbInput(new ByteArrayInputStream(payload, 0, end));
    java.util.List<byte[]> codes = new java.util.ArrayList<>();
    while (in.offset() < end) {
      int type;
      try {
        type = in.readByte();
      } catch (IOException e) {
        throw new RdbFormatException("can not read data type", in.offset());
      }
      if (type == Rdb.OPCODE_FUNCTION_PRE_GA) {
        codes.add(preGaFunction(in));
        continue;
      }
      if (type != Rdb.OPCODE_FUNCTION2) {
        throw new RdbFormatException("given type is not a function", in.offset());
      }
      try {
        codes.add(in.readString());
      } catch (IOException e) {
        throw new RdbFormatException("Failed loading library payload", in.offset());
      }
    }
    return codes;
  }

  /**
   * A library in the format of Redis 7.0's release candidates (opcode 246: name, engine,
   * optional description, code without header), translated as 7.0 does to
   * {@code #!<engine> name=<name>} + newline + code; the description is dropped.
   */
  static byte[] preGaFunction(RdbInput in) throws RdbFormatException {
    byte[] name = field(in, "Failed loading library name");
    byte[] engine = field(in, "Failed loading engine name");
    long hasDescription;
    try {
      hasDescription = in.readPlainLength();
    } catch (IOException e) {
      throw new RdbFormatException("Failed loading library description indicator", in.offset());
    }
    if (hasDescription != 0) {
      field(in, "Failed loading library description");
    }
    byte[] blob = field(in, "Failed loading library blob");
    byte[] header = ("#!" + new String(engine, java.nio.charset.StandardCharsets.ISO_8859_1) + " name="
        + new String(name, java.nio.charset.StandardCharsets.ISO_8859_1) + "\n")
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] code = new byte[header.length + blob.length];
    System.arraycopy(header, 0, code, 0, header.length);
    System.arraycopy(blob, 0, code, header.length, blob.length);
    return code;
  }

  private static byte[] field(RdbInput in, String error) throws RdbFormatException {
    try {
      return in.readString();
    } catch (IOException e) {
      throw new RdbFormatException(error, in.offset());
    }
  }
}
