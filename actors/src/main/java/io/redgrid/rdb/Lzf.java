package io.redgrid.rdb;

import java.util.Arrays;

/**
 * LZF as liblzf (Redis' lzf_c.c / lzf_d.c) reads and writes it: control bytes below 32 start a
 * literal run of ctrl+1 bytes; others are back references of (ctrl >> 5) + 2 bytes (7 means an
 * extra length byte follows) at distance ((ctrl & 31) << 8 | next byte) + 1.
 *
 * <p>The compressor is our own greedy one: its output may differ from liblzf's byte for byte,
 * but any LZF decoder (Redis' lzf_decompress included) restores the input.
 */
public final class Lzf {
  private static final int MAX_LITERAL = 32;
  private static final int MAX_DISTANCE = 1 << 13;
  private static final int MAX_MATCH = (1 << 8) + (1 << 3);
  private static final int HASH_BITS = 14;

  private Lzf() {}

  /**
   * Compresses {@code in[0, len)} into {@code out}; returns the compressed length, or 0 when it
   * would not fit in {@code out.length} bytes (as lzf_compress with out_len).
   */
  public static int compress(byte[] in, int len, byte[] out) {
    int capacity = out.length;
    // a table about the input's size: short strings (most of a keyspace) stay cheap to compress
    int bits = Math.max(8, Math.min(HASH_BITS, 32 - Integer.numberOfLeadingZeros(Math.max(len, 1))));
    int[] table = new int[1 << bits];
    Arrays.fill(table, -1);
    int ip = 0;
    int anchor = 0;
    int op = 0;
    while (ip + 2 < len) {
      int h = hash(in, ip, bits);
      int ref = table[h];
      table[h] = ip;
      int distance = ip - ref - 1;
      if (ref >= 0 && distance < MAX_DISTANCE
          && in[ref] == in[ip] && in[ref + 1] == in[ip + 1] && in[ref + 2] == in[ip + 2]) {
        int limit = Math.min(MAX_MATCH, len - ip);
        int match = 3;
        while (match < limit && in[ref + match] == in[ip + match]) {
          match++;
        }
        op = literals(in, anchor, ip - anchor, out, op);
        int encoded = match - 2;
        if (op < 0 || op + (encoded < 7 ? 2 : 3) > capacity) {
          return 0;
        }
        if (encoded < 7) {
          out[op++] = (byte) ((encoded << 5) | (distance >>> 8));
        } else {
          out[op++] = (byte) ((7 << 5) | (distance >>> 8));
          out[op++] = (byte) (encoded - 7);
        }
        out[op++] = (byte) distance;
        ip += match;
        anchor = ip;
      } else {
        ip++;
      }
    }
    op = literals(in, anchor, len - anchor, out, op);
    return Math.max(op, 0);
  }

  /** Compresses a whole array; null when the result would not be shorter than {@code maxLength}. */
  public static byte[] compress(byte[] in, int maxLength) {
    if (maxLength <= 0) {
      return null;
    }
    byte[] out = new byte[maxLength];
    int n = compress(in, in.length, out);
    return n == 0 ? null : Arrays.copyOf(out, n);
  }

  /** Writes literal runs of at most 32 bytes; -1 when they do not fit. */
  private static int literals(byte[] in, int from, int count, byte[] out, int op) {
    if (op < 0) {
      return -1;
    }
    while (count > 0) {
      int run = Math.min(count, MAX_LITERAL);
      if (op + 1 + run > out.length) {
        return -1;
      }
      out[op++] = (byte) (run - 1);
      System.arraycopy(in, from, out, op, run);
      op += run;
      from += run;
      count -= run;
    }
    return op;
  }

  private static int hash(byte[] in, int at, int bits) {
    int v = (in[at] & 0xff) << 16 | (in[at + 1] & 0xff) << 8 | (in[at + 2] & 0xff);
    return (v * 0x9E3779B1) >>> (32 - bits);
  }

  /**
   * Decompresses {@code in[off, off+len)} into exactly {@code outLength} bytes, as lzf_decompress
   * followed by Redis' length check; null when the data is corrupt or has another length.
   */
  public static byte[] decompress(byte[] in, int off, int len, int outLength) {
    byte[] out = new byte[outLength];
    int ip = off;
    int end = off + len;
    int op = 0;
    while (ip < end) {
      int ctrl = in[ip++] & 0xff;
      if (ctrl < 32) {
        int run = ctrl + 1;
        if (op + run > outLength || ip + run > end) {
          return null;
        }
        System.arraycopy(in, ip, out, op, run);
        ip += run;
        op += run;
      } else {
        int match = ctrl >>> 5;
        if (match == 7) {
          if (ip >= end) {
            return null;
          }
          match += in[ip++] & 0xff;
        }
        if (ip >= end) {
          return null;
        }
        int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
        match += 2;
        if (ref < 0 || op + match > outLength) {
          return null;
        }
        for (int i = 0; i < match; i++) {
          out[op++] = out[ref++];
        }
      }
    }
    return op == outLength ? out : null;
  }
}
