package io.redgrid.bench;

import io.redgrid.keyspace.Database;
import io.redgrid.keyspace.Dict;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.Keyspace;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Lookups/s of the keyspace dictionary alone on random keys out of {@code keys}: the floor under
 * every command of {@link StringCommandsBench}, and what a second lookup of the same key costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KeyspaceBench {
  @Param("100000")
  public int keys;

  private Database database;
  private byte[][] names;
  private long random = 0x9E3779B97F4A7C15L;

  @Setup
  public void setUp() {
    database = new Keyspace(0, 16).database(0);
    names = CommandRig.keys("key:", keys);
    byte[] value = new byte[100];
    for (byte[] name : names) {
      database.put(name, value);
    }
  }

  private byte[] nextKey() {
    random = CommandRig.nextRandom(random);
    return names[(int) ((random >>> 1) % keys)];
  }

  /** {@code Dict.hash} of a random {@code key:<n>} (the random pick included, as in the others). */
  @Benchmark
  public int hash() {
    return Dict.hash(nextKey());
  }

  /** One {@code Database.get} of an existing key, what GET needs. */
  @Benchmark
  public KeyEntry getOnce() {
    return database.get(nextKey());
  }

  /** Two {@code Database.get} of the same key, what SET and INCR do (Call.entry, then Database.put). */
  @Benchmark
  public void getTwice(Blackhole bh) {
    byte[] key = nextKey();
    bh.consume(database.get(key));
    bh.consume(database.get(key));
  }
}
