package io.redgrid.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.redgrid.protocol.Reply;
import io.redgrid.server.ClientSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackingTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ClientSession session(long id, List<Reply> pushes) {
    ClientSession s = new ClientSession(id, "a", "b", 0);
    s.protocol(3);
    s.onPush(pushes::add);
    return s;
  }

  @Test
  void theTableIsBoundedByTrackingTableMaxKeysAndCounted() {
    List<Reply> got = new ArrayList<>();
    ClientSession c = session(1, got);
    ClientSession d = session(2, new ArrayList<>());
    Tracking t = new Tracking(Map.of(1L, c, 2L, d)::get);
    t.enable(c, new Tracking.Mode(0, false, false, false, false), List.of());
    t.enable(d, new Tracking.Mode(0, true, false, false, false), List.of(b("user:"), b("item:")));
    assertEquals(2, t.prefixCount());
    t.maxKeys(3);
    for (int i = 0; i < 3; i++) {
      t.afterCommand(1, true, false, new byte[][] {b("GET"), b("k" + i)}, new int[] {1});
    }
    assertEquals(3, t.keyCount());
    assertEquals(3, t.itemCount());
    assertEquals(0, got.size());
    t.afterCommand(1, true, false, new byte[][] {b("GET"), b("k3")}, new int[] {1});
    assertEquals(3, t.keyCount(), "one key forgotten to stay within tracking-table-max-keys");
    assertEquals(3, t.itemCount());
    assertEquals(1, got.size(), "and its reader told, as if it had been written");
    t.flush(0);
    assertEquals(0, t.keyCount());
    assertEquals(0, t.itemCount());
  }

  @Test
  void defaultModeInvalidatesReadKeysOnceAndHonoursNoloop() {
    List<Reply> got = new ArrayList<>();
    ClientSession c = session(1, got);
    Tracking t = new Tracking(Map.of(1L, c)::get);
    t.enable(c, new Tracking.Mode(0, false, false, false, false), List.of());
    t.afterCommand(1, true, false, new byte[][] {b("GET"), b("k")}, new int[] {1});
    t.invalidate(b("other"), 2);
    assertEquals(0, got.size());
    t.invalidate(b("k"), 2);
    assertEquals(1, got.size());
    t.invalidate(b("k"), 2);
    assertEquals(1, got.size(), "forgotten after one invalidation");
    t.enable(c, new Tracking.Mode(0, false, false, false, true), List.of());
    t.afterCommand(1, true, false, new byte[][] {b("GET"), b("k")}, new int[] {1});
    t.invalidate(b("k"), 1);
    assertEquals(1, got.size(), "noloop");
  }

  @Test
  void bcastPrefixesAndOptin() {
    List<Reply> got = new ArrayList<>();
    ClientSession c = session(1, got);
    Tracking t = new Tracking(Map.of(1L, c)::get);
    t.enable(c, new Tracking.Mode(0, true, false, false, false), List.of(b("user:")));
    t.invalidate(b("user:1"), 2);
    t.invalidate(b("item:1"), 2);
    assertEquals(0, got.size(), "BCAST waits for the end of the round");
    t.flushBroadcast();
    assertEquals(1, got.size());
    t.disable(1);
    got.clear();
    t.enable(c, new Tracking.Mode(0, false, true, false, false), List.of());
    t.afterCommand(1, true, false, new byte[][] {b("GET"), b("k")}, new int[] {1});
    t.invalidate(b("k"), 2);
    assertEquals(0, got.size(), "optin without CACHING YES tracks nothing");
    t.caching(1, true);
    t.afterCommand(1, true, false, new byte[][] {b("GET"), b("k")}, new int[] {1});
    t.invalidate(b("k"), 2);
    assertEquals(1, got.size());
    t.flush(0);
    assertEquals(2, got.size());
  }

  @Test
  void bcastGroupsTheKeysOfARoundPerPrefix() {
    List<Reply> got = new ArrayList<>();
    ClientSession c = session(1, got);
    Tracking t = new Tracking(Map.of(1L, c)::get);
    t.enable(c, new Tracking.Mode(0, true, false, false, true), List.of(b("a:"), b("b:")));
    t.invalidate(b("a:1"), 2);
    t.invalidate(b("b:1"), 2);
    t.invalidate(b("a:2"), 2);
    t.invalidate(b("a:3"), 1); // its own write: NOLOOP leaves it out
    t.invalidate(b("c:1"), 2);
    t.flushBroadcast();
    assertEquals(2, got.size(), "one message per prefix");
    assertEquals("[invalidate, [a:1, a:2]]", text(got.get(0)));
    assertEquals("[invalidate, [b:1]]", text(got.get(1)));
    t.flushBroadcast();
    assertEquals(2, got.size(), "nothing twice");
  }

  private static String text(Reply reply) {
    if (reply instanceof Reply.Bulk bulk) {
      return new String(bulk.value(), java.nio.charset.StandardCharsets.UTF_8);
    }
    List<Reply> items = reply instanceof Reply.Push push ? push.items() : ((Reply.Array) reply).items();
    return items.stream().map(TrackingTest::text).toList().toString();
  }
}
