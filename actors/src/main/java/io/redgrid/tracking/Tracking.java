package io.redgrid.tracking;

import io.redgrid.protocol.Reply;
import io.redgrid.pubsub.Channel;
import io.redgrid.server.ClientSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * Redis client-side caching (CLIENT TRACKING): the node's tracking clients and, for the default
 * mode, which clients read which keys. Keys are tracked by name across databases, as in Redis.
 * Thread-safe: shards remember reads and send invalidations, connections switch tracking.
 */
public final class Tracking {
  private static final Reply INVALIDATE = Reply.bulk("invalidate");
  private static final Reply MESSAGE = Reply.bulk("message");
  private static final Reply CHANNEL = Reply.bulk("__redis__:invalidate");
  private static final Reply REDIR_BROKEN = Reply.bulk("tracking-redir-broken");

  /** How a client tracks: CLIENT TRACKING ON's options. */
  public record Mode(long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop) {}

  /** One tracking client; {@code caching} is CLIENT CACHING's answer for its next command. */
  public static final class Client {
    final ClientSession session;
    volatile Mode mode;
    final List<byte[]> prefixes = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile int caching; // 1 = YES, -1 = NO, 0 = not given
    volatile boolean brokenRedirect;

    Client(ClientSession session, Mode mode) {
      this.session = session;
      this.mode = mode;
    }

    public Mode mode() {
      return mode;
    }

    public List<byte[]> prefixes() {
      return prefixes;
    }

    public int caching() {
      return caching;
    }

    public boolean brokenRedirect() {
      return brokenRedirect;
    }
  }

  private final Map<Long, Client> clients = new ConcurrentHashMap<>();
  private final Map<Channel, Set<Long>> keys = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong items = new java.util.concurrent.atomic.AtomicLong();
  /** BCAST clients: while there are none, writes queue nothing for them. */
  private final java.util.concurrent.atomic.AtomicInteger bcastClients = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.Queue<Written> broadcastPending = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private volatile long maxKeys = 1_000_000;
  private volatile LongFunction<ClientSession> lookup;

  /** {@code lookup} finds a connected client by id (REDIRECT targets); null if gone. */
  public Tracking(LongFunction<ClientSession> lookup) {
    this.lookup = lookup;
  }

  /** Where REDIRECT targets are looked up (set once the node's client list exists). */
  public void lookup(LongFunction<ClientSession> lookup) {
    this.lookup = lookup;
  }

  /** A connected client by id, or null. */
  public ClientSession session(long id) {
    return lookup.apply(id);
  }

  /** CLIENT TRACKING ON: starts or updates tracking; prefixes add to those given before. */
  public void enable(ClientSession session, Mode mode, List<byte[]> prefixes) {
    Client client = clients.computeIfAbsent(session.id(), id -> new Client(session, mode));
    client.mode = mode;
    client.brokenRedirect = false;
    client.prefixes.addAll(prefixes);
    countBroadcasters();
  }

  private void countBroadcasters() {
    int count = 0;
    for (Client client : clients.values()) {
      if (client.mode.bcast()) {
        count++;
      }
    }
    bcastClients.set(count);
  }

  /** CLIENT TRACKING OFF, RESET, disconnect. Its remembered keys go stale and are dropped lazily. */
  public void disable(long client) {
    if (clients.remove(client) != null) {
      countBroadcasters();
    }
  }

  /** The client's tracking state, or null when it does not track. */
  public Client client(long id) {
    return clients.get(id);
  }

  /** Clients with tracking on (INFO's tracking_clients). */
  public int clientCount() {
    return clients.size();
  }

  /** Keys in the default-mode table (INFO's tracking_total_keys). */
  public int keyCount() {
    return keys.size();
  }

  /** Client-key pairs in the default-mode table (INFO's tracking_total_items). */
  public long itemCount() {
    return items.get();
  }

  /** Distinct BCAST prefixes (INFO's tracking_total_prefixes; "" for a BCAST client without any). */
  public int prefixCount() {
    Set<Channel> prefixes = new java.util.HashSet<>();
    for (Client client : clients.values()) {
      if (client.mode.bcast()) {
        if (client.prefixes.isEmpty()) {
          prefixes.add(new Channel(new byte[0]));
        }
        for (byte[] prefix : client.prefixes) {
          prefixes.add(new Channel(prefix));
        }
      }
    }
    return prefixes.size();
  }

  /** tracking-table-max-keys: beyond it, keys are forgotten and their readers told (0 = no limit). */
  public void maxKeys(long maxKeys) {
    this.maxKeys = maxKeys;
  }

  /** The one check on the hot path. */
  public boolean active() {
    return !clients.isEmpty();
  }

  /** CLIENT CACHING YES|NO. */
  public void caching(long id, boolean yes) {
    Client client = clients.get(id);
    if (client != null) {
      client.caching = yes ? 1 : -1;
    }
  }

