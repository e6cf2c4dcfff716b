package io.redgrid.rdb;

import io.redgrid.command.family.ValueTypes;
import io.redgrid.keyspace.Database;
import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.Keyspace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a whole shard keyspace (all its dbs, non-empty ones only) as one RDB file, and loads one back. */
public final class KeyspaceRdb {
  private KeyspaceRdb() {}

  public static void write(Keyspace keyspace, OutputStream out, RdbOptions options, long ctimeSeconds,
      Map<String, String> extraAux) throws IOException {
    write(List.of(keyspace), out, options, ctimeSeconds, extraAux);
  }

  /**
   * Writes several shards as one RDB file (dump.rdb, the AOF base): for each database, the keys
   * of every shard, so the file reads like one Redis' dataset.
   */
  public static void write(List<Keyspace> shards, OutputStream out, RdbOptions options, long ctimeSeconds,
      Map<String, String> extraAux) throws IOException {
    RdbWriter writer = new RdbWriter(out, options);
    writer.header(ctimeSeconds, extraAux);
    // As rdbSaveRio: function libraries after the aux fields, before the databases.
    for (Keyspace shard : shards) {
      for (byte[] code : shard.functionLibraries()) {
        writer.function(code);
      }
    }
    int databases = shards.isEmpty() ? 0 : shards.get(0).databaseCount();
    try {
      for (int db = 0; db < databases; db++) {
        long size = 0;
        long volatileKeys = 0;
        for (Keyspace shard : shards) {
          size += shard.database(db).size();
          volatileKeys += shard.database(db).volatileCount();
        }
        if (size == 0) {
          continue;
        }
        writer.database(db, size, volatileKeys);
        for (Keyspace shard : shards) {
          shard.database(db).forEach(entry -> {
            try {
              writer.entry(entry.key(), entry.value(), entry.expireAt());
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    writer.finish();
    out.flush();
  }

  /**
   * Loads an RDB into the keyspace: keys expired at {@code now} are skipped (as a Redis master
   * does); keys already present are replaced. Returns the aux fields.
   */
  public static Map<String, String> load(InputStream in, Keyspace target, long now) throws IOException {
    return load(in, key -> target, now);
  }

  /**
   * Loads an RDB whose keys belong to several shards: {@code shardOf} gives each key's keyspace
   * (a Redis dump.rdb split by slot at import). Function libraries go to the keyspace of the
   * empty key, slot 0's: shard 0, which persists the node's libraries.
   */
  public static Map<String, String> load(InputStream in, java.util.function.Function<byte[], Keyspace> shardOf,
      long now) throws IOException {
    Map<String, String> aux = new LinkedHashMap<>();
    java.util.List<byte[]> functions = new java.util.ArrayList<>();
    try {
      RdbReader reader = new RdbReader(in);
      reader.read(new RdbVisitor() {
        @Override
        public void aux(String key, String value) {
          aux.put(key, value);
        }

        @Override
        public void function(byte[] code) {
          functions.add(code);
        }

        @Override
        public void entry(int db, byte[] key, Object value, long expireAt) {
          Keyspace target = shardOf.apply(key);
          if (db >= target.databaseCount()) {
            throw new UncheckedIOException(new RdbFormatException("Data file was created with a "
                + "Redis server configured to handle more than " + target.databaseCount()
                + " databases (key in db " + db + ")", reader.offset()));
          }
          if (expireAt != KeyEntry.NO_EXPIRY && expireAt < now) {
            return;
          }
          Database database = target.database(db);
          database.remove(key);
          database.put(key, value, expireAt).touch(now);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (!functions.isEmpty()) {
      shardOf.apply(new byte[0]).functionLibraries(functions);
    }
    return aux;
  }

  /**
   * An independent point-in-time copy of a keyspace (collections copied via
   * ValueTypes.duplicate; byte[] strings are immutable and shared), taken on the shard thread so
   * a background writer can serialize it while the shard goes on.
   */
  public static Keyspace copy(Keyspace keyspace) {
    Keyspace copy = new Keyspace(keyspace.shardId(), keyspace.databaseCount());
    copy.functionLibraries(keyspace.functionLibraries());
    for (int db = 0; db < keyspace.databaseCount(); db++) {
      Database target = copy.database(db);
      keyspace.database(db).forEach(entry -> {
        Object value = entry.value();
        Object copied = value instanceof byte[] ? value : ValueTypes.duplicate(value);
        target.put(entry.key(), copied, entry.expireAt()).touch(entry.lastAccess());
      });
    }
    return copy;
  }
}
