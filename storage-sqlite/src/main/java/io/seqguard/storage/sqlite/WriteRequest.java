package io.seqguard.storage.sqlite;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.StorageException;
import io.seqguard.spi.StorageException.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One change waiting for the {@link GroupCommitWriter}. The caller submits it and blocks in
 * {@link #await(Duration, String)}; the writer applies it inside a group's transaction and
 * completes it only after that transaction committed, or fails it when the group failed.
 *
 * <p>Thread safe: written by the writer thread, read by the waiting caller through the future.
 */
abstract sealed class WriteRequest {
    private final CompletableFuture<Object> done = new CompletableFuture<>();
    private Object result;

    /** Applies the change on the writer thread, inside the group's transaction. */
    abstract void apply(GroupCommitWriter writer) throws java.sql.SQLException;

    final void result(Object value) {
        result = value;
    }

    /** Called by the writer once the group committed. */
    final void complete() {
        done.complete(result);
    }

    /** Called by the writer when the group failed, or by anyone when the writer is gone. */
    final void fail(StorageException e) {
        done.completeExceptionally(e);
    }

    /**
     * Waits for the group's commit.
     *
     * @throws StorageException as the writer reported it, or {@link Kind#TRANSIENT} on timeout or
     *     interruption (the change may still commit later, but it was not acknowledged)
     */
    final Object await(Duration timeout, String path) {
        try {
            return done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StorageException s) {
                throw new StorageException(s.kind(), s.getMessage(), s);
            }
            throw new StorageException(Kind.INTERNAL, "SQLite store " + path + ": write failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new StorageException(Kind.TRANSIENT, "SQLite store " + path + ": not committed within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(Kind.TRANSIENT, "SQLite store " + path + ": interrupted while waiting for the commit", e);
        }
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
        void apply(GroupCommitWriter writer) throws java.sql.SQLException {
            CheckResult outcome = writer.checkIn(agent, received, window, now);
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
        void apply(GroupCommitWriter writer) throws java.sql.SQLException {
            result(writer.recordError(error, maxPerHour));
        }
    }

    /** Forgetting an agent's state. */
    static final class Reset extends WriteRequest {
        final AgentGuid guid;

        Reset(AgentGuid guid) {
            this.guid = guid;
        }

        @Override
        void apply(GroupCommitWriter writer) throws java.sql.SQLException {
            result(writer.reset(guid));
        }
    }

    /** Deleting old error rows; runs on the writer so the hourly counts stay exact. */
    static final class Purge extends WriteRequest {
        final Instant cutoff;

        Purge(Instant cutoff) {
            this.cutoff = cutoff;
        }

        @Override
        void apply(GroupCommitWriter writer) throws java.sql.SQLException {
            result(writer.purge(cutoff));
        }
    }
}
