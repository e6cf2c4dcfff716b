package io.redgrid.command.family;

import io.redgrid.command.CommandError;
import io.redgrid.command.Numbers;
import io.redgrid.keyspace.SortedSetValue;
import io.redgrid.keyspace.SortedSetValue.Node;
import java.util.Arrays;

/**
 * Score and lexicographic ranges of sorted-set commands, parsed as Redis' zslParseRange and
 * zslParseLexRange do, and the float parsing behind them (C strtod over bytes).
 */
final class SortedSetRanges {
  static final String NOT_FLOAT_RANGE = "ERR min or max is not a float";
  static final String NOT_LEX_RANGE = "ERR min or max not valid string range item";

  /** Redis' shared.minstring / maxstring: compared by identity, never equal to a member. */
  private static final byte[] LEX_MIN = new byte[0];
  private static final byte[] LEX_MAX = new byte[0];

  private SortedSetRanges() {}

  /** A range of the order of a sorted set: a prefix below it and a suffix above it. */
  interface Range {
    /** True if no value can be in the range (min above max, or equal and exclusive). */
    boolean isEmpty();

    boolean belowMin(Node node);

    boolean aboveMax(Node node);
  }

  /** Score range; {@code (} makes a bound exclusive, inf/-inf accepted. */
  record ScoreRange(double min, boolean minExclusive, double max, boolean maxExclusive) implements Range {
    @Override
    public boolean isEmpty() {
      return min > max || (min == max && (minExclusive || maxExclusive));
    }

    @Override
    public boolean belowMin(Node node) {
      return minExclusive ? node.score() <= min : node.score() < min;
    }

    @Override
    public boolean aboveMax(Node node) {
      return maxExclusive ? node.score() >= max : node.score() > max;
    }
  }

  /** Lexicographic range; bounds are member bytes or the {@code -}/{@code +} sentinels. */
  record LexRange(byte[] min, boolean minExclusive, byte[] max, boolean maxExclusive) implements Range {
    @Override
    public boolean isEmpty() {
      int cmp = compareLex(min, max);
      return cmp > 0 || (cmp == 0 && (minExclusive || maxExclusive));
    }

    @Override
    public boolean belowMin(Node node) {
      int cmp = compareLex(node.member(), min);
      return minExclusive ? cmp <= 0 : cmp < 0;
    }

    @Override
    public boolean aboveMax(Node node) {
      int cmp = compareLex(node.member(), max);
      return maxExclusive ? cmp >= 0 : cmp > 0;
    }
  }

  /** Redis' sdscmplex: the sentinels sort before and after every member. */
  private static int compareLex(byte[] a, byte[] b) {
    if (a == b) {
      return 0;
    }
    if (a == LEX_MIN || b == LEX_MAX) {
      return -1;
    }
    if (a == LEX_MAX || b == LEX_MIN) {
      return 1;
    }
    return Arrays.compareUnsigned(a, b);
  }

  static ScoreRange scoreRange(byte[] min, byte[] max) {
    boolean minExclusive = min.length > 0 && min[0] == '(';
    boolean maxExclusive = max.length > 0 && max[0] == '(';
    double low = Numbers.strtod(min, minExclusive ? 1 : 0);
    double high = Numbers.strtod(max, maxExclusive ? 1 : 0);
    if (Double.isNaN(low) || Double.isNaN(high)) {
      throw new CommandError(NOT_FLOAT_RANGE);
    }
    return new ScoreRange(low, minExclusive, high, maxExclusive);
  }

  static LexRange lexRange(byte[] min, byte[] max) {
    byte[] low = lexItem(min);
    byte[] high = lexItem(max);
    if (low == null || high == null) {
      throw new CommandError(NOT_LEX_RANGE);
    }
    return new LexRange(low, min[0] == '(', high, max[0] == '(');
  }

  /** The bound of one lex item ({@code [a}, {@code (a}, {@code -}, {@code +}), null if invalid. */
  private static byte[] lexItem(byte[] item) {
    if (item.length == 0) {
      return null;
    }
    switch (item[0]) {
      case '+':
        return item.length == 1 ? LEX_MAX : null;
      case '-':
        return item.length == 1 ? LEX_MIN : null;
      case '(':
      case '[':
        return Arrays.copyOfRange(item, 1, item.length);
      default:
        return null;
    }
  }

  /** The first node in the range, or null. */
  static Node first(SortedSetValue set, Range range) {
    if (range.isEmpty()) {
      return null;
    }
    Node node = set.firstNotBelow(range::belowMin);
    return node == null || range.aboveMax(node) ? null : node;
  }

  /** The last node in the range, or null. */
  static Node last(SortedSetValue set, Range range) {
    if (range.isEmpty()) {
      return null;
    }
    Node node = set.lastNotAbove(n -> !range.aboveMax(n));
    return node == null || range.belowMin(node) ? null : node;
  }


}
