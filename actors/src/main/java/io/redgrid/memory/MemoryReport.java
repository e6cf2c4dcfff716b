package io.redgrid.memory;

/**
 * What INFO memory and MEMORY STATS report of the node's memory accounting, in bytes.
 * {@code used} = {@code startup} (the baseline) + {@code dataset} (keys and values of every shard).
 */
public record MemoryReport(
    long used,
    long peak,
    long startup,
    long dataset,
    long keys,
    long maxmemory,
    EvictionPolicy policy,
    long notCountedForEvict,
    long heapUsed,
    long heapCommitted,
    long heapMax) {

  /** used_memory_human style: {@code 1.23M}. */
  public static String human(long bytes) {
    double value = bytes;
    String[] units = {"B", "K", "M", "G", "T", "P"};
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0 ? bytes + "B" : String.format(java.util.Locale.ROOT, "%.2f%s", value, units[unit]);
  }

  /** Fields of Redis' INFO memory this accounting can fill, in Redis' order. */
  public java.util.Map<String, String> infoFields() {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    out.put("used_memory", Long.toString(used));
    out.put("used_memory_human", human(used));
    out.put("used_memory_rss", Long.toString(heapCommitted));
    out.put("used_memory_rss_human", human(heapCommitted));
    out.put("used_memory_peak", Long.toString(peak));
    out.put("used_memory_peak_human", human(peak));
    out.put("used_memory_peak_perc", percent(used, peak));
    out.put("used_memory_overhead", Long.toString(startup));
    out.put("used_memory_startup", Long.toString(startup));
    out.put("used_memory_dataset", Long.toString(dataset));
    out.put("used_memory_dataset_perc", percent(dataset, used));
    out.put("total_system_memory", Long.toString(heapMax));
    out.put("total_system_memory_human", human(heapMax));
    out.put("maxmemory", Long.toString(maxmemory));
    out.put("maxmemory_human", human(maxmemory));
    out.put("maxmemory_policy", policy.text());
    out.put("mem_not_counted_for_evict", Long.toString(notCountedForEvict));
    out.put("mem_allocator", "jvm");
    return out;
  }

  static String percent(long part, long whole) {
    return String.format(java.util.Locale.ROOT, "%.2f%%", whole == 0 ? 0.0 : 100.0 * part / whole);
  }
}
