package io.redgrid.pubsub;

import java.util.Arrays;

/** A channel or pattern name as a map key: bytes compared by content. */
public final class Channel {
  private final byte[] bytes;
  private final int hash;

  public Channel(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  public byte[] bytes() {
    return bytes;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Channel c && c.hash == hash && Arrays.equals(c.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }
}
