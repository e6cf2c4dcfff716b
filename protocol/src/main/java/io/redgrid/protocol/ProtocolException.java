package io.redgrid.protocol;

/**
 * A malformed request; {@link #getMessage()} is the full error text to send as {@code -<message>}
 * before closing the connection, e.g. {@code ERR Protocol error: invalid bulk length}.
 */
public final class ProtocolException extends Exception {

    private static final long serialVersionUID = 1L;

    /** An error whose message is already the complete Redis error text. */
    public ProtocolException(String message) {
        // Clients can trigger this at will and the trace says nothing useful, so skip capturing it.
        super(message, null, false, false);
    }

    /** The error as a reply, ready to write. */
    public Reply toReply() {
        return Reply.error(getMessage());
    }
}
