package io.seqguard.spi;

/**
 * The integrator's own processing of an accepted agent request. The engine calls it only after
 * the sequence number was accepted and durably recorded — and, in audit mode, also for a stale
 * number it tolerates (which the request does not mark; a handler that must tell them apart
 * runs in enforce mode); the number stays consumed whatever the handler does.
 *
 * <p>Called concurrently from request threads; implementations must be thread safe. Bind one
 * with {@code OptionalBinder.newOptionalBinder(binder, AgentRequestHandler.class).setBinding()};
 * without one, the default answers JSON with the canonical GUID and the sequence.
 */
public interface AgentRequestHandler {
    /**
     * Handles one accepted request.
     *
     * @param request never null
     * @return the response to send, never null
     * @throws Exception any failure (an {@code Error} too): the transport answers 500
     *     {@code handler-failed}, logs it and counts it in {@code seqguard_handler_failures_total}
     */
    AgentResponse handle(AgentRequest request) throws Exception;

    /**
     * Whether {@link #handle} may block: wait for I/O or a lock, or compute for long. The engine
     * calls a blocking handler on the transport's executor (one hand-off per request); a
     * non-blocking one directly on the thread that completed the store's commit, right after
     * the other requests of the same commit, which saves that hand-off. Return false only for a
     * handler that answers in microseconds without waiting on anything, like the default one.
     *
     * @return true unless the handler promises never to block; the default is true
     */
    default boolean isBlocking() {
        return true;
    }
}
