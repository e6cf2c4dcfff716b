package io.redgrid.command;

/**
 * Where a command's keys are in its arguments: Redis' legacy (first, last, step) triple, with
 * {@code last} negative counting from the end. Commands whose keys move (numkeys arguments)
 * supply a {@link Finder}.
 */
public record KeySpec(int first, int last, int step, Finder finder) {
  /** Finds the key positions of one invocation. */
  @FunctionalInterface
  public interface Finder {
    int[] positions(byte[][] argv);
  }

  /**
   * Keys counted by a numkeys argument (EVAL, FCALL): Redis' "index" begin search and "keynum"
   * find-keys spec, which COMMAND INFO reports; {@code notes} as Redis' key spec notes, or null.
   */
  public record Keynum(int beginIndex, int keynumIndex, int firstKey, int keyStep, String notes) implements Finder {
    @Override
    public int[] positions(byte[][] argv) {
      int numkeysAt = beginIndex + keynumIndex;
      if (numkeysAt >= argv.length) {
        return new int[0];
      }
      Long numkeys = Numbers.parseLongOrNull(argv[numkeysAt]);
      int first = beginIndex + firstKey;
      if (numkeys == null || numkeys < 1 || first + (numkeys - 1) * keyStep >= argv.length) {
        return new int[0];
      }
      int[] positions = new int[numkeys.intValue()];
      for (int i = 0; i < positions.length; i++) {
        positions[i] = first + i * keyStep;
      }
      return positions;
    }
  }

  /** Keys counted by the argument at {@code beginIndex} (EVAL script numkeys key...). */
  public static KeySpec keynum(int beginIndex, String notes) {
    return new KeySpec(0, 0, 0, new Keynum(beginIndex, 0, 1, 1, notes));
  }

  public static final KeySpec NONE = new KeySpec(0, 0, 0, null);

  public static KeySpec single(int position) {
    return new KeySpec(position, position, 1, null);
  }

  /** Keys from {@code first} to {@code last} (negative: from the end) every {@code step}. */
  public static KeySpec every(int first, int last, int step) {
    return new KeySpec(first, last, step, null);
  }

  /** Keys whose positions depend on the arguments; (first, last, step) is what COMMAND reports. */
  public static KeySpec movable(int first, int last, int step, Finder finder) {
    return new KeySpec(first, last, step, finder);
  }

  public boolean hasKeys() {
    return first > 0 || finder != null;
  }

  public int[] positions(byte[][] argv) {
    if (finder != null) {
      return finder.positions(argv);
    }
    if (first == 0 || first >= argv.length) {
      return new int[0];
    }
    int lastIndex = last < 0 ? argv.length + last : Math.min(last, argv.length - 1);
    if (lastIndex < first) {
      return new int[0];
    }
    int[] positions = new int[(lastIndex - first) / step + 1];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = first + i * step;
    }
    return positions;
  }
}
