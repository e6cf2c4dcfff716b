package io.redgrid.blocking;

import io.redgrid.protocol.Reply;

/**
 * What a blocking command asks for when every key it reads is empty: the keys to wait on, how
 * long ({@code 0} = forever) and the reply to give on timeout.
 */
public record BlockRequest(byte[][] keys, long timeoutMillis, Reply timeoutReply) {}
