package io.redgrid.rdb;

import io.redgrid.command.Numbers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decoders of the compact blobs older and current Redis versions store inside RDB strings:
 * ziplist, listpack, intset and zipmap. Integers come back as their decimal text, as Redis'
 * iterators hand them out. Corruption is an IllegalArgumentException the reader turns into an
 * {@link RdbFormatException} at the blob's offset.
 */
final class Packed {
  private Packed() {}

  // ---- ziplist (ziplist.c) ------------------------------------------------------------------

  private static final int ZIP_HEADER = 10;
  private static final int ZIP_END = 0xff;
  private static final int ZIP_BIG_PREVLEN = 254;

  static List<byte[]> ziplist(byte[] zl) {
    require(zl.length >= ZIP_HEADER + 1, "ziplist too short");
    require(le(zl, 0, 4) == zl.length, "ziplist length mismatch");
    require((zl[zl.length - 1] & 0xff) == ZIP_END, "ziplist without end marker");
    int declared = (int) le(zl, 8, 2);
    List<byte[]> out = new ArrayList<>(Math.max(declared, 0));
    int p = ZIP_HEADER;
    while (true) {
      require(p < zl.length, "ziplist entry past the end");
      if ((zl[p] & 0xff) == ZIP_END) {
        break;
      }
      p += (zl[p] & 0xff) < ZIP_BIG_PREVLEN ? 1 : 5;
      require(p < zl.length, "ziplist entry past the end");
      int enc = zl[p] & 0xff;
      switch (enc >>> 6) {
        case 0 -> {
          int len = enc & 0x3f;
          p = string(zl, p + 1, len, out);
        }
        case 1 -> {
          require(p + 1 < zl.length, "ziplist entry past the end");
          int len = ((enc & 0x3f) << 8) | (zl[p + 1] & 0xff);
          p = string(zl, p + 2, len, out);
        }
        case 2 -> {
          require(p + 4 < zl.length, "ziplist entry past the end");
          long len = be(zl, p + 1, 4);
          require(len <= zl.length, "ziplist string too long");
          p = string(zl, p + 5, (int) len, out);
        }
        default -> {
          p++;
          long v;
          int size;
          if (enc == 0xc0) {
            size = 2;
            v = (short) le(zl, p, 2);
          } else if (enc == 0xd0) {
            size = 4;
            v = (int) le(zl, p, 4);
          } else if (enc == 0xe0) {
            size = 8;
            v = le(zl, p, 8);
          } else if (enc == 0xf0) {
            size = 3;
            v = ((int) le(zl, p, 3) << 8) >> 8;
          } else if (enc == 0xfe) {
            size = 1;
            v = zl[p];
          } else if (enc >= 0xf1 && enc <= 0xfd) {
            size = 0;
            v = (enc & 0x0f) - 1;
          } else {
            throw new IllegalArgumentException("invalid ziplist encoding " + enc);
          }
          require(p + size < zl.length, "ziplist integer past the end");
          out.add(Numbers.toBytes(v));
          p += size;
        }
      }
    }
    require(p == zl.length - 1, "ziplist has bytes after its end marker");
    require(declared == 0xffff || declared == out.size(), "ziplist entry count mismatch");
    return out;
  }

  // ---- listpack (listpack.c) ----------------------------------------------------------------

  private static final int LP_HEADER = 6;
  private static final int LP_EOF = 0xff;

  static List<byte[]> listpack(byte[] lp) {
    require(lp.length >= LP_HEADER + 1, "listpack too short");
    require(le(lp, 0, 4) == lp.length, "listpack length mismatch");
    require((lp[lp.length - 1] & 0xff) == LP_EOF, "listpack without end marker");
    int declared = (int) le(lp, 4, 2);
    List<byte[]> out = new ArrayList<>(Math.max(declared, 0));
    int p = LP_HEADER;
    while (true) {
      require(p < lp.length, "listpack entry past the end");
      int b = lp[p] & 0xff;
      if (b == LP_EOF) {
        break;
      }
      int start = p;
      if ((b & 0x80) == 0) {
        out.add(Numbers.toBytes(b & 0x7f));
        p += 1;
      } else if ((b & 0xc0) == 0x80) {
        p = string(lp, p + 1, b & 0x3f, out);
      } else if ((b & 0xe0) == 0xc0) {
        require(p + 1 < lp.length, "listpack entry past the end");
        int v = ((b & 0x1f) << 8) | (lp[p + 1] & 0xff);
        out.add(Numbers.toBytes(v >= 1 << 12 ? v - (1 << 13) : v));
        p += 2;
      } else if ((b & 0xf0) == 0xe0) {
        require(p + 1 < lp.length, "listpack entry past the end");
        int len = ((b & 0x0f) << 8) | (lp[p + 1] & 0xff);
        p = string(lp, p + 2, len, out);
      } else {
        switch (b) {
          case 0xf0 -> {
            require(p + 4 < lp.length, "listpack entry past the end");
            long len = le(lp, p + 1, 4);
            require(len <= lp.length, "listpack string too long");
            p = string(lp, p + 5, (int) len, out);
          }
          case 0xf1 -> p = integer(lp, p, 2, out);
          case 0xf2 -> p = integer(lp, p, 3, out);
          case 0xf3 -> p = integer(lp, p, 4, out);
          case 0xf4 -> p = integer(lp, p, 8, out);
          default -> throw new IllegalArgumentException("invalid listpack encoding " + b);
        }
      }
      int entryLength = p - start;
      p += backlenSize(entryLength);
    }
    require(p == lp.length - 1, "listpack has bytes after its end marker");
    require(declared == 0xffff || declared == out.size(), "listpack entry count mismatch");
    return out;
  }

