package io.redgrid.command;

import java.util.Locale;

/** Command flags as Redis 7 reports them in COMMAND INFO. */
public enum Flag {
  WRITE,
  READONLY,
  DENYOOM,
  MODULE,
  ADMIN,
  PUBSUB,
  NOSCRIPT,
  BLOCKING,
  LOADING,
  STALE,
  SKIP_MONITOR,
  SKIP_SLOWLOG,
  ASKING,
  FAST,
  NO_AUTH,
  MAY_REPLICATE,
  NO_MANDATORY_KEYS,
  NO_ASYNC_LOADING,
  NO_MULTI,
  MOVABLEKEYS,
  ALLOW_BUSY;

  private final String redisName = name().toLowerCase(Locale.ROOT);

  public String redisName() {
    return redisName;
  }
}
