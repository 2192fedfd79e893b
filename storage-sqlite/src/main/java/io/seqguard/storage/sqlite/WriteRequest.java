package io.seqguard.storage.sqlite;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.StorageException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * One change waiting for the {@link GroupCommitWriter}. The writer applies it inside a group's
 * transaction, records its result or the group's failure, and completes it only after that
 * transaction committed (or failed), outside the writer's lock.
 *
 * <p>Two kinds of callers wait for it: a blocking caller ({@link GroupCommitWriter#execute}) parks
 * as the request's {@linkplain #waiter waiter} and is unparked on completion; an asynchronous
 * caller ({@link GroupCommitWriter#submit}) gets the request's {@link CompletableFuture}, created
 * only for it, whose dependents run on the completing thread.
 *
 * <p>Exactly one of two things happens to a pending request, decided by a compare-and-set: a
 * leader {@linkplain #claim() claims} it into a group, and from then on it is answered with that
 * group's outcome; or its blocking caller {@linkplain #abandon() abandons} it (commit timeout,
 * interrupt), and then no leader ever applies it. Without that, a caller told "not committed"
 * could find its number consumed by a later group.
 *
 * <p>Thread safe: the result is written by the leader under the writer's lock and published by
 * the volatile outcome.
 *
 * @param <T> the result type
 */
abstract sealed class WriteRequest<T> {
    private static final int PENDING = 0;
    private static final int CLAIMED = 1;
    private static final int ABANDONED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(WriteRequest.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A blocking caller, unparked on completion; null for an asynchronous request. */
    volatile Thread waiter;
    /** The asynchronous caller's future; null for a blocking request. */
    private CompletableFuture<T> future;
    private T result;
    private StorageException failure;
    private volatile Object outcome;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /** A failed outcome. */
    private record Failure(StorageException error) {
    }

    /** Applies the change on the leader's thread, inside the group's transaction, and returns its result, never null. */
    abstract T apply(GroupTransaction transaction) throws java.sql.SQLException;

    /** Makes this an asynchronous request; call once, before it is queued. */
    final CompletableFuture<T> future() {
        future = new CompletableFuture<>();
        return future;
    }

    /**
     * Called by a leader taking the request into its group.
     *
     * @return false when the owner abandoned it first; the leader must then skip it
     */
    final boolean claim() {
        return STATE.compareAndSet(this, PENDING, CLAIMED);
    }

    /**
     * Called by the owner when it stops waiting.
     *
     * @return false when a leader claimed it first; the owner must then wait for its outcome
     */
    final boolean abandon() {
        return STATE.compareAndSet(this, PENDING, ABANDONED);
    }

    /** Whether neither a leader claimed it nor its owner abandoned it yet. */
    final boolean isPending() {
        return (int) STATE.getVolatile(this) == PENDING;
    }

    /** Runs {@link #apply} and keeps its result for {@link #complete()}; under the writer's lock. */
    final void applyIn(GroupTransaction transaction) throws java.sql.SQLException {
        result = apply(transaction);
    }

    /** Records that its group failed; completed later by {@link #complete()}. Only after {@link #claim()}. */
    final void failWith(StorageException e) {
        failure = e;
    }

    /** Whether the request was answered (committed or failed). */
    final boolean isDone() {
        return outcome != null;
    }

    /**
     * Publishes the result (or failure) recorded under the lock, wakes a blocking caller and
     * completes an asynchronous one, whose dependents run here. Called without the writer's lock.
     */
    final void complete() {
        StorageException failed = failure;
        outcome = failed != null ? new Failure(failed) : result;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        CompletableFuture<T> f = future;
        if (f != null) {
            if (failed != null) {
                f.completeExceptionally(failed);
            } else {
                f.complete(result);
            }
        }
    }

    /**
     * The answer of a done request.
     *
     * @throws StorageException when its group failed
     */
    @SuppressWarnings("unchecked")
    final T outcome() {
        Object o = outcome;
        if (o instanceof Failure f) {
            StorageException s = f.error();
            throw new StorageException(s.kind(), s.getMessage(), s);
        }
        return (T) o;
    }

    /** A check-and-advance. */
    static final class CheckIn extends WriteRequest<CheckResult> {
        final AgentIdentity agent;
        final long received;
        final int window;
        final Instant now;

        CheckIn(AgentIdentity agent, long received, int window, Instant now) {
            this.agent = agent;
            this.received = received;
            this.window = window;
            this.now = now;
        }

        @Override
        CheckResult apply(GroupTransaction transaction) throws java.sql.SQLException {
            return transaction.checkIn(agent, received, window, now);
        }
    }

    /** An error row, subject to the hourly cap. */
    static final class RecordError extends WriteRequest<Boolean> {
        final SequenceError error;
        final int maxPerHour;

        RecordError(SequenceError error, int maxPerHour) {
            this.error = error;
            this.maxPerHour = maxPerHour;
        }

        @Override
        Boolean apply(GroupTransaction transaction) throws java.sql.SQLException {
            return transaction.recordError(error, maxPerHour);
        }
    }

    /** Forgetting an agent's state. */
    static final class Reset extends WriteRequest<Boolean> {
        final AgentGuid guid;

        Reset(AgentGuid guid) {
            this.guid = guid;
        }

        @Override
        Boolean apply(GroupTransaction transaction) throws java.sql.SQLException {
            return transaction.reset(guid);
        }
    }

    /** Deleting old error rows; runs on the writer so the hourly counts stay exact. */
    static final class Purge extends WriteRequest<Long> {
        final Instant cutoff;

        Purge(Instant cutoff) {
            this.cutoff = cutoff;
        }

        @Override
        Long apply(GroupTransaction transaction) throws java.sql.SQLException {
            return transaction.purge(cutoff);
        }
    }
}
