package io.redgrid.rdb;

import static io.redgrid.rdb.Samples.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redgrid.keyspace.KeyEntry;
import io.redgrid.keyspace.Keyspace;
import io.redgrid.keyspace.ListValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class KeyspaceRdbTest {
  private static byte[] write(Keyspace ks, RdbOptions options) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("redgrid-shard", "0");
    extra.put("repl-offset", "12345");
    KeyspaceRdb.write(ks, out, options, 1_700_000_000L, extra);
    return out.toByteArray();
  }

  private static Keyspace load(byte[] rdb, long now) throws IOException {
    Keyspace target = new Keyspace(0, 16);
    KeyspaceRdb.load(new ByteArrayInputStream(rdb), target, now);
    return target;
  }

  @Test
  void roundTripsEveryTypeAndEncodingAcrossDatabases() throws IOException {
    Keyspace source = Samples.keyspace();
    TreeMap<String, String> expected = Samples.contents(source);
    for (RdbOptions options : List.of(RdbOptions.DEFAULT, new RdbOptions(false, true),
        new RdbOptions(true, false), new RdbOptions(false, false))) {
      byte[] rdb = write(source, options);
      assertEquals(expected, Samples.contents(load(rdb, Samples.NOW)), options.toString());
    }
    // every encoding the samples meant to cover is there
    String all = expected.values().toString();
    for (String encoding : List.of("enc=int", "enc=embstr", "enc=raw", "enc=quicklist", "enc=intset",
        "set [1, a, b, xxxx", "enc=listpack", "enc=hashtable", "enc=skiplist")) {
      assertTrue(all.contains(encoding), encoding);
    }
  }

  @Test
  void compressionShrinksCompressibleStringsAndChecksumOffWritesZero() throws IOException {
    Keyspace source = Samples.keyspace();
    byte[] compressed = write(source, RdbOptions.DEFAULT);
    byte[] plain = write(source, new RdbOptions(false, true));
    assertTrue(compressed.length < plain.length / 2, compressed.length + " vs " + plain.length);
    byte[] unchecked = write(source, new RdbOptions(true, false));
    for (int i = unchecked.length - 8; i < unchecked.length; i++) {
      assertEquals(0, unchecked[i]);
    }
    assertEquals((byte) 0xff, unchecked[unchecked.length - 9]);
    long crc = 0;
    for (int i = 0; i < 8; i++) {
      crc |= (long) (compressed[compressed.length - 8 + i] & 0xff) << (8 * i);
    }
    assertEquals(Crc64.update(0, compressed, 0, compressed.length - 8), crc);
  }

  @Test
  void writerCountsItsBytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RdbWriter writer = new RdbWriter(out, RdbOptions.DEFAULT);
    writer.header(1, Map.of());
    writer.database(0, 1, 0);
    writer.entry(b("k"), b("v"), KeyEntry.NO_EXPIRY);
    writer.finish();
    assertEquals(out.size(), writer.bytesWritten());
  }

  @Test
  void headerHasRedisAuxFieldsThenTheExtraOnesInOrder() throws IOException {
    byte[] rdb = write(new Keyspace(0, 16), RdbOptions.DEFAULT);
    assertEquals("REDIS0010", new String(rdb, 0, 9, StandardCharsets.US_ASCII));
    Map<String, String> aux = KeyspaceRdb.load(new ByteArrayInputStream(rdb), new Keyspace(0, 16), 0);
    assertEquals(List.of("redis-ver", "redis-bits", "ctime", "used-mem", "aof-base", "redgrid-shard",
        "repl-offset"), new ArrayList<>(aux.keySet()));
    assertEquals("7.0.15", aux.get("redis-ver"));
    assertEquals("64", aux.get("redis-bits"));
    assertEquals("1700000000", aux.get("ctime"));
    assertEquals("0", aux.get("aof-base"));
    assertEquals("12345", aux.get("repl-offset"));
    // empty databases are not written: header, aux, EOF and checksum only
    assertFalse(contains(rdb, (byte) 0xfe));
  }

  @Test
  void loadSkipsExpiredKeysAndReplacesExistingOnes() throws IOException {
    Keyspace source = Samples.keyspace();
    byte[] rdb = write(source, RdbOptions.DEFAULT);
    Keyspace target = new Keyspace(0, 16);
    target.database(0).put(b("str:0"), b("old"), Samples.NOW + 999);
    target.database(3).put(b("untouched"), b("x"), KeyEntry.NO_EXPIRY);
    KeyspaceRdb.load(new ByteArrayInputStream(rdb), target, Samples.NOW + 6);
    // set:bigstrings expired at NOW+5, zset:widemember at NOW+1; the list at NOW+100000 lives
    assertNull(target.database(2).get(b("set:bigstrings")));
    assertNull(target.database(15).get(b("zset:widemember")));
    assertEquals(Samples.NOW + 100_000, target.database(1).get(b("list:large")).expireAt());
    KeyEntry replaced = target.database(0).get(b("str:0"));
    assertArrayEquals(b("hello"), (byte[]) replaced.value());
    assertEquals(KeyEntry.NO_EXPIRY, replaced.expireAt());
    assertEquals(0, target.database(2).volatileCount());
    assertEquals(1, target.database(3).size());
    assertEquals(Samples.NOW + 6, replaced.lastAccess());
  }

  @Test
  void aKeyInADatabaseBeyondTheKeyspaceIsAnError() throws IOException {
    Keyspace source = Samples.keyspace();
    byte[] rdb = write(source, RdbOptions.DEFAULT);
    RdbFormatException e = assertThrows(RdbFormatException.class,
        () -> KeyspaceRdb.load(new ByteArrayInputStream(rdb), new Keyspace(0, 4), 0));
    assertTrue(e.getMessage().contains("more than 4 databases"), e.getMessage());
  }

  @Test
  void copyIsIndependentButSharesStrings() {
    Keyspace source = Samples.keyspace();
    Keyspace copy = KeyspaceRdb.copy(source);
    assertEquals(Samples.contents(source), Samples.contents(copy));
    assertSame(source.database(0).get(b("str:0")).value(), copy.database(0).get(b("str:0")).value());
    ListValue original = (ListValue) source.database(1).get(b("list:small")).value();
    ListValue copied = (ListValue) copy.database(1).get(b("list:small")).value();
    assertNotSame(original, copied);
    original.addLast(b("added later"));
    source.database(0).remove(b("str:1"));
    assertEquals(7, copied.size());
    assertTrue(copy.database(0).get(b("str:1")) != null);
    assertEquals(source.database(2).volatileCount(), copy.database(2).volatileCount());
  }

  // ---- encodings Redis 7.0 no longer writes -------------------------------------------------

  @Test
  void readsOldEncodingsHandBuilt() throws IOException {
    byte[] rdb = RdbBytes.file(6)
        .op(Rdb.OPCODE_SELECTDB).len(0)
        .op(Rdb.TYPE_LIST_ZIPLIST).str("zl").str(RdbBytes.ziplist("a", 5L, -100L, 1000L, -70000L,
            5_000_000L, 123456789012L, 12L, 0L, "b".repeat(100), "c".repeat(20000)))
        .op(Rdb.TYPE_HASH_ZIPMAP).str("zm").str(RdbBytes.zipmap("f1", "v1", "f2", "x".repeat(300)))
        .op(Rdb.TYPE_SET_INTSET).str("is16").str(RdbBytes.intset(2, -5, 7, 300))
        .op(Rdb.TYPE_SET_INTSET).str("is64").str(RdbBytes.intset(8, Long.MIN_VALUE, 0, Long.MAX_VALUE))
        .op(Rdb.TYPE_ZSET).str("zs").len(3).str("a").op(3).raw(b("1.5")).str("b").op(255)
        .str("c").op(254)
        .op(Rdb.TYPE_ZSET_ZIPLIST).str("zz").str(RdbBytes.ziplist("x", 2L, "y", "-0.25"))
        .op(Rdb.TYPE_HASH_ZIPLIST).str("hz").str(RdbBytes.ziplist("k", "v", "n", 42L))
        .op(Rdb.OPCODE_EXPIRETIME).le(2_000_000_000L, 4)
        .op(Rdb.TYPE_LIST_QUICKLIST).str("ql").len(2).str(RdbBytes.ziplist("1", "2"))
        .str(RdbBytes.ziplist(3L, "four"))
        .op(Rdb.OPCODE_SELECTDB).len(5)
        .op(Rdb.OPCODE_IDLE).len(100).op(Rdb.OPCODE_FREQ).op(7)
        .op(Rdb.TYPE_SET_LISTPACK).str("sl").str(RdbBytes.listpack("m", 1L, -4000L, 30000L,
            -8_000_000L, 2_000_000_000L, -5_000_000_000L, "n".repeat(100)))
        .op(Rdb.TYPE_ZSET_LISTPACK).str("zl2").str(RdbBytes.listpack("a", 1L, "b", "2.5"))
        .op(Rdb.TYPE_HASH_LISTPACK).str("hl").str(RdbBytes.listpack("f", "v", "g", 127L))
        .op(Rdb.TYPE_LIST_QUICKLIST_2).str("ql2").len(3).len(2).str(RdbBytes.listpack("a", 1L))
        .len(1).str("plain node").len(2).str(RdbBytes.listpack())
        .finish(true);
    Map<String, String> seen = new TreeMap<>();
    List<Long> expiries = new ArrayList<>();
    new RdbReader(new ByteArrayInputStream(rdb)).read((db, key, value, expireAt) -> {
      seen.put(db + ":" + new String(key, StandardCharsets.UTF_8), Canonical.describe(value));
      expiries.add(expireAt);
    });
    assertEquals("list [a, 5, -100, 1000, -70000, 5000000, 123456789012, 12, 0, " + "b".repeat(100)
        + ", " + "c".repeat(20000) + "]", seen.get("0:zl"));
    assertEquals("hash {f1=v1, f2=" + "x".repeat(300) + "}", seen.get("0:zm"));
    assertEquals("set [-5, 300, 7]", seen.get("0:is16"));
    assertEquals("set [-9223372036854775808, 0, 9223372036854775807]", seen.get("0:is64"));
    assertEquals("zset [b=-Infinity, a=1.5, c=Infinity]", seen.get("0:zs"));
    assertEquals("zset [y=-0.25, x=2.0]", seen.get("0:zz"));
    assertEquals("hash {k=v, n=42}", seen.get("0:hz"));
    assertEquals("list [1, 2, 3, four]", seen.get("0:ql"));
    assertEquals("set [-4000, -5000000000, -8000000, 1, 2000000000, 30000, m, " + "n".repeat(100) + "]",
        seen.get("5:sl"));
    assertEquals("zset [a=1.0, b=2.5]", seen.get("5:zl2"));
    assertEquals("hash {f=v, g=127}", seen.get("5:hl"));
    assertEquals("list [a, 1, plain node]", seen.get("5:ql2"));
    assertEquals(12, seen.size());
    // only the quicklist had an expiry (seconds, converted to ms)
    assertEquals(2_000_000_000_000L, expiries.get(7));
    assertEquals(11, expiries.stream().filter(e -> e == KeyEntry.NO_EXPIRY).count());
  }

  @Test
  void versionsOneToTenAreReadAndOldOnesHaveNoChecksum() throws IOException {
    byte[] v4 = RdbBytes.file(4).op(Rdb.OPCODE_SELECTDB).len(0).op(0).str("k").str("v").op(0xff).bytes();
    List<String> keys = new ArrayList<>();
    new RdbReader(new ByteArrayInputStream(v4)).read((db, k, v, e) -> keys.add(new String(k)));
    assertEquals(List.of("k"), keys);
  }

  // ---- errors -------------------------------------------------------------------------------

  @Test
  void refusesNewerVersionsAndForeignFiles() {
    assertEquals("Can't handle RDB format version 11 (at byte 5)",
        readError(RdbBytes.file(11).finish(true)).getMessage());
    assertEquals("Can't handle RDB format version 0 (at byte 5)",
        readError(RdbBytes.file(0).finish(true)).getMessage());
    assertTrue(readError(b("NOTREDIS0010")).getMessage().startsWith("Wrong signature"));
  }

  @Test
  void checksumMismatchNamesTheOffset() throws IOException {
    byte[] rdb = write(Samples.keyspace(), RdbOptions.DEFAULT);
    rdb[rdb.length - 100] ^= 0x01;
    RdbFormatException e = readError(rdb);
    // a flipped bit may break the value decoding first; either way it is refused
    assertTrue(e.getMessage().startsWith("Wrong RDB checksum") || e.offset() <= rdb.length, e.getMessage());
    byte[] good = write(Samples.keyspace(), RdbOptions.DEFAULT);
    good[good.length - 1] ^= 0x01;
    RdbFormatException bad = readError(good);
    assertTrue(bad.getMessage().startsWith("Wrong RDB checksum expected: ("), bad.getMessage());
    assertEquals(good.length - 8, bad.offset());
  }

  @Test
  void truncatedFileIsAnErrorAtItsEnd() throws IOException {
    byte[] rdb = write(Samples.keyspace(), RdbOptions.DEFAULT);
    byte[] cut = java.util.Arrays.copyOf(rdb, rdb.length / 2);
    RdbFormatException e = readError(cut);
    assertTrue(e.getMessage().startsWith("Unexpected EOF reading RDB file"), e.getMessage());
    assertEquals(cut.length, e.offset());
  }

  @Test
  void unsupportedTypesAndOpcodesAreRefusedClearly() {
    assertEquals("RDB type 19 (stream) is not supported by RedGrid (at byte 12)",
        readError(RdbBytes.file(10).op(19).str("s").finish(true)).getMessage());
    assertEquals("RDB type 15 (stream) is not supported by RedGrid (at byte 12)",
        readError(RdbBytes.file(10).op(15).str("s").finish(true)).getMessage());
    assertEquals("RDB type 7 (module) is not supported by RedGrid (at byte 12)",
        readError(RdbBytes.file(10).op(7).str("m").finish(true)).getMessage());
    assertTrue(readError(RdbBytes.file(10).op(247).finish(true)).getMessage()
        .startsWith("RDB module auxiliary data (opcode 247) is not supported"));
    // Redis 7.0 release candidates' function records (opcode 246) are read, as 7.0 does; a
    // broken one names the field
    assertTrue(readError(RdbBytes.file(10).op(246).finish(true)).getMessage()
        .startsWith("Failed loading library"));
    assertTrue(readError(RdbBytes.file(10).op(8).str("k").finish(true)).getMessage()
        .startsWith("Unknown RDB encoding type 8"));
  }

  @Test
  void corruptPackedValuesAreFormatErrors() {
    byte[] zl = RdbBytes.ziplist("a", "b");
    zl[zl.length - 1] = 0;
    RdbFormatException e = readError(RdbBytes.file(10).op(Rdb.TYPE_LIST_ZIPLIST).str("k").str(zl)
        .finish(true));
    assertTrue(e.getMessage().startsWith("Corrupt packed value: ziplist without end marker"), e.getMessage());
    assertEquals(12, e.offset());
    byte[] badLzf = RdbBytes.file(10).op(0).str("k").op(0xc3).len(3).len(10).raw(new byte[] {5, 'a', 'b'})
        .finish(true);
    assertTrue(readError(badLzf).getMessage().startsWith("Invalid LZF compressed string"));
    assertTrue(readError(RdbBytes.file(10).op(Rdb.TYPE_ZSET_2).str("z").len(2).str("a").le(0, 8).str("a")
        .le(0, 8).finish(true)).getMessage().startsWith("Duplicate zset fields detected"));
  }

  @Test
  void functionsAreHandedToTheVisitor() throws IOException {
    byte[] rdb = RdbBytes.file(10).op(Rdb.OPCODE_FUNCTION2).str("#!lua name=lib\nreturn 1").finish(true);
    List<String> code = new ArrayList<>();
    new RdbReader(new ByteArrayInputStream(rdb)).read(new RdbVisitor() {
      @Override
      public void entry(int db, byte[] key, Object value, long expireAt) {}

      @Override
      public void function(byte[] c) {
        code.add(new String(c, StandardCharsets.UTF_8));
      }
    });
    assertEquals(List.of("#!lua name=lib\nreturn 1"), code);
  }

  private static RdbFormatException readError(byte[] rdb) {
    return assertThrows(RdbFormatException.class,
        () -> new RdbReader(new ByteArrayInputStream(rdb)).read((db, k, v, e) -> {}));
  }

  private static boolean contains(byte[] haystack, byte b) {
    for (int i = 9; i < haystack.length - 9; i++) {
      if (haystack[i] == b) {
        return true;
      }
    }
    return false;
  }
}
