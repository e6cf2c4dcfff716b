package io.redgrid.server;

/** The Redis version RedGrid answers as, in HELLO and INFO. */
public final class Version {
  /** Redis 7.0 semantics; clients gate features on this number. */
  public static final String REDIS_VERSION = "7.0.15";

  private Version() {}
}
