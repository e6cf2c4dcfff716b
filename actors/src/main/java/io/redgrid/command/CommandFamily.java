package io.redgrid.command;

import java.util.List;

/** A group of commands declared together, one class per data type or area. */
public interface CommandFamily {
  List<CommandSpec> commands();
}
