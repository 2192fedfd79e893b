package io.seqguard.storage.sqlite;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.StorageException;
import io.seqguard.spi.StorageException.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>There is no writer thread. A caller that queues a request and finds the write lock free
 * becomes the leader: it commits what is queued, releases the lock, completes the group's
 * requests, and goes on while anything is queued and the lock is free. Callers that find the lock
 * taken leave their request queued: a blocking caller ({@link #execute}) parks until answered, an
 * asynchronous one ({@link #submit}) returns at once with a future. Every leader looks at the queue
 * again after each group, so a request queued while the lock was held is never stranded. A lone
 * caller thus pays no thread hand-off, and under load the groups grow by themselves. An
 * asynchronous caller (a request thread of the transport) leads as long as there is work; a
 * blocking caller stops once answered and hands the lead to the next blocking waiter, or to the
 * writer's own hand-over thread when only asynchronous requests are queued.
 *
 * <p>Completing happens outside the lock, on the leader's thread: an asynchronous caller's
 * dependents (the transport writing its response) run there, while another caller may already
 * lead the next group. A dependent may call the store again. An asynchronous request from a thread
 * that is completing is only queued (the same thread commits it after the current completions); a
 * blocking one commits at once but leaves the other requests of its group to the completions in
 * progress, so dependents never nest more than one level deep.
 *
 * <p>The group is applied by a {@link GroupTransaction}, which keeps it exact and, when the commit
 * fails, drops everything the group changed in memory; every request of the group then fails.
 *
 * <p>Thread safe: {@link #execute} and {@link #submit} may be called from any number of threads;
 * the connection and the in-memory state are only touched by the thread that holds the write lock.
 */
final class GroupCommitWriter {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    /**
     * Per thread, the requests of this writer it committed and has yet to complete, and whether it is
     * completing now. Per writer, so that a dependent calling another store is not merely queued there.
     */
    private final ThreadLocal<Completions> completionsOfThisThread = ThreadLocal.withInitial(Completions::new);
    private static final long RETRY_NANOS = 10_000_000L;

    private final SqliteConfig config;
    private final Connection connection;
    private final ConcurrentLinkedQueue<WriteRequest<?>> queue = new ConcurrentLinkedQueue<>();
    /** Held by the leader; package-private so that a test can stage a group deterministically. */
    final ReentrantLock writeLock = new ReentrantLock();
    private final List<WriteRequest<?>> group;
    private final GroupTransaction transaction;
    private final WriterMetrics metrics;
    /** A failed group's answer made in advance, so that answering needs no memory (an OutOfMemoryError may be why it failed). */
    private final StorageException groupFailed;

    /** Leads when a blocking caller leaves the lead with only asynchronous requests queued. */
    private final ExecutorService handOverThread;
    private final AtomicBoolean handOverPending = new AtomicBoolean();

    private volatile boolean closed;

    /** One thread's committed requests waiting to be completed. */
    private static final class Completions {
        final ArrayDeque<WriteRequest<?>> pending = new ArrayDeque<>();
        boolean running;
    }

    /**
     * Takes over the writer connection and reads the check-in journal into {@code journal} (or,
     * with the journal off, folds what an earlier run left in it). {@link #startCacheFill} then
     * fills the agent cache.
     */
    GroupCommitWriter(SqliteConfig config, Connection connection, WriterMetrics metrics, AgentJournal journal) throws SQLException {
        this.config = requireNonNull(config, "config");
        this.connection = requireNonNull(connection, "connection");
        this.metrics = requireNonNull(metrics, "metrics");
        this.groupFailed = new StorageException(Kind.INTERNAL, "SQLite store " + config.path()
                + ": a group of requests failed and was rolled back; none of them is acknowledged");
        this.group = new ArrayList<>(config.maxGroupSize());
        this.transaction = new GroupTransaction(config, connection, journal);
        metrics.watch(transaction);
        transaction.recoverJournal();
        this.handOverThread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "seqguard-sqlite-writer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Queues {@code request} and returns a future completed once its group committed (or
     * exceptionally with a {@link StorageException} when the group failed or the store stopped).
     * The caller leads when the lock is free; otherwise the current leader takes the request. The
     * future's dependents run on the completing thread, without the writer's lock.
     */
    <T> CompletableFuture<T> submit(WriteRequest<T> request) {
        CompletableFuture<T> future = request.future();
        enqueue(request);
        Completions completions = completionsOfThisThread.get();
        if (!completions.running) {
            drive(completions, null);
        }
        // else this thread is completing earlier requests and commits this one when done with them.
        return future;
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
    <T> T execute(WriteRequest<T> request) {
        request.waiter = Thread.currentThread();
        enqueue(request);
        Completions completions = completionsOfThisThread.get();
        if (completions.running) {
            commitNested(request, completions);
        } else {
            drive(completions, request);
        }
        long deadline = System.nanoTime() + config.commitTimeout().toNanos();
        while (!request.isDone()) {
            long left = deadline - System.nanoTime();
            boolean interrupted = Thread.interrupted();
            if (left <= 0 || interrupted) {
                return giveUp(request, interrupted);
            }
            // Unparked when answered. The cap only guards progress: a request still unclaimed after
            // it is led here, in case no other leader comes by.
            LockSupport.parkNanos(this, Math.min(left, RETRY_NANOS));
            if (request.isPending()) {
                if (completions.running) {
                    commitNested(request, completions);
                } else {
                    drive(completions, request);
                }
            }
        }
        return request.outcome();
    }

    private void enqueue(WriteRequest<?> request) {
        queue.add(request);
        if (closed) {
            // close() may have drained the queue before our add; nobody must wait forever.
            List<WriteRequest<?>> failed = new ArrayList<>();
            failQueued(failed);
            failed.forEach(WriteRequest::complete);
        }
    }

    /** Fails (without completing) every queued request no one claimed yet, adding it to {@code failed}; for a stopped writer. */
    private void failQueued(Collection<WriteRequest<?>> failed) {
        for (WriteRequest<?> r = queue.poll(); r != null; r = queue.poll()) {
            if (r.claim()) {
                r.failWith(stopped());
                failed.add(r);
            }
        }
    }

    /**
     * Leads groups while anything is queued and the lock is free: commit a group under the lock,
     * then complete it without the lock (dependents may queue more, which the next turn commits).
     * A blocking caller ({@code own} not null) stops once its own request is answered and hands
     * what is still queued over, so that it is not kept working for others.
     */
    private void drive(Completions completions, WriteRequest<?> own) {
        completions.running = true;
        boolean normal = false;
        try {
            while (!queue.isEmpty() && writeLock.tryLock()) {
                commitAndComplete(completions);
                if (own != null && own.isDone()) {
                    if (!queue.isEmpty()) {
                        handOver();
                    }
                    normal = true;
                    return;
                }
            }
            normal = true;
        } finally {
            completions.running = false;
            if (!normal && !queue.isEmpty()) {
                // An Error left the loop before its look at the queue; someone else must lead.
                handOver();
            }
        }
    }

    /**
     * Passes the lead on when a blocking caller leaves with requests still queued: to the blocking
     * caller that waits for the oldest of them, or else (the oldest is asynchronous, its caller
     * gone) to the writer's hand-over thread. At most one hand-over task is pending at a time.
     */
    private void handOver() {
        for (WriteRequest<?> next = queue.peek(); next != null; next = queue.peek()) {
            if (!next.isPending()) {
                // Abandoned: its owner has left and cannot lead (a claimed request is no longer queued).
                queue.remove(next);
                continue;
            }
            Thread waiter = next.waiter;
            if (waiter != null) {
                LockSupport.unpark(waiter);
                return;
            }
            break;
        }
        if (!queue.isEmpty() && handOverPending.compareAndSet(false, true)) {
            try {
                handOverThread.execute(() -> {
                    handOverPending.set(false);
                    Completions completions = completionsOfThisThread.get();
                    if (!completions.running) {
                        drive(completions, null);
                    }
                });
            } catch (RejectedExecutionException e) {
                // Closed meanwhile: close() failed whatever was queued.
                handOverPending.set(false);
            }
        }
    }

    /**
     * A blocking request from a thread that is completing a group: commits groups until the request
     * is in one, completes only that request, and leaves the group's others to the completions in
     * progress. When another thread leads, that leader takes the request.
     */
    private void commitNested(WriteRequest<?> request, Completions completions) {
        while (request.isPending() && writeLock.tryLock()) {
            boolean committed = false;
            try {
                commitGroup(completions.pending);
                committed = true;
            } finally {
                writeLock.unlock();
                if (!committed && !queue.isEmpty()) {
                    handOver();
                }
            }
            if (completions.pending.remove(request)) {
                request.complete();
                return;
            }
        }
    }

    /** Abandons a request whose caller stops waiting, or, when a leader already claimed it, waits for its outcome. */
    private <T> T giveUp(WriteRequest<T> request, boolean interrupted) {
        if (request.abandon()) {
            // Leaders would skip it anyway; removing it keeps the queue short.
            queue.remove(request);
            if (!queue.isEmpty()) {
                // The lead may have been handed to this caller; pass it on rather than strand the rest.
                handOver();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
                throw new StorageException(Kind.TRANSIENT, "SQLite store " + config.path() + ": interrupted while waiting for the commit");
            }
            throw new StorageException(Kind.TRANSIENT, "SQLite store " + config.path() + ": not committed within " + config.commitTimeout());
        }
        // Claimed: its group may commit, and a failure reported now could hide a consumed number.
        boolean wasInterrupted = interrupted;
        while (!request.isDone()) {
            LockSupport.park(this);
            wasInterrupted |= Thread.interrupted();
        }
        if (wasInterrupted) {
            Thread.currentThread().interrupt();
        }
        return request.outcome();
    }

    /**
     * Starts filling the agent cache on a thread of its own, while the writer serves: from the
     * journal's live rows, then from the agents table, {@code chunk} rows at a time under the write
     * lock, until both are read or the cache is full (docs/SQLITE.md, "Memory and start-up with many agents"). A million agents take
     * a second or two of one core; before this, start-up waited for them. Between two chunks, the
     * requests queued meanwhile get one group on the fill's thread, so a check-in waits at most for
     * a chunk and a group, not for the fill. The future gives how many agents the fill kept; it
     * completes early, with what was kept so far, when the writer is closed, and exceptionally when
     * a step fails (logged; the agents left are read on their first check-in, as without a fill).
     */
    CompletableFuture<Integer> startCacheFill(int chunk) {
        CompletableFuture<Integer> filled = new CompletableFuture<>();
        Thread filler = new Thread(() -> {
            try {
                filled.complete(fillCache(chunk));
            } catch (SQLException | RuntimeException | Error e) {
                filled.completeExceptionally(e);
            }
        }, "seqguard-sqlite-cache-fill");
        filler.setDaemon(true);
        filler.start();
        return filled;
    }

    private int fillCache(int chunk) throws SQLException {
        long start = System.nanoTime();
        int loaded = 0;
        // First the agents with live journal rows (the ones active lately), then the agents table.
        long afterSeq = 0;
        long journalEnd = -1;
        byte[] after = new byte[0];
        try {
            while (after != null) {
                writeLock.lock();
                try {
                    if (closed) {
                        break;
                    }
                    if (afterSeq >= 0) {
                        if (journalEnd < 0) {
                            journalEnd = transaction.journalLastRow();
                        }
                        GroupTransaction.JournalFill step = transaction.fillCacheFromJournal(afterSeq, journalEnd, chunk);
                        loaded += step.loaded();
                        afterSeq = step.next();
                    } else {
                        GroupTransaction.CacheFill step = transaction.fillCache(after, chunk);
                        loaded += step.loaded();
                        after = step.next();
                    }
                } finally {
                    writeLock.unlock();
                }
                // Handing the queue over would not do: this thread takes the free lock again before a woken
                // leader can, and the check-ins would wait for the whole fill.
                leadOneGroup();
            }
        } catch (SQLException | RuntimeException | Error e) {
            log.warn("SQLite store {}: filling the agent cache stopped after {} agents ({}); the others are read on their"
                    + " first check-in", config.path(), loaded, e.toString());
            throw e;
        } finally {
            // Callers that found the lock taken left their requests queued: someone must lead them.
            if (!queue.isEmpty()) {
                handOver();
            }
        }
        if (loaded > 0) {
            log.info("SQLite store {}: {} agents read into the agent cache in {} ms{}", config.path(), loaded,
                    (System.nanoTime() - start) / 1_000_000, after == null ? "" : " (stopped with the store)");
        }
        return loaded;
    }

    /** Commits one group of what is queued, if anything is and the lock is free, and completes it. */
    private void leadOneGroup() {
        Completions completions = completionsOfThisThread.get();
        if (completions.running || queue.isEmpty() || !writeLock.tryLock()) {
            return;
        }
        completions.running = true;
        try {
            commitAndComplete(completions);
        } finally {
            completions.running = false;
        }
    }

    /** With the write lock held: commits a group, releases the lock, then completes the group's requests. */
    private void commitAndComplete(Completions completions) {
        try {
            try {
                commitGroup(completions.pending);
            } finally {
                writeLock.unlock();
            }
        } finally {
            // Also after an Error in the group: every claimed request gets its answer.
            for (WriteRequest<?> r = completions.pending.poll(); r != null; r = completions.pending.poll()) {
                r.complete();
            }
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
        List<WriteRequest<?>> failed = new ArrayList<>();
        writeLock.lock();
        try {
            if (!closed) {
                closed = true;
                failQueued(failed);
                closeQuietly();
            }
        } finally {
            writeLock.unlock();
        }
        failed.forEach(WriteRequest::complete);
        handOverThread.shutdown();
    }

    /** Under the lock: takes up to a group's worth of queued requests, applies and commits them, and adds them to {@code done}. */
    private void commitGroup(ArrayDeque<WriteRequest<?>> done) {
        if (closed) {
            failQueued(done);
            return;
        }
        while (group.size() < config.maxGroupSize()) {
            WriteRequest<?> r = queue.poll();
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
            done.addAll(group);
            group.clear();
        }
    }

    /**
     * Applies and commits {@code group}, recording each request's answer. A failure, an
     * {@link Error} such as {@link OutOfMemoryError} included, rolls the group back and answers
     * every request with it; it is logged here and goes no further, so that the leader's caller,
     * whose own request may be in another group, still gets that request's answer (and a failure
     * it sees is never one its request did not have). Once {@code COMMIT} succeeded the answers
     * stand: nothing after it (the meters, {@link GroupTransaction#commit}'s publishing) can turn
     * them into failures.
     */
    private void applyGroup(List<WriteRequest<?>> group) {
        long start = System.nanoTime();
        boolean wrote;
        try {
            for (WriteRequest<?> request : group) {
                request.applyIn(transaction);
            }
            wrote = transaction.commit();
        } catch (SQLException | RuntimeException | Error e) {
            // Before anything that allocates: no claimed request may be left without an answer.
            for (WriteRequest<?> request : group) {
                request.failWith(groupFailed);
            }
            transaction.rollback();
            StorageException failure = e instanceof SQLException sql
                    ? SqliteErrors.translate(config.path(), "a group of " + group.size() + " requests", sql)
                    : new StorageException(Kind.INTERNAL, "SQLite store " + config.path() + ": " + e, e);
            for (WriteRequest<?> request : group) {
                request.failWith(failure);
            }
            if (e instanceof Error) {
                log.error("{}; none of them is acknowledged", failure.getMessage(), e);
            } else {
                log.warn("{}; none of them is acknowledged", failure.getMessage());
            }
            record(() -> metrics.failed(System.nanoTime() - start));
            return;
        }
        record(() -> metrics.committed(group.size(), wrote, System.nanoTime() - start));
    }

    private static void record(Runnable meter) {
        try {
            meter.run();
        } catch (RuntimeException | Error e) {
            // Errors too: the group's answers are recorded and must reach their callers.
            log.warn("the SQLite writer's meters failed; the group's outcome is not affected", e);
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
