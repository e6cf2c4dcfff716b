package io.redgrid.command.family;

import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import java.util.List;

/** Commands on whole databases: sizes, flushes and swaps. */
public final class DatabaseCommands implements CommandFamily {
  @Override
  public List<CommandSpec> commands() {
    return List.of();
  }
}
