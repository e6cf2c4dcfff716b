package io.redgrid.bench;

import io.redgrid.protocol.Reply;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Commands/s of SET / GET / INCR through the command table on one in-memory shard, on random
 * keys out of {@code keys} (like {@code redis-benchmark -r 100000}); includes name lookup,
 * arity check, the Call, the keyspace work and recording the effect.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StringCommandsBench {
  @Param("100000")
  public int keys;

  private CommandRig rig;
  private byte[][][] sets;
  private byte[][][] gets;
  private byte[][][] incrs;
  private long random = 0x9E3779B97F4A7C15L;

  @Setup
  public void setUp() {
    rig = new CommandRig();
    byte[] value = new byte[100];
    Arrays.fill(value, (byte) 'v');
    byte[] set = CommandRig.bytes("SET");
    byte[] get = CommandRig.bytes("GET");
    byte[] incr = CommandRig.bytes("INCR");
    byte[][] stringKeys = CommandRig.keys("key:", keys);
    byte[][] counterKeys = CommandRig.keys("counter:", keys);
    sets = new byte[keys][][];
    gets = new byte[keys][][];
    incrs = new byte[keys][][];
    for (int i = 0; i < keys; i++) {
      sets[i] = new byte[][] {set, stringKeys[i], value};
      gets[i] = new byte[][] {get, stringKeys[i]};
      incrs[i] = new byte[][] {incr, counterKeys[i]};
      // Every key exists, so GET always hits and SET always overwrites, as in a warm server.
      rig.run(sets[i]);
      rig.run(incrs[i]);
    }
    rig.must("GET", "key:0");
  }

  private int nextKey() {
    random = CommandRig.nextRandom(random);
    return (int) ((random >>> 1) % keys);
  }

  /** {@code SET key:<r> <100 bytes>} overwriting an existing key. */
  @Benchmark
  public Reply set() {
    return rig.run(sets[nextKey()]);
  }

  /** {@code GET key:<r>} of an existing 100-byte value. */
  @Benchmark
  public Reply get() {
    return rig.run(gets[nextKey()]);
  }

  /** {@code INCR counter:<r>} of an existing counter. */
  @Benchmark
  public Reply incr() {
    return rig.run(incrs[nextKey()]);
  }
}
