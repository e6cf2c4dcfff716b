package io.redgrid.command.family;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.ListValue;
import io.redgrid.protocol.Reply;
import io.redgrid.rdb.DumpPayload;
import io.redgrid.rdb.RdbOptions;
import java.util.Locale;

/** DEBUG OBJECT and DEBUG SET-ACTIVE-EXPIRE, with Redis 7.0's texts. */
final class DebugExtras {
  /** Redis' LRU clock: seconds, on 24 bits. */
  private static final long LRU_CLOCK_MAX = (1L << 24) - 1;
  /** list-max-listpack-size -2: quicklist nodes of at most 8 kB. */
  private static final int NODE_BYTES = 8192;
  /** A DUMP payload is type byte + value + 2-byte version + 8-byte CRC: the rest is Redis' serializedlength. */
  private static final int DUMP_OVERHEAD = 11;

  private DebugExtras() {}

  /**
   * DEBUG OBJECT key: Redis' status line. The address is an identity hash (there is no pointer
   * to show); refcount and encoding as OBJECT reports them; serializedlength is the value's RDB
   * length; ql_* fields estimate the quicklist Redis would build (no compression).
   */
  static Reply object(Call call) {
    KeyEntry entry = call.entry(call.arg(2));
    if (entry == null) {
      throw new CommandError("ERR no such key");
    }
    Object value = entry.value();
    long serialized = DumpPayload.dump(value, new RdbOptions(
        !"no".equals(call.server() == null ? "yes" : call.server().config().get("rdbcompression")), true))
        .length - DUMP_OVERHEAD;
    StringBuilder line = new StringBuilder("Value at:0x")
        .append(Long.toHexString(0x7f0000000000L + (System.identityHashCode(value) & 0xffffffffL) * 16))
        .append(" refcount:").append(ValueTypes.refcount(value))
        .append(" encoding:").append(ValueTypes.encoding(value))
        .append(" serializedlength:").append(serialized)
        .append(" lru:").append((entry.lastAccess() / 1000) & LRU_CLOCK_MAX)
        .append(" lru_seconds_idle:").append(Math.max(0, call.now() - entry.lastAccess()) / 1000);
    if (value instanceof ListValue list) {
      quicklist(line, list);
    }
    return Reply.simple(line.toString());
  }

  private static void quicklist(StringBuilder line, ListValue list) {
    long nodes = 0;
    long total = 0;
    long node = 0;
    for (int i = 0; i < list.size(); i++) {
      int entry = listpackEntrySize(list.get(i));
      if (node == 0 || node + entry > NODE_BYTES) {
        nodes++;
        total += node == 0 ? 0 : node + 1;
        node = 6; // listpack header
      }
      node += entry;
    }
    total += node == 0 ? 0 : node + 1; // end byte
    line.append(" ql_nodes:").append(nodes)
        .append(" ql_avg_node:").append(String.format(Locale.ROOT, "%.2f",
            nodes == 0 ? 0.0 : (double) list.size() / nodes))
        .append(" ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:").append(total);
  }

  /** Bytes of one listpack entry: encoding and data, then the back-length. */
  static int listpackEntrySize(byte[] element) {
    int body;
    Long integer = io.redgrid.command.Numbers.parseLongOrNull(element);
    if (integer != null) {
      long v = integer;
      if (v >= 0 && v <= 127) {
        body = 1;
      } else if (v >= -4096 && v <= 4095) {
        body = 2;
      } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
        body = 3;
      } else if (v >= -8388608 && v <= 8388607) {
        body = 4;
      } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        body = 5;
      } else {
        body = 9;
      }
    } else if (element.length < 64) {
      body = 1 + element.length;
    } else if (element.length < 4096) {
      body = 2 + element.length;
    } else {
      body = 5 + element.length;
    }
    int backlen = body < 128 ? 1 : body < 16384 ? 2 : body < 2097152 ? 3 : body < 268435456 ? 4 : 5;
    return body + backlen;
  }

  /** DEBUG SET-ACTIVE-EXPIRE 0|1: any value atoi reads as non-zero turns active expiry on. */
  static Reply setActiveExpire(Call call) {
    call.stats().activeExpire = atoi(call.text(2)) != 0;
    return Reply.OK;
  }

  /** C's atoi: optional spaces and sign, then digits; 0 when there are none. */
  static long atoi(String text) {
    int i = 0;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    boolean negative = false;
    if (i < text.length() && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      negative = text.charAt(i) == '-';
      i++;
    }
    long value = 0;
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9' && value < Integer.MAX_VALUE) {
      value = value * 10 + (text.charAt(i) - '0');
      i++;
    }
    return negative ? -value : value;
  }
}
