package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.DENYOOM;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.READONLY;
import static io.redgrid.command.Flag.WRITE;
import static io.redgrid.command.KeySpec.every;
import static io.redgrid.command.KeySpec.single;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.command.KeySpec;
import io.redgrid.command.Numbers;
import io.redgrid.command.family.SortedSetRanges.LexRange;
import io.redgrid.command.family.SortedSetRanges.Range;
import io.redgrid.command.family.SortedSetRanges.ScoreRange;
import io.redgrid.keyspace.Glob;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.SortedSetValue;
import io.redgrid.keyspace.SortedSetValue.Node;
import io.redgrid.protocol.Reply;
import io.redgrid.pubsub.KeyspaceEvents;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Commands on sorted sets (ZADD ... ZSCAN). Writes are journaled as Redis propagates them:
 * deterministic commands as sent, pops as {@code ZPOPMIN|ZPOPMAX key n}, stores as {@code DEL dst}
 * plus {@code ZADD dst score member ...} chunks with exact (17 significant digit) scores.
 */
public final class SortedSetCommands implements CommandFamily {
  static final byte[] ZADD = StringCommands.bytes("ZADD");
  static final byte[] ZPOPMIN = StringCommands.bytes("ZPOPMIN");
  static final byte[] ZPOPMAX = StringCommands.bytes("ZPOPMAX");
  private static final byte[] DEL = StringCommands.DEL;
  /** Pairs per ZADD effect when a whole set is rebuilt. */
  private static final int REBUILD_CHUNK = 128;

