package io.redgrid.keyspace;

/**
 * Redis' glob-style pattern matching ({@code stringmatchlen}) on bytes: {@code ? * [a-z] [^x] \x},
 * used by KEYS, SCAN MATCH, CONFIG GET and later PSUBSCRIBE. No regex, no String conversion.
 */
public final class Glob {
  private Glob() {}

  public static boolean matches(byte[] pattern, byte[] string) {
    return matches(pattern, 0, string, 0, false, 0, new boolean[1]);
  }

  /** ASCII case-insensitive match, for CONFIG GET parameter names. */
  public static boolean matchesIgnoreCase(byte[] pattern, byte[] string) {
    return matches(pattern, 0, string, 0, true, 0, new boolean[1]);
  }

  /** True if {@code pattern} matches everything, so callers can skip matching ({@code *}). */
  public static boolean matchesAll(byte[] pattern) {
    return pattern.length == 1 && pattern[0] == '*';
  }

  /**
   * {@code exhausted} is Redis' skipLongerMatches: once a star has tried every rest of the string
   * and failed, an outer star trying a shorter rest cannot succeed, which keeps "*a*a*a...b"
   * linear instead of exponential.
   */
  private static boolean matches(byte[] p, int pi, byte[] s, int si, boolean nocase, int depth,
      boolean[] exhausted) {
    // Redis caps recursion the same way, so hostile patterns like "*a*a*a*...b" stay bounded.
    if (depth > 1000) {
      return false;
    }
    while (pi < p.length && si < s.length) {
      switch (p[pi]) {
        case '*' -> {
          while (pi + 1 < p.length && p[pi + 1] == '*') {
            pi++;
          }
          if (pi + 1 == p.length) {
            return true;
          }
          for (int start = si; start < s.length; start++) {
            if (matches(p, pi + 1, s, start, nocase, depth + 1, exhausted)) {
              return true;
            }
            if (exhausted[0]) {
              return false;
            }
          }
          exhausted[0] = true;
          return false;
        }
        case '?' -> si++;
        case '[' -> {
          pi++;
          boolean not = pi < p.length && p[pi] == '^';
          if (not) {
            pi++;
          }
          boolean match = false;
          while (true) {
            if (pi >= p.length) {
              pi--; // unterminated class: Redis treats the end as closing it
              break;
            }
            if (p[pi] == '\\' && pi + 1 < p.length) {
              pi++;
              if (p[pi] == s[si]) {
                match = true;
              }
            } else if (p[pi] == ']') {
              break;
            } else if (pi + 2 < p.length && p[pi + 1] == '-') {
              int start = p[pi] & 0xff;
              int end = p[pi + 2] & 0xff;
              int c = s[si] & 0xff;
              if (start > end) {
                int t = start;
                start = end;
                end = t;
              }
              if (nocase) {
                start = lower(start);
                end = lower(end);
                c = lower(c);
              }
              pi += 2;
              if (c >= start && c <= end) {
                match = true;
              }
            } else if (same(p[pi], s[si], nocase)) {
              match = true;
            }
            pi++;
          }
          if (not) {
            match = !match;
          }
          if (!match) {
            return false;
          }
          si++;
        }
        case '\\' -> {
          if (pi + 1 < p.length) {
            pi++;
          }
          if (!same(p[pi], s[si], nocase)) {
            return false;
          }
          si++;
        }
        default -> {
          if (!same(p[pi], s[si], nocase)) {
            return false;
          }
          si++;
        }
      }
      pi++;
    }
    if (si == s.length) {
      while (pi < p.length && p[pi] == '*') {
        pi++;
      }
    }
    return pi == p.length && si == s.length;
  }

  private static boolean same(byte a, byte b, boolean nocase) {
    return a == b || (nocase && lower(a & 0xff) == lower(b & 0xff));
  }

  private static int lower(int c) {
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
  }
}
