package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.STALE;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.Errors;
import io.redgrid.protocol.Reply;
import java.util.List;

/** Commands about the connection itself. */
public final class ConnectionCommands implements CommandFamily {
  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("ping").arity(atLeast(1)).flags(FAST).group("connection")
            .summary("Returns the server's liveliness response.").runs(this::ping),
        command("echo").arity(exactly(2)).flags(FAST).group("connection")
            .summary("Returns the given string.").runs(call -> Reply.bulk(call.arg(1))),
        command("select").arity(exactly(2)).flags(LOADING, STALE, FAST).group("connection")
            .summary("Changes the selected database.").runs(this::select));
  }

  /** PING [message] */
  private Reply ping(Call call) {
    if (call.argc() > 2) {
      throw Errors.wrongArity("ping");
    }
    return call.argc() == 2 ? Reply.bulk(call.arg(1)) : Reply.PONG;
  }

  /** SELECT index */
  private Reply select(Call call) {
    long index = call.longArg(1, "ERR value is not an integer or out of range");
    if (index < 0 || index >= call.server().config().databases()) {
      throw new CommandError(Errors.DB_OUT_OF_RANGE);
    }
    call.session().select((int) index);
    return Reply.OK;
  }
}
