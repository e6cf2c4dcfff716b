package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.READONLY;
import static io.redgrid.command.Flag.WRITE;
import static io.redgrid.command.KeySpec.every;

import io.redgrid.command.Call;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.protocol.Reply;
import java.util.List;

/** Generic commands on keys of any type. */
public final class KeyCommands implements CommandFamily {
  private static final byte[] DEL = StringCommands.bytes("DEL");

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("del").arity(atLeast(2)).flags(WRITE).keys(every(1, -1, 1))
            .summary("Deletes one or more keys.").runs(this::del),
        command("exists").arity(atLeast(2)).flags(READONLY, FAST).keys(every(1, -1, 1))
            .summary("Determines whether one or more keys exist.").runs(this::exists));
  }

  /** DEL key [key ...] */
  private Reply del(Call call) {
    long deleted = 0;
    for (int i = 1; i < call.argc(); i++) {
      byte[] key = call.arg(i);
      if (call.delete(key)) {
        call.propagate(key, DEL, key);
        deleted++;
      }
    }
    return Reply.integer(deleted);
  }

  /** EXISTS key [key ...] */
  private Reply exists(Call call) {
    long found = 0;
    for (int i = 1; i < call.argc(); i++) {
      if (call.entry(call.arg(i)) != null) {
        found++;
      }
    }
    return Reply.integer(found);
  }
}
