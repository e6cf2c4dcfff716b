package io.redgrid.stats;

import io.redgrid.command.Call;
import io.redgrid.server.ClientSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongFunction;

/** SLOWLOG: the newest commands that ran at least slowlog-log-slower-than, Redis' entry shape. */
public final class SlowLog {
  /** Redis' SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
  static final int MAX_ARGC = 32;
  static final int MAX_STRING = 128;

  /**
   * One logged command with its client's address and name at that time; when the client could
   * not be found then (a shard without a client lookup), they are looked up at SLOWLOG GET.
   */
  public static final class Entry {
    private final long id;
    private final long timestamp;
    private final long micros;
    private final byte[][] argv;
    private final long client;
    private volatile String address;
    private volatile String name;

    Entry(long id, long timestamp, long micros, byte[][] argv, long client, ClientSession session) {
      this.id = id;
      this.timestamp = timestamp;
      this.micros = micros;
      this.argv = argv;
      this.client = client;
      if (session != null) {
        this.address = session.address();
        this.name = session.nameText();
      }
    }

    public long id() {
      return id;
    }

    /** Unix time in seconds. */
    public long timestamp() {
      return timestamp;
    }

    public long micros() {
      return micros;
    }

    public byte[][] argv() {
      return argv;
    }

    /** Client address, looked up among {@code clients} (once) when the command ran in a shard. */
    public String address(Collection<ClientSession> clients) {
      resolve(clients);
      return address == null ? "" : address;
    }

    public String name(Collection<ClientSession> clients) {
      resolve(clients);
      return name == null ? "" : name;
    }

    private void resolve(Collection<ClientSession> clients) {
      if (address != null || clients == null) {
        return;
      }
      for (ClientSession session : clients) {
        if (session.id() == client) {
          name = session.nameText();
          address = session.address();
          return;
        }
      }
    }
  }

  private final ArrayDeque<Entry> entries = new ArrayDeque<>(0);
  private long nextId;
  private volatile long maxLength = 128;

  void maxLength(long maxLength) {
    this.maxLength = maxLength;
  }

  /** Finds a client by id for commands that ran in a shard, where the call has no session. */
  private volatile LongFunction<ClientSession> clients = id -> null;

  void clients(LongFunction<ClientSession> clients) {
    this.clients = clients;
  }

  void add(Call call, long micros) {
    byte[][] argv = logged(io.redgrid.acl.Acl.redacted(call.spec(), call.argv()));
    ClientSession session = call.session() != null ? call.session() : clients.apply(call.client());
    long client = call.session() != null ? call.session().id() : call.client();
    synchronized (this) {
      entries.addFirst(new Entry(nextId++, call.now() / 1000, micros, argv, client, session));
      // As Redis: a smaller slowlog-max-len takes effect at the next logged command.
      while (entries.size() > maxLength) {
        entries.removeLast();
      }
    }
  }

  /** The newest {@code count} entries, newest first; a negative count means all. */
  public synchronized List<Entry> newest(long count) {
    List<Entry> out = new ArrayList<>();
    Iterator<Entry> it = entries.iterator();
    while (it.hasNext() && (count < 0 || out.size() < count)) {
      out.add(it.next());
    }
    return out;
  }

  public synchronized int length() {
    return entries.size();
  }

  /** SLOWLOG RESET: the entries go, ids keep counting (as Redis). */
  public synchronized void reset() {
    entries.clear();
  }

  /**
   * The arguments as Redis keeps them: at most 32 (the last saying how many more), each at most
   * 128 bytes (with how many more); secrets are redacted before (Acl.redacted).
   */
  static byte[][] logged(byte[][] argv) {
    int argc = Math.min(argv.length, MAX_ARGC);
    byte[][] out = new byte[argc][];
    for (int j = 0; j < argc; j++) {
      if (argc != argv.length && j == argc - 1) {
        out[j] = ("... (" + (argv.length - argc + 1) + " more arguments)").getBytes(StandardCharsets.US_ASCII);
      } else if (argv[j].length > MAX_STRING) {
        String more = "... (" + (argv[j].length - MAX_STRING) + " more bytes)";
        byte[] cut = new byte[MAX_STRING + more.length()];
        System.arraycopy(argv[j], 0, cut, 0, MAX_STRING);
        System.arraycopy(more.getBytes(StandardCharsets.US_ASCII), 0, cut, MAX_STRING, more.length());
        out[j] = cut;
      } else {
        out[j] = argv[j];
      }
    }
    return out;
  }
}
