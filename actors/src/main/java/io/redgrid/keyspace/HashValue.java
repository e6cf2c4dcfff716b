package io.redgrid.keyspace;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A hash value: fields and values as bytes, with the encoding Redis 7.0 would report for it.
 *
 * <p>One structure serves every need of the hash commands:
 * <ul>
 *   <li>a chained table over {@link Dict#hash} buckets (power-of-two sized) for lookups and for
 *       HSCAN's reverse-binary cursor, which returns every field present for a whole iteration
 *       even when the table grows or shrinks between calls (Redis' dictScan guarantee);
 *   <li>a doubly linked list in insertion order, because a listpack-encoded Redis hash iterates
 *       (HGETALL, HKEYS ...) in insertion order and updates fields in place;
 *   <li>a dense array of the fields for uniform O(1) random picks (HRANDFIELD).
 * </ul>
 *
 * <p>The encoding only goes from {@code listpack} to {@code hashtable}, as in Redis: when a field
 * or value longer than 64 bytes is stored, or the hash grows beyond 512 fields (Redis 7.0's
 * hash-max-listpack-value / -entries defaults).
 */
public final class HashValue {
  /** Redis 7.0's default hash-max-listpack-entries. */
  public static final int MAX_LISTPACK_ENTRIES = 512;
  /** Redis 7.0's default hash-max-listpack-value. */
  public static final int MAX_LISTPACK_VALUE = 64;
  private static final int MIN_CAPACITY = 4;

  /** One field of the hash: table chain node, insertion-order link and dense slot at once. */
  public static final class Field {
    final byte[] name;
    final int hash;
    byte[] value;
    Field chain;
    Field before;
    Field after;
    int slot;

    Field(byte[] name, int hash, byte[] value) {
      this.name = name;
      this.hash = hash;
      this.value = value;
    }

    public byte[] name() {
      return name;
    }

    public byte[] value() {
      return value;
    }

    /** The next field in iteration (insertion) order, or null. */
    public Field next() {
      return after;
    }
  }

  private Field[] table = new Field[MIN_CAPACITY];
  private Field[] dense = new Field[MIN_CAPACITY];
  private Field head;
  private Field tail;
  private int size;
  private boolean listpack = true;
  /** Heap bytes of every field's name and value arrays, kept as fields change. */
  private long elementBytes;

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** True while Redis would keep this hash as a listpack. */
  public boolean isListpack() {
    return listpack;
  }

  /** {@code listpack} or {@code hashtable}, as OBJECT ENCODING reports it. */
  public String encoding() {
    return listpack ? "listpack" : "hashtable";
  }

  /** Estimated heap bytes of this hash (see {@link Footprint}), in O(1). */
  public long footprint() {
    return 48 + Footprint.refs(table.length) + Footprint.refs(dense.length) + 40L * size + elementBytes;
  }

  /** The running element bytes and a walk recomputing them, for tests of the accounting. */
  long[] elementBytesCheck() {
    long walked = 0;
    for (Field f = head; f != null; f = f.after) {
      walked += Footprint.bytes(f.name.length) + Footprint.bytes(f.value.length);
    }
    return new long[] {elementBytes, walked};
  }

  /** The first field in iteration order, or null when empty. */
  public Field first() {
    return head;
  }

  public Field find(byte[] name) {
    int h = Dict.hash(name);
    for (Field f = table[h & (table.length - 1)]; f != null; f = f.chain) {
      if (f.hash == h && Arrays.equals(f.name, name)) {
        return f;
      }
    }
    return null;
  }

  /** The value of a field, or null. */
  public byte[] get(byte[] name) {
    Field f = find(name);
    return f == null ? null : f.value;
  }

  /**
   * Sets a field (kept in place if it exists, appended otherwise); true if it is new. Converts to
   * {@code hashtable} as Redis' hashTypeTryConversion and hashTypeSet do. The arrays are stored,
   * not copied: callers hand over arrays nobody mutates.
   */
  public boolean put(byte[] name, byte[] value) {
    if (listpack && (name.length > MAX_LISTPACK_VALUE || value.length > MAX_LISTPACK_VALUE)) {
      listpack = false;
    }
    Field existing = find(name);
    if (existing != null) {
      elementBytes += Footprint.bytes(value.length) - Footprint.bytes(existing.value.length);
      existing.value = value;
      return false;
    }
    insert(new Field(name, Dict.hash(name), value));
    if (size > MAX_LISTPACK_ENTRIES) {
      listpack = false;
    }
    return true;
  }

  private void insert(Field f) {
    elementBytes += Footprint.bytes(f.name.length) + Footprint.bytes(f.value.length);
    int index = f.hash & (table.length - 1);
    f.chain = table[index];
    table[index] = f;
    f.before = tail;
    if (tail == null) {
      head = f;
    } else {
      tail.after = f;
    }
    tail = f;
    if (size == dense.length) {
      dense = Arrays.copyOf(dense, size << 1);
    }
    f.slot = size;
    dense[size++] = f;
    if (size > table.length) {
      resize(table.length << 1);
    }
  }

  /** Removes a field; false if it was absent. */
  public boolean remove(byte[] name) {
    int h = Dict.hash(name);
    int index = h & (table.length - 1);
    Field previous = null;
    for (Field f = table[index]; f != null; previous = f, f = f.chain) {
      if (f.hash == h && Arrays.equals(f.name, name)) {
        if (previous == null) {
          table[index] = f.chain;
        } else {
          previous.chain = f.chain;
        }
        unlink(f);
        if (table.length > MIN_CAPACITY && size < table.length / 8) {
          resize(table.length >> 1);
        }
        return true;
      }
    }
    return false;
  }

  private void unlink(Field f) {
    elementBytes -= Footprint.bytes(f.name.length) + Footprint.bytes(f.value.length);
    if (f.before == null) {
      head = f.after;
    } else {
      f.before.after = f.after;
    }
    if (f.after == null) {
      tail = f.before;
    } else {
      f.after.before = f.before;
    }
    Field last = dense[--size];
    dense[f.slot] = last;
    last.slot = f.slot;
    dense[size] = null;
    f.chain = null;
    f.before = null;
    f.after = null;
  }

  /** The field at a position of the dense array, {@code 0 <= index < size}: for random picks. */
  public Field at(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    return dense[index];
  }

  /** A uniformly random field, or null when empty. */
  public Field random(RandomGenerator random) {
    return size == 0 ? null : dense[random.nextInt(size)];
  }

  /**
   * Visits the bucket at {@code cursor} and returns the next cursor, 0 when the scan is complete:
   * Redis' dictScan (see {@link Dict#scan}). Callers must not change the hash while visiting.
   */
  public long scan(long cursor, Consumer<Field> visitor) {
    if (size == 0) {
      return 0;
    }
    long mask = table.length - 1;
    for (Field f = table[(int) (cursor & mask)]; f != null; f = f.chain) {
      visitor.accept(f);
    }
    cursor |= ~mask;
    cursor = Long.reverse(cursor);
    cursor++;
    cursor = Long.reverse(cursor);
    return cursor;
  }

  /** An independent copy with the same fields, order and encoding (COPY). */
  public HashValue copy() {
    HashValue copy = new HashValue();
    for (Field f = head; f != null; f = f.after) {
      copy.insert(new Field(f.name, f.hash, f.value));
    }
    copy.listpack = listpack;
    return copy;
  }

  private void resize(int capacity) {
    Field[] next = new Field[capacity];
    for (Field bucket : table) {
      Field f = bucket;
      while (f != null) {
        Field following = f.chain;
        int index = f.hash & (capacity - 1);
        f.chain = next[index];
        next[index] = f;
        f = following;
      }
    }
    table = next;
  }

  /** {@code hash:listpack{a=1, b=2}} in iteration order: what test dumps compare. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("hash:").append(encoding()).append('{');
    for (Field f = head; f != null; f = f.after) {
      if (f != head) {
        out.append(", ");
      }
      out.append(new String(f.name, StandardCharsets.UTF_8)).append('=')
          .append(new String(f.value, StandardCharsets.UTF_8));
    }
    return out.append('}').toString();
  }
}
