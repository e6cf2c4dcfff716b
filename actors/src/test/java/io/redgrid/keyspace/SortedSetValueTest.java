package io.redgrid.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The skiplist's spans and the member table stay consistent under random changes. */
class SortedSetValueTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void randomChangesKeepRanksOrderAndLookupsConsistent() {
    Random random = new Random(7);
    SortedSetValue set = new SortedSetValue();
    Map<String, Double> model = new HashMap<>();
    for (int step = 0; step < 20_000; step++) {
      String member = "m" + random.nextInt(3000);
      int op = random.nextInt(3);
      double score = random.nextInt(100) / 4.0;
      if (op == 0) {
        set.put(bytes(member), score);
        model.put(member, score);
      } else if (op == 1) {
        SortedSetValue.Node node = set.get(bytes(member));
        if (node != null) {
          set.updateScore(node, score);
          model.put(member, score);
        }
      } else {
        assertEquals(model.remove(member) != null, set.remove(bytes(member)));
      }
    }
    List<String> expected = new ArrayList<>(model.keySet());
    expected.sort((a, b) -> {
      int byScore = Double.compare(model.get(a), model.get(b));
      return byScore != 0 ? byScore : Arrays.compareUnsigned(bytes(a), bytes(b));
    });
    assertEquals(expected.size(), set.size());
    SortedSetValue.Node node = set.first();
    SortedSetValue.Node previous = null;
    for (int i = 0; i < expected.size(); i++, previous = node, node = node.next()) {
      assertEquals(expected.get(i), new String(node.member(), StandardCharsets.UTF_8));
      assertEquals(model.get(expected.get(i)), node.score());
      assertEquals(i, set.rank(node));
      assertSame(node, set.byRank(i));
      assertSame(previous, node.previous());
      assertSame(node, set.get(node.member()));
    }
    assertNull(node);
    assertSame(previous, set.last());
    assertNull(set.byRank(expected.size()));
    assertNull(set.byRank(-1));
    assertEquals("skiplist", set.encoding());
  }

  @Test
  void emptySetAndSingleMember() {
    SortedSetValue set = new SortedSetValue();
    assertNull(set.first());
    assertNull(set.last());
    assertEquals(0, set.scan(0, n -> { }));
    set.insert(bytes("a"), 1);
    assertEquals("listpack", set.encoding());
    assertEquals("zset[a=1.0]", set.toString());
    set.remove(bytes("a"));
    assertEquals(0, set.size());
    assertNull(set.first());
  }
}
