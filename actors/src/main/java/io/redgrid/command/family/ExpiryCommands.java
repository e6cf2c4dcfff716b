package io.redgrid.command.family;

import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import java.util.List;

/** Commands that set, read and remove key expiry times. */
public final class ExpiryCommands implements CommandFamily {
  @Override
  public List<CommandSpec> commands() {
    return List.of();
  }
}
