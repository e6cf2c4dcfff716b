package io.redgrid.pubsub;

import java.nio.charset.StandardCharsets;

/**
 * Redis keyspace notifications: publishes {@code __keyspace@<db>__:<key>} / {@code <event>} and
 * {@code __keyevent@<db>__:<event>} / {@code <key>} for the event classes enabled by
 * {@code notify-keyspace-events}. The flags are parsed once per CONFIG SET into a bitmask read with
 * one volatile load per event; everything else is skipped while it is 0.
 */
public final class KeyspaceEvents {
  public static final int KEYSPACE = 1 << 0; // K
  public static final int KEYEVENT = 1 << 1; // E
  public static final int GENERIC = 1 << 2; // g
  public static final int STRING = 1 << 3; // $
  public static final int LIST = 1 << 4; // l
  public static final int SET = 1 << 5; // s
  public static final int HASH = 1 << 6; // h
  public static final int ZSET = 1 << 7; // z
  public static final int EXPIRED = 1 << 8; // x
  public static final int EVICTED = 1 << 9; // e
  public static final int STREAM = 1 << 10; // t
  public static final int KEY_MISS = 1 << 11; // m
  public static final int LOADED = 1 << 12; // module only
  public static final int MODULE = 1 << 13; // d
  public static final int NEW = 1 << 14; // n
  /** 'A': every class but m and n, as Redis 7.0's NOTIFY_ALL. */
  public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

  /** Never publishes: for replay, tests and contexts without Pub/Sub. */
  public static final KeyspaceEvents NONE = new KeyspaceEvents(null);

  private static final String INVALID = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
  private static final byte[] KEYSPACE_PREFIX = "__keyspace@".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEYEVENT_PREFIX = "__keyevent@".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SUFFIX = "__:".getBytes(StandardCharsets.US_ASCII);

  private volatile PubSubRegistry registry;
  /** The configured classes, or 0 when neither K nor E is set (nothing could be published). */
  private volatile int active;

  public KeyspaceEvents(PubSubRegistry registry) {
    this.registry = registry;
  }

  /** Where events are published (set once the node's registry exists). */
  public void publishTo(PubSubRegistry registry) {
    this.registry = registry;
  }

  /** Applies a (validated) {@code notify-keyspace-events} value. */
  public void configure(String value) {
    int flags = parse(value);
    active = (flags & (KEYSPACE | KEYEVENT)) == 0 || this == NONE ? 0 : flags;
  }

  /** True if an event of class {@code type} would be published: the one check on the hot path. */
  public boolean enabled(int type) {
    return (active & type) != 0;
  }

  /** Redis' notifyKeyspaceEvent: keyspace channel first, then keyevent channel. */
  public void publish(int type, String event, int db, byte[] key) {
    int flags = active;
    PubSubRegistry target = registry;
    if ((flags & type) == 0 || target == null) {
      return;
    }
    byte[] eventBytes = event.getBytes(StandardCharsets.US_ASCII);
    byte[] dbBytes = Integer.toString(db).getBytes(StandardCharsets.US_ASCII);
    if ((flags & KEYSPACE) != 0) {
      target.publish(channel(KEYSPACE_PREFIX, dbBytes, key), eventBytes);
    }
    if ((flags & KEYEVENT) != 0) {
      target.publish(channel(KEYEVENT_PREFIX, dbBytes, eventBytes), key);
    }
  }

  private static byte[] channel(byte[] prefix, byte[] db, byte[] name) {
    byte[] channel = new byte[prefix.length + db.length + SUFFIX.length + name.length];
    System.arraycopy(prefix, 0, channel, 0, prefix.length);
    System.arraycopy(db, 0, channel, prefix.length, db.length);
    System.arraycopy(SUFFIX, 0, channel, prefix.length + db.length, SUFFIX.length);
    System.arraycopy(name, 0, channel, prefix.length + db.length + SUFFIX.length, name.length);
    return channel;
  }

  /** Redis' keyspaceEventsStringToFlags; IllegalArgumentException with CONFIG SET's reason. */
  public static int parse(String value) {
    int flags = 0;
    for (int i = 0; i < value.length(); i++) {
      flags |= switch (value.charAt(i)) {
        case 'A' -> ALL;
        case 'g' -> GENERIC;
        case '$' -> STRING;
        case 'l' -> LIST;
        case 's' -> SET;
        case 'h' -> HASH;
        case 'z' -> ZSET;
        case 'x' -> EXPIRED;
        case 'e' -> EVICTED;
        case 'K' -> KEYSPACE;
        case 'E' -> KEYEVENT;
        case 't' -> STREAM;
        case 'm' -> KEY_MISS;
        case 'd' -> MODULE;
        case 'n' -> NEW;
        default -> throw new IllegalArgumentException(INVALID);
      };
    }
    return flags;
  }

  /** Redis' keyspaceEventsFlagsToString: the normal form CONFIG GET shows ('n' hides under 'A'). */
  public static String format(int flags) {
    StringBuilder out = new StringBuilder();
    if ((flags & ALL) == ALL) {
      out.append('A');
    } else {
      append(out, flags, GENERIC, 'g');
      append(out, flags, STRING, '$');
      append(out, flags, LIST, 'l');
      append(out, flags, SET, 's');
      append(out, flags, HASH, 'h');
      append(out, flags, ZSET, 'z');
      append(out, flags, EXPIRED, 'x');
      append(out, flags, EVICTED, 'e');
      append(out, flags, STREAM, 't');
      append(out, flags, MODULE, 'd');
      append(out, flags, NEW, 'n');
    }
    append(out, flags, KEYSPACE, 'K');
    append(out, flags, KEYEVENT, 'E');
    append(out, flags, KEY_MISS, 'm');
    return out.toString();
  }

  private static void append(StringBuilder out, int flags, int flag, char c) {
    if ((flags & flag) != 0) {
      out.append(c);
    }
  }
}
