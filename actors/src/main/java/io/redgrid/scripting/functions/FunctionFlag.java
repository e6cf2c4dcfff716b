package io.redgrid.scripting.functions;

/** Flags a function declares in {@code redis.register_function}, in Redis 7.0's order. */
public enum FunctionFlag {
  NO_WRITES("no-writes"),
  ALLOW_OOM("allow-oom"),
  ALLOW_STALE("allow-stale"),
  NO_CLUSTER("no-cluster"),
  ALLOW_CROSS_SLOT_KEYS("allow-cross-slot-keys");

  private final String redisName;

  FunctionFlag(String redisName) {
    this.redisName = redisName;
  }

  /** The name FUNCTION LIST reports and register_function accepts (case-insensitively). */
  public String redisName() {
    return redisName;
  }
}
