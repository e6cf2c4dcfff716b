package io.redgrid.blocking;

import java.util.Arrays;

/** A key in a database that clients wait on; equal by content, unlike byte[]. */
record WaitKey(int db, byte[] key) {
  @Override
  public boolean equals(Object other) {
    return other instanceof WaitKey that && db == that.db && Arrays.equals(key, that.key);
  }

  @Override
  public int hashCode() {
    return 31 * db + Arrays.hashCode(key);
  }
}
