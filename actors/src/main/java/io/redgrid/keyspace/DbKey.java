package io.redgrid.keyspace;

import java.util.Arrays;

/** A key in a numbered database, as a map key: equal by content, unlike byte[]. */
public record DbKey(int db, byte[] key) {
  @Override
  public boolean equals(Object other) {
    return other instanceof DbKey that && db == that.db && Arrays.equals(key, that.key);
  }

  @Override
  public int hashCode() {
    return 31 * db + Arrays.hashCode(key);
  }
}
