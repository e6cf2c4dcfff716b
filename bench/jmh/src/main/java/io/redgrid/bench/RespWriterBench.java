package io.redgrid.bench;

import akka.util.ByteString;
import io.redgrid.protocol.Reply;
import io.redgrid.protocol.RespWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Replies/s of {@link RespWriter} encoding typical replies into a reused buffer (RESP2), as a
 * connection does between flushes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RespWriterBench {
  static final int PIPELINE = 16;

  private final RespWriter writer = new RespWriter();
  private Reply bulk100;
  private Reply integer;
  private Reply lrange100;

  @Setup
  public void setUp() {
    byte[] value = new byte[100];
    Arrays.fill(value, (byte) 'v');
    bulk100 = Reply.bulk(value);
    integer = Reply.integer(1_234_567);
    List<Reply> items = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      items.add(Reply.bulk(value.clone()));
    }
    lrange100 = Reply.array(items);
  }

  private int writeOne(Reply reply) {
    writer.reset();
    writer.write(reply, 2);
    return writer.size();
  }

  /** {@code +OK}, the reply of SET. */
  @Benchmark
  public int ok() {
    return writeOne(Reply.OK);
  }

  /** A 100-byte bulk string, the reply of GET. */
  @Benchmark
  public int bulk100() {
    return writeOne(bulk100);
  }

  /** An integer reply, as INCR/LPUSH give. */
  @Benchmark
  public int integer() {
    return writeOne(integer);
  }

  /** An array of 100 bulks of 100 bytes, the reply of {@code LRANGE l 0 99}. */
  @Benchmark
  public int lrange100() {
    return writeOne(lrange100);
  }

  /**
   * 16 GET replies then {@code toByteArray()}, the copy the connection makes for each flush
   * (score is replies/s).
   */
  @Benchmark
  @OperationsPerInvocation(PIPELINE)
  public byte[] bulk100PipelineFlush() {
    writer.reset();
    for (int i = 0; i < PIPELINE; i++) {
      writer.write(bulk100, 2);
    }
    return writer.toByteArray();
  }

  /**
   * {@link #bulk100PipelineFlush} plus {@code ByteString.fromArray}, exactly what
   * {@code Connection.flush} hands the socket: fromArray clones the already copied array.
   */
  @Benchmark
  @OperationsPerInvocation(PIPELINE)
  public ByteString bulk100PipelineFlushByteString() {
    return ByteString.fromArray(bulk100PipelineFlush());
  }

  /** The same flush with {@code ByteString.fromArrayUnsafe}, which wraps the fresh copy instead. */
  @Benchmark
  @OperationsPerInvocation(PIPELINE)
  public ByteString bulk100PipelineFlushUnsafe() {
    return ByteString.fromArrayUnsafe(bulk100PipelineFlush());
  }
}
