package io.redgrid.acl;

import io.redgrid.protocol.Reply;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;

/**
 * ACL LOG: denied commands, keys, channels and failed logins, newest first. Like Redis, an
 * entry repeating an existing one (same reason, context, object and user) within 60 seconds
 * bumps that entry's count and moves it to the front instead of adding another.
 */
public final class AclLog {
  private static final long GROUPING_MILLIS = 60_000;

  private static final class Entry {
    long count = 1;
    final String reason;
    final String context;
    final String object;
    final String username;
    long createdAt;
    String clientInfo;

    Entry(String reason, String context, String object, String username, long createdAt, String clientInfo) {
      this.reason = reason;
      this.context = context;
      this.object = object;
      this.username = username;
      this.createdAt = createdAt;
      this.clientInfo = clientInfo;
    }
  }

  private final LinkedList<Entry> entries = new LinkedList<>();
  private final java.util.Map<String, java.util.concurrent.atomic.LongAdder> denied =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Denials so far by reason (command, key, channel, auth): INFO stats'
   * acl_access_denied_cmd / _key / _channel / _auth. ACL LOG RESET leaves them, CONFIG
   * RESETSTAT clears them ({@link #resetStats}).
   */
  public long denied(String reason) {
    java.util.concurrent.atomic.LongAdder count = denied.get(reason);
    return count == null ? 0 : count.sum();
  }

  public void resetStats() {
    denied.clear();
  }

  /** Records one denial; {@code reason} is command, key, channel or auth. */
  public synchronized void add(String reason, String object, String username, long now,
      String clientInfo, int maxLength) {
    add(reason, "toplevel", object, username, now, clientInfo, maxLength);
  }

  /** As the other add, in a context: toplevel, multi or lua (a script's redis.call). */
  public synchronized void add(String reason, String context, String object, String username, long now,
      String clientInfo, int maxLength) {
    denied.computeIfAbsent(reason, r -> new java.util.concurrent.atomic.LongAdder()).increment();
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (entry.reason.equals(reason) && entry.context.equals(context) && entry.object.equals(object)
          && entry.username.equals(username)
          && now - entry.createdAt < GROUPING_MILLIS) {
        it.remove();
        entry.count++;
        entry.createdAt = now;
        entry.clientInfo = clientInfo;
        entries.addFirst(entry);
        return;
      }
    }
    entries.addFirst(new Entry(reason, context, object, username, now, clientInfo));
    while (entries.size() > Math.max(0, maxLength)) {
      entries.removeLast();
    }
  }

  public synchronized void reset() {
    entries.clear();
  }

  public synchronized int size() {
    return entries.size();
  }

  /** The newest {@code count} entries in Redis' reply shape. */
  public synchronized Reply reply(long count, long now) {
    List<Reply> items = new ArrayList<>();
    for (Entry entry : entries) {
      if (items.size() >= count) {
        break;
      }
      items.add(Reply.map(List.of(
          Reply.bulk("count"), Reply.integer(entry.count),
          Reply.bulk("reason"), Reply.bulk(entry.reason),
          Reply.bulk("context"), Reply.bulk(entry.context),
          Reply.bulk("object"), Reply.bulk(entry.object),
          Reply.bulk("username"), Reply.bulk(entry.username),
          Reply.bulk("age-seconds"), Reply.dbl((now - entry.createdAt) / 1000.0),
          Reply.bulk("client-info"), Reply.bulk(entry.clientInfo))));
    }
    return Reply.array(items);
  }
}
