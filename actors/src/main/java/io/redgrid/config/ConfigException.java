package io.redgrid.config;

/** A directive that is unknown or has a bad value; the message names it, as Redis does. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
