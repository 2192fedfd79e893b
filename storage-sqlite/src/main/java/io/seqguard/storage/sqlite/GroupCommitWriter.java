package io.seqguard.storage.sqlite;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.StorageException;
import io.seqguard.spi.StorageException.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's single writer: drains pending requests, applies up to {@code max-group-size} of
 * them in one transaction, commits once, and only then answers each caller (group commit). One
 * sync then acknowledges a whole group.
 *
 * <p>There is no writer thread: the caller that finds the write lock free becomes the leader and
 * commits everything queued, its own request included, while later callers queue and wait
 * (leader/follower). A lone caller thus pays no thread hand-off at all, and under load the
 * groups grow by themselves. After releasing the lock a leader looks at the queue again, so a
 * request queued while the lock was held is never stranded.
 *
 * <p>The group is applied by a {@link GroupTransaction}, which keeps it exact and, when the commit
 * fails, drops everything the group changed in memory; every request of the group then fails.
 *
 * <p>Thread safe: {@link #execute} may be called from any number of threads; the connection and
 * the in-memory state are only touched by the thread that holds the write lock.
 */
final class GroupCommitWriter {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final long HAND_OVER_CHECK_NANOS = 10_000_000L;

    private final SqliteConfig config;
    private final Connection connection;
    private final ConcurrentLinkedQueue<WriteRequest> queue = new ConcurrentLinkedQueue<>();
    /** Held by the leader; package-private so that a test can stage a group deterministically. */
    final ReentrantLock writeLock = new ReentrantLock();
    private final List<WriteRequest> group;
    private final GroupTransaction transaction;

    private volatile boolean closed;

    GroupCommitWriter(SqliteConfig config, Connection connection) throws SQLException {
        this.config = requireNonNull(config, "config");
        this.connection = requireNonNull(connection, "connection");
        this.group = new ArrayList<>(config.maxGroupSize());
        this.transaction = new GroupTransaction(config, connection);
    }

    /**
     * Queues {@code request}, commits it (as leader, or by waiting for the current leader) and
     * returns its result.
     *
     * <p>A caller that gives up (the commit timeout ran out, or it was interrupted) abandons its
     * request, which no leader applies afterwards, so the failure it reports is true: nothing was
     * changed. When a leader already took the request into its group, the caller cannot take it
     * back and waits for that group's outcome instead; a group is short, every statement in it
     * being bounded by {@code busy-timeout}. An interrupt is then reported by the interrupt flag.
     *
     * @throws StorageException when its group failed, the store is stopped, or the request was
     *     abandoned (not claimed within {@code commit-timeout}, or the caller was interrupted)
     */
    Object execute(WriteRequest request) {
        if (closed) {
            throw stopped();
        }
        queue.add(request);
        long deadline = System.nanoTime() + config.commitTimeout().toNanos();
        while (!request.isDone()) {
            if (writeLock.tryLock()) {
                try {
                    if (closed) {
                        failQueued();
                    } else {
                        // Lead until our own request is answered; whoever queued meanwhile rides along.
                        while (!request.isDone() && !queue.isEmpty()) {
                            drainAndApply();
                        }
                    }
                } finally {
                    writeLock.unlock();
                }
                handOver();
                break;
            }
            long left = deadline - System.nanoTime();
            boolean interrupted = Thread.interrupted();
            if (left <= 0 || interrupted) {
                return giveUp(request, interrupted);
            }
            // Woken by the leader when answered or asked to take over; the cap only guards against a lost wake-up.
            LockSupport.parkNanos(this, Math.min(left, HAND_OVER_CHECK_NANOS));
        }
        return request.outcome();
    }

    /** Abandons a request whose caller stops waiting, or, when a leader already claimed it, waits for its outcome. */
    private Object giveUp(WriteRequest request, boolean interrupted) {
        if (request.abandon()) {
            // Leaders would skip it anyway; removing it keeps the queue short and handOver accurate.
            queue.remove(request);
            if (interrupted) {
                Thread.currentThread().interrupt();
                throw new StorageException(Kind.TRANSIENT, "SQLite store " + config.path() + ": interrupted while waiting for the commit");
            }
            throw new StorageException(Kind.TRANSIENT, "SQLite store " + config.path() + ": not committed within " + config.commitTimeout());
        }
        // Claimed: its group may commit, and a failure reported now could hide a consumed number.
        boolean wasInterrupted = interrupted;
        while (!request.isDone()) {
            LockSupport.parkNanos(this, HAND_OVER_CHECK_NANOS);
            wasInterrupted |= Thread.interrupted();
        }
        if (wasInterrupted) {
            Thread.currentThread().interrupt();
        }
        return request.outcome();
    }

    /** Wakes the owner of the oldest request still waiting to be claimed, so that it leads the next group. */
    private void handOver() {
        for (WriteRequest next = queue.peek(); next != null; next = queue.peek()) {
            if (next.isPending()) {
                LockSupport.unpark(next.owner);
                return;
            }
            // Abandoned: its owner has left and cannot lead (a claimed request is no longer queued).
            queue.remove(next);
        }
    }

    /** The committed row count of the latest hour that received errors, or null. */
    HourTally tally() {
        return transaction.tally();
    }

    /**
     * Waits for the current leader, then fails whatever is still queued and closes the
     * connection. Idempotent.
     */
    void close() {
        writeLock.lock();
        try {
            if (!closed) {
                closed = true;
                failQueued();
                closeQuietly();
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void drainAndApply() {
        while (group.size() < config.maxGroupSize()) {
            WriteRequest r = queue.poll();
            if (r == null) {
                break;
            }
            // A request its owner abandoned is dropped unanswered: the owner already reported it failed.
            if (r.claim()) {
                group.add(r);
            }
        }
        if (group.isEmpty()) {
            return;
        }
        try {
            applyGroup(group);
        } finally {
            group.clear();
        }
    }

    private void applyGroup(List<WriteRequest> group) {
        try {
            for (WriteRequest request : group) {
                request.apply(transaction);
            }
            transaction.commit();
        } catch (SQLException | RuntimeException | Error e) {
            // Errors too: a claimed request's owner waits for an answer and must not wait forever.
            transaction.rollback();
            StorageException failure = e instanceof SQLException sql
                    ? SqliteErrors.translate(config.path(), "a group of " + group.size() + " requests", sql)
                    : new StorageException(Kind.INTERNAL, "SQLite store " + config.path() + ": " + e, e);
            log.warn("{}; none of them is acknowledged", failure.getMessage());
            for (WriteRequest request : group) {
                request.fail(failure);
            }
            if (e instanceof Error error) {
                throw error;
            }
            return;
        }
        for (WriteRequest request : group) {
            request.complete();
        }
    }

    private void failQueued() {
        StorageException gone = stopped();
        for (WriteRequest r = queue.poll(); r != null; r = queue.poll()) {
            if (r.claim()) {
                r.fail(gone);
            }
        }
    }

    private StorageException stopped() {
        return new StorageException(Kind.TRANSIENT, "SQLite store " + config.path() + " is stopped");
    }

    private void closeQuietly() {
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("closing the writer connection of {} failed: {}", config.path(), e.getMessage());
        }
    }
}