  /**
   * After a command of {@code id}: a read-only command's keys are remembered (default mode,
   * subject to OPTIN/OPTOUT and CLIENT CACHING); the CLIENT CACHING answer is used up unless the
   * command was itself a CLIENT subcommand, as Redis' resetClient.
   */
  public void afterCommand(long id, boolean readOnly, boolean clientCommand, byte[][] argv, int[] positions) {
    Client client = clients.get(id);
    if (client == null) {
      return;
    }
    Mode mode = client.mode;
    if (readOnly && !mode.bcast()) {
      boolean given = client.caching != 0;
      if (!(mode.optin() && !given) && !(mode.optout() && given)) {
        for (int position : positions) {
          if (keys.computeIfAbsent(new Channel(argv[position]), k -> ConcurrentHashMap.newKeySet()).add(id)) {
            items.incrementAndGet();
          }
        }
        limitKeys();
      }
    }
    if (!clientCommand) {
      client.caching = 0;
    }
  }

  /** A write (or expiry) of {@code key} by client {@code writer} (0 = the server itself). */
  public void invalidate(byte[] key, long writer) {
    if (clients.isEmpty()) {
      return;
    }
    Set<Long> readers = keys.remove(new Channel(key));
    Reply keyList = null;
    if (readers != null) {
      items.addAndGet(-readers.size());
      keyList = Reply.array(List.of(Reply.bulk(key)));
      for (long id : readers) {
        Client client = clients.get(id);
        if (client != null && !client.mode.bcast() && !(client.mode.noloop() && id == writer)) {
          send(client, keyList, writer);
        }
      }
    }
    if (bcastClients.get() > 0) {
      broadcastPending.add(new Written(key, writer));
    }
  }

  /**
   * Sends the BCAST invalidations gathered since the last call: one message per client and
   * prefix holding every written key under that prefix, as Redis'
   * trackingBroadcastInvalidationMessages at the end of an event-loop iteration. Shards call it
   * at the end of each round, the coordinator before it releases the shards it held.
   */
  public void flushBroadcast() {
    if (broadcastPending.isEmpty()) {
      return;
    }
    List<Written> written = new ArrayList<>();
    for (Written w; (w = broadcastPending.poll()) != null; ) {
      written.add(w);
    }
    for (Client client : clients.values()) {
      Mode mode = client.mode;
      if (!mode.bcast()) {
        continue;
      }
      if (client.prefixes.isEmpty()) {
        broadcast(client, EMPTY_PREFIX, written);
      }
      // Redis walks its prefix table in byte order.
      List<byte[]> prefixes = new ArrayList<>(client.prefixes);
      prefixes.sort(java.util.Arrays::compareUnsigned);
      for (byte[] prefix : prefixes) {
        broadcast(client, prefix, written);
      }
    }
  }

  private static final byte[] EMPTY_PREFIX = new byte[0];

  private void broadcast(Client client, byte[] prefix, List<Written> written) {
    long id = client.session.id();
    List<Reply> keyList = null;
    boolean ownWrite = false;
    for (Written w : written) {
      if (!startsWith(w.key, prefix) || (client.mode.noloop() && w.writer == id)) {
        continue;
      }
      if (keyList == null) {
        keyList = new ArrayList<>();
      }
      keyList.add(Reply.bulk(w.key));
      ownWrite |= w.writer == id;
    }
    if (keyList != null) {
      send(client, Reply.array(keyList), ownWrite ? id : 0);
    }
  }

  /** A key written while BCAST clients exist, waiting for {@link #flushBroadcast}. */
  private record Written(byte[] key, long writer) {}

  /** FLUSHDB / FLUSHALL: every tracking client is told to drop everything (a null key list). */
  public void flush(long writer) {
    flushBroadcast();
    keys.clear();
    items.set(0);
    for (Client client : clients.values()) {
      send(client, Reply.NULL, writer);
    }
  }

  /**
   * Redis' trackingLimitUsedSlots: while the table holds more than tracking-table-max-keys keys,
   * one is forgotten and its readers get an invalidation, as if it had been written.
   */
  private void limitKeys() {
    long max = maxKeys;
    if (max <= 0) {
      return;
    }
    var iterator = keys.keySet().iterator();
    while (keys.size() > max && iterator.hasNext()) {
      invalidate(iterator.next().bytes(), 0);
    }
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    if (key.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (key[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The writer's own invalidations follow its reply, as Redis 7.0's tracking_pending_keys. */
  private void send(Client client, Reply keyList, long writer) {
    if (client.session.id() == writer) {
      client.session.afterReply(() -> send(client, keyList));
    } else {
      send(client, keyList);
    }
  }

  /** Redis' sendTrackingMessage. */
  private void send(Client client, Reply keyList) {
    ClientSession target = client.session;
    long redirect = client.mode.redirect();
    boolean redirected = redirect > 0;
    if (redirected) {
      target = lookup.apply(redirect);
      if (target == null) {
        client.brokenRedirect = true;
        if (client.session.protocol() > 2) {
          client.session.push(Reply.push(List.of(REDIR_BROKEN, Reply.integer(redirect))));
        }
        return;
      }
    }
    if (target.protocol() > 2) {
      target.push(Reply.push(List.of(INVALIDATE, keyList)));
    } else if (redirected && target.subscriptions().active()) {
      target.push(Reply.push(List.of(MESSAGE, CHANNEL, keyList)));
    }
  }

  /** A snapshot of the prefixes as a list (CLIENT TRACKINGINFO). */
  public static List<byte[]> prefixes(Client client) {
    return new ArrayList<>(client.prefixes);
  }
}
