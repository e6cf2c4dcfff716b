package io.redgrid.keyspace;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The accounting against the real heap: loads 1M strings and 100k hashes (plus lists, sets and
 * sorted sets) into a keyspace and compares the accounted bytes with the heap growth measured
 * after full collections. The issue asks for 20%; the figures are printed for the README.
 */
class HeapAccountingTest {
  private static long liveHeap() {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] random(Random random, int min, int max) {
    byte[] value = new byte[min + random.nextInt(max - min + 1)];
    random.nextBytes(value);
    return value;
  }

  private static void compare(String what, long accounted, long measured) {
    double error = (double) (accounted - measured) / measured;
    System.out.printf("heap accounting, %s: accounted %,d bytes, measured %,d bytes, %+.1f%%%n",
        what, accounted, measured, error * 100);
    assertTrue(Math.abs(error) <= 0.20, what + ": accounted " + accounted + " vs heap " + measured);
  }

  @Test
  void stringsAndHashesWithinTwentyPercentOfTheHeap() {
    Random random = new Random(7);
    long before = liveHeap();
    Keyspace keyspace = new Keyspace(0, 16);
    Database db = keyspace.database(0);
    for (int i = 0; i < 1_000_000; i++) {
      KeyEntry entry = db.put(bytes("key:" + i), random(random, 10, 100));
      if (i % 10 == 0) {
        db.setExpireAt(entry, 1_800_000_000_000L + i);
      }
    }
    long strings = liveHeap() - before;
    compare("1M strings", keyspace.usedMemory(), strings);
    long stringsAccounted = keyspace.usedMemory();

    long beforeHashes = liveHeap();
    Database hashes = keyspace.database(1);
    for (int i = 0; i < 100_000; i++) {
      HashValue hash = new HashValue();
      int fields = 5 + random.nextInt(20);
      for (int f = 0; f < fields; f++) {
        hash.put(bytes("field:" + f), random(random, 5, 40));
      }
      hashes.put(bytes("hash:" + i), hash);
    }
    compare("100k hashes", keyspace.usedMemory() - stringsAccounted, liveHeap() - beforeHashes);
    long withHashes = keyspace.usedMemory();

    long beforeOthers = liveHeap();
    Database others = keyspace.database(2);
    for (int i = 0; i < 30_000; i++) {
      ListValue list = new ListValue();
      SetValue set = SetValue.forMember(bytes("m"));
      SortedSetValue zset = new SortedSetValue();
      for (int e = 0; e < 10; e++) {
        list.addLast(random(random, 5, 30));
        set.add(bytes("member:" + e));
        zset.insert(bytes("member:" + e), e);
      }
      others.put(bytes("list:" + i), list);
      others.put(bytes("set:" + i), set);
      others.put(bytes("zset:" + i), zset);
    }
    compare("30k each of lists, sets, sorted sets", keyspace.usedMemory() - withHashes, liveHeap() - beforeOthers);
    compare("everything", keyspace.usedMemory(), liveHeap() - before);
    assertTrue(keyspace.keyCount() > 0); // keeps the keyspace reachable until measured
  }
}
