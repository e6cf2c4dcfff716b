package io.redgrid.acl;

import io.redgrid.command.CommandSpec;
import io.redgrid.keyspace.Glob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One set of permissions (Redis 7.0's selector): the commands allowed (a bitmap over
 * {@link AclCommandIndex} ids), the key patterns with their read/write flags and the channel
 * patterns. A user has a root selector plus any number of {@code (...)} ones.
 */
final class AclSelector {
  static final int OK = 0;
  static final int DENIED_COMMAND = 1;
  static final int DENIED_KEY = 2;
  static final int DENIED_AUTH = 3;
  static final int DENIED_CHANNEL = 4;

  /** A key pattern with the permissions it grants: {@code ~p} both, {@code %R~p}, {@code %W~p}. */
  record KeyPattern(String text, byte[] bytes, int flags) {}

  private final AclCommandIndex index;
  private final BitSet allowed;
  private boolean allCommands;
  /** Redis' reserved "future commands" bit: set by +@all, cleared only by -@all. */
  private boolean futureCommands;
  /** Deprecated first-argument grants ({@code +select|0}), by command id. */
  private final Map<Integer, List<String>> firstArgs;
  private final List<KeyPattern> keys;
  private boolean allKeys;
  private final List<String> channels;
  /** The channel patterns as bytes, for matching without conversion. */
  private final List<byte[]> channelBytes = new ArrayList<>();
  private boolean allChannels;

  AclSelector(AclCommandIndex index) {
    this.index = index;
    this.allowed = new BitSet(index.size());
    this.firstArgs = new HashMap<>();
    this.keys = new ArrayList<>();
    this.channels = new ArrayList<>();
  }

  AclSelector copy() {
    AclSelector copy = new AclSelector(index);
    copy.allowed.or(allowed);
    copy.allCommands = allCommands;
    copy.futureCommands = futureCommands;
    firstArgs.forEach((id, args) -> copy.firstArgs.put(id, new ArrayList<>(args)));
    copy.keys.addAll(keys);
    copy.allKeys = allKeys;
    copy.channels.addAll(channels);
    copy.channelBytes.addAll(channelBytes);
    copy.allChannels = allChannels;
    return copy;
  }

  boolean unrestricted() {
    return allCommands && allKeys && allChannels;
  }

  /** Applies one rule; Redis' ACLSetSelector. */
  void apply(String op) throws AclException {
    String lower = op.toLowerCase(Locale.ROOT);
    switch (lower) {
      case "allkeys", "~*" -> {
        allKeys = true;
        keys.clear();
        return;
      }
      case "resetkeys" -> {
        allKeys = false;
        keys.clear();
        return;
      }
      case "allchannels", "&*" -> {
        allChannels = true;
        channels.clear();
        channelBytes.clear();
        return;
      }
      case "resetchannels" -> {
        allChannels = false;
        channels.clear();
        channelBytes.clear();
        return;
      }
      case "allcommands", "+@all" -> {
        allowed.set(0, index.size());
        allCommands = true;
        futureCommands = true;
        firstArgs.clear();
        return;
      }
      case "nocommands", "-@all" -> {
        allowed.clear();
        allCommands = false;
        futureCommands = false;
        firstArgs.clear();
        return;
      }
      default -> { }
    }
    if (op.isEmpty()) {
      throw new AclException(AclException.SYNTAX);
    }
    char first = op.charAt(0);
    if (first == '~' || first == '%') {
      addKeyPattern(op);
    } else if (first == '&') {
      if (allChannels) {
        throw new AclException("Adding a pattern after the * pattern (or the 'allchannels' flag) is not"
            + " valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels");
      }
      String pattern = op.substring(1);
      if (hasSpaces(pattern)) {
        throw new AclException(AclException.SYNTAX);
      }
      if (!channels.contains(pattern)) {
        channels.add(pattern);
        channelBytes.add(pattern.getBytes(StandardCharsets.UTF_8));
      }
    } else if ((first == '+' || first == '-') && op.length() > 1 && op.charAt(1) == '@') {
      int category = AclCommandIndex.category(op.substring(2));
      if (category < 0) {
        throw new AclException(AclException.UNKNOWN);
      }
      for (int id = 0; id < index.size(); id++) {
        if (index.inCategory(id, category)) {
          change(id, first == '+');
        }
      }
    } else if (first == '+') {
      allowCommand(op.substring(1));
    } else if (first == '-') {
      int id = index.lookup(op.substring(1));
      if (id < 0) {
        throw new AclException(AclException.UNKNOWN);
      }
      change(id, false);
    } else {
      throw new AclException(AclException.SYNTAX);
    }
  }

