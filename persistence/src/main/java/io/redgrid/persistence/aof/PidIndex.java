package io.redgrid.persistence.aof;

import java.util.Arrays;

/**
 * Where one persistence id's events are: parallel primitive arrays ordered by sequence number
 * (no object per event), the highest sequence number ever written (it survives deletes, as Akka
 * requires) and the deletion mark. Thread-safe: the writer thread appends, replays read.
 */
final class PidIndex {
  /** A copy of the positions of a replay range. */
  record Positions(int count, long[] seqs, int[] files, long[] offsets, int[] lengths) {}

  private long[] seqs = new long[4];
  private int[] files = new int[4];
  private long[] offsets = new long[4];
  private int[] lengths = new int[4];
  private int start;
  private int end;
  private long highest;
  private long deletedTo;

  synchronized void append(long seq, int file, long offset, int length) {
    // A sequence number written again (after a failed write) replaces the old tail.
    while (end > start && seqs[end - 1] >= seq) {
      end--;
    }
    if (end == seqs.length) {
      grow();
    }
    seqs[end] = seq;
    files[end] = file;
    offsets[end] = offset;
    lengths[end] = length;
    end++;
    highest = Math.max(highest, seq);
    if (seq <= deletedTo) {
      deletedTo = seq - 1;
    }
  }

  private void grow() {
    int live = end - start;
    int capacity = live * 2 >= seqs.length ? seqs.length * 2 : seqs.length;
    seqs = shift(seqs, capacity);
    files = shift(files, capacity);
    offsets = shift(offsets, capacity);
    lengths = shift(lengths, capacity);
    end = live;
    start = 0;
  }

  private long[] shift(long[] a, int capacity) {
    long[] n = new long[capacity];
    System.arraycopy(a, start, n, 0, end - start);
    return n;
  }

  private int[] shift(int[] a, int capacity) {
    int[] n = new int[capacity];
    System.arraycopy(a, start, n, 0, end - start);
    return n;
  }

  /** Marks everything up to {@code toSeq} deleted (already capped at the highest seqNr by the caller). */
  synchronized void deleteTo(long toSeq) {
    deletedTo = Math.max(deletedTo, toSeq);
    while (start < end && seqs[start] <= deletedTo) {
      start++;
    }
  }

  /** Forgets the events stored in files numbered below {@code firstKept} (a rewrite deleted them). */
  synchronized void forgetFilesBefore(int firstKept) {
    while (start < end && files[start] < firstKept) {
      start++;
    }
  }

  synchronized long highest() {
    return highest;
  }

  synchronized long deletedTo() {
    return deletedTo;
  }

  synchronized boolean isEmpty() {
    return start == end;
  }

  /** Positions of at most {@code max} live events with from <= seqNr <= to. */
  synchronized Positions range(long from, long to, long max) {
    int i = lowerBound(Math.max(from, deletedTo + 1));
    int j = i;
    while (j < end && seqs[j] <= to && j - i < max) {
      j++;
    }
    int n = j - i;
    return new Positions(n, Arrays.copyOfRange(seqs, i, j), Arrays.copyOfRange(files, i, j),
        Arrays.copyOfRange(offsets, i, j), Arrays.copyOfRange(lengths, i, j));
  }

  private int lowerBound(long seq) {
    int lo = start;
    int hi = end;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (seqs[mid] < seq) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
