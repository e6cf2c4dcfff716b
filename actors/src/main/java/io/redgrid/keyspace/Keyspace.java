package io.redgrid.keyspace;

/**
 * The data of one shard: its slice of every numbered database.
 *
 * <p>Mutable on purpose, like Redis' own dicts: copying a keyspace per write is not an option.
 * Only the owning shard actor touches it, or a coordinator while it holds that shard's lock.
 */
public final class Keyspace {
  private final int shardId;
  private Database[] databases;
  /** Function library codes this keyspace carries in its RDB form (shard 0's snapshots, dump files). */
  private java.util.List<byte[]> functionLibraries = java.util.List.of();

  public Keyspace(int shardId, int databaseCount) {
    this.shardId = shardId;
    this.databases = new Database[databaseCount];
    for (int i = 0; i < databaseCount; i++) {
      databases[i] = new Database();
    }
  }

  /** This keyspace's databases under another shard id (a snapshot loaded from a file). */
  public Keyspace withShardId(int id) {
    Keyspace relabelled = new Keyspace(id, 0);
    relabelled.databases = databases;
    relabelled.functionLibraries = functionLibraries;
    return relabelled;
  }

  public int shardId() {
    return shardId;
  }

  public int databaseCount() {
    return databases.length;
  }

  public Database database(int index) {
    return databases[index];
  }

  public long keyCount() {
    long total = 0;
    for (Database db : databases) {
      total += db.size();
    }
    return total;
  }

  /** Estimated heap bytes of this shard's data: the sum of its databases' running totals. */
  public long usedMemory() {
    long total = 0;
    for (Database db : databases) {
      total += db.usedMemory();
    }
    return total;
  }

  /** Library codes read from or to be written to an RDB file (opcode 245); empty by default. */
  public java.util.List<byte[]> functionLibraries() {
    return functionLibraries;
  }

  public void functionLibraries(java.util.List<byte[]> codes) {
    this.functionLibraries = java.util.List.copyOf(codes);
  }

  public void swap(int first, int second) {
    Database kept = databases[first];
    databases[first] = databases[second];
    databases[second] = kept;
  }

  public void flushAll() {
    for (Database db : databases) {
      db.clear();
    }
  }
}
