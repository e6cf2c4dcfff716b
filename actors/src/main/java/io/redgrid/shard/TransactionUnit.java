package io.redgrid.shard;

import java.util.Set;

/**
 * A transaction's persistence unit: the coordinator's hold token and how many shards persist a part
 * of it. A shard marks its part by tagging the part's first event with {@link #tag()}; the journal
 * holds the parts back until all have arrived and writes them as one MULTI ... EXEC block, so
 * recovery applies the transaction all or nothing.
 */
public record TransactionUnit(long id, int parts) {
  private static final String PREFIX = "redgrid-unit:";

  public TransactionUnit {
    if (id == 0 || parts < 1) {
      throw new IllegalArgumentException("transaction unit " + id + " with " + parts + " parts");
    }
  }

  /** The event tag carrying this unit to the journal. */
  public String tag() {
    return PREFIX + id + ':' + parts;
  }

  /** The unit named by one of {@code tags}, or null. */
  public static TransactionUnit fromTags(Set<String> tags) {
    for (String tag : tags) {
      if (tag.startsWith(PREFIX)) {
        int colon = tag.indexOf(':', PREFIX.length());
        if (colon > 0) {
          try {
            return new TransactionUnit(Long.parseLong(tag.substring(PREFIX.length(), colon)),
                Integer.parseInt(tag.substring(colon + 1)));
          } catch (IllegalArgumentException e) {
            return null;
          }
        }
      }
    }
    return null;
  }
}
