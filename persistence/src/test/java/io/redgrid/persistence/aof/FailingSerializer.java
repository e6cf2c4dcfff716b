package io.redgrid.persistence.aof;

import akka.serialization.JSerializer;

/** A serializer that refuses to serialize, to test rejected writes. */
public final class FailingSerializer extends JSerializer {
  /** An event bound to this serializer. */
  public record Unserializable(String text) {}

  @Override
  public int identifier() {
    return 917_123;
  }

  @Override
  public boolean includeManifest() {
    return false;
  }

  @Override
  public byte[] toBinary(Object o) {
    throw new IllegalArgumentException("cannot serialize " + o);
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    throw new IllegalArgumentException("never written");
  }
}
