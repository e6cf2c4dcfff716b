package io.redgrid.command.family;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.Errors;
import io.redgrid.keyspace.Glob;

/**
 * The options of SCAN, HSCAN, SSCAN and ZSCAN: {@code [MATCH pattern] [COUNT count]} (and
 * {@code [TYPE type]} for SCAN), parsed as Redis' scanGenericCommand does: repeatable, the last
 * one wins, COUNT below 1 is a syntax error. A {@code *} pattern becomes null: match everything.
 */
record ScanOptions(long count, byte[] pattern, byte[] type) {
  /** Redis' default COUNT. */
  static final long DEFAULT_COUNT = 10;

  static ScanOptions parse(Call call, int from, boolean allowType) {
    long count = DEFAULT_COUNT;
    byte[] pattern = null;
    byte[] type = null;
    for (int i = from; i < call.argc(); i += 2) {
      boolean hasValue = i + 1 < call.argc();
      if (hasValue && call.is(i, "COUNT")) {
        count = call.longArg(i + 1);
        if (count < 1) {
          throw new CommandError(Errors.SYNTAX);
        }
      } else if (hasValue && call.is(i, "MATCH")) {
        pattern = Glob.matchesAll(call.arg(i + 1)) ? null : call.arg(i + 1);
      } else if (allowType && hasValue && call.is(i, "TYPE")) {
        type = call.arg(i + 1);
      } else {
        throw new CommandError(Errors.SYNTAX);
      }
    }
    return new ScanOptions(count, pattern, type);
  }
}
