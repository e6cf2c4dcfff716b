package io.redgrid.keyspace;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Redis list: a circular array of byte[] elements, O(1) push and pop at both ends and O(1)
 * access by index; inserting or removing in the middle shifts the shorter side.
 *
 * <p>Elements are stored as given (not copied): callers hand over argument arrays they no
 * longer change, and never mutate an element they read.
 */
public final class ListValue {
  private static final int MIN_CAPACITY = 8;
  private static final byte[][] EMPTY = new byte[0][];

  private byte[][] items;
  private int head;
  private int size;
  /** Heap bytes of the element arrays, kept as elements come and go. */
  private long elementBytes;

  public ListValue() {
    this.items = EMPTY;
  }

  private ListValue(int capacity) {
    this.items = capacity == 0 ? EMPTY : new byte[capacity][];
  }

  /** Estimated heap bytes of this list (see {@link Footprint}), in O(1). */
  public long footprint() {
    return 32 + (items == EMPTY ? 0 : Footprint.refs(items.length)) + elementBytes;
  }

  /** The running element bytes and a walk recomputing them, for tests of the accounting. */
  long[] elementBytesCheck() {
    long walked = 0;
    for (int i = 0; i < size; i++) {
      walked += Footprint.bytes(get(i).length);
    }
    return new long[] {elementBytes, walked};
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The element at {@code index} (0 = head); the caller checks the bounds. */
  public byte[] get(int index) {
    return items[slot(index)];
  }

  public void set(int index, byte[] element) {
    int at = slot(index);
    elementBytes += Footprint.bytes(element.length) - Footprint.bytes(items[at].length);
    items[at] = element;
  }

  public void addFirst(byte[] element) {
    ensureCapacity(size + 1);
    head = head == 0 ? items.length - 1 : head - 1;
    items[head] = element;
    elementBytes += Footprint.bytes(element.length);
    size++;
  }

  public void addLast(byte[] element) {
    ensureCapacity(size + 1);
    items[slot(size)] = element;
    elementBytes += Footprint.bytes(element.length);
    size++;
  }

  /** Removes and returns the head element, or null if empty. */
  public byte[] removeFirst() {
    if (size == 0) {
      return null;
    }
    byte[] element = items[head];
    items[head] = null;
    elementBytes -= Footprint.bytes(element.length);
    head = head + 1 == items.length ? 0 : head + 1;
    size--;
    shrinkIfSparse();
    return element;
  }

  /** Removes and returns the tail element, or null if empty. */
  public byte[] removeLast() {
    if (size == 0) {
      return null;
    }
    int last = slot(size - 1);
    byte[] element = items[last];
    items[last] = null;
    elementBytes -= Footprint.bytes(element.length);
    size--;
    shrinkIfSparse();
    return element;
  }

  /** Inserts {@code element} so that it ends up at {@code index} (0..size), moving the shorter side. */
  public void insert(int index, byte[] element) {
    if (index == 0) {
      addFirst(element);
      return;
    }
    if (index == size) {
      addLast(element);
      return;
    }
    ensureCapacity(size + 1);
    if (index < size / 2) {
      head = head == 0 ? items.length - 1 : head - 1;
      for (int i = 0; i < index; i++) {
        items[slot(i)] = items[slot(i + 1)];
      }
    } else {
      for (int i = size; i > index; i--) {
        items[slot(i)] = items[slot(i - 1)];
      }
    }
    items[slot(index)] = element;
    elementBytes += Footprint.bytes(element.length);
    size++;
  }

  /** Index of the first element equal to {@code element} from the head, or -1. */
  public int indexOf(byte[] element) {
    for (int i = 0; i < size; i++) {
      if (Arrays.equals(items[slot(i)], element)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Removes up to {@code limit} elements equal to {@code element} (0 = all), scanning from the
   * head or from the tail; returns how many went. One pass, compacting in place.
   */
  public int removeMatching(byte[] element, long limit, boolean fromTail) {
    int removed = 0;
    if (!fromTail) {
      int write = 0;
      for (int read = 0; read < size; read++) {
        byte[] item = items[slot(read)];
        if ((limit == 0 || removed < limit) && Arrays.equals(item, element)) {
          elementBytes -= Footprint.bytes(item.length);
          removed++;
        } else {
          items[slot(write++)] = item;
        }
      }
      for (int i = write; i < size; i++) {
        items[slot(i)] = null;
      }
      size = write;
    } else {
      int write = size - 1;
      for (int read = size - 1; read >= 0; read--) {
        byte[] item = items[slot(read)];
        if ((limit == 0 || removed < limit) && Arrays.equals(item, element)) {
          elementBytes -= Footprint.bytes(item.length);
          removed++;
        } else {
          items[slot(write--)] = item;
        }
      }
      for (int i = 0; i <= write; i++) {
        items[slot(i)] = null;
      }
      head = slot(write + 1);
      size -= removed;
      if (size == 0) {
        head = 0;
      }
    }
    if (removed > 0) {
      shrinkIfSparse();
    }
    return removed;
  }

  /** Drops {@code fromHead} elements at the head and {@code fromTail} at the tail. */
  public void trim(int fromHead, int fromTail) {
    if (fromHead + fromTail >= size) {
      clear();
      return;
    }
    for (int i = 0; i < fromHead; i++) {
      elementBytes -= Footprint.bytes(items[slot(i)].length);
      items[slot(i)] = null;
    }
    for (int i = size - fromTail; i < size; i++) {
      elementBytes -= Footprint.bytes(items[slot(i)].length);
      items[slot(i)] = null;
    }
    head = slot(fromHead);
    size -= fromHead + fromTail;
    shrinkIfSparse();
  }

  public void clear() {
    items = EMPTY;
    head = 0;
    size = 0;
    elementBytes = 0;
  }

  /** An independent list with the same elements (elements are immutable, so shared). */
  public ListValue copy() {
    ListValue copy = new ListValue(size);
    for (int i = 0; i < size; i++) {
      copy.items[i] = items[slot(i)];
    }
    copy.size = size;
    copy.elementBytes = elementBytes;
    return copy;
  }

  private int slot(int index) {
    int slot = head + index;
    return slot >= items.length ? slot - items.length : slot;
  }

  private void ensureCapacity(int needed) {
    if (needed <= items.length) {
      return;
    }
    int capacity = Math.max(MIN_CAPACITY, items.length + (items.length >> 1));
    if (capacity < needed) {
      capacity = needed;
    }
    resize(capacity);
  }

  /** Gives memory back when a popped-down list uses under a quarter of its array. */
  private void shrinkIfSparse() {
    if (size == 0) {
      clear();
    } else if (items.length > 64 && size < items.length / 4) {
      resize(items.length / 2);
    }
  }

  private void resize(int capacity) {
    byte[][] grown = new byte[capacity][];
    for (int i = 0; i < size; i++) {
      grown[i] = items[slot(i)];
    }
    items = grown;
    head = 0;
  }

  /** The elements head to tail, for dumps and test failures: {@code list[a, b]}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("list[");
    for (int i = 0; i < size; i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append(new String(items[slot(i)], StandardCharsets.UTF_8));
    }
    return out.append(']').toString();
  }
}
