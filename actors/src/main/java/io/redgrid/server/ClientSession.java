package io.redgrid.server;

import io.redgrid.protocol.Reply;
import io.redgrid.pubsub.Subscriptions;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The state of one client connection: selected database, protocol version, name and the figures
 * CLIENT LIST reports. Owned by its connection; other threads only read it (CLIENT LIST, KILL).
 */
public final class ClientSession {
  private final long id;
  private final String address;
  private final String localAddress;
  private final long createdAt;
  private volatile int db;
  private volatile int protocol = 2;
  private volatile byte[] name;
  private volatile String libraryName = "";
  private volatile String libraryVersion = "";
  private volatile long lastInteraction;
  private volatile String lastCommand = "NULL";
  private volatile boolean closeRequested;
  private volatile Runnable killer = () -> {};
  private volatile Consumer<Reply> pushes = push -> {};
  private final Subscriptions subscriptions = new Subscriptions();
  private final java.util.Queue<Runnable> afterReply = new java.util.concurrent.ConcurrentLinkedQueue<>();

  public ClientSession(long id, String address, String localAddress, long createdAt) {
    this.id = id;
    this.address = address;
    this.localAddress = localAddress;
    this.createdAt = createdAt;
    this.lastInteraction = createdAt;
  }

  public long id() {
    return id;
  }

  public String address() {
    return address;
  }

  public String localAddress() {
    return localAddress;
  }

  public long createdAt() {
    return createdAt;
  }

  public int db() {
    return db;
  }

  public void select(int db) {
    this.db = db;
  }

  public int protocol() {
    return protocol;
  }

  public void protocol(int protocol) {
    this.protocol = protocol;
  }

  /** The connection name, or null when none was set. */
  public byte[] name() {
    return name;
  }

  public String nameText() {
    return name == null ? "" : new String(name, StandardCharsets.UTF_8);
  }

  public void name(byte[] name) {
    this.name = name == null || name.length == 0 ? null : name;
  }

  public String libraryName() {
    return libraryName;
  }

  public void libraryName(String libraryName) {
    this.libraryName = libraryName;
  }

  public String libraryVersion() {
    return libraryVersion;
  }

  public void libraryVersion(String libraryVersion) {
    this.libraryVersion = libraryVersion;
  }

  public long lastInteraction() {
    return lastInteraction;
  }

  public String lastCommand() {
    return lastCommand;
  }

  public void commandStarted(String command, long now) {
    this.lastCommand = command;
    this.lastInteraction = now;
  }

  /** QUIT and CLIENT KILL: the connection closes once the pending replies are written. */
  public boolean closeRequested() {
    return closeRequested;
  }

  public void requestClose() {
    this.closeRequested = true;
  }

  /** Set by the gateway: closes this connection from another client's CLIENT KILL. */
  public void onKill(Runnable killer) {
    this.killer = killer;
  }

  public void kill() {
    closeRequested = true;
    killer.run();
  }

  /** Set by the gateway: where out-of-band replies (Pub/Sub messages) for this client go. */
  public void onPush(Consumer<Reply> pushes) {
    this.pushes = pushes;
  }

  /** Sends an out-of-band reply (RESP3 push; a plain array in RESP2), after replies written so far. */
  public void push(Reply push) {
    pushes.accept(push);
  }

  /**
   * Runs {@code task} once this client's current reply is written: Redis 7.0 sends the
   * invalidations a client's own command caused after that command's reply.
   */
  public void afterReply(Runnable task) {
    afterReply.add(task);
  }

  /** Called by the connection after writing a reply (outside its output lock). */
  public void replyWritten() {
    for (Runnable task; (task = afterReply.poll()) != null; ) {
      task.run();
    }
  }

  /** This client's Pub/Sub subscriptions. */
  public Subscriptions subscriptions() {
    return subscriptions;
  }

  /** Back to a fresh connection's state (RESET). */
  public void reset() {
    transaction.discard();
    db = 0;
    protocol = 2;
    name = null;
    resetModes();
  }

  // ---- netadmin: CLIENT NO-EVICT / NO-TOUCH / REPLY / PAUSE, MONITOR ----------------------

