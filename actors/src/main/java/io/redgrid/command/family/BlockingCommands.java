package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.BLOCKING;
import static io.redgrid.command.Flag.DENYOOM;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.WRITE;
import static io.redgrid.command.KeySpec.every;
import static io.redgrid.command.KeySpec.movable;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Numbers;
import io.redgrid.protocol.Reply;
import java.util.Arrays;
import java.util.List;

/**
 * The blocking pops of lists and sorted sets: each tries its non-blocking core once and, when every key is empty, asks
 * {@link Call#block} to wait (see {@code BlockedClients} for how a waiting client is woken). A
 * woken client runs the same code again, so what it pops is persisted as the concrete pop.
 */
public final class BlockingCommands implements CommandFamily {
  private static final String TIMEOUT_NOT_FLOAT = "ERR timeout is not a float or out of range";
  private static final String TIMEOUT_OUT_OF_RANGE = "ERR timeout is out of range";
  private static final String TIMEOUT_NEGATIVE = "ERR timeout is negative";

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("blpop").arity(atLeast(3)).flags(WRITE, BLOCKING).keys(every(1, -2, 1)).group("list")
            .keyFlags("RW", "access", "delete")
            .summary("Remove and get the first element in a list, or block until one is available")
            .since("2.0.0").complexity("O(N) where N is the number of provided keys.")
            .runs(call -> blockingPop(call, true)),
        command("brpop").arity(atLeast(3)).flags(WRITE, BLOCKING).keys(every(1, -2, 1)).group("list")
            .keyFlags("RW", "access", "delete")
            .summary("Remove and get the last element in a list, or block until one is available")
            .since("2.0.0").complexity("O(N) where N is the number of provided keys.")
            .runs(call -> blockingPop(call, false)),
        command("blmove").arity(exactly(6)).flags(WRITE, DENYOOM, BLOCKING).keys(every(1, 2, 1))
            .group("list").keyFlags("RW", "access", "delete")
            .summary("Pop an element from a list, push it to another list and return it; or block until one is available")
            .since("6.2.0").complexity("O(1)").runs(this::blmove),
        command("brpoplpush").arity(exactly(4)).flags(WRITE, DENYOOM, BLOCKING).keys(every(1, 2, 1))
            .group("list").keyFlags("RW", "access", "delete")
            .summary("Pop an element from a list, push it to another list and return it; or block until one is available")
            .since("2.2.0").complexity("O(1)").runs(this::brpoplpush),
        command("blmpop").arity(atLeast(5)).flags(WRITE, BLOCKING)
            .keys(movable(0, 0, 0, argv -> ListCommands.numkeysPositions(argv, 2))).group("list")
            .keyFlags("RW", "access", "delete")
            .summary("Pop elements from a list, or block until one is available").since("7.0.0")
            .complexity("O(N+M) where N is the number of provided keys and M is the number of elements returned.")
            .runs(this::blmpop),
        command("bzpopmin").arity(atLeast(3)).flags(WRITE, FAST, BLOCKING).keys(every(1, -2, 1))
            .group("sorted-set").keyFlags("RW", "access", "delete")
            .summary("Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.")
            .since("5.0.0").complexity("O(log(N)) with N being the number of elements in the sorted set.")
            .runs(call -> blockingZpop(call, false)),
        command("bzpopmax").arity(atLeast(3)).flags(WRITE, FAST, BLOCKING).keys(every(1, -2, 1))
            .group("sorted-set").keyFlags("RW", "access", "delete")
            .summary("Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.")
            .since("5.0.0").complexity("O(log(N)) with N being the number of elements in the sorted set.")
            .runs(call -> blockingZpop(call, true)),
        command("bzmpop").arity(atLeast(5)).flags(WRITE, BLOCKING)
            .keys(movable(0, 0, 0, argv -> ListCommands.numkeysPositions(argv, 2))).group("sorted-set")
            .keyFlags("RW", "access", "delete")
            .summary("Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.")
            .since("7.0.0")
            .complexity("O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.")
            .runs(this::bzmpop));
  }

  /** BZPOPMIN / BZPOPMAX key [key ...] timeout: replies [key, member, score]. */
  private Reply blockingZpop(Call call, boolean max) {
    long timeout = timeoutMillis(call, call.argc() - 1);
    for (int i = 1; i < call.argc() - 1; i++) {
      byte[] key = call.arg(i);
      List<SortedSetCommands.Popped> popped = SortedSetCommands.popElements(call, key, max, 1);
      if (!popped.isEmpty()) {
        SortedSetCommands.Popped first = popped.get(0);
        return Reply.array(List.of(Reply.bulk(key), Reply.bulk(first.member()), Reply.dbl(first.score())));
      }
    }
    return call.block(Arrays.copyOfRange(call.argv(), 1, call.argc() - 1), timeout, Reply.NULL_ARRAY);
  }

  /** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] */
  private Reply bzmpop(Call call) {
    long timeout = timeoutMillis(call, 1);
    SortedSetCommands.MpopArgs args = SortedSetCommands.MpopArgs.parse(call, 2);
    Reply popped = SortedSetCommands.mpop(call, args.keys(), args.max(), args.count());
    if (popped != Reply.NULL_ARRAY) {
      return popped;
    }
    return call.block(args.keys(), timeout, Reply.NULL_ARRAY);
  }

  /** BLPOP / BRPOP key [key ...] timeout: replies [key, element]. */
  private Reply blockingPop(Call call, boolean left) {
    long timeout = timeoutMillis(call, call.argc() - 1);
    for (int i = 1; i < call.argc() - 1; i++) {
      byte[] key = call.arg(i);
      Reply element = ListCommands.pop(call, key, left, ListCommands.NO_COUNT);
      if (element != null) {
        return Reply.array(List.of(Reply.bulk(key), element));
      }
    }
    return call.block(Arrays.copyOfRange(call.argv(), 1, call.argc() - 1), timeout, Reply.NULL_ARRAY);
  }

  /** BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout */
  private Reply blmove(Call call) {
    boolean fromLeft = ListCommands.side(call, 3);
    boolean toLeft = ListCommands.side(call, 4);
    return blockingMove(call, fromLeft, toLeft, timeoutMillis(call, 5));
  }

  /** BRPOPLPUSH source destination timeout */
  private Reply brpoplpush(Call call) {
    return blockingMove(call, false, true, timeoutMillis(call, 3));
  }

  private static Reply blockingMove(Call call, boolean fromLeft, boolean toLeft, long timeout) {
    Reply element = ListCommands.move(call, call.arg(1), call.arg(2), fromLeft, toLeft);
    if (element != null) {
      return element;
    }
    return call.block(new byte[][] {call.arg(1)}, timeout, Reply.NULL);
  }

  /** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] */
  private Reply blmpop(Call call) {
    long timeout = timeoutMillis(call, 1);
    ListCommands.MpopArgs args = ListCommands.MpopArgs.parse(call, 2);
    Reply popped = ListCommands.mpop(call, args.firstKey(), args.numkeys(), args.left(), args.count());
    if (popped != null) {
      return popped;
    }
    byte[][] keys = Arrays.copyOfRange(call.argv(), args.firstKey(), args.firstKey() + args.numkeys());
    return call.block(keys, timeout, Reply.NULL_ARRAY);
  }

  /**
   * Redis' getTimeoutFromObjectOrReply in seconds: a float, rounded up to whole milliseconds;
   * 0 waits forever.
   */
  static long timeoutMillis(Call call, int index) {
    double seconds = Numbers.parseDouble(call.arg(index), TIMEOUT_NOT_FLOAT);
    if (Double.isNaN(seconds)) {
      throw new CommandError(TIMEOUT_NOT_FLOAT);
    }
    double millis = Math.ceil(seconds * 1000.0);
    // Redis casts to long long, which on x86 turns anything out of range into LLONG_MIN:
    // a huge timeout is reported as negative, as redis-server 7.0 does.
    if (millis < 0 || millis >= 0x1p63) {
      throw new CommandError(TIMEOUT_NEGATIVE);
    }
    if ((long) millis > Long.MAX_VALUE - call.now()) {
      throw new CommandError(TIMEOUT_OUT_OF_RANGE);
    }
    return (long) millis;
  }

}
