package io.redgrid.keyspace;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A sorted set: Redis' zskiplist (levels with span counts, so rank lookups are O(log n)) ordered
 * by score then by member bytes (unsigned memcmp), plus a chained hash table from member to
 * skiplist node. The node is the hash chain entry too, so each member costs one object.
 *
 * <p>The hash table walks buckets with Redis' reverse-binary cursor for ZSCAN. The encoding Redis
 * would report ({@code listpack} or {@code skiplist}) is tracked as a flag with Redis 7.0's rules.
 */
public final class SortedSetValue {
  /** Redis' zset-max-listpack-entries default. */
  public static final int LISTPACK_MAX_ENTRIES = 128;
  /** Redis' zset-max-listpack-value default. */
  public static final int LISTPACK_MAX_VALUE = 64;

  private static final int MAX_LEVEL = 32;
  private static final int MIN_BUCKETS = 4;

  /** One member: a skiplist node and a hash chain entry. */
  public static final class Node {
    private final byte[] member;
    private final int hash;
    private double score;
    private final Node[] forward;
    private final long[] span;
    private Node backward;
    private Node nextInBucket;

    private Node(byte[] member, int hash, double score, int level) {
      this.member = member;
      this.hash = hash;
      this.score = score;
      this.forward = new Node[level];
      this.span = new long[level];
    }

    public byte[] member() {
      return member;
    }

    public double score() {
      return score;
    }

    /** The next node in ascending order, or null. */
    public Node next() {
      return forward[0];
    }

    /** The previous node in ascending order, or null. */
    public Node previous() {
      return backward;
    }
  }

  private final Node header = new Node(null, 0, 0, MAX_LEVEL);
  private Node tail;
  private int level = 1;
  private int size;
  private Node[] buckets = new Node[MIN_BUCKETS];
  private boolean listpack;
  /** Heap bytes of the nodes (with their level arrays) and member arrays. */
  private long elementBytes;

  /** An empty set encoded as Redis' zsetTypeCreate would for this many members of this length. */
  public SortedSetValue(long sizeHint, long maxMemberLength) {
    this.listpack = sizeHint <= LISTPACK_MAX_ENTRIES && maxMemberLength <= LISTPACK_MAX_VALUE;
  }

  /** An empty set in the listpack encoding. */
  public SortedSetValue() {
    this(0, 0);
  }

  /** Estimated heap bytes of this sorted set (see {@link Footprint}), in O(1). */
  public long footprint() {
    return HEADER_BYTES + Footprint.refs(buckets.length) + elementBytes;
  }

  /** The set object and its MAX_LEVEL header node. */
  private static final long HEADER_BYTES =
      Footprint.align(12 + 4 * 4 + 4 + 4 + 1 + 8) + nodeBytes(MAX_LEVEL);

  private static long nodeBytes(int level) {
    return 48 + Footprint.refs(level) + Footprint.longs(level);
  }

