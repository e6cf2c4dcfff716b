package io.redgrid.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The circular deque against a plain ArrayList model under random operations. */
class ListValueTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void assertSame(List<String> model, ListValue list) {
    assertEquals(model.size(), list.size());
    for (int i = 0; i < model.size(); i++) {
      assertArrayEquals(b(model.get(i)), list.get(i), "index " + i);
    }
    assertEquals("list" + model.toString(), list.toString());
  }

  @Test
  void randomOperationsMatchAnArrayList() {
    Random random = new Random(42);
    for (int round = 0; round < 50; round++) {
      List<String> model = new ArrayList<>();
      ListValue list = new ListValue();
      for (int op = 0; op < 2000; op++) {
        String value = Integer.toString(random.nextInt(6));
        switch (random.nextInt(10)) {
          case 0, 1 -> {
            model.add(0, value);
            list.addFirst(b(value));
          }
          case 2, 3 -> {
            model.add(value);
            list.addLast(b(value));
          }
          case 4 -> {
            byte[] popped = list.removeFirst();
            if (model.isEmpty()) {
              assertNull(popped);
            } else {
              assertArrayEquals(b(model.remove(0)), popped);
            }
          }
          case 5 -> {
            byte[] popped = list.removeLast();
            if (model.isEmpty()) {
              assertNull(popped);
            } else {
              assertArrayEquals(b(model.remove(model.size() - 1)), popped);
            }
          }
          case 6 -> {
            int index = random.nextInt(model.size() + 1);
            model.add(index, value);
            list.insert(index, b(value));
          }
          case 7 -> {
            boolean fromTail = random.nextBoolean();
            int limit = random.nextInt(3);
            int expected = 0;
            if (!fromTail) {
              for (int i = 0; i < model.size(); i++) {
                if ((limit == 0 || expected < limit) && model.get(i).equals(value)) {
                  model.remove(i--);
                  expected++;
                }
              }
            } else {
              for (int i = model.size() - 1; i >= 0; i--) {
                if ((limit == 0 || expected < limit) && model.get(i).equals(value)) {
                  model.remove(i);
                  expected++;
                }
              }
            }
            assertEquals(expected, list.removeMatching(b(value), limit, fromTail));
          }
          case 8 -> {
            if (!model.isEmpty() && random.nextInt(4) == 0) {
              int head = random.nextInt(model.size() / 4 + 1);
              int tail = random.nextInt(model.size() / 4 + 1);
              if (head + tail >= model.size()) {
                model.clear();
              } else {
                model.subList(model.size() - tail, model.size()).clear();
                model.subList(0, head).clear();
              }
              list.trim(head, tail);
            }
          }
          default -> {
            if (!model.isEmpty()) {
              int index = random.nextInt(model.size());
              model.set(index, value);
              list.set(index, b(value));
              assertEquals(model.indexOf(value), list.indexOf(b(value)));
            }
          }
        }
        assertEquals(model.size(), list.size());
      }
      assertSame(model, list);
      ListValue copy = list.copy();
      assertSame(model, copy);
      copy.addFirst(b("only in the copy"));
      assertSame(model, list);
    }
  }

  @Test
  void growsAndShrinksAcrossTheWrapPoint() {
    ListValue list = new ListValue();
    List<String> model = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      list.addFirst(b("f" + i));
      model.add(0, "f" + i);
      list.addLast(b("l" + i));
      model.add("l" + i);
    }
    assertSame(model, list);
    for (int i = 0; i < 990; i++) {
      list.removeFirst();
      model.remove(0);
      list.removeLast();
      model.remove(model.size() - 1);
    }
    assertSame(model, list);
    list.trim(10, 10);
    assertEquals(0, list.size());
    assertNull(list.removeFirst());
    list.addLast(b("x"));
    assertSame(List.of("x"), list);
  }
}
