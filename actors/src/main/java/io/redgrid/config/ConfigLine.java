package io.redgrid.config;

import java.util.ArrayList;
import java.util.List;

/** Splits a config line into words like Redis' sdssplitargs: quotes and escapes. */
public final class ConfigLine {
  private ConfigLine() {}

  /** The words of the line, or null when quotes are unbalanced. */
  public static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (true) {
      while (i < n && Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return words;
      }
      StringBuilder word = new StringBuilder();
      char quote = 0;
      boolean done = false;
      while (!done) {
        if (quote != 0) {
          if (i >= n) {
            return null;
          }
          char c = line.charAt(i);
          if (quote == '"' && c == '\\' && i + 1 < n) {
            char e = line.charAt(++i);
            switch (e) {
              case 'n' -> word.append('\n');
              case 'r' -> word.append('\r');
              case 't' -> word.append('\t');
              case 'x' -> {
                if (i + 2 < n) {
                  word.append((char) Integer.parseInt(line.substring(i + 1, i + 3), 16));
                  i += 2;
                }
              }
              default -> word.append(e);
            }
          } else if (c == quote) {
            if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) {
              return null;
            }
            quote = 0;
            done = true;
          } else {
            word.append(c);
          }
          i++;
        } else {
          if (i >= n) {
            done = true;
          } else {
            char c = line.charAt(i);
            if (Character.isWhitespace(c)) {
              done = true;
            } else if (c == '"' || c == '\'') {
              quote = c;
              i++;
            } else {
              word.append(c);
              i++;
            }
          }
        }
      }
      words.add(word.toString());
    }
  }
}