  private volatile boolean noEvict;
  private volatile boolean noTouch;
  private volatile boolean monitor;
  private volatile boolean postponed;
  private volatile boolean repliesOff;
  /** CLIENT REPLY SKIP: set by the command, turned into {@code skipping} once its own reply passed. */
  private boolean skipNext;
  private boolean skipping;
  private volatile java.util.function.LongSupplier outputBytes = () -> 0;

  /** CLIENT NO-EVICT: the client is never evicted for memory (flag e). */
  public boolean noEvict() {
    return noEvict;
  }

  public void noEvict(boolean on) {
    this.noEvict = on;
  }

  /** CLIENT NO-TOUCH: this client's reads leave the keys' LRU/LFU data alone (flag T). */
  public boolean noTouch() {
    return noTouch;
  }

  public void noTouch(boolean on) {
    this.noTouch = on;
  }

  /** MONITOR: the client receives every command (flag O); it may no longer touch the keyspace. */
  public boolean monitor() {
    return monitor;
  }

  public void monitor(boolean on) {
    this.monitor = on;
  }

  /** True while a CLIENT PAUSE holds this client's next command (flag b). */
  public boolean postponed() {
    return postponed;
  }

  public void postponed(boolean held) {
    this.postponed = held;
  }

  /** CLIENT REPLY ON (true) or OFF (false). ON also cancels a pending SKIP. */
  public void replies(boolean on) {
    repliesOff = !on;
    if (on) {
      skipNext = false;
    }
  }

  /** CLIENT REPLY SKIP: the next command's reply is dropped (nothing changes under OFF). */
  public void skipNextReply() {
    if (!repliesOff) {
      skipNext = true;
    }
  }

  /**
   * Called by the connection once per command, as its reply is written: whether the client
   * wants it (CLIENT REPLY OFF / SKIP), and the SKIP state moves on by one command.
   */
  public boolean takeReply() {
    boolean wanted = !repliesOff && !skipping;
    skipping = skipNext;
    skipNext = false;
    return wanted;
  }

  /** Set by the gateway: bytes queued for this client and not yet taken by the socket (omem). */
  public void onOutputBytes(java.util.function.LongSupplier outputBytes) {
    this.outputBytes = outputBytes;
  }

  public long outputBytes() {
    return outputBytes.getAsLong();
  }

  private volatile boolean busy;

  /**
   * The connection is reading and running a chunk of commands (true), or has written their
   * replies (false): like Redis' lastinteraction, both count as interaction for {@code timeout},
   * and a client whose command is still running is never idle.
   */
  public void busy(boolean busy, long now) {
    this.busy = busy;
    this.lastInteraction = now;
  }

  public boolean busy() {
    return busy;
  }

  /** RESET: Redis 7.0's clearClientConnectionState ends these modes (NO-EVICT stays). */
  private void resetModes() {
    noTouch = false;
    monitor = false;
    repliesOff = false;
    skipNext = false;
  }

  private volatile io.redgrid.acl.AclUser aclUser;
  private volatile boolean authenticated = true;

  /** The ACL user this client runs as (null: the default user, before the node attached one). */
  public io.redgrid.acl.AclUser aclUser() {
    return aclUser;
  }

  public void aclUser(io.redgrid.acl.AclUser user) {
    this.aclUser = user;
  }

  /** The ACL user's name, as CLIENT LIST's user= field and CLIENT KILL USER use it. */
  public String user() {
    io.redgrid.acl.AclUser user = aclUser;
    return user == null ? "default" : user.name();
  }

  /** Whether the client has logged in (or needed not to); Redis' c->authenticated. */
  public boolean authenticated() {
    return authenticated;
  }

  public void authenticated(boolean authenticated) {
    this.authenticated = authenticated;
  }

  // ---- transactions -------------------------------------------------------------------------

  private final io.redgrid.transaction.Transaction transaction = new io.redgrid.transaction.Transaction();

  /** MULTI state and WATCHed keys of this client. */
  public io.redgrid.transaction.Transaction transaction() {
    return transaction;
  }
}
