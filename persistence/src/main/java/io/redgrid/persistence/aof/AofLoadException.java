package io.redgrid.persistence.aof;

/** The AOF cannot be loaded (corrupt, truncated with aof-load-truncated no, unreadable): the node must not start. */
public final class AofLoadException extends RuntimeException {
  public AofLoadException(String message) {
    super(message);
  }

  public AofLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