  private void addKeyPattern(String op) throws AclException {
    int flags = AclCommandIndex.READ | AclCommandIndex.WRITE;
    int offset = 1;
    if (op.charAt(0) == '%') {
      flags = 0;
      for (; offset < op.length() && op.charAt(offset) != '~'; offset++) {
        char c = Character.toUpperCase(op.charAt(offset));
        if (c == 'R') {
          flags |= AclCommandIndex.READ;
        } else if (c == 'W') {
          flags |= AclCommandIndex.WRITE;
        } else {
          throw new AclException(AclException.SYNTAX);
        }
      }
      if (flags == 0 || offset == op.length()) {
        throw new AclException(AclException.SYNTAX);
      }
      offset++;
    }
    if (allKeys) {
      throw new AclException("Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid"
          + " and does not have any effect. Try 'resetkeys' to start with an empty list of patterns");
    }
    String pattern = op.substring(offset);
    if (hasSpaces(pattern)) {
      throw new AclException(AclException.SYNTAX);
    }
    if (pattern.equals("*") && flags == (AclCommandIndex.READ | AclCommandIndex.WRITE)) {
      allKeys = true;
      keys.clear();
      return;
    }
    for (int i = 0; i < keys.size(); i++) {
      if (keys.get(i).text().equals(pattern)) {
        keys.set(i, new KeyPattern(pattern, keys.get(i).bytes(), keys.get(i).flags() | flags));
        return;
      }
    }
    keys.add(new KeyPattern(pattern, pattern.getBytes(StandardCharsets.UTF_8), flags));
  }

