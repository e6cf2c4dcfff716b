package io.redgrid.command;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Derives a command's ACL categories as Redis does: implied by its flags (write, readonly,
 * admin, fast/slow ...), plus the category of its group, plus any declared ones; listed in
 * Redis' category order.
 */
final class AclCategories {
  /** Redis' ACL category table order, which COMMAND INFO follows. */
  static final List<String> ORDER = List.of("keyspace", "read", "write", "set", "sortedset", "list",
      "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
      "blocking", "dangerous", "connection", "transaction", "scripting");

  private static final Map<String, String> BY_GROUP = Map.ofEntries(
      Map.entry("generic", "keyspace"), Map.entry("string", "string"), Map.entry("list", "list"),
      Map.entry("set", "set"), Map.entry("sorted_set", "sortedset"), Map.entry("sorted-set", "sortedset"), Map.entry("hash", "hash"),
      Map.entry("bitmap", "bitmap"), Map.entry("hyperloglog", "hyperloglog"), Map.entry("geo", "geo"),
      Map.entry("stream", "stream"), Map.entry("pubsub", "pubsub"), Map.entry("connection", "connection"),
      Map.entry("transactions", "transaction"), Map.entry("scripting", "scripting"));

  private AclCategories() {}

  /** {@code runnable} is false for pure containers (CLIENT, CONFIG), which only get {@code @slow}. */
  static List<String> of(Set<Flag> flags, String group, boolean runnable, Collection<String> declared) {
    List<String> names = new ArrayList<>(declared);
    // Scripts' read-only forms (EVAL_RO, FCALL_RO) are @scripting only in Redis, not @read;
    // FUNCTION LOAD / DELETE / FLUSH / RESTORE are @write.
    boolean scripting = "scripting".equals(group);
    if (flags.contains(Flag.WRITE)) {
      names.add("write");
    }
    if (flags.contains(Flag.READONLY) && !scripting) {
      names.add("read");
    }
    if (flags.contains(Flag.ADMIN)) {
      names.add("admin");
      names.add("dangerous");
    }
    if (flags.contains(Flag.PUBSUB)) {
      names.add("pubsub");
    }
    if (flags.contains(Flag.BLOCKING)) {
      names.add("blocking");
    }
    names.add(flags.contains(Flag.FAST) ? "fast" : "slow");
    if (runnable && BY_GROUP.containsKey(group)) {
      names.add(BY_GROUP.get(group));
    }
    List<String> ordered = new ArrayList<>();
    for (String name : ORDER) {
      if (names.contains(name)) {
        ordered.add("@" + name);
      }
    }
    return List.copyOf(ordered);
  }
}
