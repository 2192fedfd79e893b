package io.seqguard.spi;

/**
 * The integrator's {@link AgentRequestHandler} threw after the sequence number had been accepted
 * (the number stays consumed). Transports answer with a server error and log the cause.
 */
public final class HandlerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HandlerException(Throwable cause) {
        super("agent request handler failed: " + cause, cause);
    }
}
