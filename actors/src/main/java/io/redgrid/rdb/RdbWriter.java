package io.redgrid.rdb;

import io.redgrid.keyspace.KeyEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Streams an RDB file (version 10, as Redis 7.0): header + aux fields, per-db sections,
 * entries, EOF + CRC64. Writes through its own buffer, flushed by {@link #finish}.
 */
public final class RdbWriter {
  private final RdbOutput out;
  private final RdbOptions options;

  public RdbWriter(OutputStream out, RdbOptions options) {
    this.out = new RdbOutput(out, options.compression());
    this.options = options;
  }

  /**
   * "REDIS0010" then aux fields redis-ver (7.0.15), redis-bits 64, ctime, used-mem, aof-base 0,
   * then {@code extraAux} in order.
   */
  public void header(long ctimeSeconds, Map<String, String> extraAux) throws IOException {
    out.write(String.format("REDIS%04d", Rdb.VERSION).getBytes(StandardCharsets.US_ASCII));
    aux("redis-ver", Rdb.REDIS_VERSION);
    aux("redis-bits", "64");
    aux("ctime", Long.toString(ctimeSeconds));
    Runtime runtime = Runtime.getRuntime();
    aux("used-mem", Long.toString(runtime.totalMemory() - runtime.freeMemory()));
    aux("aof-base", "0");
    if (extraAux != null) {
      for (Map.Entry<String, String> e : extraAux.entrySet()) {
        aux(e.getKey(), e.getValue());
      }
    }
  }

  /** An AUX field anywhere. */
  public void aux(String key, String value) throws IOException {
    out.writeByte(Rdb.OPCODE_AUX);
    out.writeString(key.getBytes(StandardCharsets.UTF_8));
    out.writeString(value.getBytes(StandardCharsets.UTF_8));
  }

  /** SELECTDB db + RESIZEDB sizes. */
  public void database(int db, long size, long expiresSize) throws IOException {
    out.writeByte(Rdb.OPCODE_SELECTDB);
    out.writeLength(db);
    out.writeByte(Rdb.OPCODE_RESIZEDB);
    out.writeLength(size);
    out.writeLength(expiresSize);
  }

  /** One key: EXPIRETIME_MS opcode when expireAt != KeyEntry.NO_EXPIRY, then type + key + value. */
  public void entry(byte[] key, Object value, long expireAt) throws IOException {
    if (expireAt != KeyEntry.NO_EXPIRY) {
      out.writeByte(Rdb.OPCODE_EXPIRETIME_MS);
      out.writeLittleEndian(expireAt, 8);
    }
    out.writeByte(RdbOutput.typeOf(value));
    out.writeString(key);
    out.writeTypedValueBody(value);
  }

  /** A Redis 7 function library (FUNCTION2 opcode), for completeness of round trips. */
  public void function(byte[] code) throws IOException {
    out.writeByte(Rdb.OPCODE_FUNCTION2);
    out.writeString(code);
  }

  /**
   * EOF opcode + 8-byte little-endian CRC64 (Redis crc64 jones, over every byte before it);
   * 0 when checksum off.
   */
  public void finish() throws IOException {
    out.writeByte(Rdb.OPCODE_EOF);
    long crc = options.checksum() ? out.crc() : 0;
    out.writeLittleEndian(crc, 8);
    out.flush();
  }

  public long bytesWritten() {
    return out.written();
  }
}
