package io.redgrid.keyspace;

import io.redgrid.command.Numbers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A Redis set value, encoded as Redis 7.0 does: an {@code intset} (a sorted {@code long[]})
 * while every member is a canonical 64-bit integer and there are at most
 * {@link #MAX_INTSET_ENTRIES}, otherwise a {@code hashtable} of byte[] members. Like Redis it
 * never converts back to an intset when members are removed (7.0 has no listpack sets).
 *
 * <p>The hash table is our own chained, power-of-two table for the same reason as {@link Dict}:
 * SSCAN's reverse-binary cursor guarantee across resizes. Its nodes are also kept in a dense
 * array, so SPOP and SRANDMEMBER pick uniformly in O(1) (a random bucket would favour members
 * alone in their chain).
 */
public final class SetValue {
  /** Redis' set-max-intset-entries default. */
  public static final int MAX_INTSET_ENTRIES = 512;
  /** Redis' DICT_HT_INITIAL_SIZE. */
  private static final int MIN_CAPACITY = 4;

  /** One member of the hash table encoding; also its chain node. */
  private static final class Node {
    final byte[] member;
    final int hash;
    Node next;
    /** Position in {@code dense}. */
    int slot;

    Node(byte[] member, int hash) {
      this.member = member;
      this.hash = hash;
    }
  }

  /** The intset encoding, ascending; null once converted to a hash table. */
  private long[] ints;
  private Node[] table;
  /** The table's nodes, packed in {@code [0, size)}. */
  private Node[] dense;
  private int size;
  /** Heap bytes of the member arrays of the hash table encoding. */
  private long elementBytes;

  private SetValue(boolean intset) {
    if (intset) {
      ints = new long[4];
    } else {
      table = new Node[MIN_CAPACITY];
      dense = new Node[MIN_CAPACITY];
    }
  }

  /** An empty intset, as Redis' set-algebra STORE commands start their destination. */
  public static SetValue empty() {
    return new SetValue(true);
  }

  /** An empty set encoded for {@code first} as Redis' setTypeCreate: intset if it is an integer. */
  public static SetValue forMember(byte[] first) {
    return new SetValue(Numbers.isLong(first));
  }

  /** Estimated heap bytes of this set (see {@link Footprint}), in O(1). */
  public long footprint() {
    if (ints != null) {
      return 40 + Footprint.longs(ints.length);
    }
    return 40 + Footprint.refs(table.length) + Footprint.refs(dense.length) + 32L * size + elementBytes;
  }

  /** The running element bytes and a walk recomputing them, for tests of the accounting. */
  long[] elementBytesCheck() {
    long walked = 0;
    if (ints == null) {
      for (int i = 0; i < size; i++) {
        walked += Footprint.bytes(dense[i].member.length);
      }
    }
    return new long[] {elementBytes, walked};
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public boolean isIntset() {
    return ints != null;
  }

  /** OBJECT ENCODING: {@code intset} or {@code hashtable}. */
  public String encoding() {
    return ints != null ? "intset" : "hashtable";
  }

  // ---- membership ------------------------------------------------------------------------

  public boolean contains(byte[] member) {
    if (ints != null) {
      Long value = Numbers.parseLongOrNull(member);
      return value != null && Arrays.binarySearch(ints, 0, size, value) >= 0;
    }
    return find(member, Dict.hash(member)) != null;
  }

  /** Adds a member; false if it was already there. Converts to a hash table as Redis does. */
  public boolean add(byte[] member) {
    if (ints != null) {
      Long value = Numbers.parseLongOrNull(member);
      if (value != null) {
        int at = Arrays.binarySearch(ints, 0, size, value);
        if (at >= 0) {
          return false;
        }
        insertInt(-at - 1, value);
        if (size > MAX_INTSET_ENTRIES) {
          convertToTable();
        }
        return true;
      }
      convertToTable();
    }
    int hash = Dict.hash(member);
    if (find(member, hash) != null) {
      return false;
    }
    insertNode(new Node(member, hash));
    return true;
  }

  /** Removes a member; false if it was not there. */
  public boolean remove(byte[] member) {
    if (ints != null) {
      Long value = Numbers.parseLongOrNull(member);
      if (value == null) {
        return false;
      }
      int at = Arrays.binarySearch(ints, 0, size, value);
      if (at < 0) {
        return false;
      }
      removeIntAt(at);
      return true;
    }
    int hash = Dict.hash(member);
    int index = hash & (table.length - 1);
    Node previous = null;
    for (Node n = table[index]; n != null; previous = n, n = n.next) {
      if (n.hash == hash && Arrays.equals(n.member, member)) {
        unlink(index, previous, n);
        return true;
      }
    }
    return false;
  }

  // ---- iteration ---------------------------------------------------------------------------

  /** Visits every member: ascending for an intset (as Redis replies), table order otherwise. */
  public void forEach(Consumer<byte[]> action) {
    if (ints != null) {
      for (int i = 0; i < size; i++) {
        action.accept(Numbers.toBytes(ints[i]));
      }
      return;
    }
    for (int i = 0; i < size; i++) {
      action.accept(dense[i].member);
    }
  }

  /** Every member in {@link #forEach} order. */
  public List<byte[]> members() {
    List<byte[]> members = new ArrayList<>(size);
    forEach(members::add);
    return members;
  }

  /**
   * Visits the hash bucket at {@code cursor} and returns the next cursor, 0 when done: Redis'
   * dictScan, so every member present for a whole scan is returned at least once even if the
   * table grows or shrinks between calls. Only for the hash table encoding.
   */
  public long scan(long cursor, Consumer<byte[]> visitor) {
    if (ints != null) {
      throw new IllegalStateException("an intset is scanned in one call");
    }
    if (size == 0) {
      return 0;
    }
    long mask = table.length - 1;
    for (Node n = table[(int) (cursor & mask)]; n != null; n = n.next) {
      visitor.accept(n.member);
    }
    cursor |= ~mask;
    cursor = Long.reverse(cursor);
    cursor++;
    return Long.reverse(cursor);
  }

  // ---- random members ----------------------------------------------------------------------

  /** A member picked uniformly at random; null if empty. */
  public byte[] random(RandomGenerator random) {
    if (size == 0) {
      return null;
    }
    if (ints != null) {
      return Numbers.toBytes(ints[random.nextInt(size)]);
    }
    return dense[random.nextInt(size)].member;
  }

  /** Removes and returns a member picked at random; null if empty. */
  public byte[] popRandom(RandomGenerator random) {
    if (size == 0) {
      return null;
    }
    if (ints != null) {
      int at = random.nextInt(size);
      long value = ints[at];
      removeIntAt(at);
      return Numbers.toBytes(value);
    }
    Node node = dense[random.nextInt(size)];
    remove(node.member);
    return node.member;
  }

  /**
   * {@code count} distinct members picked at random, {@code 0 < count < size}. Like Redis'
   * SRANDMEMBER, a large share of the set is drawn by shuffling a copy, a small one by repeated
   * draws that skip repeats.
   */
  public List<byte[]> randomDistinct(int count, RandomGenerator random) {
    if ((long) count * 3 > size) {
      List<byte[]> all = members();
      for (int i = 0; i < count; i++) {
        Collections.swap(all, i, i + random.nextInt(all.size() - i));
      }
      return new ArrayList<>(all.subList(0, count));
    }
    Set<Integer> picked = new HashSet<>(count * 2);
    List<byte[]> out = new ArrayList<>(count);
    while (out.size() < count) {
      int at = random.nextInt(size);
      if (picked.add(at)) {
        out.add(ints != null ? Numbers.toBytes(ints[at]) : dense[at].member);
      }
    }
    return out;
  }

  // ---- copies ------------------------------------------------------------------------------

  /** An independent copy with the same encoding (COPY, like Redis' setTypeDup). */
  public SetValue copy() {
    SetValue copy = new SetValue(ints != null);
    if (ints != null) {
      copy.ints = Arrays.copyOf(ints, Math.max(size, 4));
      copy.size = size;
    } else {
      forEach(copy::add);
    }
    return copy;
  }

  /** True if every member is an integer (a hash table can hold only integers after removals). */
  public boolean allIntegers() {
    if (ints != null) {
      return true;
    }
    for (Node head : table) {
      for (Node n = head; n != null; n = n.next) {
        if (!Numbers.isLong(n.member)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Encoding and members in byte order: a deterministic description for tests and dumps. */
  @Override
  public String toString() {
    List<byte[]> members = members();
    members.sort(Arrays::compareUnsigned);
    StringBuilder out = new StringBuilder("set:").append(encoding()).append('[');
    for (int i = 0; i < members.size(); i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append(new String(members.get(i), StandardCharsets.UTF_8));
    }
    return out.append(']').toString();
  }

  // ---- internals ---------------------------------------------------------------------------

  private void insertInt(int at, long value) {
    if (size == ints.length) {
      ints = Arrays.copyOf(ints, size * 2);
    }
    System.arraycopy(ints, at, ints, at + 1, size - at);
    ints[at] = value;
    size++;
  }

  private void removeIntAt(int at) {
    System.arraycopy(ints, at + 1, ints, at, size - at - 1);
    size--;
  }

  private void convertToTable() {
    long[] old = ints;
    int count = size;
    ints = null;
    int capacity = MIN_CAPACITY;
    while (capacity < count) {
      capacity <<= 1;
    }
    table = new Node[capacity];
    dense = new Node[capacity];
    size = 0;
    for (int i = 0; i < count; i++) {
      byte[] member = Numbers.toBytes(old[i]);
      insertNode(new Node(member, Dict.hash(member)));
    }
  }

  private Node find(byte[] member, int hash) {
    for (Node n = table[hash & (table.length - 1)]; n != null; n = n.next) {
      if (n.hash == hash && Arrays.equals(n.member, member)) {
        return n;
      }
    }
    return null;
  }

  private void insertNode(Node node) {
    elementBytes += Footprint.bytes(node.member.length);
    int index = node.hash & (table.length - 1);
    node.next = table[index];
    table[index] = node;
    if (size == dense.length) {
      dense = Arrays.copyOf(dense, size * 2);
    }
    node.slot = size;
    dense[size++] = node;
    if (size > table.length) {
      resize(table.length << 1);
    }
  }

  private void unlink(int index, Node previous, Node node) {
    if (previous == null) {
      table[index] = node.next;
    } else {
      previous.next = node.next;
    }
    node.next = null;
    elementBytes -= Footprint.bytes(node.member.length);
    Node last = dense[--size];
    dense[node.slot] = last;
    last.slot = node.slot;
    dense[size] = null;
    if (dense.length > MIN_CAPACITY && size < dense.length / 4) {
      dense = Arrays.copyOf(dense, dense.length / 2);
    }
    // Redis shrinks a dict below 10% fill; halving keeps the scan cursor guarantee.
    if (table.length > MIN_CAPACITY && (long) size * 10 < table.length) {
      int capacity = table.length;
      while (capacity > MIN_CAPACITY && (long) size * 2 < capacity) {
        capacity >>= 1;
      }
      resize(capacity);
    }
  }

  private void resize(int capacity) {
    Node[] next = new Node[capacity];
    for (Node head : table) {
      Node n = head;
      while (n != null) {
        Node following = n.next;
        int index = n.hash & (capacity - 1);
        n.next = next[index];
        next[index] = n;
        n = following;
      }
    }
    table = next;
  }
}
