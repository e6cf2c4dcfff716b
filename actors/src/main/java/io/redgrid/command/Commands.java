package io.redgrid.command;

import io.redgrid.command.family.ConnectionCommands;
import io.redgrid.command.family.DatabaseCommands;
import io.redgrid.command.family.ExpiryCommands;
import io.redgrid.command.family.HashCommands;
import io.redgrid.command.family.KeyCommands;
import io.redgrid.command.family.ServerCommands;
import io.redgrid.command.family.SetCommands;
import io.redgrid.command.family.SortedSetCommands;
import io.redgrid.command.family.StringCommands;

/** The command table of a RedGrid node: every family, registered once. */
public final class Commands {
  private Commands() {}

  public static CommandTable standardTable() {
    CommandTable table = new CommandTable();
    table.register(new StringCommands());
    table.register(new KeyCommands());
    table.register(new io.redgrid.command.family.ListCommands());
    table.register(new io.redgrid.command.family.BlockingCommands());
    table.register(new ExpiryCommands());
    table.register(new DatabaseCommands());
    table.register(new ConnectionCommands());
    table.register(new io.redgrid.command.family.AclCommands());
    table.register(new HashCommands());
    table.register(new SortedSetCommands());
    table.register(new ServerCommands(table));
    table.register(new SetCommands());
    table.register(new io.redgrid.command.family.SortCommands());
    table.register(new io.redgrid.command.family.PubSubCommands());
    table.register(new io.redgrid.command.family.DumpCommands());
    table.register(new io.redgrid.command.family.PersistenceCommands());
    table.register(new io.redgrid.command.family.AdminCommands());
    table.register(new io.redgrid.command.family.StatsCommands(table));
    table.register(new io.redgrid.command.family.MemoryCommands());
    table.register(new io.redgrid.command.family.TransactionCommands());
    table.register(new io.redgrid.command.family.FunctionCommands());
    table.register(new io.redgrid.scripting.ScriptCommands());
    return table;
  }
}
