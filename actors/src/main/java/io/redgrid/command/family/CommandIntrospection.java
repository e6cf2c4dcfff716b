package io.redgrid.command.family;

import io.redgrid.command.CommandSpec;
import io.redgrid.command.CommandTable;
import io.redgrid.command.Flag;
import io.redgrid.command.KeySpec;
import io.redgrid.protocol.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The replies of COMMAND INFO and COMMAND DOCS, generated from the command table. */
final class CommandIntrospection {
  private CommandIntrospection() {}

  /** The spec named like {@code get} or {@code client|list}, any case, or null. */
  static CommandSpec find(CommandTable table, String name) {
    int bar = name.indexOf('|');
    if (bar < 0) {
      return table.lookup(name);
    }
    CommandSpec parent = table.lookup(name.substring(0, bar));
    if (parent == null) {
      return null;
    }
    String sub = name.substring(bar + 1);
    for (CommandSpec candidate : parent.subcommands()) {
      if (candidate.name().equalsIgnoreCase(sub)) {
        return candidate;
      }
    }
    return null;
  }

  /** Flags as COMMAND reports them; movable-key commands get {@code movablekeys} implicitly. */
  static List<Reply> flags(CommandSpec spec) {
    Set<Flag> flags = spec.flags();
    boolean movable = spec.keys().finder() != null;
    List<Reply> out = new ArrayList<>();
    for (Flag flag : Flag.values()) {
      if (flags.contains(flag) || (flag == Flag.MOVABLEKEYS && movable)) {
        out.add(Reply.simple(flag.redisName()));
      }
    }
    return out;
  }

  /** The 10-element COMMAND INFO entry of a command or subcommand. */
  static Reply info(CommandSpec spec) {
    KeySpec keys = spec.keys();
    List<Reply> acl = new ArrayList<>();
    for (String category : spec.aclCategories()) {
      acl.add(Reply.simple(category));
    }
    List<Reply> tips = new ArrayList<>();
    for (String tip : spec.tips()) {
      tips.add(Reply.bulk(tip));
    }
    List<Reply> subs = new ArrayList<>();
    for (CommandSpec sub : spec.subcommands()) {
      subs.add(info(sub));
    }
    return Reply.array(
        Reply.bulk(spec.fullName()),
        Reply.integer(spec.arity().redisArity()),
        Reply.set(flags(spec)),
        Reply.integer(keys.first()),
        Reply.integer(keys.last()),
        Reply.integer(keys.step()),
        Reply.set(acl),
        Reply.set(tips),
        Reply.set(keys.hasKeys() ? List.of(keySpec(spec)) : List.of()),
        Reply.set(subs));
  }

  /**
   * One key spec: a range from the legacy triple, or "unknown" for movable keys, whose
   * positions only the command's finder knows.
   */
  private static Reply keySpec(CommandSpec spec) {
    KeySpec keys = spec.keys();
    Reply begin;
    Reply find;
    String notes = null;
    if (keys.finder() instanceof KeySpec.Keynum keynum) {
      notes = keynum.notes();
      begin = Reply.map(List.of(Reply.bulk("type"), Reply.bulk("index"),
          Reply.bulk("spec"), Reply.map(List.of(Reply.bulk("index"), Reply.integer(keynum.beginIndex())))));
      find = Reply.map(List.of(Reply.bulk("type"), Reply.bulk("keynum"),
          Reply.bulk("spec"), Reply.map(List.of(
              Reply.bulk("keynumidx"), Reply.integer(keynum.keynumIndex()),
              Reply.bulk("firstkey"), Reply.integer(keynum.firstKey()),
              Reply.bulk("keystep"), Reply.integer(keynum.keyStep())))));
    } else if (keys.finder() != null) {
      begin = Reply.map(List.of(Reply.bulk("type"), Reply.bulk("unknown"), Reply.bulk("spec"), Reply.map(List.of())));
      find = Reply.map(List.of(Reply.bulk("type"), Reply.bulk("unknown"), Reply.bulk("spec"), Reply.map(List.of())));
    } else {
      begin = Reply.map(List.of(Reply.bulk("type"), Reply.bulk("index"),
          Reply.bulk("spec"), Reply.map(List.of(Reply.bulk("index"), Reply.integer(keys.first())))));
      int lastKey = keys.last() < 0 ? keys.last() : keys.last() - keys.first();
      find = Reply.map(List.of(Reply.bulk("type"), Reply.bulk("range"),
          Reply.bulk("spec"), Reply.map(List.of(
              Reply.bulk("lastkey"), Reply.integer(lastKey),
              Reply.bulk("keystep"), Reply.integer(keys.step()),
              Reply.bulk("limit"), Reply.integer(0)))));
    }
    List<Reply> fields = new ArrayList<>();
    if (notes != null) {
      fields.add(Reply.bulk("notes"));
      fields.add(Reply.bulk(notes));
    }
    fields.addAll(List.of(
        Reply.bulk("flags"), Reply.set(keyFlags(spec)),
        Reply.bulk("begin_search"), begin,
        Reply.bulk("find_keys"), find));
    return Reply.map(fields);
  }

  static List<Reply> keyFlags(CommandSpec spec) {
    List<Reply> flags = new ArrayList<>();
    for (String flag : spec.keyFlags()) {
      flags.add(Reply.simple(flag));
    }
    return flags;
  }

  /** The COMMAND DOCS map of one command: summary, since, group, complexity, subcommands. */
  static Reply docs(CommandSpec spec) {
    List<Reply> fields = new ArrayList<>();
    fields.add(Reply.bulk("summary"));
    fields.add(Reply.bulk(spec.summary()));
    fields.add(Reply.bulk("since"));
    fields.add(Reply.bulk(spec.since()));
    fields.add(Reply.bulk("group"));
    fields.add(Reply.bulk(spec.group()));
    if (spec.complexity() != null) {
      fields.add(Reply.bulk("complexity"));
      fields.add(Reply.bulk(spec.complexity()));
    }
    if (!spec.subcommands().isEmpty()) {
      List<Reply> subs = new ArrayList<>();
      for (CommandSpec sub : spec.subcommands()) {
        subs.add(Reply.bulk(sub.fullName()));
        subs.add(docs(sub));
      }
      fields.add(Reply.bulk("subcommands"));
      fields.add(Reply.map(subs));
    }
    return Reply.map(fields);
  }
}
