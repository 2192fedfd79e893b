package io.seqguard.storage.sqlite;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.StorageException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * One change waiting for the {@link GroupCommitWriter}. Created by the calling thread, which
 * queues it and either leads a group itself or parks until the leader answers it. The leader
 * applies it inside the group's transaction and completes it only after that transaction
 * committed, or fails it when the group failed.
 *
 * <p>Exactly one of two things happens to a pending request, decided by a compare-and-set: a
 * leader {@linkplain #claim() claims} it into a group, and from then on it is answered with that
 * group's outcome; or its owner {@linkplain #abandon() abandons} it (commit timeout, interrupt),
 * and then no leader ever applies it. Without that, a caller told "not committed" could find its
 * number consumed by a later group.
 *
 * <p>Thread safe: written by the leader under the write lock, read by the waiting caller through
 * the volatile outcome.
 */
abstract sealed class WriteRequest {
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

    /** The caller, woken when the request is answered or when it should take over as leader. */
    final Thread owner = Thread.currentThread();
    private Object result;
    private volatile Object outcome;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /** A failed outcome. */
    private record Failure(StorageException error) {
    }

    /** Applies the change on the leader's thread, inside the group's transaction. */
    abstract void apply(GroupTransaction transaction) throws java.sql.SQLException;

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

    final void result(Object value) {
        result = value;
    }

    /** Whether the request was answered (committed or failed). */
    final boolean isDone() {
        return outcome != null;
    }

    /** Called by the leader once the group committed. */
    final void complete() {
        outcome = result;
        LockSupport.unpark(owner);
    }

    /** Called by the leader when the group failed, or when the store is stopped; only after {@link #claim()}. */
    final void fail(StorageException e) {
        outcome = new Failure(e);
        LockSupport.unpark(owner);
    }

    /**
     * The answer of a done request.
     *
     * @throws StorageException when its group failed
     */
    final Object outcome() {
        Object o = outcome;
        if (o instanceof Failure f) {
            StorageException s = f.error();
            throw new StorageException(s.kind(), s.getMessage(), s);
        }
        return o;
    }

    /** A check-and-advance. */
    static final class CheckIn extends WriteRequest {
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
        void apply(GroupTransaction transaction) throws java.sql.SQLException {
            CheckResult outcome = transaction.checkIn(agent, received, window, now);
            result(outcome);
        }
    }

    /** An error row, subject to the hourly cap. */
    static final class RecordError extends WriteRequest {
        final SequenceError error;
        final int maxPerHour;

        RecordError(SequenceError error, int maxPerHour) {
            this.error = error;
            this.maxPerHour = maxPerHour;
        }

        @Override
        void apply(GroupTransaction transaction) throws java.sql.SQLException {
            result(transaction.recordError(error, maxPerHour));
        }
    }

    /** Forgetting an agent's state. */
    static final class Reset extends WriteRequest {
        final AgentGuid guid;

        Reset(AgentGuid guid) {
            this.guid = guid;
        }

        @Override
        void apply(GroupTransaction transaction) throws java.sql.SQLException {
            result(transaction.reset(guid));
        }
    }

    /** Deleting old error rows; runs on the writer so the hourly counts stay exact. */
    static final class Purge extends WriteRequest {
        final Instant cutoff;

        Purge(Instant cutoff) {
            this.cutoff = cutoff;
        }

        @Override
        void apply(GroupTransaction transaction) throws java.sql.SQLException {
            result(transaction.purge(cutoff));
        }
    }
}
