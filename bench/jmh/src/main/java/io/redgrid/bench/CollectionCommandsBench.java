package io.redgrid.bench;

import io.redgrid.protocol.Reply;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Commands/s of list (LPUSH + LPOP) and hash (HSET) commands through the command table on one
 * in-memory shard, on random keys out of {@code keys} lists/hashes that stay at a steady size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CollectionCommandsBench {
  static final int LIST_LENGTH = 10;
  static final int HASH_FIELDS = 100;

  @Param("10000")
  public int keys;

  private CommandRig rig;
  private byte[][][] lpushes;
  private byte[][][] lpops;
  private byte[][][] hsets;
  private long random = 0x9E3779B97F4A7C15L;

  @Setup
  public void setUp() {
    rig = new CommandRig();
    byte[] element = CommandRig.bytes("x".repeat(16));
    byte[] value = CommandRig.bytes("v".repeat(16));
    byte[][] fields = CommandRig.keys("field:", HASH_FIELDS);
    byte[][] listKeys = CommandRig.keys("list:", keys);
    byte[][] hashKeys = CommandRig.keys("hash:", keys);
    byte[] lpush = CommandRig.bytes("LPUSH");
    byte[] lpop = CommandRig.bytes("LPOP");
    byte[] hset = CommandRig.bytes("HSET");
    lpushes = new byte[keys][][];
    lpops = new byte[keys][][];
    hsets = new byte[keys * HASH_FIELDS][][];
    for (int i = 0; i < keys; i++) {
      lpushes[i] = new byte[][] {lpush, listKeys[i], element};
      lpops[i] = new byte[][] {lpop, listKeys[i]};
      for (int n = 0; n < LIST_LENGTH; n++) {
        rig.run(lpushes[i]);
      }
      for (int f = 0; f < HASH_FIELDS; f++) {
        byte[][] argv = {hset, hashKeys[i], fields[f], value};
        hsets[i * HASH_FIELDS + f] = argv;
        rig.run(argv);
      }
    }
    rig.must("LLEN", "list:0");
    rig.must("HLEN", "hash:0");
  }

  private int next(int bound) {
    random = CommandRig.nextRandom(random);
    return (int) ((random >>> 1) % bound);
  }

  /** {@code LPUSH list:<r> <16 bytes>} then {@code LPOP list:<r>}: two commands, length stays 10. */
  @Benchmark
  @OperationsPerInvocation(2)
  public void lpushLpop(Blackhole bh) {
    int key = next(keys);
    bh.consume(rig.run(lpushes[key]));
    bh.consume(rig.run(lpops[key]));
  }

  /** {@code HSET hash:<r> field:<f> <16 bytes>} overwriting a field of a 100-field hash. */
  @Benchmark
  public Reply hset() {
    return rig.run(hsets[next(hsets.length)]);
  }
}
