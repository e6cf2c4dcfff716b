package io.redgrid.node;

import akka.actor.ExtendedActorSystem;
import akka.serialization.SerializerWithStringManifest;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Binary form of {@link PubSubBridge.Envelope}: flag, origin, channel and message, length-prefixed. */
public final class PubSubEnvelopeSerializer extends SerializerWithStringManifest {
  private static final String MANIFEST = "e1";

  public PubSubEnvelopeSerializer(ExtendedActorSystem system) {}

  public PubSubEnvelopeSerializer() {}

  @Override
  public int identifier() {
    return 6380;
  }

  @Override
  public String manifest(Object o) {
    return MANIFEST;
  }

  @Override
  public byte[] toBinary(Object o) {
    PubSubBridge.Envelope envelope = (PubSubBridge.Envelope) o;
    byte[] origin = envelope.origin().getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(1 + 4 + origin.length + 4 + envelope.channel().length
        + envelope.message().length);
    out.put((byte) (envelope.shard() ? 1 : 0));
    out.putInt(origin.length).put(origin);
    out.putInt(envelope.channel().length).put(envelope.channel());
    out.put(envelope.message());
    return out.array();
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (!MANIFEST.equals(manifest)) {
      throw new NotSerializableException("unknown Pub/Sub envelope manifest " + manifest);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    boolean shard = in.get() == 1;
    byte[] origin = new byte[in.getInt()];
    in.get(origin);
    byte[] channel = new byte[in.getInt()];
    in.get(channel);
    byte[] message = new byte[in.remaining()];
    in.get(message);
    return new PubSubBridge.Envelope(new String(origin, StandardCharsets.UTF_8), shard, channel, message);
  }
}
