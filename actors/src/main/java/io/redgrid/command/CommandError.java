package io.redgrid.command;

/**
 * A Redis error reply raised by a command or its argument helpers; the table turns it into
 * {@code -message}, so a bad argument never reaches actor supervision.
 */
public final class CommandError extends RuntimeException {
  public CommandError(String message) {
    super(message, null, false, false);
  }
}