  private static final String XX_AND_NX = "ERR XX and NX options at the same time are not compatible";
  private static final String GT_LT_NX = "ERR GT, LT, and/or NX options at the same time are not compatible";
  private static final String INCR_SINGLE_PAIR = "ERR INCR option supports a single increment-element pair";
  private static final String NAN_SCORE = "ERR resulting score is not a number (NaN)";
  private static final String LIMIT_NEEDS_BY =
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
  private static final String WITHSCORES_BYLEX = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
  private static final String WEIGHT_NOT_FLOAT = "ERR weight value is not a float";
  private static final String LIMIT_NEGATIVE = "ERR LIMIT can't be negative";
  private static final String NUMKEYS = "ERR numkeys should be greater than 0";
  private static final String COUNT_POSITIVE = "ERR count should be greater than 0";
  private static final String RANDOM_COUNT_RANGE =
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
  private static final String OUT_OF_RANGE = "ERR value is out of range";
  /** Redis' SCAN default COUNT. */

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("zadd").arity(atLeast(4)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("sorted-set")
            .summary("Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.")
            .since("1.2.0").runs(call -> zadd(call, false)),
        command("zincrby").arity(exactly(4)).flags(WRITE, DENYOOM, FAST).keys(single(1)).group("sorted-set")
            .summary("Increments the score of a member in a sorted set.").since("1.2.0")
            .runs(call -> zadd(call, true)),
        command("zrem").arity(atLeast(3)).flags(WRITE, FAST).keys(single(1)).group("sorted-set")
            .summary("Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.")
            .since("1.2.0").runs(this::zrem),
        command("zcard").arity(exactly(2)).flags(READONLY, FAST).keys(single(1)).group("sorted-set")
            .summary("Returns the number of members in a sorted set.").since("1.2.0").runs(this::zcard),
        command("zcount").arity(exactly(4)).flags(READONLY, FAST).keys(single(1)).group("sorted-set")
            .summary("Returns the count of members in a sorted set that have scores within a range.")
            .since("2.0.0").runs(call -> count(call, SortedSetRanges.scoreRange(call.arg(2), call.arg(3)))),
        command("zlexcount").arity(exactly(4)).flags(READONLY, FAST).keys(single(1)).group("sorted-set")
            .summary("Returns the number of members in a sorted set within a lexicographical range.")
            .since("2.8.9").runs(call -> count(call, SortedSetRanges.lexRange(call.arg(2), call.arg(3)))),
        command("zscore").arity(exactly(3)).flags(READONLY, FAST).keys(single(1)).group("sorted-set")
            .summary("Returns the score of a member in a sorted set.").since("1.2.0").runs(this::zscore),
        command("zmscore").arity(atLeast(3)).flags(READONLY, FAST).keys(single(1)).group("sorted-set")
            .summary("Returns the score of one or more members in a sorted set.").since("6.2.0").runs(this::zmscore),
        command("zrank").arity(exactly(3)).flags(READONLY, FAST).keys(single(1)).group("sorted-set")
            .summary("Returns the index of a member in a sorted set ordered by ascending scores.").since("2.0.0")
            .runs(call -> rank(call, false)),
        command("zrevrank").arity(exactly(3)).flags(READONLY, FAST).keys(single(1)).group("sorted-set")
            .summary("Returns the index of a member in a sorted set ordered by descending scores.").since("2.0.0")
            .runs(call -> rank(call, true)),
        command("zrange").arity(atLeast(4)).flags(READONLY).keys(single(1)).group("sorted-set")
            .summary("Returns members in a sorted set within a range of indexes.").since("1.2.0")
            .runs(call -> range(call, 1, false, By.AUTO, false)),
        command("zrangestore").arity(atLeast(5)).flags(WRITE, DENYOOM).keys(every(1, 2, 1)).group("sorted-set")
            .summary("Stores a range of members from sorted set in a key.").since("6.2.0")
            .runs(call -> range(call, 2, true, By.AUTO, false)),
        command("zrevrange").arity(atLeast(4)).flags(READONLY).keys(single(1)).group("sorted-set")
            .summary("Returns members in a sorted set within a range of indexes in reverse order.").since("1.2.0")
            .runs(call -> range(call, 1, false, By.RANK, true)),
        command("zrangebyscore").arity(atLeast(4)).flags(READONLY).keys(single(1)).group("sorted-set")
            .summary("Returns members in a sorted set within a range of scores.").since("1.0.5")
            .runs(call -> range(call, 1, false, By.SCORE, false)),
        command("zrevrangebyscore").arity(atLeast(4)).flags(READONLY).keys(single(1)).group("sorted-set")
            .summary("Returns members in a sorted set within a range of scores in reverse order.").since("2.2.0")
            .runs(call -> range(call, 1, false, By.SCORE, true)),
        command("zrangebylex").arity(atLeast(4)).flags(READONLY).keys(single(1)).group("sorted-set")
            .summary("Returns members in a sorted set within a lexicographical range.").since("2.8.9")
            .runs(call -> range(call, 1, false, By.LEX, false)),
        command("zrevrangebylex").arity(atLeast(4)).flags(READONLY).keys(single(1)).group("sorted-set")
            .summary("Returns members in a sorted set within a lexicographical range in reverse order.")
            .since("2.8.9").runs(call -> range(call, 1, false, By.LEX, true)),
        command("zremrangebyrank").arity(exactly(4)).flags(WRITE).keys(single(1)).group("sorted-set")
            .summary("Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.")
            .since("2.0.0").runs(this::zremrangebyrank),
        command("zremrangebyscore").arity(exactly(4)).flags(WRITE).keys(single(1)).group("sorted-set")
            .summary("Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.")
            .since("1.2.0").runs(call -> removeRange(call, SortedSetRanges.scoreRange(call.arg(2), call.arg(3)))),
        command("zremrangebylex").arity(exactly(4)).flags(WRITE).keys(single(1)).group("sorted-set")
            .summary("Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.")
            .since("2.8.9").runs(call -> removeRange(call, SortedSetRanges.lexRange(call.arg(2), call.arg(3)))),
        command("zpopmin").arity(atLeast(2)).flags(WRITE, FAST).keys(single(1)).group("sorted-set")
            .summary("Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.")
            .since("5.0.0").runs(call -> zpop(call, false)),
        command("zpopmax").arity(atLeast(2)).flags(WRITE, FAST).keys(single(1)).group("sorted-set")
            .summary("Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.")
            .since("5.0.0").runs(call -> zpop(call, true)),
        command("zmpop").arity(atLeast(4)).flags(WRITE).keys(numkeys(1, false)).group("sorted-set")
            .summary("Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.")
            .since("7.0.0").runs(this::zmpop),
        command("zrandmember").arity(atLeast(2)).flags(READONLY).keys(single(1)).group("sorted-set")
            .tips("nondeterministic_output")
            .summary("Returns one or more random members from a sorted set.").since("6.2.0").runs(this::zrandmember),
        command("zunion").arity(atLeast(3)).flags(READONLY).keys(numkeys(1, false)).group("sorted-set")
            .summary("Returns the union of multiple sorted sets.").since("6.2.0")
            .runs(call -> combine(call, Op.UNION, false, false)),
        command("zinter").arity(atLeast(3)).flags(READONLY).keys(numkeys(1, false)).group("sorted-set")
            .summary("Returns the intersect of multiple sorted sets.").since("6.2.0")
            .runs(call -> combine(call, Op.INTER, false, false)),
        command("zdiff").arity(atLeast(3)).flags(READONLY).keys(numkeys(1, false)).group("sorted-set")
            .summary("Returns the difference between multiple sorted sets.").since("6.2.0")
            .runs(call -> combine(call, Op.DIFF, false, false)),
        command("zunionstore").arity(atLeast(4)).flags(WRITE, DENYOOM).keys(numkeys(2, true)).group("sorted-set")
            .summary("Stores the union of multiple sorted sets in a key.").since("2.0.0")
            .runs(call -> combine(call, Op.UNION, true, false)),
        command("zinterstore").arity(atLeast(4)).flags(WRITE, DENYOOM).keys(numkeys(2, true)).group("sorted-set")
            .summary("Stores the intersect of multiple sorted sets in a key.").since("2.0.0")
            .runs(call -> combine(call, Op.INTER, true, false)),
        command("zdiffstore").arity(atLeast(4)).flags(WRITE, DENYOOM).keys(numkeys(2, true)).group("sorted-set")
            .summary("Stores the difference of multiple sorted sets in a key.").since("6.2.0")
            .runs(call -> combine(call, Op.DIFF, true, false)),
        command("zintercard").arity(atLeast(3)).flags(READONLY).keys(numkeys(1, false)).group("sorted-set")
            .summary("Returns the number of members of the intersect of multiple sorted sets.").since("7.0.0")
            .runs(call -> combine(call, Op.INTER, false, true)),
        command("zscan").arity(atLeast(3)).flags(READONLY).keys(single(1)).group("sorted-set")
            .tips("nondeterministic_output")
            .summary("Iterates over members and scores of a sorted set.").since("2.8.0").runs(this::zscan));
  }

  /**
   * Keys of numkeys-style commands: {@code numkeys} at {@code numkeysIndex}, the keys after it,
   * and the destination at 1 for the STORE forms. Invalid counts give the keys that exist, the
   * command itself reports the error.
   */
  private static KeySpec numkeys(int numkeysIndex, boolean destination) {
    int legacy = destination ? 1 : 0;
    return KeySpec.movable(legacy, legacy, legacy, argv -> {
      Long declared = argv.length > numkeysIndex ? Numbers.parseLongOrNull(argv[numkeysIndex]) : null;
      int available = Math.max(0, argv.length - numkeysIndex - 1);
      int count = declared == null || declared < 1 ? 0 : (int) Math.min(declared, available);
      int offset = destination ? 1 : 0;
      int[] positions = new int[count + offset];
      if (destination) {
        positions[0] = 1;
      }
      for (int i = 0; i < count; i++) {
        positions[offset + i] = numkeysIndex + 1 + i;
      }
      return positions;
    });
  }

  private static SortedSetValue readSet(Call call, byte[] key) {
    return call.readValue(key, SortedSetValue.class);
  }

  private static SortedSetValue writableSet(Call call, byte[] key) {
    return call.writableValue(key, SortedSetValue.class);
  }

  /** Deletes a set that became empty; its effect is the command's own (which empties it too). */
  private static void deleteIfEmpty(Call call, byte[] key, SortedSetValue set) {
    if (set.isEmpty()) {
      call.database(key).remove(key);
    }
  }

  /** The type event, then {@code del} if the write emptied (and so deleted) the set, as Redis. */
  private static void notifyWrite(Call call, String event, byte[] key, SortedSetValue set) {
    call.notify(KeyspaceEvents.ZSET, event, key);
    if (set.isEmpty()) {
      call.notifyDeleted(key);
    }
  }

  // ---- ZADD / ZINCRBY ------------------------------------------------------------------------

  /**
   * ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...], and ZINCRBY key
   * increment member (ZADD INCR without options), as Redis' zaddGenericCommand.
   */
  private Reply zadd(Call call, boolean zincrby) {
    boolean nx = false;
    boolean xx = false;
    boolean gt = false;
    boolean lt = false;
    boolean ch = false;
    boolean incr = zincrby;
    int index = 2;
    if (!zincrby) {
      for (; index < call.argc(); index++) {
        if (call.is(index, "NX")) {
          nx = true;
        } else if (call.is(index, "XX")) {
          xx = true;
        } else if (call.is(index, "GT")) {
          gt = true;
        } else if (call.is(index, "LT")) {
          lt = true;
        } else if (call.is(index, "CH")) {
          ch = true;
        } else if (call.is(index, "INCR")) {
          incr = true;
        } else {
          break;
        }
      }
    }
    int remaining = call.argc() - index;
    if (remaining == 0 || remaining % 2 != 0) {
      throw new CommandError(Errors.SYNTAX);
    }
    int elements = remaining / 2;
    if (xx && nx) {
      throw new CommandError(XX_AND_NX);
    }
    if ((gt && nx) || (lt && nx) || (gt && lt)) {
      throw new CommandError(GT_LT_NX);
    }
    if (incr && elements > 1) {
      throw new CommandError(INCR_SINGLE_PAIR);
    }
    double[] scores = new double[elements];
    int maxMemberLength = 0;
    for (int j = 0; j < elements; j++) {
      scores[j] = Numbers.parseDouble(call.arg(index + 2 * j), Errors.NOT_FLOAT);
      maxMemberLength = Math.max(maxMemberLength, call.arg(index + 2 * j + 1).length);
    }

    byte[] key = call.arg(1);
    SortedSetValue set = writableSet(call, key);
    int added = 0;
    int updated = 0;
    int processed = 0;
    double score = 0;
    if (set == null && !xx) {
      set = new SortedSetValue(elements, maxMemberLength);
      call.put(key, set, KeyEntry.NO_EXPIRY);
    }
    if (set != null) {
      for (int j = 0; j < elements; j++) {
        byte[] member = call.arg(index + 2 * j + 1);
        score = scores[j];
        Node node = set.get(member);
        if (node == null) {
          if (xx) {
            continue;
          }
          set.insert(member, score);
          added++;
          processed++;
          continue;
        }
        if (nx) {
          continue;
        }
        double current = node.score();
        if (incr) {
          score += current;
          if (Double.isNaN(score)) {
            propagateIfChanged(call, added + updated);
            throw new CommandError(NAN_SCORE);
          }
        }
        if ((lt && score >= current) || (gt && score <= current)) {
          continue;
        }
        processed++;
        if (score != current) {
          set.updateScore(node, score);
          updated++;
        }
      }
      propagateIfChanged(call, added + updated);
      if (added + updated > 0) {
        call.notify(KeyspaceEvents.ZSET, incr ? "zincr" : "zadd", key);
      }
    }
    if (incr) {
      return processed > 0 ? Reply.dbl(score) : Reply.NULL;
    }
    return Reply.integer(ch ? added + updated : added);
  }

  private static void propagateIfChanged(Call call, int changes) {
    if (changes > 0) {
      call.propagateAsSent();
    }
  }

  // ---- ZREM / ZCARD / ZSCORE / ZMSCORE / ZRANK / ZCOUNT ------------------------------------

  /** ZREM key member [member ...] */
  private Reply zrem(Call call) {
    byte[] key = call.arg(1);
    SortedSetValue set = writableSet(call, key);
    if (set == null) {
      return Reply.ZERO;
    }
    int removed = 0;
    for (int i = 2; i < call.argc() && !set.isEmpty(); i++) {
      if (set.remove(call.arg(i))) {
        removed++;
      }
    }
    if (removed > 0) {
      deleteIfEmpty(call, key, set);
      call.propagateAsSent();
      notifyWrite(call, "zrem", key, set);
    }
    return Reply.integer(removed);
  }

  /** ZCARD key */
  private Reply zcard(Call call) {
    SortedSetValue set = readSet(call, call.arg(1));
    return Reply.integer(set == null ? 0 : set.size());
  }

  /** ZSCORE key member */
  private Reply zscore(Call call) {
    SortedSetValue set = readSet(call, call.arg(1));
    Node node = set == null ? null : set.get(call.arg(2));
    return node == null ? Reply.NULL : Reply.dbl(node.score());
  }

  /** ZMSCORE key member [member ...]: a null per missing member (all null for a missing key). */
  private Reply zmscore(Call call) {
    SortedSetValue set = readSet(call, call.arg(1));
    List<Reply> scores = new ArrayList<>(call.argc() - 2);
    for (int i = 2; i < call.argc(); i++) {
      Node node = set == null ? null : set.get(call.arg(i));
      scores.add(node == null ? Reply.NULL : Reply.dbl(node.score()));
    }
    return Reply.array(scores);
  }

  /** ZRANK / ZREVRANK key member (Redis 7.0: no WITHSCORE). */
  private Reply rank(Call call, boolean reverse) {
    SortedSetValue set = readSet(call, call.arg(1));
    Node node = set == null ? null : set.get(call.arg(2));
    if (node == null) {
      return Reply.NULL;
    }
    long rank = set.rank(node);
    return Reply.integer(reverse ? set.size() - 1 - rank : rank);
  }

  /** ZCOUNT / ZLEXCOUNT key min max: the range is parsed before the key is looked up. */
  private Reply count(Call call, Range range) {
    SortedSetValue set = readSet(call, call.arg(1));
    if (set == null) {
      return Reply.ZERO;
    }
    Node first = SortedSetRanges.first(set, range);
    if (first == null) {
      return Reply.ZERO;
    }
    Node last = SortedSetRanges.last(set, range);
    return Reply.integer(set.rank(last) - set.rank(first) + 1);
  }

  // ---- ZRANGE family -------------------------------------------------------------------------

  /** How a ZRANGE-style command selects members. */
  private enum By { AUTO, RANK, SCORE, LEX }

  /**
   * ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES], and the
   * ZRANGESTORE / ZREVRANGE / Z[REV]RANGEBY{SCORE,LEX} forms, which fix the type or the direction
   * (as Redis' zrangeGenericCommand: fixed options are then a syntax error when repeated).
   */
  private Reply range(Call call, int keyIndex, boolean store, By fixedBy, boolean fixedReverse) {
    By by = fixedBy;
    boolean reverse = fixedReverse;
    boolean directionGiven = fixedBy != By.AUTO;
    boolean withScores = false;
    long offset = 0;
    long limit = -1;
    for (int j = keyIndex + 3; j < call.argc(); j++) {
      int left = call.argc() - j - 1;
      if (!store && call.is(j, "WITHSCORES")) {
        withScores = true;
      } else if (call.is(j, "LIMIT") && left >= 2) {
        offset = call.longArg(j + 1);
        limit = call.longArg(j + 2);
        j += 2;
      } else if (!directionGiven && call.is(j, "REV")) {
        reverse = true;
        directionGiven = true;
      } else if (by == By.AUTO && call.is(j, "BYLEX")) {
        by = By.LEX;
      } else if (by == By.AUTO && call.is(j, "BYSCORE")) {
        by = By.SCORE;
      } else {
        throw new CommandError(Errors.SYNTAX);
      }
    }
    if (by == By.AUTO) {
      by = By.RANK;
    }
    if (limit != -1 && by == By.RANK) {
      throw new CommandError(LIMIT_NEEDS_BY);
    }
    if (withScores && by == By.LEX) {
      throw new CommandError(WITHSCORES_BYLEX);
    }
    int minIndex = keyIndex + 1;
    int maxIndex = keyIndex + 2;
    if (reverse && by != By.RANK) {
      minIndex = keyIndex + 2;
      maxIndex = keyIndex + 1;
    }
    long start = 0;
    long end = 0;
    Range range = null;
    if (by == By.RANK) {
      start = call.longArg(minIndex);
      end = call.longArg(maxIndex);
    } else if (by == By.SCORE) {
      range = SortedSetRanges.scoreRange(call.arg(minIndex), call.arg(maxIndex));
    } else {
      range = SortedSetRanges.lexRange(call.arg(minIndex), call.arg(maxIndex));
    }

    SortedSetValue set = readSet(call, call.arg(keyIndex));
    List<Node> nodes = set == null ? List.of()
        : by == By.RANK ? byRank(set, start, end, reverse) : inRange(set, range, reverse, offset, limit);
    if (store) {
      SortedSetValue result = new SortedSetValue(nodes.size(), 0);
      for (Node node : nodes) {
        result.insert(node.member(), node.score());
      }
      store(call, call.arg(1), result);
      return Reply.integer(nodes.size());
    }
    ScoredReply reply = new ScoredReply(withScores, call.protocol() >= 3);
    for (Node node : nodes) {
      reply.add(node.member(), node.score());
    }
    return reply.build();
  }

  /** The members from rank {@code start} to {@code end} (negative: from the end), as Redis clamps them. */
  private static List<Node> byRank(SortedSetValue set, long start, long end, boolean reverse) {
    long length = set.size();
    if (start < 0) {
      start += length;
    }
    if (end < 0) {
      end += length;
    }
    if (start < 0) {
      start = 0;
    }
    if (start > end || start >= length) {
      return List.of();
    }
    if (end >= length) {
      end = length - 1;
    }
    int count = (int) (end - start + 1);
    List<Node> nodes = new ArrayList<>(count);
    Node node = set.byRank(reverse ? length - 1 - start : start);
    for (int i = 0; i < count; i++) {
      nodes.add(node);
      node = reverse ? node.previous() : node.next();
    }
    return nodes;
  }

  /**
   * The members in a score or lex range, skipping {@code offset} (negative: none returned) and
   * returning at most {@code limit} (negative: all), walking down from the top when reversed.
   */
  private static List<Node> inRange(SortedSetValue set, Range range, boolean reverse, long offset, long limit) {
    List<Node> nodes = new ArrayList<>();
    if (offset < 0 || (offset > 0 && offset >= set.size())) {
      return nodes;
    }
    Node node = reverse ? SortedSetRanges.last(set, range) : SortedSetRanges.first(set, range);
    while (node != null && offset-- > 0) {
      node = reverse ? node.previous() : node.next();
    }
    while (node != null && limit-- != 0) {
      if (reverse ? range.belowMin(node) : range.aboveMax(node)) {
        break;
      }
      nodes.add(node);
      node = reverse ? node.previous() : node.next();
    }
    return nodes;
  }

  // ---- ZREMRANGEBY* --------------------------------------------------------------------------

  /** ZREMRANGEBYRANK key start stop */
  private Reply zremrangebyrank(Call call) {
    long start = call.longArg(2);
    long end = call.longArg(3);
    byte[] key = call.arg(1);
    SortedSetValue set = writableSet(call, key);
    if (set == null) {
      return Reply.ZERO;
    }
    return removeNodes(call, key, set, byRank(set, start, end, false));
  }

  /** ZREMRANGEBYSCORE / ZREMRANGEBYLEX key min max */
  private Reply removeRange(Call call, Range range) {
    byte[] key = call.arg(1);
    SortedSetValue set = writableSet(call, key);
    if (set == null) {
      return Reply.ZERO;
    }
    return removeNodes(call, key, set, inRange(set, range, false, 0, -1));
  }

  private static Reply removeNodes(Call call, byte[] key, SortedSetValue set, List<Node> nodes) {
    for (Node node : nodes) {
      set.remove(node);
    }
    if (!nodes.isEmpty()) {
      deleteIfEmpty(call, key, set);
      call.propagateAsSent();
      // The event is the command's name: zremrangebyrank, zremrangebyscore, zremrangebylex.
      notifyWrite(call, call.spec().name(), key, set);
    }
    return Reply.integer(nodes.size());
  }

  // ---- pops ----------------------------------------------------------------------------------

  /** A member removed by a pop, with its score. */
  public record Popped(byte[] member, double score) {}

  /** ZPOPMIN / ZPOPMAX key [count]: RESP3 nests [member, score] pairs only when count is given. */
  private Reply zpop(Call call, boolean max) {
    if (call.argc() > 3) {
      throw new CommandError(Errors.SYNTAX);
    }
    boolean counted = call.argc() == 3;
    long count = 1;
    if (counted) {
      count = Numbers.parseLongOrNull(call.arg(2)) == null ? -1 : call.longArg(2);
      if (count < 0) {
        throw new CommandError(Errors.NOT_POSITIVE);
      }
    }
    return pop(call, call.arg(1), max, count, counted && call.protocol() >= 3);
  }

  /**
   * ZPOPMIN/ZPOPMAX's core: pops up to {@code count} members of {@code key} and replies them as
   * [member, score, ...], or as [[member, score], ...] when {@code nested}. An empty array when
   * there is nothing to pop. For BZPOPMIN-style replies use {@link #popElements}.
   */
  public static Reply pop(Call call, byte[] key, boolean max, long count, boolean nested) {
    List<Popped> popped = popElements(call, key, max, count);
    ScoredReply reply = new ScoredReply(true, nested);
    for (Popped p : popped) {
      reply.add(p.member(), p.score());
    }
    return reply.build();
  }

  /**
   * Removes up to {@code count} of the lowest (or highest) members of {@code key}, deleting the
   * key when it empties, and journals {@code ZPOPMIN|ZPOPMAX key n}. Empty if the key is missing;
   * WRONGTYPE if it is not a sorted set. Shared with the blocking forms.
   */
  public static List<Popped> popElements(Call call, byte[] key, boolean max, long count) {
    SortedSetValue set = writableSet(call, key);
    if (set == null || count <= 0) {
      return List.of();
    }
    int n = (int) Math.min(count, set.size());
    List<Popped> popped = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Node node = max ? set.last() : set.first();
      popped.add(new Popped(node.member(), node.score()));
      set.remove(node);
    }
    deleteIfEmpty(call, key, set);
    call.propagate(key, max ? ZPOPMAX : ZPOPMIN, key, Numbers.toBytes(n));
    // Redis reports zpopmin/zpopmax for ZMPOP and the blocking forms too.
    notifyWrite(call, max ? "zpopmax" : "zpopmin", key, set);
    return popped;
  }

  /** ZMPOP numkeys key [key ...] MIN | MAX [COUNT count] */
  private Reply zmpop(Call call) {
    MpopArgs args = MpopArgs.parse(call, 1);
    return mpop(call, args.keys, args.max, args.count);
  }

  /** ZMPOP's arguments from {@code numkeys} at {@code numkeysIndex} on (BZMPOP has a timeout first). */
  public record MpopArgs(byte[][] keys, boolean max, long count) {
    public static MpopArgs parse(Call call, int numkeysIndex) {
      Long numkeys = Numbers.parseLongOrNull(call.arg(numkeysIndex));
      if (numkeys == null || numkeys < 1) {
        throw new CommandError(NUMKEYS);
      }
      int whereIndex = numkeysIndex + 1;
      if (numkeys > call.argc() - whereIndex - 1) {
        throw new CommandError(Errors.SYNTAX);
      }
      int n = numkeys.intValue();
      byte[][] keys = new byte[n][];
      for (int i = 0; i < n; i++) {
        keys[i] = call.arg(whereIndex + i);
      }
      whereIndex += n;
      boolean max;
      if (call.is(whereIndex, "MIN")) {
        max = false;
      } else if (call.is(whereIndex, "MAX")) {
        max = true;
      } else {
        throw new CommandError(Errors.SYNTAX);
      }
      long count = -1;
      for (int j = whereIndex + 1; j < call.argc(); j++) {
        if (count == -1 && call.is(j, "COUNT") && j + 1 < call.argc()) {
          Long value = Numbers.parseLongOrNull(call.arg(j + 1));
          if (value == null || value < 1) {
            throw new CommandError(COUNT_POSITIVE);
          }
          count = value;
          j++;
        } else {
          throw new CommandError(Errors.SYNTAX);
        }
      }
      return new MpopArgs(keys, max, count == -1 ? 1 : count);
    }
  }

  /**
   * ZMPOP's core: pops from the first non-empty key, replying [key, [[member, score], ...]]
   * (nested in RESP2 too), or a null array when every key is empty.
   */
  public static Reply mpop(Call call, byte[][] keys, boolean max, long count) {
    for (byte[] key : keys) {
      SortedSetValue set = writableSet(call, key);
      if (set == null) {
        continue;
      }
      return Reply.array(Reply.bulk(key), pop(call, key, max, count, true));
    }
    return Reply.NULL_ARRAY;
  }

  // ---- ZRANDMEMBER ---------------------------------------------------------------------------

  /** ZRANDMEMBER key [count [WITHSCORES]]: negative counts may repeat members. */
  private Reply zrandmember(Call call) {
    byte[] key = call.arg(1);
    if (call.argc() == 2) {
      SortedSetValue set = readSet(call, key);
      if (set == null) {
        return Reply.NULL;
      }
      return Reply.bulk(set.byRank(ThreadLocalRandom.current().nextInt(set.size())).member());
    }
    long count = call.longArg(2);
    if (count == Long.MIN_VALUE) {
      throw new CommandError(RANDOM_COUNT_RANGE);
    }
    boolean withScores = false;
    if (call.argc() == 4 && call.is(3, "WITHSCORES")) {
      withScores = true;
      if (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2) {
        throw new CommandError(OUT_OF_RANGE);
      }
    } else if (call.argc() > 3) {
      throw new CommandError(Errors.SYNTAX);
    }
    SortedSetValue set = readSet(call, key);
    ScoredReply reply = new ScoredReply(withScores, call.protocol() >= 3);
    if (set == null || count == 0) {
      return reply.build();
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int size = set.size();
    if (count < 0) {
      for (long i = 0; i < -count; i++) {
        Node node = set.byRank(random.nextInt(size));
        reply.add(node.member(), node.score());
      }
    } else if (count >= size) {
      for (Node node = set.first(); node != null; node = node.next()) {
        reply.add(node.member(), node.score());
      }
    } else if (count * 3 < size) {
      // Few of many: rejection sampling of distinct ranks, without an array of every rank.
      java.util.Set<Integer> picked = new java.util.HashSet<>();
      while (picked.size() < count) {
        int rank = random.nextInt(size);
        if (picked.add(rank)) {
          Node node = set.byRank(rank);
          reply.add(node.member(), node.score());
        }
      }
    } else {
      // Distinct ranks by a partial Fisher-Yates shuffle over the first count positions.
      int n = (int) count;
      int[] ranks = new int[size];
      for (int i = 0; i < size; i++) {
        ranks[i] = i;
      }
      for (int i = 0; i < n; i++) {
        int j = i + random.nextInt(size - i);
        int swap = ranks[i];
        ranks[i] = ranks[j];
        ranks[j] = swap;
        Node node = set.byRank(ranks[i]);
        reply.add(node.member(), node.score());
      }
    }
    return reply.build();
  }

  // ---- ZUNION / ZINTER / ZDIFF (+STORE) / ZINTERCARD -----------------------------------------

  private enum Op { UNION, INTER, DIFF }

  private enum Aggregate { SUM, MIN, MAX }

  /** One input of a set operation: its members (null when the key is missing) and weight. */
  private static final class Source {
    final SortedSetValue set;
    double weight = 1;

    Source(SortedSetValue set) {
      this.set = set;
    }

    int size() {
      return set == null ? 0 : set.size();
    }

    /** The score of {@code member}, or null. */
    Double find(byte[] member) {
      Node node = set == null ? null : set.get(member);
      return node == null ? null : node.score();
    }
  }

  /**
   * Z{UNION,INTER,DIFF}[STORE] and ZINTERCARD, as Redis' zunionInterDiffGenericCommand: keys are
   * type-checked before the options are parsed; union and intersection visit the inputs from the
   * smallest, which fixes the order in which scores are summed.
   */
  private Reply combine(Call call, Op op, boolean store, boolean cardinalityOnly) {
    int numkeysIndex = store ? 2 : 1;
    long setCount = call.longArg(numkeysIndex);
    if (setCount < 1) {
      throw new CommandError("ERR at least 1 input key is needed for '" + call.spec().fullName() + "' command");
    }
    if (setCount > call.argc() - (numkeysIndex + 1)) {
      throw new CommandError(Errors.SYNTAX);
    }
    int n = (int) setCount;
    Source[] sources = new Source[n];
    int j = numkeysIndex + 1;
    for (int i = 0; i < n; i++, j++) {
      KeyEntry entry = call.read(call.arg(j));
      sources[i] = new Source(entry == null ? null : scoredInput(entry.value()));
    }
    Aggregate aggregate = Aggregate.SUM;
    boolean withScores = false;
    long limit = 0;
    int remaining = call.argc() - j;
    while (remaining > 0) {
      if (op != Op.DIFF && !cardinalityOnly && remaining >= n + 1 && call.is(j, "WEIGHTS")) {
        j++;
        remaining--;
        for (int i = 0; i < n; i++, j++, remaining--) {
          sources[i].weight = Numbers.parseDouble(call.arg(j), WEIGHT_NOT_FLOAT);
        }
      } else if (op != Op.DIFF && !cardinalityOnly && remaining >= 2 && call.is(j, "AGGREGATE")) {
        j++;
        if (call.is(j, "SUM")) {
          aggregate = Aggregate.SUM;
        } else if (call.is(j, "MIN")) {
          aggregate = Aggregate.MIN;
        } else if (call.is(j, "MAX")) {
          aggregate = Aggregate.MAX;
        } else {
          throw new CommandError(Errors.SYNTAX);
        }
        j++;
        remaining -= 2;
      } else if (!store && !cardinalityOnly && call.is(j, "WITHSCORES")) {
        withScores = true;
        j++;
        remaining--;
      } else if (cardinalityOnly && remaining >= 2 && call.is(j, "LIMIT")) {
        Long value = Numbers.parseLongOrNull(call.arg(j + 1));
        if (value == null || value < 0) {
          throw new CommandError(LIMIT_NEGATIVE);
        }
        limit = value;
        j += 2;
        remaining -= 2;
      } else {
        throw new CommandError(Errors.SYNTAX);
      }
    }
    if (op != Op.DIFF) {
      Arrays.sort(sources, Comparator.comparingInt(Source::size));
    }
    if (cardinalityOnly) {
      return Reply.integer(interCard(sources, limit));
    }
    // Accumulated as a skiplist (no listpack normalization of -0), re-encoded only when stored.
    SortedSetValue result = new SortedSetValue(Long.MAX_VALUE, 0);
    switch (op) {
      case INTER -> inter(sources, aggregate, result);
      case UNION -> union(sources, aggregate, result);
      case DIFF -> diff(sources, result);
    }
    if (store) {
      result.shrinkEncodingIfSmall();
      store(call, call.arg(1), result);
      return Reply.integer(result.size());
    }
    ScoredReply reply = new ScoredReply(withScores, call.protocol() >= 3);
    for (Node node = result.first(); node != null; node = node.next()) {
      reply.add(node.member(), node.score());
    }
    return reply.build();
  }

  /**
   * An input of a set operation as a sorted set. Redis also accepts plain sets here, every member
   * scoring 1: when the set family exists, convert its value in this one place.
   */
  static SortedSetValue scoredInput(Object value) {
    if (value instanceof SortedSetValue set) {
      return set;
    }
    if (value instanceof io.redgrid.keyspace.SetValue set) {
      // Redis takes plain sets as inputs of ZUNION/ZINTER/ZDIFF, every member scoring 1.
      SortedSetValue scored = new SortedSetValue();
      set.forEach(member -> scored.put(member, 1.0));
      return scored;
    }
    throw new CommandError(Errors.WRONGTYPE);
  }

  private static double aggregate(double target, double value, Aggregate aggregate) {
    switch (aggregate) {
      case SUM:
        double sum = target + value;
        // inf + -inf: Redis keeps 0 rather than a NaN score.
        return Double.isNaN(sum) ? 0.0 : sum;
      case MIN:
        return value < target ? value : target;
      default:
        return value > target ? value : target;
    }
  }

  private static void inter(Source[] sources, Aggregate aggregate, SortedSetValue result) {
    if (sources[0].size() == 0) {
      return;
    }
    for (Node node = sources[0].set.first(); node != null; node = node.next()) {
      double score = weighted(sources[0].weight, node.score());
      int j = 1;
      for (; j < sources.length; j++) {
        Double value = sources[j].find(node.member());
        if (value == null) {
          break;
        }
        score = aggregate(score, value * sources[j].weight, aggregate);
      }
      if (j == sources.length) {
        result.insert(node.member(), score);
      }
    }
  }

  private static long interCard(Source[] sources, long limit) {
    if (sources[0].size() == 0) {
      return 0;
    }
    long cardinality = 0;
    for (Node node = sources[0].set.first(); node != null; node = node.next()) {
      int j = 1;
      while (j < sources.length && sources[j].find(node.member()) != null) {
        j++;
      }
      if (j == sources.length && ++cardinality == limit) {
        break;
      }
    }
    return cardinality;
  }

  private static void union(Source[] sources, Aggregate aggregate, SortedSetValue result) {
    for (Source source : sources) {
      if (source.size() == 0) {
        continue;
      }
      for (Node node = source.set.first(); node != null; node = node.next()) {
        double score = weighted(source.weight, node.score());
        Node existing = result.get(node.member());
        if (existing == null) {
          result.insert(node.member(), score);
        } else {
          result.updateScore(existing, aggregate(existing.score(), score, aggregate));
        }
      }
    }
  }

  private static void diff(Source[] sources, SortedSetValue result) {
    if (sources[0].size() == 0) {
      return;
    }
    for (Node node = sources[0].set.first(); node != null; node = node.next()) {
      boolean elsewhere = false;
      for (int j = 1; j < sources.length && !elsewhere; j++) {
        elsewhere = sources[j].find(node.member()) != null;
      }
      if (!elsewhere) {
        result.insert(node.member(), node.score());
      }
    }
  }

  /** weight * score, with Redis' 0 for the NaN of 0 * inf. */
  private static double weighted(double weight, double score) {
    double value = weight * score;
    return Double.isNaN(value) ? 0.0 : value;
  }

  // ---- stores and rebuilding -----------------------------------------------------------------

  /**
   * Stores a computed set in {@code destination} (no TTL), or deletes it when the result is
   * empty, journaling {@code DEL} plus {@code ZADD} chunks on the destination's shard.
   */
  private static void store(Call call, byte[] destination, SortedSetValue result) {
    if (result.isEmpty()) {
      if (call.delete(destination)) {
        call.propagate(destination, DEL, destination);
        call.notifyDeleted(destination);
      }
      return;
    }
    call.put(destination, result, KeyEntry.NO_EXPIRY);
    rebuild(call, call.db(), destination, result);
    // The event is the command's name: zunionstore, zinterstore, zdiffstore, zrangestore.
    call.notify(KeyspaceEvents.ZSET, call.spec().name(), destination);
  }

  /**
   * Records, on the shard of {@code key}, effects that make {@code key} in {@code db} hold exactly
   * this set: {@code DEL key} then {@code ZADD key score member ...} in chunks of 128 pairs, with
   * scores in 17 significant digits so they read back identical. Used by the STORE commands and
   * by {@link KeyCommands#recreate} (RENAME/COPY across shards).
   */
  static void rebuild(Call call, int db, byte[] key, SortedSetValue set) {
    call.propagateIn(db, key, DEL, key);
    Node node = set.first();
    while (node != null) {
      int pairs = Math.min(REBUILD_CHUNK, remainingFrom(node));
      byte[][] command = new byte[2 + 2 * pairs][];
      command[0] = ZADD;
      command[1] = key;
      for (int i = 0; i < pairs; i++, node = node.next()) {
        command[2 + 2 * i] = scoreBytes(node.score());
        command[3 + 2 * i] = node.member();
      }
      call.propagateIn(db, key, command);
    }
  }

  private static int remainingFrom(Node node) {
    int count = 0;
    for (Node n = node; n != null && count < REBUILD_CHUNK; n = n.next()) {
      count++;
    }
    return count;
  }

  /** A score as text that parses back to the same double: Redis' %.17g with inf/-inf. */
  static byte[] scoreBytes(double score) {
    return Reply.formatDouble(score).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  // ---- ZSCAN ---------------------------------------------------------------------------------

  /**
   * ZSCAN key cursor [MATCH pattern] [COUNT count]: a listpack-encoded set is returned whole with
   * cursor 0, as Redis does; a skiplist-encoded one is walked with the member table's
   * reverse-binary cursor, COUNT counting members and scores like Redis' reply list.
   */
  private Reply zscan(Call call) {
    long cursor = KeyCommands.parseCursor(call.arg(2));
    SortedSetValue set = readSet(call, call.arg(1));
    if (set == null) {
      return Reply.array(Call.bulk("0"), Reply.EMPTY_ARRAY);
    }
    ScanOptions options = ScanOptions.parse(call, 3, false);
    long count = options.count();
    byte[] pattern = options.pattern();
    List<Node> visited = new ArrayList<>();
    long next = 0;
    if (set.isListpack()) {
      for (Node node = set.first(); node != null; node = node.next()) {
        visited.add(node);
      }
    } else {
      long iterations = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
      next = cursor;
      do {
        next = set.scan(next, visited::add);
      } while (next != 0 && iterations-- > 0 && visited.size() * 2L < count);
    }
    List<Reply> items = new ArrayList<>(visited.size() * 2);
    for (Node node : visited) {
      if (pattern != null && !Glob.matches(pattern, node.member())) {
        continue;
      }
      items.add(Reply.bulk(node.member()));
      items.add(Reply.bulk(scoreBytes(node.score())));
    }
    return Reply.array(Call.bulk(Long.toUnsignedString(next)), Reply.array(items));
  }

  // ---- replies -------------------------------------------------------------------------------

  /** Members with optional scores: flat [m, s, ...], or [[m, s], ...] when nested (RESP3). */
  private static final class ScoredReply {
    private final List<Reply> items = new ArrayList<>();
    private final boolean withScores;
    private final boolean nested;

    ScoredReply(boolean withScores, boolean nested) {
      this.withScores = withScores;
      this.nested = nested;
    }

    void add(byte[] member, double score) {
      if (!withScores) {
        items.add(Reply.bulk(member));
      } else if (nested) {
        items.add(Reply.array(Reply.bulk(member), Reply.dbl(score)));
      } else {
        items.add(Reply.bulk(member));
        items.add(Reply.dbl(score));
      }
    }

    Reply build() {
      return Reply.array(items);
    }
  }
}
