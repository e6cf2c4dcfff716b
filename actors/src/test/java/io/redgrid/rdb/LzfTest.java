package io.redgrid.rdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LzfTest {
  /** What redis 7.0.15's lzf_compress made of the string below (from its DUMP output). */
  private static final String REDIS_COMPRESSED =
      "0361626361e06b020e78797a2068656c6c6f20776f726c64e0010b016c64";
  private static final String ORIGINAL = "abcabcabcabcabc".repeat(8) + "xyz hello world hello world";

  @Test
  void decompressesRedisOutput() {
    byte[] compressed = HexFormat.of().parseHex(REDIS_COMPRESSED);
    byte[] plain = Lzf.decompress(compressed, 0, compressed.length, ORIGINAL.length());
    assertNotNull(plain);
    assertEquals(ORIGINAL, new String(plain, StandardCharsets.US_ASCII));
  }

  @Test
  void wrongLengthOrCorruptDataIsRejected() {
    byte[] compressed = HexFormat.of().parseHex(REDIS_COMPRESSED);
    assertNull(Lzf.decompress(compressed, 0, compressed.length, ORIGINAL.length() + 1));
    assertNull(Lzf.decompress(compressed, 0, compressed.length, ORIGINAL.length() - 1));
    // a back reference before the start of the output
    assertNull(Lzf.decompress(new byte[] {(byte) 0x20, 0x05}, 0, 2, 3));
    // a literal run longer than the input
    assertNull(Lzf.decompress(new byte[] {0x05, 'a'}, 0, 2, 6));
  }

  @Test
  void roundTripsCompressibleAndRandomData() {
    Random random = new Random(42);
    for (int size : new int[] {1, 2, 3, 21, 100, 264, 265, 1000, 9000, 70000}) {
      byte[] text = new byte[size];
      for (int i = 0; i < size; i++) {
        text[i] = (byte) "the quick brown fox ".charAt((random.nextInt(6) + i % 7) % 20);
      }
      roundTrip(text);
      byte[] noise = new byte[size];
      random.nextBytes(noise);
      roundTrip(noise);
      roundTrip(new byte[size]);
    }
  }

  @Test
  void longRunsUseLongMatchesAndFarDistancesStayInRange() {
    byte[] zeros = new byte[100_000];
    byte[] packed = Lzf.compress(zeros, zeros.length);
    assertNotNull(packed);
    assertTrue(packed.length < 2000, "100k zeros compress to " + packed.length);
    assertArrayEquals(zeros, Lzf.decompress(packed, 0, packed.length, zeros.length));
  }

  @Test
  void incompressibleDataDoesNotFitASmallerBuffer() {
    byte[] noise = new byte[64];
    new Random(7).nextBytes(noise);
    assertNull(Lzf.compress(noise, noise.length - 4));
    assertEquals(0, Lzf.compress(noise, noise.length, new byte[10]));
  }

  private static void roundTrip(byte[] data) {
    byte[] packed = Lzf.compress(data, data.length + data.length / 16 + 64);
    assertNotNull(packed);
    assertArrayEquals(data, Lzf.decompress(packed, 0, packed.length, data.length));
  }
}