  private static int integer(byte[] lp, int p, int size, List<byte[]> out) {
    require(p + size < lp.length, "listpack integer past the end");
    long v = le(lp, p + 1, size);
    int shift = 64 - 8 * size;
    out.add(Numbers.toBytes((v << shift) >> shift));
    return p + 1 + size;
  }

  /** lpEncodeBacklen's size: 7 bits of the entry length per byte. */
  private static int backlenSize(int len) {
    if (len <= 127) {
      return 1;
    } else if (len < 16383) {
      return 2;
    } else if (len < 2097151) {
      return 3;
    } else if (len < 268435455) {
      return 4;
    }
    return 5;
  }

  // ---- intset (intset.c) --------------------------------------------------------------------

  static List<byte[]> intset(byte[] is) {
    require(is.length >= 8, "intset too short");
    int width = (int) le(is, 0, 4);
    require(width == 2 || width == 4 || width == 8, "invalid intset encoding " + width);
    long count = le(is, 4, 4);
    require(8 + count * width == is.length, "intset length mismatch");
    List<byte[]> out = new ArrayList<>((int) count);
    int shift = 64 - 8 * width;
    for (int i = 0; i < count; i++) {
      long v = le(is, 8 + i * width, width);
      out.add(Numbers.toBytes((v << shift) >> shift));
    }
    return out;
  }

  // ---- zipmap (zipmap.c, RDB_TYPE_HASH_ZIPMAP of Redis < 2.6) -------------------------------

  private static final int ZIPMAP_BIGLEN = 254;
  private static final int ZIPMAP_END = 255;

  /** Field, value, field, value ... */
  static List<byte[]> zipmap(byte[] zm) {
    require(zm.length >= 2, "zipmap too short");
    List<byte[]> out = new ArrayList<>();
    int p = 1;
    while (true) {
      require(p < zm.length, "zipmap entry past the end");
      if ((zm[p] & 0xff) == ZIPMAP_END) {
        break;
      }
      int[] at = {p};
      int keyLength = zipmapLength(zm, at);
      p = string(zm, at[0], keyLength, out);
      require(p < zm.length, "zipmap entry past the end");
      at[0] = p;
      int valueLength = zipmapLength(zm, at);
      require(at[0] < zm.length, "zipmap entry past the end");
      int free = zm[at[0]] & 0xff;
      p = string(zm, at[0] + 1, valueLength, out) + free;
    }
    require(p == zm.length - 1, "zipmap has bytes after its end marker");
    return out;
  }

  private static int zipmapLength(byte[] zm, int[] at) {
    int b = zm[at[0]] & 0xff;
    if (b < ZIPMAP_BIGLEN) {
      at[0]++;
      return b;
    }
    require(b == ZIPMAP_BIGLEN && at[0] + 4 < zm.length, "invalid zipmap length");
    long len = le(zm, at[0] + 1, 4);
    require(len <= zm.length, "zipmap string too long");
    at[0] += 5;
    return (int) len;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static int string(byte[] blob, int from, int len, List<byte[]> out) {
    require(from + (long) len < blob.length, "string past the end");
    out.add(Arrays.copyOfRange(blob, from, from + len));
    return from + len;
  }

  private static long le(byte[] b, int at, int size) {
    require(at + size <= b.length, "integer past the end");
    long v = 0;
    for (int i = 0; i < size; i++) {
      v |= (long) (b[at + i] & 0xff) << (8 * i);
    }
    return v;
  }

  private static long be(byte[] b, int at, int size) {
    long v = 0;
    for (int i = 0; i < size; i++) {
      v = (v << 8) | (b[at + i] & 0xff);
    }
    return v;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
