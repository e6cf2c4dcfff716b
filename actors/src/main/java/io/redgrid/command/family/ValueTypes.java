package io.redgrid.command.family;

import io.redgrid.command.Numbers;
import io.redgrid.keyspace.HashValue;
import io.redgrid.keyspace.ListValue;
import io.redgrid.keyspace.SetValue;
import io.redgrid.keyspace.SortedSetValue;

/**
 * What a stored value is, as Redis reports it: its type name (TYPE, SCAN TYPE), its encoding
 * (OBJECT ENCODING), its reference count (OBJECT REFCOUNT) and how to duplicate it (COPY).
 *
 * <p>The one place that knows every value class: a new value type adds a line to each method.
 */
public final class ValueTypes {
  /** Redis' OBJ_ENCODING_EMBSTR_SIZE_LIMIT: longer strings are {@code raw}. */
  private static final int EMBSTR_SIZE_LIMIT = 44;
  /** Redis' OBJ_SHARED_INTEGERS: 0..9999 are shared objects. */
  private static final long SHARED_INTEGERS = 10000;
  /** Redis' OBJ_SHARED_REFCOUNT (INT_MAX), what OBJECT REFCOUNT shows for shared objects. */
  private static final long SHARED_REFCOUNT = Integer.MAX_VALUE;

  private ValueTypes() {}

  /** The name TYPE replies for a value: {@code string}, {@code list}, {@code set} ... */
  public static String typeName(Object value) {
    if (value instanceof byte[]) {
      return "string";
    }
    if (value instanceof SetValue) {
      return "set";
    }
    if (value instanceof HashValue) {
      return "hash";
    }
    if (value instanceof ListValue) {
      return "list";
    }
    if (value instanceof SortedSetValue) {
      return "zset";
    }
    throw unknown(value);
  }

  /**
   * The OBJECT ENCODING of a value. Strings are classified from their bytes as Redis'
   * tryObjectEncoding does on SET: a canonical integer of at most 20 characters is {@code int},
   * up to 44 bytes {@code embstr}, otherwise {@code raw}.
   */
  public static String encoding(Object value) {
    if (value instanceof byte[] bytes) {
      if (integerValue(bytes) != null) {
        return "int";
      }
      return bytes.length <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw";
    }
    if (value instanceof SetValue set) {
      return set.encoding();
    }
    if (value instanceof HashValue hash) {
      return hash.encoding();
    }
    if (value instanceof ListValue) {
      // Redis 7.0 always encodes lists as quicklists (listpack lists came in 7.2), verified on 7.0.15.
      return "quicklist";
    }
    if (value instanceof SortedSetValue zset) {
      return zset.encoding();
    }
    throw unknown(value);
  }

  /** OBJECT REFCOUNT: 1, or INT_MAX for the integers Redis shares (0..9999 under noeviction). */
  public static long refcount(Object value) {
    if (value instanceof byte[] bytes) {
      Long integer = integerValue(bytes);
      return integer != null && integer >= 0 && integer < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
    }
    if (value instanceof SetValue) {
      return 1;
    }
    if (value instanceof HashValue) {
      return 1;
    }
    if (value instanceof ListValue) {
      return 1;
    }
    if (value instanceof SortedSetValue) {
      return 1;
    }
    throw unknown(value);
  }

  /** An independent copy of a value, for COPY: commands may change values in place. */
  public static Object duplicate(Object value) {
    if (value instanceof byte[] bytes) {
      return bytes.clone();
    }
    if (value instanceof SetValue set) {
      return set.copy();
    }
    if (value instanceof HashValue hash) {
      return hash.copy();
    }
    if (value instanceof ListValue list) {
      return list.copy();
    }
    if (value instanceof SortedSetValue zset) {
      return zset.copy();
    }
    throw unknown(value);
  }

  /** Redis' string2l within tryObjectEncoding's 20-character limit; null if not an integer. */
  private static Long integerValue(byte[] bytes) {
    return Numbers.parseLongOrNull(bytes);
  }

  private static IllegalArgumentException unknown(Object value) {
    return new IllegalArgumentException("unknown value class " + value.getClass().getName());
  }
}
