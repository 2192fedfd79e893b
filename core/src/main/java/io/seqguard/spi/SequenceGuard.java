package io.seqguard.spi;

/**
 * The engine as transports see it: authenticate, check and advance the sequence, feed errors to
 * the sinks, and call the integrator's handler for accepted requests. Thread safe; bound by core.
 */
public interface SequenceGuard {
    /**
     * Processes one check-in. Blocks until the store's answer is durable; never call it on a
     * network selector thread.
     *
     * @param request never null
     * @return the outcome, never null
     * @throws StorageException when the store cannot answer; nothing was acknowledged (transports answer 503; see
     *     {@link SequenceStore} for the rare lost commit acknowledgement)
     * @throws HandlerException when the integrator's handler failed after the sequence was accepted
     */
    CheckInOutcome checkIn(AgentRequest request);
}
