package io.redgrid.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {
  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource(delimiter = '|', value = {
      "*|anything|true",
      "*|''|true",
      "h?llo|hello|true",
      "h?llo|hllo|false",
      "h*llo|heeeello|true",
      "h*llo|hllo|true",
      "h[ae]llo|hallo|true",
      "h[ae]llo|hillo|false",
      "h[^e]llo|hallo|true",
      "h[^e]llo|hello|false",
      "h[a-b]llo|hbllo|true",
      "h[b-a]llo|hbllo|true",
      "h[a-b]llo|hcllo|false",
      "h\\*llo|h*llo|true",
      "h\\*llo|hello|false",
      "user:*:name|user:42:name|true",
      "user:*:name|user:42:age|false",
      "a*b*c|aXXbYYc|true",
      "a*b*c|aXXbYY|false",
      "**|x|true",
      "[\\]]|]|true",
      "abc|abcd|false",
      "abc*|abc|true",
  })
  void matchesLikeRedis(String pattern, String string, boolean expected) {
    assertEquals(expected, Glob.matches(bytes(pattern), bytes(string)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"MAX*|maxmemory|true", "Port|PORT|true", "[A-C]x|bX|true", "po?t|pxrt|false"})
  void matchesIgnoringCase(String pattern, String string, boolean expected) {
    assertEquals(expected, Glob.matchesIgnoreCase(bytes(pattern), bytes(string)));
  }

  @Test
  void hostilePatternDoesNotBlowUp() {
    // Exponential without Redis' skipLongerMatches; finishes at once with it.
    assertFalse(Glob.matches(bytes("*a".repeat(40) + "b"), bytes("a".repeat(200))));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