  /** The running element bytes and a walk recomputing them, for tests of the accounting. */
  long[] elementBytesCheck() {
    long walked = 0;
    for (Node x = header.forward[0]; x != null; x = x.forward[0]) {
      walked += nodeBytes(x.forward.length) + Footprint.bytes(x.member.length);
    }
    return new long[] {elementBytes, walked};
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** True while Redis would keep this set as a listpack. */
  public boolean isListpack() {
    return listpack;
  }

  /** OBJECT ENCODING of this set. */
  public String encoding() {
    return listpack ? "listpack" : "skiplist";
  }

  /**
   * Re-encodes as a listpack when small enough, as Redis does for the results of ZUNIONSTORE
   * and friends (zsetConvertToListpackIfNeeded).
   */
  public void shrinkEncodingIfSmall() {
    if (listpack || size > LISTPACK_MAX_ENTRIES) {
      return;
    }
    for (Node x = header.forward[0]; x != null; x = x.forward[0]) {
      if (x.member.length > LISTPACK_MAX_VALUE) {
        return;
      }
    }
    listpack = true;
    for (Node x = header.forward[0]; x != null; x = x.forward[0]) {
      x.score = listpackScore(x.score);
    }
  }

  /**
   * Switches to the skiplist encoding, as Redis' SORT does to any sorted set it reads
   * (zsetConvert to OBJ_ENCODING_SKIPLIST); only the reported encoding changes.
   */
  public void convertToSkiplist() {
    listpack = false;
  }

  /** A listpack stores scores as text that cannot keep the sign of zero. */
  private double listpackScore(double score) {
    return listpack && score == 0 ? 0.0 : score;
  }

  // ---- lookups -------------------------------------------------------------------------------

  /** The node of {@code member}, or null. */
  public Node get(byte[] member) {
    int h = hash(member);
    for (Node n = buckets[h & (buckets.length - 1)]; n != null; n = n.nextInBucket) {
      if (n.hash == h && Arrays.equals(n.member, member)) {
        return n;
      }
    }
    return null;
  }

  public Node first() {
    return header.forward[0];
  }

  public Node last() {
    return tail;
  }

  /** The node at 0-based rank {@code rank} in ascending order, or null if out of range. */
  public Node byRank(long rank) {
    if (rank < 0 || rank >= size) {
      return null;
    }
    long target = rank + 1;
    long traversed = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward[i] != null && traversed + x.span[i] <= target) {
        traversed += x.span[i];
        x = x.forward[i];
      }
      if (traversed == target) {
        return x;
      }
    }
    return null;
  }

  /** The 0-based ascending rank of a node of this set. */
  public long rank(Node node) {
    long rank = 0;
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward[i] != null && compare(x.forward[i], node.score, node.member) <= 0) {
        rank += x.span[i];
        x = x.forward[i];
      }
      if (x == node) {
        return rank - 1;
      }
    }
    throw new IllegalStateException("node not in this set");
  }

  /**
   * The first node for which {@code below} is false; {@code below} must hold for a prefix of
   * the order (e.g. "score is under the range's minimum"). Null if there is none.
   */
  public Node firstNotBelow(Predicate<Node> below) {
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward[i] != null && below.test(x.forward[i])) {
        x = x.forward[i];
      }
    }
    return x.forward[0];
  }

  /**
   * The last node for which {@code notAbove} holds; it must hold for a prefix of the order (e.g.
   * "score is within the range's maximum"). Null if there is none.
   */
  public Node lastNotAbove(Predicate<Node> notAbove) {
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward[i] != null && notAbove.test(x.forward[i])) {
        x = x.forward[i];
      }
    }
    return x == header ? null : x;
  }

  // ---- changes -------------------------------------------------------------------------------

  /** Inserts a member known to be absent; the set keeps the member array. */
  public Node insert(byte[] member, double score) {
    if (listpack && (size + 1 > LISTPACK_MAX_ENTRIES || member.length > LISTPACK_MAX_VALUE)) {
      listpack = false;
    }
    score = listpackScore(score);
    Node[] update = new Node[MAX_LEVEL];
    long[] rank = new long[MAX_LEVEL];
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      rank[i] = i == level - 1 ? 0 : rank[i + 1];
      while (x.forward[i] != null && compare(x.forward[i], score, member) < 0) {
        rank[i] += x.span[i];
        x = x.forward[i];
      }
      update[i] = x;
    }
    int nodeLevel = randomLevel();
    if (nodeLevel > level) {
      for (int i = level; i < nodeLevel; i++) {
        rank[i] = 0;
        update[i] = header;
        update[i].span[i] = size;
      }
      level = nodeLevel;
    }
    Node node = new Node(member, hash(member), score, nodeLevel);
    for (int i = 0; i < nodeLevel; i++) {
      node.forward[i] = update[i].forward[i];
      update[i].forward[i] = node;
      node.span[i] = update[i].span[i] - (rank[0] - rank[i]);
      update[i].span[i] = (rank[0] - rank[i]) + 1;
    }
    for (int i = nodeLevel; i < level; i++) {
      update[i].span[i]++;
    }
    node.backward = update[0] == header ? null : update[0];
    if (node.forward[0] != null) {
      node.forward[0].backward = node;
    } else {
      tail = node;
    }
    size++;
    elementBytes += nodeBytes(nodeLevel) + Footprint.bytes(member.length);
    addToBuckets(node);
    return node;
  }

  /** Adds or re-scores a member: true if it was added. */
  public boolean put(byte[] member, double score) {
    Node node = get(member);
    if (node == null) {
      insert(member, score);
      return true;
    }
    updateScore(node, score);
    return false;
  }

  /** Changes the score of a node of this set, moving it only if its position changes. */
  public Node updateScore(Node node, double score) {
    score = listpackScore(score);
    Node previous = node.backward;
    Node next = node.forward[0];
    if ((previous == null || compare(previous, score, node.member) < 0)
        && (next == null || compare(next, score, node.member) > 0)) {
      node.score = score;
      return node;
    }
    unlink(node);
    Node moved = insert(node.member, score);
    return moved;
  }

  /** Removes a member: false if absent. */
  public boolean remove(byte[] member) {
    Node node = get(member);
    if (node == null) {
      return false;
    }
    unlink(node);
    return true;
  }

  /** Removes a node of this set. */
  public void remove(Node node) {
    unlink(node);
  }

  private void unlink(Node node) {
    Node[] update = new Node[MAX_LEVEL];
    Node x = header;
    for (int i = level - 1; i >= 0; i--) {
      while (x.forward[i] != null && compare(x.forward[i], node.score, node.member) < 0) {
        x = x.forward[i];
      }
      update[i] = x;
    }
    for (int i = 0; i < level; i++) {
      if (update[i].forward[i] == node) {
        update[i].span[i] += node.span[i] - 1;
        update[i].forward[i] = node.forward[i];
      } else {
        update[i].span[i] -= 1;
      }
    }
    if (node.forward[0] != null) {
      node.forward[0].backward = node.backward;
    } else {
      tail = node.backward;
    }
    while (level > 1 && header.forward[level - 1] == null) {
      level--;
    }
    size--;
    elementBytes -= nodeBytes(node.forward.length) + Footprint.bytes(node.member.length);
    removeFromBuckets(node);
  }

  /** An independent copy with the same members, scores and encoding (COPY). */
  public SortedSetValue copy() {
    SortedSetValue copy = new SortedSetValue();
    copy.listpack = listpack;
    for (Node x = header.forward[0]; x != null; x = x.forward[0]) {
      copy.insert(x.member, x.score);
    }
    copy.listpack = listpack;
    return copy;
  }

  // ---- hash table ----------------------------------------------------------------------------

  /**
   * Visits the bucket at {@code cursor} and returns the next cursor, 0 when complete: Redis'
   * dictScan, so members present for the whole scan are returned even if the table resizes.
   */
  public long scan(long cursor, Consumer<Node> visitor) {
    if (size == 0) {
      return 0;
    }
    long mask = buckets.length - 1;
    for (Node n = buckets[(int) (cursor & mask)]; n != null; n = n.nextInBucket) {
      visitor.accept(n);
    }
    cursor |= ~mask;
    cursor = Long.reverse(cursor);
    cursor++;
    return Long.reverse(cursor);
  }

  private static int hash(byte[] member) {
    return Dict.hash(member);
  }

  private void addToBuckets(Node node) {
    int index = node.hash & (buckets.length - 1);
    node.nextInBucket = buckets[index];
    buckets[index] = node;
    if (size > buckets.length) {
      rehash(buckets.length << 1);
    }
  }

  private void removeFromBuckets(Node node) {
    int index = node.hash & (buckets.length - 1);
    Node previous = null;
    for (Node n = buckets[index]; n != null; previous = n, n = n.nextInBucket) {
      if (n == node) {
        if (previous == null) {
          buckets[index] = n.nextInBucket;
        } else {
          previous.nextInBucket = n.nextInBucket;
        }
        n.nextInBucket = null;
        break;
      }
    }
    if (buckets.length > MIN_BUCKETS && size < buckets.length / 8) {
      rehash(buckets.length >> 1);
    }
  }

  private void rehash(int capacity) {
    Node[] next = new Node[capacity];
    for (Node head : buckets) {
      Node n = head;
      while (n != null) {
        Node following = n.nextInBucket;
        int index = n.hash & (capacity - 1);
        n.nextInBucket = next[index];
        next[index] = n;
        n = following;
      }
    }
    buckets = next;
  }

  // ---- order ---------------------------------------------------------------------------------

  /** Orders a node against (score, member): by score, then member bytes unsigned. */
  private static int compare(Node node, double score, byte[] member) {
    if (node.score < score) {
      return -1;
    }
    if (node.score > score) {
      return 1;
    }
    return Arrays.compareUnsigned(node.member, member);
  }

  private static int randomLevel() {
    int level = 1;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    // Redis' ZSKIPLIST_P = 0.25.
    while (level < MAX_LEVEL && (random.nextInt() & 0xFFFF) < 0xFFFF / 4) {
      level++;
    }
    return level;
  }

  /** Lists the members in order with their scores, e.g. {@code zset[a=1, b=2.5]}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("zset[");
    for (Node x = header.forward[0]; x != null; x = x.forward[0]) {
      if (x != header.forward[0]) {
        out.append(", ");
      }
      out.append(new String(x.member, StandardCharsets.UTF_8)).append('=').append(x.score);
    }
    return out.append(']').toString();
  }
}
