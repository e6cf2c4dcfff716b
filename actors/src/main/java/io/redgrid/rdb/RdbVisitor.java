package io.redgrid.rdb;

/** Receives what an {@link RdbReader} finds, in file order. */
public interface RdbVisitor {
  default void aux(String key, String value) {}

  /**
   * One key. {@code value} is one of RedGrid's value classes: byte[], ListValue, HashValue,
   * SetValue, SortedSetValue; {@code expireAt} is absolute milliseconds or KeyEntry.NO_EXPIRY.
   */
  void entry(int db, byte[] key, Object value, long expireAt);

  /** Redis 7 FUNCTION2 opcode (functions library code); default: ignore (functions are another issue). */
  default void function(byte[] code) {}
}
