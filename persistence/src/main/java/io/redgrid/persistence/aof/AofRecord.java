package io.redgrid.persistence.aof;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The AOF record format: an annotation line then the payload bytes.
 *
 * <pre>
 * #RG &lt;pid&gt; &lt;seqNr&gt; &lt;serializerId&gt; &lt;serializerManifest|-&gt; &lt;eventAdapterManifest|-&gt; &lt;writerUuid|-&gt; &lt;i&gt;/&lt;n&gt; &lt;payloadLength&gt;\r\n&lt;payload&gt;
 * #RG-DEL &lt;pid&gt; &lt;toSeqNr&gt;\r\n
 * *1\r\n$5\r\nMULTI\r\n#RG-MULTI &lt;unit&gt; &lt;parts&gt;\r\n   (the parts' records)   #RG-EXEC &lt;unit&gt;\r\n*1\r\n$4\r\nEXEC\r\n
 * </pre>
 *
 * A transaction unit is wrapped in MULTI/EXEC as Redis wraps a transaction in its AOF: Redis and
 * its redis-check-aof see a transaction, and recovery applies the block all or nothing. The MULTI
 * comes before its annotation so that a torn unit is cut exactly where redis-check-aof cuts it
 * (at the MULTI command).
 *
 * Lines start with '#' so that Redis' own AOF readers skip them, and stay below Redis'
 * 1024-byte annotation buffer. Strings are UTF-8 with bytes outside '!'..'~' and '%' written as
 * %XX; "-" stands for the empty string.
 */
final class AofRecord {
  /** Redis reads annotation lines with fgets into a 1024-byte buffer: the line and its \n must fit. */
  static final int MAX_LINE = 1023;

  static final String EVENT_TAG = "#RG";
  static final String DELETE_TAG = "#RG-DEL";
  static final String MULTI_TAG = "#RG-MULTI";
  static final String EXEC_TAG = "#RG-EXEC";
  /** The RESP commands following the unit annotations. */
  static final byte[] MULTI_COMMAND = "*1\r\n$5\r\nMULTI\r\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] EXEC_COMMAND = "*1\r\n$4\r\nEXEC\r\n".getBytes(StandardCharsets.US_ASCII);

  private AofRecord() {}

  /** The annotation of one event. */
  record Header(
      String persistenceId,
      long sequenceNr,
      int serializerId,
      String serializerManifest,
      String eventManifest,
      String writerUuid,
      int batchIndex,
      int batchSize,
      int payloadLength) {}

  /** The annotation line of an event, with its CRLF. */
  static byte[] eventLine(Header h) {
    String line =
        EVENT_TAG + ' ' + escape(h.persistenceId()) + ' ' + h.sequenceNr() + ' ' + h.serializerId() + ' '
            + escape(h.serializerManifest()) + ' ' + escape(h.eventManifest()) + ' ' + escape(h.writerUuid())
            + ' ' + h.batchIndex() + '/' + h.batchSize() + ' ' + h.payloadLength() + "\r\n";
    return checked(line);
  }

  /** The line recording a DeleteMessagesTo, with its CRLF. */
  static byte[] deleteLine(String persistenceId, long toSequenceNr) {
    return checked(DELETE_TAG + ' ' + escape(persistenceId) + ' ' + toSequenceNr + "\r\n");
  }

  /** The MULTI opening unit {@code unit} of {@code parts} parts, then its annotation. */
  static byte[] multiMarker(long unit, int parts) {
    byte[] line = (MULTI_TAG + ' ' + unit + ' ' + parts + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = java.util.Arrays.copyOf(MULTI_COMMAND, MULTI_COMMAND.length + line.length);
    System.arraycopy(line, 0, all, MULTI_COMMAND.length, line.length);
    return all;
  }

  /** The annotated EXEC closing unit {@code unit}. */
  static byte[] execMarker(long unit) {
    return withCommand(EXEC_TAG + ' ' + unit + "\r\n", EXEC_COMMAND);
  }

  private static byte[] withCommand(String line, byte[] command) {
    byte[] head = line.getBytes(StandardCharsets.US_ASCII);
    byte[] all = java.util.Arrays.copyOf(head, head.length + command.length);
    System.arraycopy(command, 0, all, head.length, command.length);
    return all;
  }

  /** A parsed MULTI ({@code parts} > 0) or EXEC ({@code parts} == 0) annotation. */
  record UnitMarker(long unit, int parts) {}

  /** Parses a MULTI or EXEC annotation (without CRLF); null if it is not well formed. */
  static UnitMarker parseUnit(String line) {
    String[] f = line.split(" ", -1);
    try {
      if (f.length == 3 && f[0].equals(MULTI_TAG)) {
        int parts = Integer.parseInt(f[2]);
        return parts < 1 ? null : new UnitMarker(Long.parseLong(f[1]), parts);
      }
      if (f.length == 2 && f[0].equals(EXEC_TAG)) {
        return new UnitMarker(Long.parseLong(f[1]), 0);
      }
    } catch (NumberFormatException e) {
      return null;
    }
    return null;
  }

  private static byte[] checked(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length > MAX_LINE) {
      throw new IllegalArgumentException(
          "AOF annotation would be " + bytes.length + " bytes, the limit is " + MAX_LINE
              + " (persistence id or manifest too long)");
    }
    return bytes;
  }

  /** Parses an event annotation (without CRLF); null if it is not well formed. */
  static Header parseEvent(String line) {
    String[] f = line.split(" ", -1);
    if (f.length != 9 || !f[0].equals(EVENT_TAG)) {
      return null;
    }
    try {
      int slash = f[7].indexOf('/');
      if (slash <= 0) {
        return null;
      }
      long seq = Long.parseLong(f[2]);
      int index = Integer.parseInt(f[7].substring(0, slash));
      int size = Integer.parseInt(f[7].substring(slash + 1));
      int length = Integer.parseInt(f[8]);
      if (seq < 1 || size < 1 || index < 0 || index >= size || length < 0) {
        return null;
      }
      return new Header(
          unescape(f[1]), seq, Integer.parseInt(f[3]), unescape(f[4]), unescape(f[5]), unescape(f[6]),
          index, size, length);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** A parsed delete line. */
  record Delete(String persistenceId, long toSequenceNr) {}

  /** Parses a delete annotation (without CRLF); null if it is not well formed. */
  static Delete parseDelete(String line) {
    String[] f = line.split(" ", -1);
    if (f.length != 3 || !f[0].equals(DELETE_TAG)) {
      return null;
    }
    try {
      return new Delete(unescape(f[1]), Long.parseLong(f[2]));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String escape(String s) {
    if (s == null || s.isEmpty()) {
      return "-";
    }
    if (s.equals("-")) {
      return "%2D";
    }
    if (plain(s)) {
      return s; // the usual case (shard ids, manifests, uuids): no copy on every event
    }
    StringBuilder out = new StringBuilder(s.length());
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= 0x20 || c >= 0x7f || c == '%') {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }

  /** Whether {@code s} is printable ASCII without '%' or space: its escape is itself. */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f || c == '%') {
        return false;
      }
    }
    return true;
  }

  static String unescape(String s) {
    if (s.equals("-")) {
      return "";
    }
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("bad escape");
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("bad escape");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
