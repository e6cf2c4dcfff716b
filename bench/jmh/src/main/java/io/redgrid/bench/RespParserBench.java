package io.redgrid.bench;

import io.redgrid.protocol.ProtocolException;
import io.redgrid.protocol.RespLimits;
import io.redgrid.protocol.RespParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Commands/s of {@link RespParser} on one pipelined read of 16 commands, as a connection feeds it.
 *
 * <p>Each invocation feeds one whole buffer (a read-only heap buffer, which is what Akka's
 * ByteString hands the connection) and drains {@code next()} until null; the parser is reused
 * across invocations like a connection's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RespParserBench {
  static final int PIPELINE = 16;
  static final int VALUE_SIZE = 100;

  private final RespParser parser = new RespParser(RespLimits.DEFAULT);
  private ByteBuffer setMultibulk;
  private ByteBuffer getMultibulk;
  private ByteBuffer setInline;
  private ByteBuffer getInline;

  @Setup
  public void setUp() {
    String value = "v".repeat(VALUE_SIZE);
    StringBuilder sets = new StringBuilder();
    StringBuilder gets = new StringBuilder();
    StringBuilder inlineSets = new StringBuilder();
    StringBuilder inlineGets = new StringBuilder();
    for (int n = 0; n < PIPELINE; n++) {
      String key = "key:" + n;
      sets.append(multibulk("SET", key, value));
      gets.append(multibulk("GET", key));
      inlineSets.append("SET ").append(key).append(' ').append(value).append("\r\n");
      inlineGets.append("GET ").append(key).append("\r\n");
    }
    setMultibulk = buffer(sets);
    getMultibulk = buffer(gets);
    setInline = buffer(inlineSets);
    getInline = buffer(inlineGets);
  }

  static String multibulk(String... args) {
    StringBuilder out = new StringBuilder().append('*').append(args.length).append("\r\n");
    for (String arg : args) {
      out.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
    }
    return out.toString();
  }

  private static ByteBuffer buffer(CharSequence text) {
    return ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
  }

  private int parse(ByteBuffer input, Blackhole bh) throws ProtocolException {
    input.rewind();
    parser.feed(input);
    int commands = 0;
    for (byte[][] argv; (argv = parser.next()) != null; ) {
      bh.consume(argv);
      commands++;
    }
    if (commands != PIPELINE) {
      throw new IllegalStateException("parsed " + commands + " commands, expected " + PIPELINE);
    }
    return commands;
  }

  /** 16 pipelined {@code *3 SET key:<n> <100 bytes>} multibulk commands. */
  @Benchmark
  @OperationsPerInvocation(PIPELINE)
  public int setMultibulk(Blackhole bh) throws ProtocolException {
    return parse(setMultibulk, bh);
  }

  /** 16 pipelined {@code *2 GET key:<n>} multibulk commands. */
  @Benchmark
  @OperationsPerInvocation(PIPELINE)
  public int getMultibulk(Blackhole bh) throws ProtocolException {
    return parse(getMultibulk, bh);
  }

  /** 16 pipelined inline {@code SET key:<n> <100 bytes>} lines. */
  @Benchmark
  @OperationsPerInvocation(PIPELINE)
  public int setInline(Blackhole bh) throws ProtocolException {
    return parse(setInline, bh);
  }

  /** 16 pipelined inline {@code GET key:<n>} lines. */
  @Benchmark
  @OperationsPerInvocation(PIPELINE)
  public int getInline(Blackhole bh) throws ProtocolException {
    return parse(getInline, bh);
  }
}
