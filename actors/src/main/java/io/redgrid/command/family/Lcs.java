package io.redgrid.command.family;

import io.redgrid.command.CommandError;
import io.redgrid.protocol.Reply;
import java.util.ArrayList;
import java.util.List;

/**
 * The longest common subsequence of two strings as Redis 7.0's LCS computes it: the plain dynamic
 * programming table, walked back from the end so the matched ranges come out last-first.
 */
final class Lcs {
  private static final Reply MATCHES = Reply.bulk(StringCommands.bytes("matches"));
  private static final Reply LEN = Reply.bulk(StringCommands.bytes("len"));

  private Lcs() {}

  /** What LCS replies: the string, its length (LEN) or the matched ranges (IDX). */
  static Reply compute(byte[] a, byte[] b, boolean getLength, boolean getIndexes, long minMatchLength,
      boolean withMatchLength, long maxTableBytes) {
    int alen = a.length;
    int blen = b.length;
    long cells = (long) (alen + 1) * (blen + 1);
    if (cells * Integer.BYTES > maxTableBytes) {
      throw new CommandError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
    }
    int[] table;
    try {
      table = new int[(int) cells];
    } catch (OutOfMemoryError e) {
      throw new CommandError("ERR Insufficient memory, failed allocating transient memory for LCS");
    }
    int width = blen + 1;
    for (int i = 1; i <= alen; i++) {
      int row = i * width;
      int previous = row - width;
      byte ai = a[i - 1];
      for (int j = 1; j <= blen; j++) {
        if (ai == b[j - 1]) {
          table[row + j] = table[previous + j - 1] + 1;
        } else {
          table[row + j] = Math.max(table[previous + j], table[row + j - 1]);
        }
      }
    }

    int length = table[alen * width + blen];
    if (getLength && !getIndexes) {
      return Reply.integer(length);
    }
    byte[] result = new byte[length];
    List<Reply> matches = getIndexes ? new ArrayList<>() : null;
    int idx = length;
    // alen in aStart marks "no range open", as in Redis.
    int aStart = alen;
    int aEnd = 0;
    int bStart = 0;
    int bEnd = 0;
    int i = alen;
    int j = blen;
    while (i > 0 && j > 0) {
      boolean emit = false;
      if (a[i - 1] == b[j - 1]) {
        result[idx - 1] = a[i - 1];
        if (aStart == alen) {
          aStart = i - 1;
          aEnd = i - 1;
          bStart = j - 1;
          bEnd = j - 1;
        } else if (aStart == i && bStart == j) {
          aStart--;
          bStart--;
        } else {
          emit = true;
        }
        if (aStart == 0 || bStart == 0) {
          emit = true;
        }
        idx--;
        i--;
        j--;
      } else {
        if (table[(i - 1) * width + j] > table[i * width + j - 1]) {
          i--;
        } else {
          j--;
        }
        if (aStart != alen) {
          emit = true;
        }
      }
      if (emit) {
        long matchLength = (long) aEnd - aStart + 1;
        if (matches != null && (minMatchLength == 0 || matchLength >= minMatchLength)) {
          Reply aRange = Reply.array(Reply.integer(aStart), Reply.integer(aEnd));
          Reply bRange = Reply.array(Reply.integer(bStart), Reply.integer(bEnd));
          matches.add(withMatchLength
              ? Reply.array(aRange, bRange, Reply.integer(matchLength))
              : Reply.array(aRange, bRange));
        }
        aStart = alen;
      }
    }
    if (matches != null) {
      return Reply.map(List.of(MATCHES, Reply.array(matches), LEN, Reply.integer(length)));
    }
    return Reply.bulk(result);
  }
}
