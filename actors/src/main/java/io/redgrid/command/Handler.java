package io.redgrid.command;

import io.redgrid.protocol.Reply;

/** The code of one command. */
@FunctionalInterface
public interface Handler {
  Reply run(Call call);
}
