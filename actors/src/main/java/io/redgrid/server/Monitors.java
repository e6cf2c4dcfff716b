package io.redgrid.server;

import io.redgrid.command.CommandSpec;
import io.redgrid.command.Flag;
import io.redgrid.protocol.Reply;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The clients in MONITOR mode and the feed they receive: one line per command any client runs,
 * in Redis' format {@code +1700000000.123456 [0 127.0.0.1:54321] "set" "k" "v"}.
 */
public final class Monitors {

  private final CopyOnWriteArrayList<ClientSession> sessions = new CopyOnWriteArrayList<>();
  /** Read once per command: nothing else happens while nobody monitors. */
  private volatile boolean active;

  public void add(ClientSession session) {
    session.monitor(true);
    sessions.addIfAbsent(session);
    active = true;
  }

  public void remove(ClientSession session) {
    sessions.remove(session);
    active = !sessions.isEmpty();
  }

  public boolean active() {
    return active;
  }

  /**
   * Sends {@code argv}, run by {@code from} in {@code db}, to every monitor. Redis leaves out
   * admin commands and those flagged skip_monitor; AUTH and HELLO's credentials are redacted.
   */
  public void feed(ClientSession from, int db, CommandSpec spec, byte[][] argv, long epochMicros) {
    feed(from.address(), db, spec, argv, epochMicros);
  }

  /** The wall clock in microseconds, the timestamp of a MONITOR line. */
  public static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  /** As {@link #feed(ClientSession, int, CommandSpec, byte[][], long)} from an address such as {@code lua}. */
  public void feed(String address, int db, CommandSpec spec, byte[][] argv, long epochMicros) {
    if (!active || spec.has(Flag.ADMIN) || spec.has(Flag.SKIP_MONITOR)) {
      return;
    }
    send(address, db, spec, argv, epochMicros);
  }

  /**
   * A script command (EVAL ...): Redis 7.0 shows it although it is flagged skip_monitor, before
   * the lines of the commands the script runs ({@code [0 lua]}).
   */
  public void feedScript(ClientSession from, int db, CommandSpec spec, byte[][] argv, long epochMicros) {
    if (active) {
      send(from.address(), db, spec, argv, epochMicros);
    }
  }

  private void send(String address, int db, CommandSpec spec, byte[][] argv, long epochMicros) {
    Reply line = Reply.simple(line(epochMicros, db, address, io.redgrid.acl.Acl.redacted(spec, argv)));
    for (ClientSession monitor : sessions) {
      if (monitor.monitor()) {
        monitor.push(line);
      } else {
        remove(monitor); // RESET ended its MONITOR mode
      }
    }
  }

  /** One feed line without the leading {@code +}: time, db, client address, quoted arguments. */
  public static String line(long epochMicros, int db, String address, byte[][] argv) {
    StringBuilder out = new StringBuilder(64);
    String micros = Long.toString(Math.floorMod(epochMicros, 1_000_000L));
    out.append(Math.floorDiv(epochMicros, 1_000_000L)).append('.')
        .append("000000", micros.length(), 6).append(micros)
        .append(" [").append(db).append(' ').append(address).append(']');
    for (int i = 0; i < argv.length; i++) {
      out.append(' ');
      io.redgrid.protocol.Repr.append(out, argv[i]);
    }
    return out.toString();
  }
}
