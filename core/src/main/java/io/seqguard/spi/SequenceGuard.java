package io.seqguard.spi;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The engine as transports see it: authenticate, check and advance the sequence, feed errors to
 * the sinks, and call the integrator's handler for accepted requests. Thread safe; bound by core.
 */
public interface SequenceGuard {
    /**
     * Processes one check-in. Blocks until the store's answer is durable; never call it on a
     * network selector thread. Runs the integrator's handler on the calling thread.
     *
     * @param request never null
     * @return the outcome, never null
     * @throws StorageException when the store cannot answer; nothing was acknowledged (transports answer 503; see
     *     {@link SequenceStore} for the rare lost commit acknowledgement)
     * @throws HandlerException when the integrator's handler failed after the sequence was accepted
     */
    CheckInOutcome checkIn(AgentRequest request);

    /**
     * Processes one check-in without holding the caller's thread while the store commits: the
     * same steps and outcomes as {@link #checkIn}, delivered through the returned stage. A
     * {@link StorageException} or {@link HandlerException} completes the stage exceptionally
     * (possibly wrapped in a {@link java.util.concurrent.CompletionException}); nothing is thrown.
     *
     * <p>Authentication runs on the caller's thread. The stage completes on the thread that
     * completed the store's commit (see {@link SequenceStore#checkAndAdvanceAsync}), or on
     * {@code executor} when the integrator's handler {@linkplain AgentRequestHandler#isBlocking()
     * may block}. Dependent stages must therefore be short: a transport writes its response and
     * returns.
     *
     * @param request never null
     * @param executor runs a blocking handler; a transport passes its request thread pool
     * @return the outcome, never null
     */
    CompletionStage<CheckInOutcome> checkInAsync(AgentRequest request, Executor executor);
}
