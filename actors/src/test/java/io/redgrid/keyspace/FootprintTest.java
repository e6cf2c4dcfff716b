package io.redgrid.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The running element sizes of every value type match a walk over its contents after any mix of changes. */
class FootprintTest {
  private final Random random = new Random(42);

  private byte[] text(int maxLength) {
    byte[] bytes = new byte[random.nextInt(maxLength + 1)];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) ('a' + random.nextInt(4));
    }
    return bytes;
  }

  private static void check(long[] runningAndWalked) {
    assertEquals(runningAndWalked[1], runningAndWalked[0], "running element bytes vs walk");
  }

  @Test
  void layoutFigures() {
    assertEquals(64, Footprint.KEY_ENTRY);
    assertEquals(24, Footprint.bytes(5));
    assertEquals(16, Footprint.bytes(0));
    assertEquals(32, Footprint.bytes(16));
    assertEquals(Footprint.KEY_ENTRY + 24 + 24, Footprint.entry("k".getBytes(StandardCharsets.UTF_8),
        "value".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void hashKeepsItsSize() {
    HashValue hash = new HashValue();
    long empty = hash.footprint();
    for (int i = 0; i < 5000; i++) {
      int op = random.nextInt(3);
      if (op < 2) {
        hash.put(text(3), text(80));
      } else {
        hash.remove(text(3));
      }
      check(hash.elementBytesCheck());
    }
    assertTrue(hash.footprint() > empty);
    HashValue.Field f;
    while ((f = hash.first()) != null) {
      hash.remove(f.name());
    }
    check(hash.elementBytesCheck());
    assertEquals(0, hash.elementBytesCheck()[0]);
  }

  @Test
  void listKeepsItsSize() {
    ListValue list = new ListValue();
    for (int i = 0; i < 5000; i++) {
      switch (random.nextInt(9)) {
        case 0, 1 -> list.addFirst(text(20));
        case 2, 3 -> list.addLast(text(20));
        case 4 -> list.removeFirst();
        case 5 -> list.removeLast();
        case 6 -> list.insert(list.size() / 2, text(20));
        case 7 -> {
          if (list.size() > 0) {
            list.set(random.nextInt(list.size()), text(20));
          }
        }
        default -> {
          if (random.nextInt(20) == 0) {
            list.trim(Math.min(2, list.size()), 0);
          } else {
            list.removeMatching(text(1), random.nextInt(3), random.nextBoolean());
          }
        }
      }
      check(list.elementBytesCheck());
    }
    check(list.copy().elementBytesCheck());
    list.clear();
    assertEquals(0, list.elementBytesCheck()[0]);
  }

  @Test
  void setKeepsItsSizeInBothEncodings() {
    SetValue set = SetValue.forMember("1".getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < 3000; i++) {
      byte[] member = random.nextInt(4) == 0 ? text(3)
          : Integer.toString(random.nextInt(700)).getBytes(StandardCharsets.UTF_8);
      if (random.nextInt(3) < 2) {
        set.add(member);
      } else if (random.nextBoolean()) {
        set.remove(member);
      } else {
        set.popRandom(random);
      }
      check(set.elementBytesCheck());
    }
    check(set.copy().elementBytesCheck());
    long intset = SetValue.empty().footprint();
    assertEquals(40 + Footprint.longs(4), intset);
  }

  @Test
  void sortedSetKeepsItsSize() {
    SortedSetValue zset = new SortedSetValue();
    for (int i = 0; i < 5000; i++) {
      byte[] member = text(3);
      if (random.nextInt(3) < 2) {
        zset.put(member, random.nextInt(100));
      } else {
        zset.remove(member);
      }
      check(zset.elementBytesCheck());
    }
    check(zset.copy().elementBytesCheck());
    while (zset.first() != null) {
      zset.remove(zset.first());
    }
    assertArrayEquals(new long[] {0, 0}, zset.elementBytesCheck());
  }

  @Test
  void databaseTotalFollowsPutsRemovesAndRemeasures() {
    Database db = new Database();
    long empty = db.usedMemory();
    byte[] key = "k".getBytes(StandardCharsets.UTF_8);
    KeyEntry entry = db.put(key, "v".getBytes(StandardCharsets.UTF_8));
    assertEquals(Footprint.entry(key, "v".getBytes(StandardCharsets.UTF_8)), entry.footprint());
    assertEquals(entry.footprint(), db.entryBytes());
    HashValue hash = new HashValue();
    db.put(key, hash);
    hash.put("f".getBytes(StandardCharsets.UTF_8), new byte[100]);
    db.remeasure(entry);
    assertEquals(Footprint.entry(key, hash), db.entryBytes());
    db.setExpireAt(entry, 5);
    assertTrue(db.usedMemory() > empty);
    db.remove(key);
    assertEquals(0, db.entryBytes());
    assertEquals(-1, entry.footprint());
    db.remeasure(entry); // a removed entry no longer counts
    assertEquals(0, db.entryBytes());
    db.put(key, new byte[10]);
    db.clear();
    assertEquals(0, db.entryBytes());
    assertEquals(empty, db.usedMemory());
  }
}
