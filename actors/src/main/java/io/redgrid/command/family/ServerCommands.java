package io.redgrid.command.family;

import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import java.util.List;

/** Commands about the server: introspection, configuration, the command table. */
public final class ServerCommands implements CommandFamily {
  @Override
  public List<CommandSpec> commands() {
    return List.of();
  }
}