  /** Redis' ACLStringHasSpaces: C isspace characters or NUL. */
  static boolean hasSpaces(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ' || (c >= '\t' && c <= '\r') || c == 0) {
        return true;
      }
    }
    return false;
  }

  /** {@code +cmd}, {@code +cmd|sub} and the deprecated {@code +cmd|firstarg}. */
  private void allowCommand(String name) throws AclException {
    int bar = name.lastIndexOf('|');
    if (bar < 0) {
      int id = index.lookup(name);
      if (id < 0) {
        throw new AclException(AclException.UNKNOWN);
      }
      change(id, true);
      return;
    }
    int id = index.lookup(name.substring(0, bar));
    if (id < 0) {
      throw new AclException(AclException.UNKNOWN);
    }
    if (index.parent(id) >= 0) {
      throw new AclException("Allowing first-arg of a subcommand is not supported");
    }
    String sub = name.substring(bar + 1);
    if (sub.isEmpty()) {
      throw new AclException(AclException.SYNTAX);
    }
    if (index.children(id).length > 0) {
      int subId = index.lookup(name);
      if (subId < 0) {
        throw new AclException(AclException.UNKNOWN);
      }
      change(subId, true);
    } else {
      List<String> args = firstArgs.computeIfAbsent(id, k -> new ArrayList<>());
      String lowerSub = sub.toLowerCase(Locale.ROOT);
      if (!args.contains(lowerSub)) {
        args.add(lowerSub);
      }
    }
  }

  /** Redis' ACLChangeSelectorPerm: a command with subcommands takes them along. */
  private void change(int id, boolean allow) {
    firstArgs.remove(id);
    set(id, allow);
    for (int child : index.children(id)) {
      set(child, allow);
    }
  }

  private void set(int id, boolean allow) {
    if (allow) {
      allowed.set(id);
    } else {
      allowed.clear(id);
      allCommands = false;
    }
  }

  /**
   * Redis' ACLSelectorCheckCmd: {@link #OK} or the denial, with the offending argument's index
   * in {@code position[0]}.
   */
  int check(int id, CommandSpec spec, byte[][] argv, int[] position) {
    if (!allCommands && !spec.has(io.redgrid.command.Flag.NO_AUTH) && !allowed.get(id)) {
      List<String> args = firstArgs.get(id);
      if (args == null || argv.length < 2
          || !args.contains(new String(argv[1], StandardCharsets.UTF_8).toLowerCase(Locale.ROOT))) {
        return DENIED_COMMAND;
      }
    }
    if (!allKeys && spec.keys().hasKeys() && index.keyPermission(id, 0) >= 0) {
      int[] positions = spec.keys().positions(argv);
      for (int k = 0; k < positions.length; k++) {
        if (!keyAllowed(argv[positions[k]], index.keyPermission(id, k))) {
          position[0] = positions[k];
          return DENIED_KEY;
        }
      }
    }
    if (!allChannels) {
      int from = channelsFrom(spec);
      if (from > 0) {
        boolean patterns = spec.name().equals("psubscribe");
        int to = spec.name().endsWith("publish") ? 2 : argv.length;
        for (int i = from; i < to && i < argv.length; i++) {
          if (!channelAllowed(argv[i], patterns)) {
            position[0] = i;
            return DENIED_CHANNEL;
          }
        }
      }
    }
    return OK;
  }

  /** First channel argument of the commands Redis checks channels for, or 0. */
  private static int channelsFrom(CommandSpec spec) {
    return switch (spec.fullName()) {
      case "publish", "spublish", "subscribe", "ssubscribe", "psubscribe" -> 1;
      default -> 0;
    };
  }

  boolean keyAllowed(byte[] key, int permission) {
    if (allKeys) {
      return true;
    }
    for (KeyPattern pattern : keys) {
      if ((pattern.flags() & permission) == permission && Glob.matches(pattern.bytes(), key)) {
        return true;
      }
    }
    return false;
  }

  boolean channelAllowed(byte[] channel, boolean isPattern) {
    if (allChannels) {
      return true;
    }
    for (byte[] bytes : channelBytes) {
      if (isPattern ? java.util.Arrays.equals(bytes, channel) : Glob.matches(bytes, channel)) {
        return true;
      }
    }
    return false;
  }

  /** The commands rule as ACL GETUSER / LIST show it (Redis 7.0's ACLDescribeSelectorCommandRules). */
  String describeCommands() {
    StringBuilder rules = new StringBuilder();
    AclSelector fake = new AclSelector(index);
    boolean additive = !futureCommands;
    rules.append(additive ? "-@all " : "+@all ");
    if (!additive) {
      fake.allowed.set(0, index.size());
    }
    BitSet temp = (BitSet) allowed.clone();
    boolean[] applied = new boolean[AclCommandIndex.CATEGORIES.size()];
    while (true) {
      int best = -1;
      long minDiff = Integer.MAX_VALUE;
      long maxSame = 0;
      for (int c = 0; c < applied.length; c++) {
        if (applied[c]) {
          continue;
        }
        long on = 0;
        long off = 0;
        for (int id = 0; id < index.size(); id++) {
          if (index.inCategory(id, c)) {
            if (temp.get(id)) {
              on++;
            } else {
              off++;
            }
          }
        }
        long diff = additive ? off : on;
        long same = additive ? on : off;
        if (same > diff && (diff < minDiff || (diff == minDiff && same > maxSame))) {
          best = c;
          minDiff = diff;
          maxSame = same;
        }
      }
      if (best < 0) {
        break;
      }
      for (int id = 0; id < index.size(); id++) {
        if (index.inCategory(id, best)) {
          fake.change(id, additive);
          if (additive) {
            temp.clear(id);
            for (int child : index.children(id)) {
              temp.clear(child);
            }
          } else {
            temp.set(id);
            for (int child : index.children(id)) {
              temp.set(child);
            }
          }
        }
      }
      rules.append(additive ? "+@" : "-@").append(AclCommandIndex.CATEGORIES.get(best)).append(' ');
      applied[best] = true;
    }
    for (int id = 0; id < index.size(); id++) {
      boolean user = allowed.get(id);
      if (user != fake.allowed.get(id)) {
        rules.append(user ? '+' : '-').append(index.spec(id).fullName()).append(' ');
        fake.change(id, user);
      }
      List<String> args = firstArgs.get(id);
      if (!user && args != null) {
        for (String arg : args) {
          rules.append('+').append(index.spec(id).fullName()).append('|').append(arg).append(' ');
        }
      }
    }
    rules.setLength(rules.length() - 1);
    return rules.toString();
  }

  /** Key patterns as GETUSER shows them: {@code ~*}, or {@code ~a %R~b %W~c}, or "". */
  String describeKeys() {
    if (allKeys) {
      return "~*";
    }
    StringBuilder out = new StringBuilder();
    for (KeyPattern pattern : keys) {
      if (out.length() > 0) {
        out.append(' ');
      }
      switch (pattern.flags()) {
        case AclCommandIndex.READ -> out.append("%R~");
        case AclCommandIndex.WRITE -> out.append("%W~");
        default -> out.append('~');
      }
      out.append(pattern.text());
    }
    return out.toString();
  }

  /** Channel patterns as GETUSER shows them: {@code &*}, {@code &a &b} or "". */
  String describeChannels() {
    if (allChannels) {
      return "&*";
    }
    StringBuilder out = new StringBuilder();
    for (String pattern : channels) {
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append('&').append(pattern);
    }
    return out.toString();
  }

  /** The selector as ACL LIST writes it: keys, channels, commands. */
  String describeRules() {
    StringBuilder out = new StringBuilder();
    String keyRules = describeKeys();
    if (!keyRules.isEmpty()) {
      out.append(keyRules).append(' ');
    }
    if (allChannels) {
      out.append("&* ");
    } else {
      out.append("resetchannels ");
      String channelRules = describeChannels();
      if (!channelRules.isEmpty()) {
        out.append(channelRules).append(' ');
      }
    }
    out.append(describeCommands());
    return out.toString();
  }
}
