package io.redgrid.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Redis' {@code client-output-buffer-limit <class> <hard> <soft> <soft-seconds> ...}: per client
 * class (normal, slave/replica, pubsub) the queued output at which a client is disconnected at
 * once (hard) or after staying above soft for soft-seconds. 0 disables a limit. A value names
 * some classes; the others keep their current limits, as CONFIG SET does in Redis.
 */
public final class OutputBufferLimits {
  /** Redis 7.0's default, in its CONFIG GET form. */
  public static final String DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
  private static final String[] CLASSES = {"normal", "slave", "pubsub"};

  /** One class' limits. */
  public record Limit(long hard, long soft, long softSeconds) {}

  private OutputBufferLimits() {}

  /** Checks a value; returns its normal form (sizes in bytes, replica written slave). */
  static String normalize(String value) {
    String[] words = value.trim().split("\\s+");
    if (words.length % 4 != 0) {
      throw new IllegalArgumentException("Wrong number of arguments in buffer limit configuration.");
    }
    StringBuilder normal = new StringBuilder();
    for (int i = 0; i < words.length; i += 4) {
      String name = words[i].toLowerCase(Locale.ROOT);
      if (name.equals("replica")) {
        name = "slave";
      }
      if (!name.equals("normal") && !name.equals("slave") && !name.equals("pubsub")) {
        throw new IllegalArgumentException("Invalid client class specified in buffer limit configuration.");
      }
      long hard;
      long soft;
      long seconds;
      try {
        hard = MemorySize.parse(words[i + 1]);
        soft = MemorySize.parse(words[i + 2]);
        seconds = Long.parseLong(words[i + 3]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
      }
      if (hard < 0 || soft < 0 || seconds < 0) {
        throw new IllegalArgumentException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
      }
      if (normal.length() > 0) {
        normal.append(' ');
      }
      normal.append(name).append(' ').append(hard).append(' ').append(soft).append(' ').append(seconds);
    }
    return normal.toString();
  }

  /** {@code current} with the classes {@code update} names replaced, in Redis' class order. */
  static String merge(String current, String update) {
    Map<String, String> limits = parse(current);
    limits.putAll(parse(update));
    StringBuilder merged = new StringBuilder();
    for (String name : CLASSES) {
      if (merged.length() > 0) {
        merged.append(' ');
      }
      merged.append(name).append(' ').append(limits.get(name));
    }
    return merged.toString();
  }

  private static Map<String, String> parse(String normal) {
    Map<String, String> limits = new LinkedHashMap<>();
    String[] words = normal.split(" ");
    for (int i = 0; i + 3 < words.length; i += 4) {
      limits.put(words[i], words[i + 1] + " " + words[i + 2] + " " + words[i + 3]);
    }
    return limits;
  }

  /** The limits of {@code clientClass} (normal, slave or pubsub) in a normalized value. */
  public static Limit of(String normal, String clientClass) {
    String[] words = normal.split(" ");
    for (int i = 0; i + 3 < words.length; i += 4) {
      if (words[i].equals(clientClass)) {
        return new Limit(Long.parseLong(words[i + 1]), Long.parseLong(words[i + 2]), Long.parseLong(words[i + 3]));
      }
    }
    throw new IllegalArgumentException("no client class " + clientClass);
  }
}
