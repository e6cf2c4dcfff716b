package io.redgrid.shard;

import akka.actor.ExtendedActorSystem;
import akka.serialization.SerializerWithStringManifest;
import io.redgrid.protocol.ProtocolException;
import io.redgrid.protocol.RespLimits;
import io.redgrid.protocol.RespParser;
import io.redgrid.protocol.RespWriter;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link ShardEvent} as Redis writes its AOF: {@code SELECT db} then the command, both
 * RESP multibulks. Redis writes SELECT only when the database changes; here every event carries
 * its own, because one AOF interleaves the events of all shards and each event must also replay
 * alone. Decoding also accepts an event without SELECT (database 0). The format is pinned by a
 * test because journals outlive releases.
 */
public final class ShardEventSerializer extends SerializerWithStringManifest {
  /** Manifest of the only event format so far; a new format gets a new manifest. */
  public static final String MANIFEST = "resp1";
  private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);
  /** The SELECT argument of the usual databases, so encoding an event allocates no number text. */
  private static final byte[][] DB_NUMBERS = new byte[16][];

  static {
    for (int i = 0; i < DB_NUMBERS.length; i++) {
      DB_NUMBERS[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
    }
  }

  public ShardEventSerializer(ExtendedActorSystem system) {}

  public ShardEventSerializer() {}

  @Override
  public int identifier() {
    return 6379;
  }

  @Override
  public String manifest(Object o) {
    return MANIFEST;
  }

  @Override
  public byte[] toBinary(Object o) {
    return encode((ShardEvent) o);
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (!MANIFEST.equals(manifest)) {
      throw new NotSerializableException("unknown shard event manifest " + manifest);
    }
    return decode(bytes);
  }

  public static byte[] encode(ShardEvent event) {
    RespWriter writer = new RespWriter();
    int db = event.db();
    writer.writeCommand(SELECT, db < DB_NUMBERS.length ? DB_NUMBERS[db]
        : Integer.toString(db).getBytes(StandardCharsets.US_ASCII));
    writer.writeCommand(event.command());
    return writer.toByteArray();
  }

  public static ShardEvent decode(byte[] bytes) throws NotSerializableException {
    RespParser parser = new RespParser(RespLimits.DEFAULT);
    try {
      parser.feed(ByteBuffer.wrap(bytes));
    } catch (ProtocolException e) {
      throw new NotSerializableException("corrupt shard event: " + e.getMessage());
    }
    byte[][] first = parser.next();
    byte[][] second = parser.next();
    if (first == null) {
      throw new NotSerializableException("empty shard event");
    }
    if (second == null) {
      return new ShardEvent(0, first);
    }
    int db = Integer.parseInt(new String(first[1], StandardCharsets.US_ASCII));
    return new ShardEvent(db, second);
  }
}
