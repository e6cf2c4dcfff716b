package io.redgrid.rdb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-built RDB bytes for the encodings Redis 7.0 no longer writes (ziplist, zipmap ...) and for broken files. */
final class RdbBytes {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static RdbBytes file(int version) {
    RdbBytes r = new RdbBytes();
    r.raw(String.format("REDIS%04d", version).getBytes(StandardCharsets.US_ASCII));
    return r;
  }

  RdbBytes op(int b) {
    out.write(b);
    return this;
  }

  RdbBytes raw(byte[] b) {
    out.writeBytes(b);
    return this;
  }

  RdbBytes le(long v, int bytes) {
    for (int i = 0; i < bytes; i++) {
      out.write((int) (v >>> (8 * i)));
    }
    return this;
  }

  /** A 6/14/32-bit RDB length. */
  RdbBytes len(long n) {
    if (n < 64) {
      out.write((int) n);
    } else if (n < 16384) {
      out.write((int) (0x40 | (n >>> 8)));
      out.write((int) n);
    } else {
      out.write(0x80);
      for (int i = 3; i >= 0; i--) {
        out.write((int) (n >>> (8 * i)));
      }
    }
    return this;
  }

  RdbBytes str(String s) {
    return str(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  RdbBytes str(byte[] b) {
    len(b.length);
    out.writeBytes(b);
    return this;
  }

  /** EOF + the CRC64 of everything before it (or 0). */
  byte[] finish(boolean checksum) {
    out.write(0xff);
    byte[] body = out.toByteArray();
    long crc = checksum ? Crc64.of(body) : 0;
    le(crc, 8);
    return out.toByteArray();
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  // ---- packed blobs ------------------------------------------------------------------------

  /** A ziplist of entries: String = string entry, Long = integer with the smallest encoding (or Object[]{enc, value}). */
  static byte[] ziplist(Object... entries) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int prev = 0;
    for (Object e : entries) {
      ByteArrayOutputStream entry = new ByteArrayOutputStream();
      if (prev < 254) {
        entry.write(prev);
      } else {
        entry.write(254);
        leTo(entry, prev, 4);
      }
      if (e instanceof String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length < 64) {
          entry.write(b.length);
        } else if (b.length < 16384) {
          entry.write(0x40 | (b.length >>> 8));
          entry.write(b.length);
        } else {
          entry.write(0x80);
          for (int i = 3; i >= 0; i--) {
            entry.write(b.length >>> (8 * i));
          }
        }
        entry.writeBytes(b);
      } else {
        long v = (Long) e;
        if (v >= 0 && v <= 12) {
          entry.write(0xf1 + (int) v);
        } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
          entry.write(0xfe);
          leTo(entry, v, 1);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
          entry.write(0xc0);
          leTo(entry, v, 2);
        } else if (v >= -(1 << 23) && v < (1 << 23)) {
          entry.write(0xf0);
          leTo(entry, v, 3);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
          entry.write(0xd0);
          leTo(entry, v, 4);
        } else {
          entry.write(0xe0);
          leTo(entry, v, 8);
        }
      }
      prev = entry.size();
      body.writeBytes(entry.toByteArray());
    }
    ByteArrayOutputStream zl = new ByteArrayOutputStream();
    int total = 10 + body.size() + 1;
    leTo(zl, total, 4);
    leTo(zl, 10 + body.size() - prev, 4);
    leTo(zl, entries.length, 2);
    zl.writeBytes(body.toByteArray());
    zl.write(0xff);
    return zl.toByteArray();
  }

  /** A listpack of entries: String = string, Long = integer in the smallest encoding. */
  static byte[] listpack(Object... entries) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Object e : entries) {
      ByteArrayOutputStream entry = new ByteArrayOutputStream();
      if (e instanceof String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length < 64) {
          entry.write(0x80 | b.length);
        } else if (b.length < 4096) {
          entry.write(0xe0 | (b.length >>> 8));
          entry.write(b.length);
        } else {
          entry.write(0xf0);
          leTo(entry, b.length, 4);
        }
        entry.writeBytes(b);
      } else {
        long v = (Long) e;
        if (v >= 0 && v <= 127) {
          entry.write((int) v);
        } else if (v >= -4096 && v <= 4095) {
          entry.write(0xc0 | (int) ((v >>> 8) & 0x1f));
          entry.write((int) v);
        } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
          entry.write(0xf1);
          leTo(entry, v, 2);
        } else if (v >= -(1 << 23) && v < (1 << 23)) {
          entry.write(0xf2);
          leTo(entry, v, 3);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
          entry.write(0xf3);
          leTo(entry, v, 4);
        } else {
          entry.write(0xf4);
          leTo(entry, v, 8);
        }
      }
      int l = entry.size();
      // backlen: 7 bits per byte, written so that it reads backwards; only its size matters here
      if (l <= 127) {
        entry.write(l);
      } else if (l < 16383) {
        entry.write(l >>> 7);
        entry.write((l & 127) | 128);
      } else {
        throw new IllegalArgumentException("test listpack entries stay small");
      }
      body.writeBytes(entry.toByteArray());
    }
    ByteArrayOutputStream lp = new ByteArrayOutputStream();
    leTo(lp, 6 + body.size() + 1, 4);
    leTo(lp, entries.length, 2);
    lp.writeBytes(body.toByteArray());
    lp.write(0xff);
    return lp.toByteArray();
  }

  /** An intset of the given width (2, 4 or 8) and ascending values. */
  static byte[] intset(int width, long... values) {
    ByteArrayOutputStream is = new ByteArrayOutputStream();
    leTo(is, width, 4);
    leTo(is, values.length, 4);
    for (long v : values) {
      leTo(is, v, width);
    }
    return is.toByteArray();
  }

  /** A zipmap of field, value pairs (Redis < 2.6 small hashes). */
  static byte[] zipmap(String... pairs) {
    ByteArrayOutputStream zm = new ByteArrayOutputStream();
    zm.write(pairs.length / 2);
    for (int i = 0; i < pairs.length; i += 2) {
      zipmapString(zm, pairs[i]);
      byte[] v = pairs[i + 1].getBytes(StandardCharsets.ISO_8859_1);
      zipmapLength(zm, v.length);
      zm.write(2); // two free bytes after the value
      zm.writeBytes(v);
      zm.write(0);
      zm.write(0);
    }
    zm.write(0xff);
    return zm.toByteArray();
  }

  private static void zipmapString(ByteArrayOutputStream zm, String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    zipmapLength(zm, b.length);
    zm.writeBytes(b);
  }

  private static void zipmapLength(ByteArrayOutputStream zm, int len) {
    if (len < 254) {
      zm.write(len);
    } else {
      zm.write(254);
      leTo(zm, len, 4);
    }
  }

  private static void leTo(ByteArrayOutputStream out, long v, int bytes) {
    for (int i = 0; i < bytes; i++) {
      out.write((int) (v >>> (8 * i)));
    }
  }
}
