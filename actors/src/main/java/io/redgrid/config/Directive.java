package io.redgrid.config;

import java.util.List;
import java.util.Locale;

/**
 * One configuration directive: its name, default, whether CONFIG SET may change it at run
 * time, and how a value is checked and normalised (the normal form is what CONFIG GET shows).
 */
public record Directive(String name, String defaultValue, boolean mutable, Validator validator, Merge merge) {
  public Directive(String name, String defaultValue, boolean mutable, Validator validator) {
    this(name, defaultValue, mutable, validator, (current, update) -> update);
  }

  /**
   * How a new normalized value combines with the current one: most replace it;
   * client-output-buffer-limit changes only the classes it names.
   */
  @FunctionalInterface
  public interface Merge {
    String apply(String current, String update);
  }

  /** Checks a value and returns its normal form, or throws with the reason. */
  @FunctionalInterface
  public interface Validator {
    String normalize(String value) throws IllegalArgumentException;
  }

  public static Directive integer(String name, long defaultValue, long min, long max, boolean mutable) {
    return new Directive(name, Long.toString(defaultValue), mutable, value -> {
      long parsed;
      try {
        parsed = Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("argument couldn't be parsed into an integer");
      }
      if (parsed < min || parsed > max) {
        throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
      }
      return Long.toString(parsed);
    });
  }

  /** A size like {@code 512mb} or {@code 1gb}, shown in bytes. */
  public static Directive memory(String name, long defaultValue, long min, long max, boolean mutable) {
    return new Directive(name, Long.toString(defaultValue), mutable, value -> {
      long parsed = MemorySize.parse(value);
      if (parsed < min || parsed > max) {
        throw new IllegalArgumentException("argument must be between " + min + " and " + max + " inclusive");
      }
      return Long.toString(parsed);
    });
  }

  public static Directive bool(String name, boolean defaultValue, boolean mutable) {
    return new Directive(name, defaultValue ? "yes" : "no", mutable, value -> {
      String v = value.toLowerCase(Locale.ROOT);
      if (v.equals("yes") || v.equals("no")) {
        return v;
      }
      throw new IllegalArgumentException("argument must be 'yes' or 'no'");
    });
  }

  public static Directive oneOf(String name, String defaultValue, boolean mutable, List<String> allowed) {
    return new Directive(name, defaultValue, mutable, value -> {
      String v = value.toLowerCase(Locale.ROOT);
      if (allowed.contains(v)) {
        return v;
      }
      throw new IllegalArgumentException("argument(s) must be one of the following: " + String.join(", ", allowed));
    });
  }

  public static Directive text(String name, String defaultValue, boolean mutable) {
    return new Directive(name, defaultValue, mutable, value -> value);
  }
}
