package io.redgrid.acl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * An ACL user. Its rules are an immutable-once-published {@link Rules} snapshot: ACL SETUSER
 * builds a changed copy and swaps it in, so a connection checking a command never sees half of
 * a change, and sessions keep referring to the same user object.
 */
public final class AclUser {
  private final String name;
  private volatile Rules rules;
  /** Root selector allows every command, key and channel: the connection's one-test fast path. */
  private volatile boolean unrestricted;

  AclUser(String name, AclCommandIndex index) {
    this.name = name;
    publish(new Rules(index));
  }

  public String name() {
    return name;
  }

  Rules rules() {
    return rules;
  }

  void publish(Rules rules) {
    this.rules = rules;
    this.unrestricted = rules.root.unrestricted();
  }

  /** True when no ACL rule can deny this user anything. */
  public boolean unrestricted() {
    return unrestricted;
  }

  public boolean enabled() {
    return rules.enabled;
  }

  /** SHA-256 of a password as lowercase hex, the form Redis stores and shows. */
  static String hash(byte[] password) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(password));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Whether {@code password} opens this user: on, and nopass or a matching hash. Every stored
   * hash is compared in constant time.
   */
  boolean accepts(byte[] password) {
    Rules current = rules;
    if (!current.enabled) {
      return false;
    }
    if (current.nopass) {
      return true;
    }
    byte[] given = hash(password).getBytes(StandardCharsets.US_ASCII);
    boolean match = false;
    for (String stored : current.passwords) {
      match |= MessageDigest.isEqual(given, stored.getBytes(StandardCharsets.US_ASCII));
    }
    return match;
  }

  /** A user's flags, passwords and selectors. */
  static final class Rules {
    boolean enabled;
    boolean nopass;
    /** null: neither flag given; true: sanitize-payload; false: skip-sanitize-payload. */
    Boolean sanitize;
    final List<String> passwords = new ArrayList<>();
    AclSelector root;
    final List<AclSelector> selectors = new ArrayList<>();
    /** acl-pubsub-default is allchannels: reset and new selectors allow every channel. */
    boolean allChannelsByDefault;

    Rules(AclCommandIndex index) {
      root = index == null ? null : new AclSelector(index);
    }

    Rules copy() {
      Rules copy = new Rules(null);
      copy.enabled = enabled;
      copy.nopass = nopass;
      copy.sanitize = sanitize;
      copy.passwords.addAll(passwords);
      copy.root = root.copy();
      for (AclSelector selector : selectors) {
        copy.selectors.add(selector.copy());
      }
      return copy;
    }

    /** Applies one rule of ACL SETUSER (selectors already merged into one {@code (...)} word). */
    void apply(String op, AclCommandIndex index) throws AclException {
      String lower = op.toLowerCase(Locale.ROOT);
      switch (lower) {
        case "on" -> enabled = true;
        case "off" -> enabled = false;
        case "nopass" -> {
          nopass = true;
          passwords.clear();
        }
        case "resetpass" -> {
          nopass = false;
          passwords.clear();
        }
        case "sanitize-payload" -> sanitize = true;
        case "skip-sanitize-payload" -> sanitize = false;
        case "clearselectors" -> selectors.clear();
        case "reset" -> {
          for (String rule : List.of("resetpass", "resetkeys", "resetchannels", "off",
              "sanitize-payload", "clearselectors", "-@all")) {
            apply(rule, index);
          }
          if (allChannelsByDefault) {
            apply("allchannels", index);
          }
        }
        default -> applyOther(op, index);
      }
    }

    private void applyOther(String op, AclCommandIndex index) throws AclException {
      if (op.startsWith(">")) {
        addPassword(hash(op.substring(1).getBytes(StandardCharsets.UTF_8)));
      } else if (op.startsWith("#")) {
        addPassword(checkedHash(op.substring(1)));
      } else if (op.startsWith("<")) {
        removePassword(hash(op.substring(1).getBytes(StandardCharsets.UTF_8)));
      } else if (op.startsWith("!")) {
        removePassword(checkedHash(op.substring(1)));
      } else if (op.startsWith("(") && op.endsWith(")")) {
        AclSelector selector = new AclSelector(index);
        if (allChannelsByDefault) {
          selector.apply("allchannels");
        }
        String inner = op.substring(1, op.length() - 1).strip();
        if (!inner.isEmpty()) {
          for (String rule : inner.split(" +")) {
            selector.apply(rule);
          }
        }
        selectors.add(selector);
      } else {
        root.apply(op);
      }
    }

    private void addPassword(String hash) {
      nopass = false;
      if (!passwords.contains(hash)) {
        passwords.add(hash);
      }
    }

    private void removePassword(String hash) throws AclException {
      if (!passwords.remove(hash)) {
        throw new AclException("The password you are trying to remove from the user does not exist");
      }
    }

    private static String checkedHash(String hex) throws AclException {
      if (hex.length() != 64 || !hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new AclException("The password hash must be exactly 64 characters and contain only"
            + " lowercase hexadecimal characters");
      }
      return hex;
    }

    /** Flags as GETUSER lists them, in Redis' ACLUserFlags order. */
    List<String> flags() {
      List<String> flags = new ArrayList<>();
      flags.add(enabled ? "on" : "off");
      if (nopass) {
        flags.add("nopass");
      }
      if (Boolean.FALSE.equals(sanitize)) {
        flags.add("skip-sanitize-payload");
      }
      if (Boolean.TRUE.equals(sanitize)) {
        flags.add("sanitize-payload");
      }
      return flags;
    }
  }

  /** The user as an ACL LIST / aclfile line. */
  public String describe() {
    Rules current = rules;
    StringBuilder out = new StringBuilder("user ").append(name);
    for (String flag : current.flags()) {
      out.append(' ').append(flag);
    }
    for (String password : current.passwords) {
      out.append(" #").append(password);
    }
    out.append(' ').append(current.root.describeRules());
    for (AclSelector selector : current.selectors) {
      out.append(" (").append(selector.describeRules()).append(')');
    }
    return out.toString();
  }

  /** ACL GETUSER's reply: flags, passwords, commands, keys, channels, selectors. */
  public io.redgrid.protocol.Reply getUserReply() {
    Rules current = rules;
    List<io.redgrid.protocol.Reply> flags = new ArrayList<>();
    for (String flag : current.flags()) {
      flags.add(io.redgrid.protocol.Reply.bulk(flag));
    }
    List<io.redgrid.protocol.Reply> passwords = new ArrayList<>();
    for (String password : current.passwords) {
      passwords.add(io.redgrid.protocol.Reply.bulk(password));
    }
    List<io.redgrid.protocol.Reply> selectors = new ArrayList<>();
    for (AclSelector selector : current.selectors) {
      selectors.add(io.redgrid.protocol.Reply.map(List.of(
          io.redgrid.protocol.Reply.bulk("commands"), io.redgrid.protocol.Reply.bulk(selector.describeCommands()),
          io.redgrid.protocol.Reply.bulk("keys"), io.redgrid.protocol.Reply.bulk(selector.describeKeys()),
          io.redgrid.protocol.Reply.bulk("channels"), io.redgrid.protocol.Reply.bulk(selector.describeChannels()))));
    }
    return io.redgrid.protocol.Reply.map(List.of(
        io.redgrid.protocol.Reply.bulk("flags"), io.redgrid.protocol.Reply.array(flags),
        io.redgrid.protocol.Reply.bulk("passwords"), io.redgrid.protocol.Reply.array(passwords),
        io.redgrid.protocol.Reply.bulk("commands"), io.redgrid.protocol.Reply.bulk(current.root.describeCommands()),
        io.redgrid.protocol.Reply.bulk("keys"), io.redgrid.protocol.Reply.bulk(current.root.describeKeys()),
        io.redgrid.protocol.Reply.bulk("channels"), io.redgrid.protocol.Reply.bulk(current.root.describeChannels()),
        io.redgrid.protocol.Reply.bulk("selectors"), io.redgrid.protocol.Reply.array(selectors)));
  }
}
