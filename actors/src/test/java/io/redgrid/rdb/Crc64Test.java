package io.redgrid.rdb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Crc64Test {
  @Test
  void redisTestVector() {
    // crc64.c's own test: crc64(0, "123456789", 9) == 0xe9c6d914c4b8d9ca
    assertEquals(0xe9c6d914c4b8d9caL, Crc64.of("123456789".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void incrementalEqualsWholeAndByteWise() {
    byte[] data = "This is a test of the emergency broadcast system.".getBytes(StandardCharsets.US_ASCII);
    long whole = Crc64.of(data);
    long parts = Crc64.update(Crc64.update(0, data, 0, 10), data, 10, data.length - 10);
    long bytes = 0;
    for (byte b : data) {
      bytes = Crc64.update(bytes, b);
    }
    assertEquals(whole, parts);
    assertEquals(whole, bytes);
  }

  @Test
  void checksumOfARealRedisDumpPayload() {
    // DUMP of SET k v on redis 7.0.15: 00 01 'v' 0a00 + crc64 LE of the first 5 bytes
    byte[] payload = HexFormat.of().parseHex("000176" + "0a00" + "91 08 ce b2 19 38 8a ce".replace(" ", ""));
    long stored = 0;
    for (int i = 0; i < 8; i++) {
      stored |= (long) (payload[5 + i] & 0xff) << (8 * i);
    }
    assertEquals(stored, Crc64.update(0, payload, 0, 5));
  }
}
