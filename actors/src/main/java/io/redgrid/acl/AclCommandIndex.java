package io.redgrid.acl;

import io.redgrid.command.CommandSpec;
import io.redgrid.command.CommandTable;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Numbers every command and subcommand of the table (Redis' command ids), with the ACL
 * categories and key permissions each one needs, so selectors are bitmaps over those ids.
 */
public final class AclCommandIndex {
  /** Redis' ACL category table, in ACL CAT's order. */
  public static final List<String> CATEGORIES = List.of("keyspace", "read", "write", "set",
      "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub",
      "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting");

  static final int READ = 1;
  static final int WRITE = 2;

  /**
   * Commands whose keys need different permissions (Redis gives them one key spec per role; the
   * table has one per command): per key in order, the last repeating. RENAME reads and deletes
   * its source but only inserts its destination; STORE commands only write the first key.
   */
  private static final Map<String, int[]> PER_KEY = Map.ofEntries(
      Map.entry("rename", new int[] {READ | WRITE, WRITE}),
      Map.entry("renamenx", new int[] {READ | WRITE, WRITE}),
      Map.entry("copy", new int[] {READ, WRITE}),
      Map.entry("lmove", new int[] {READ | WRITE, WRITE}),
      Map.entry("blmove", new int[] {READ | WRITE, WRITE}),
      Map.entry("rpoplpush", new int[] {READ | WRITE, WRITE}),
      Map.entry("brpoplpush", new int[] {READ | WRITE, WRITE}),
      Map.entry("smove", new int[] {READ | WRITE, WRITE}),
      Map.entry("sort", new int[] {READ, WRITE}),
      Map.entry("sinterstore", new int[] {WRITE, READ}),
      Map.entry("sunionstore", new int[] {WRITE, READ}),
      Map.entry("sdiffstore", new int[] {WRITE, READ}),
      Map.entry("zunionstore", new int[] {WRITE, READ}),
      Map.entry("zinterstore", new int[] {WRITE, READ}),
      Map.entry("zdiffstore", new int[] {WRITE, READ}),
      Map.entry("zrangestore", new int[] {WRITE, READ}),
      Map.entry("bitop", new int[] {WRITE, READ}));

  private final List<CommandSpec> specs = new ArrayList<>();
  private final Map<CommandSpec, Integer> ids = new IdentityHashMap<>();
  private final List<Long> categories = new ArrayList<>();
  private final List<int[]> keyPermissions = new ArrayList<>();
  /** Parent id of a subcommand, -1 for top-level commands. */
  private final List<Integer> parents = new ArrayList<>();
  private final List<int[]> children = new ArrayList<>();
  private final CommandTable table;

  public AclCommandIndex(CommandTable table) {
    this.table = table;
    for (CommandSpec spec : table.all()) {
      int id = add(spec, -1);
      int[] subs = new int[spec.subcommands().size()];
      for (int i = 0; i < subs.length; i++) {
        subs[i] = add(spec.subcommands().get(i), id);
      }
      children.set(id, subs);
    }
  }

  private int add(CommandSpec spec, int parent) {
    int id = specs.size();
    specs.add(spec);
    ids.put(spec, id);
    long mask = 0;
    for (String category : spec.aclCategories()) {
      int index = CATEGORIES.indexOf(category.substring(1));
      if (index >= 0) {
        mask |= 1L << index;
      }
    }
    categories.add(mask);
    int permission = 0;
    for (String flag : spec.keyFlags()) {
      switch (flag) {
        case "access" -> permission |= READ;
        case "insert", "delete", "update" -> permission |= WRITE;
        default -> { }
      }
    }
    int[] perKey = PER_KEY.get(spec.fullName());
    keyPermissions.add(spec.keyFlags().contains("not_key") ? new int[] {-1}
        : perKey != null ? perKey : new int[] {permission});
    parents.add(parent);
    children.add(new int[0]);
    return id;
  }

  public CommandTable table() {
    return table;
  }

  int size() {
    return specs.size();
  }

  /** The id of a resolved command, or -1 for one not in the table. */
  int id(CommandSpec spec) {
    Integer id = ids.get(spec);
    return id == null ? -1 : id;
  }

  CommandSpec spec(int id) {
    return specs.get(id);
  }

  int parent(int id) {
    return parents.get(id);
  }

  int[] children(int id) {
    return children.get(id);
  }

  boolean inCategory(int id, int category) {
    return (categories.get(id) & (1L << category)) != 0;
  }

  /**
   * READ|WRITE the command's {@code ordinal}-th key needs; -1 when its "keys" are not keys
   * (shard channels).
   */
  int keyPermission(int id, int ordinal) {
    int[] permissions = keyPermissions.get(id);
    return permissions[Math.min(ordinal, permissions.length - 1)];
  }

  /** A command or {@code command|subcommand} by name, any case; -1 if unknown. */
  int lookup(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    int bar = lower.indexOf('|');
    CommandSpec top = table.lookup(bar < 0 ? lower : lower.substring(0, bar));
    if (top == null) {
      return -1;
    }
    if (bar < 0) {
      return id(top);
    }
    String subName = lower.substring(bar + 1);
    for (CommandSpec sub : top.subcommands()) {
      if (sub.name().equals(subName)) {
        return id(sub);
      }
    }
    return -1;
  }

  static int category(String name) {
    return CATEGORIES.indexOf(name.toLowerCase(Locale.ROOT));
  }
}
