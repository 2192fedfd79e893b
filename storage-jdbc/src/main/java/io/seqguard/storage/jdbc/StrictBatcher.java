package io.seqguard.storage.jdbc;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.CheckResult;
import io.seqguard.spi.StorageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for strict-mode check-ins: concurrent requests are gathered by a few writer threads
 * and sent with one commit ({@link Dialect#strictUpsertBatch}: one multi-row conditional upsert on
 * PostgreSQL, one locking read and one update batch on MariaDB), so a busy node pays one commit and
 * one log flush per batch instead of per request. An idle node sees no added wait: a writer
 * takes whatever is queued the moment it is free, often a batch of one.
 *
 * <p>Correctness is the single upsert's: each row of the batch is inserted or conditionally
 * updated under its row lock, so exactly one of concurrent identical (GUID, number) requests wins,
 * within a node and across nodes. A batch never holds the same GUID twice (PostgreSQL refuses to
 * update one row twice in a statement, and each row's answer is decided once); a second request
 * for a GUID waits for the next batch, which also keeps a GUID's requests in arrival order. A
 * request is acknowledged only after the batch committed. A deadlock or serialization failure is
 * retried first, as the whole batch rolled back. A batch that still fails with a transient error
 * (the database unreachable) fails all its requests; one that fails otherwise (a row the database
 * refuses: a constraint or trigger of the operator's, a value a column cannot hold) is sent again
 * row by row, each in a transaction of its own, so that one agent's row takes no other agent's
 * answer with it.
 *
 * <p>Every request is either claimed by a writer (and then gets its batch's real outcome, bounded
 * by the query timeout) or abandoned before that, and an abandoned request is never sent, so its
 * transient failure is true. Three things abandon a request: its blocking caller being
 * interrupted (the caller keeps its interrupt flag; once claimed, it waits for the batch's outcome
 * instead); an asynchronous caller cancelling its future; and the claim bound, which lets no
 * request wait unclaimed longer than {@code claimTimeout} (the store's connection timeout). The
 * bound is what keeps an outage from piling up requests that have no thread to give up: while
 * the writers are stuck on a dead database, an expiry thread fails what they cannot take in time,
 * and a writer that finds an expired request abandons it instead of claiming it.
 *
 * <p>Futures complete on the writer threads (or the expiry thread), after the writer returned its
 * connection to the pool and outside any lock, so dependent stages may call the store again. A
 * blocking {@link #submit} from one of those threads is decided alone on that thread rather than
 * queued, as waiting for the writers from a writer could stall them all. Exceptions of dependent
 * stages stay in those stages ({@link CompletableFuture} catches them) and cannot stop a writer.
 *
 * <p>Window-mode check-ins ({@link #submitWindowAsync}) travel the same queue and batches; a
 * batch's window-mode rows are written by {@link WindowBatch} in a transaction of their own (one
 * locking read, the window computed per row, one update batch), after its strict rows.
 *
 * <p>Thread safe. {@link #start()} and {@link #stop()} are called once each, by the store.
 */
final class StrictBatcher {
    /** Writes window-mode check-ins of distinct GUIDs in one transaction; every GUID gets an answer. */
    @FunctionalInterface
    interface WindowBatch {
        Map<String, CheckResult> write(org.jdbi.v3.core.Handle h, List<WindowCheckIn> checkIns) throws java.sql.SQLException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(StrictBatcher.class);
    /** How often a batch the database rolled back to break a deadlock is sent again. */
    static final int RETRIES = 3;
    /** Longest the expiry thread sleeps, so that claimed requests leave {@link #unclaimed} soon. */
    private static final long EXPIRY_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final int maxBatch;
    private final int writers;
    private final Duration claimTimeout;
    private final long claimTimeoutNanos;
    /** Resolves a stale-or-reset row with the single-row path, on the writer thread. */
    private final Function<AgentRow, CheckResult> single;
    private final WindowBatch windowBatch;
    private final LinkedBlockingQueue<QueuedCheckIn> queue = new LinkedBlockingQueue<>();
    /**
     * Every request in submission order, until the expiry thread sees it claimed, abandoned or
     * expired; it holds the requests a writer carries over as well as the queued ones.
     */
    private final ConcurrentLinkedQueue<QueuedCheckIn> unclaimed = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private volatile Thread expiry;
    /** Set while the expiry thread sleeps with nothing to watch; {@link #enqueue} then wakes it. */
    private volatile boolean expiryIdle;
    /** Times the expiry thread woke up (written by that thread only); for tests. */
    private volatile long expiryWakeups;

    /** A writer or the expiry thread: a thread on which {@link #submit} must not wait for the writers. */
    private static final class StoreThread extends Thread {
        private final StrictBatcher owner;

        StoreThread(StrictBatcher owner, Runnable task, String name) {
            super(task, name);
            this.owner = owner;
            setDaemon(true);
        }
    }

    /**
     * @param claimTimeout the longest a request may wait before a writer claims it; then it fails,
     *     transient and unsent
     */
    StrictBatcher(Jdbi jdbi, Dialect dialect, int maxBatch, int writers, Duration claimTimeout, Function<AgentRow, CheckResult> single) {
        this(jdbi, dialect, maxBatch, writers, claimTimeout, single, (h, checkIns) -> {
            throw new UnsupportedOperationException("this batcher takes no window-mode check-ins");
        });
    }

    /** As above, with the writer of window-mode check-ins. */
    StrictBatcher(Jdbi jdbi, Dialect dialect, int maxBatch, int writers, Duration claimTimeout, Function<AgentRow, CheckResult> single,
            WindowBatch windowBatch) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.dialect = requireNonNull(dialect, "dialect");
        this.maxBatch = maxBatch;
        this.writers = writers;
        this.claimTimeout = requireNonNull(claimTimeout, "claimTimeout");
        this.claimTimeoutNanos = claimTimeout.toNanos();
        this.single = requireNonNull(single, "single");
        this.windowBatch = requireNonNull(windowBatch, "windowBatch");
    }

    void start() {
        for (int i = 0; i < writers; i++) {
            threads.add(new StoreThread(this, this::run, "seqguard-jdbc-batch-" + i));
        }
        expiry = new StoreThread(this, this::expireUnclaimed, "seqguard-jdbc-batch-expiry");
        threads.add(expiry);
        threads.forEach(Thread::start);
    }

    void stop() {
        stopping = true;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        failQueued();
        unclaimed.clear();
    }

    /**
     * Queues one check-in without waiting. The future completes once the batch that carries it
     * committed, or exceptionally with a {@link StorageException} (transient when nothing was
     * stored); usually on a writer thread, or on the caller's thread when the store is stopping.
     */
    CompletableFuture<CheckResult> submitAsync(AgentRow row) {
        if (stopping) {
            return CompletableFuture.failedFuture(stoppingFailure());
        }
        return enqueue(row, null).result();
    }

    /** Queues one window-mode check-in without waiting; as {@link #submitAsync}. */
    CompletableFuture<CheckResult> submitWindowAsync(WindowCheckIn checkIn) {
        if (stopping) {
            return CompletableFuture.failedFuture(stoppingFailure());
        }
        return enqueue(checkIn.registration(), checkIn).result();
    }

    /** Queues one check-in and waits for the batch that carries it to commit. */
    CheckResult submit(AgentRow row) {
        if (Thread.currentThread() instanceof StoreThread t && t.owner == this) {
            // A dependent stage calling back on our own thread: waiting for the writers here could
            // stall them all, so decide it alone; this thread holds no connection now.
            return single.apply(row);
        }
        if (stopping) {
            throw stoppingFailure();
        }
        QueuedCheckIn pending = enqueue(row, null);
        try {
            return pending.result().get();
        } catch (InterruptedException e) {
            if (pending.abandon()) {
                queue.remove(pending);
                Thread.currentThread().interrupt();
                throw new StorageException(StorageException.Kind.TRANSIENT, "interrupted while waiting for the database", e);
            }
            // Claimed: the batch may commit, and a failure reported now could hide a consumed number.
            return awaitClaimed(pending);
        } catch (ExecutionException e) {
            throw failure(e);
        }
    }

    private QueuedCheckIn enqueue(AgentRow row, WindowCheckIn window) {
        QueuedCheckIn pending = new QueuedCheckIn(row, window, System.nanoTime() + claimTimeoutNanos);
        unclaimed.add(pending);
        if (expiryIdle) {
            LockSupport.unpark(expiry);
        }
        queue.add(pending);
        if (stopping) {
            // stop() may have drained the queue before our add; make sure nobody waits forever.
            failQueued();
        }
        return pending;
    }

    /** Waits for the outcome of a claimed request whose caller was interrupted, then restores the interrupt. */
    private static CheckResult awaitClaimed(QueuedCheckIn pending) {
        try {
            while (true) {
                try {
                    return pending.result().get();
                } catch (InterruptedException again) {
                    // still interrupted; restored below
                } catch (ExecutionException e) {
                    throw failure(e);
                }
            }
        } finally {
            Thread.currentThread().interrupt();
        }
    }

    private static StorageException failure(ExecutionException e) {
        return e.getCause() instanceof RuntimeException r ? Failures.translate("check-in", r) : Failures.translate("check-in", e.getCause());
    }

    private void run() {
        List<QueuedCheckIn> carry = new ArrayList<>();
        List<QueuedCheckIn> drained = new ArrayList<>();
        while (!stopping) {
            List<QueuedCheckIn> batch = new ArrayList<>();
            Set<String> guids = new HashSet<>();
            try {
                if (carry.isEmpty()) {
                    QueuedCheckIn first = queue.poll(1, TimeUnit.SECONDS);
                    if (first == null) {
                        continue;
                    }
                    drained.add(first);
                } else {
                    drained.addAll(carry);
                    carry.clear();
                }
                queue.drainTo(drained, maxBatch * 2);
                long now = System.nanoTime();
                for (QueuedCheckIn p : drained) {
                    if (p.expired(now)) {
                        expire(p);
                    } else if (batch.size() >= maxBatch || guids.contains(p.row().guid())) {
                        carry.add(p);
                    } else if (p.claim()) {
                        guids.add(p.row().guid());
                        batch.add(p);
                    }
                    // else abandoned: it was reported failed (or withdrawn), so it must not be sent
                }
                drained.clear();
                if (!batch.isEmpty()) {
                    execute(batch);
                }
            } catch (RuntimeException | Error e) {
                // A claimed request's caller waits for an answer, even when interrupted: never leave one unanswered.
                failAll(batch, new StorageException(StorageException.Kind.INTERNAL, "the JDBC batch writer failed: " + e, e));
                // Then go on: a writer that died would leave its share of the queue to expire, and
                // with the last one gone every check-in would fail until a restart.
                LOG.error("The JDBC batch writer {} failed on a batch of {}; that batch is answered as failed, the writer goes on",
                        Thread.currentThread().getName(), batch.size(), e);
            } catch (InterruptedException e) {
                failAll(batch, stoppingFailure());
                break;
            }
        }
        failAll(carry, stoppingFailure());
    }

    /**
     * Fails requests that waited unclaimed past the bound, oldest first. Claimed ones are dropped
     * from {@link #unclaimed} as the head reaches them, at least every {@link #EXPIRY_TICK_NANOS}
     * while there are any; with none, the thread sleeps until the next request arrives.
     */
    private void expireUnclaimed() {
        while (!stopping) {
            QueuedCheckIn p = unclaimed.peek();
            if (p != null && (!p.isPending() || p.expired(System.nanoTime()))) {
                // The only consumer: the head is still p.
                unclaimed.poll();
                expire(p);
                continue;
            }
            if (p == null) {
                // Announce the sleep before looking again: a request added after that look sees
                // the flag and wakes this thread (an unpark before the park makes it return at once).
                expiryIdle = true;
                if (unclaimed.isEmpty()) {
                    LockSupport.park(this);
                }
                expiryIdle = false;
            } else {
                LockSupport.parkNanos(this, Math.max(Math.min(EXPIRY_TICK_NANOS, p.nanosLeft(System.nanoTime())), 1));
            }
            expiryWakeups++;
            if (Thread.interrupted()) {
                return;
            }
        }
    }

    /** How often the expiry thread has woken up so far. */
    long expiryWakeups() {
        return expiryWakeups;
    }

    /** Abandons a request whose claim bound passed, unless a writer claimed it first. */
    private void expire(QueuedCheckIn p) {
        if (p.abandon()) {
            p.result().completeExceptionally(new StorageException(StorageException.Kind.TRANSIENT,
                    "database unavailable during check-in: waited longer than the connection timeout (" + claimTimeout
                            + ") to be sent; nothing was stored"));
        }
    }

    private void execute(List<QueuedCheckIn> batch) {
        List<QueuedCheckIn> strict = new ArrayList<>(batch.size());
        List<QueuedCheckIn> windowed = new ArrayList<>();
        for (QueuedCheckIn p : batch) {
            (p.window() == null ? strict : windowed).add(p);
        }
        if (!strict.isEmpty()) {
            executeStrict(strict);
        }
        if (!windowed.isEmpty()) {
            executeWindowed(windowed);
        }
    }

    /**
     * Sends the write of {@code batch} (built by {@code writeOf}) in a transaction of its own,
     * retrying deadlocks. Returns the answers by GUID (a strict row left out is stale, its stored
     * value not known yet), or null when nothing is left to answer: the batch failed as a whole,
     * or a one-by-one fallback answered each row. A multi-row batch that fails for a reason that is
     * not transient is sent again row by row: the rows that go through get their answers, and only
     * the ones the database refuses fail (they are answered here, and the map leaves them out).
     *
     * <p>The resend relies on a failed write having stored nothing: every write runs in one
     * statement or one transaction that the failure rolled back, and a write that commits rows one
     * by one reports them with a {@link PartialBatchException} instead of failing. A write that
     * did work after its commit and then failed would have its rows sent twice.
     */
    private Map<String, CheckResult> send(List<QueuedCheckIn> batch, Function<List<QueuedCheckIn>, WriteCall> writeOf) {
        WriteCall write = writeOf.apply(batch);
        Exception failure = null;
        for (int attempt = 0; attempt <= RETRIES; attempt++) {
            try {
                return jdbi.withHandle(write::call);
            } catch (PartialBatchException e) {
                // Rows already committed one by one: answer each, and never send them again.
                for (QueuedCheckIn p : batch) {
                    CheckResult decided = e.decided().get(p.row().guid());
                    if (decided != null) {
                        p.result().complete(decided);
                    } else {
                        RuntimeException rowFailure = e.failed().get(p.row().guid());
                        p.result().completeExceptionally(Failures.translate("check-in", rowFailure != null ? rowFailure : e));
                    }
                }
                return null;
            } catch (RuntimeException | java.sql.SQLException e) {
                failure = e;
                if (!Failures.isRollbackConflict(e)) {
                    break;
                }
                LOG.debug("Retrying a batch of {} after {}", batch.size(), e.toString());
            }
        }
        StorageException translated = Failures.translate("check-in", failure);
        if (batch.size() > 1 && translated.kind() != StorageException.Kind.TRANSIENT) {
            // The batch rolled back; nothing of it is stored. Find the rows that cannot be written.
            LOG.warn("A batch of {} check-ins failed ({}); sending its rows one by one", batch.size(), translated.getMessage());
            Map<String, CheckResult> results = new HashMap<>();
            for (QueuedCheckIn p : batch) {
                List<QueuedCheckIn> alone = new ArrayList<>(1);
                alone.add(p);
                Map<String, CheckResult> one = send(alone, writeOf);
                if (one != null) {
                    results.putAll(one);
                }
            }
            return results;
        }
        failAll(batch, translated);
        return null;
    }

    @FunctionalInterface
    private interface WriteCall {
        Map<String, CheckResult> call(org.jdbi.v3.core.Handle h) throws java.sql.SQLException;
    }

    private void executeWindowed(List<QueuedCheckIn> batch) {
        Map<String, CheckResult> results = send(batch, part -> {
            List<WindowCheckIn> checkIns = part.stream().map(QueuedCheckIn::window).toList();
            return h -> windowBatch.write(h, checkIns);
        });
        if (results == null) {
            return;
        }
        for (QueuedCheckIn p : batch) {
            CheckResult result = results.get(p.row().guid());
            if (result != null) {
                p.result().complete(result);
            } else if (!p.result().isDone()) { // done: failed alone when its batch was sent row by row
                p.result().completeExceptionally(new StorageException(StorageException.Kind.INTERNAL,
                        "the window-mode batch gave no answer for " + p.row().guid()));
            }
        }
    }

    private void executeStrict(List<QueuedCheckIn> batch) {
        Map<String, CheckResult> results = send(batch, part -> {
            List<AgentRow> rows = part.stream().map(QueuedCheckIn::row).toList();
            return h -> dialect.strictUpsertBatch(h, rows);
        });
        if (results == null) {
            return;
        }
        List<QueuedCheckIn> stale = new ArrayList<>();
        for (QueuedCheckIn p : batch) {
            CheckResult result = results.get(p.row().guid());
            if (p.result().isDone()) {
                continue; // failed alone when its batch was sent row by row
            }
            if (result == null) {
                stale.add(p); // stale, its stored value not known yet
            } else {
                p.result().complete(result);
            }
        }
        if (!stale.isEmpty()) {
            resolveStale(stale);
        }
    }

    /** Reads the stored {@code last} of the stale rows the dialect could not report, in one query. */
    private void resolveStale(List<QueuedCheckIn> stale) {
        Map<String, Long> lasts = new HashMap<>();
        try {
            List<String> guids = stale.stream().map(p -> p.row().guid()).toList();
            jdbi.useHandle(h -> h.createQuery("SELECT guid, last FROM seqguard_agents WHERE guid IN (<guids>)")
                    .bindList("guids", guids)
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                    .forEach(e -> lasts.put(e.getKey(), e.getValue())));
        } catch (RuntimeException e) {
            failAll(stale, Failures.translate("check-in", e));
            return;
        }
        for (QueuedCheckIn p : stale) {
            Optional<Long> last = Optional.ofNullable(lasts.get(p.row().guid()));
            if (last.isPresent() && last.get() >= p.row().last()) {
                p.result().complete(CheckResult.stale(last.get()));
                continue;
            }
            // Reset between the upsert and the read: the number may be fresh now; decide it alone.
            try {
                p.result().complete(single.apply(p.row()));
            } catch (RuntimeException e) {
                p.result().completeExceptionally(Failures.translate("check-in", e));
            }
        }
    }

    private static void failAll(List<QueuedCheckIn> pending, StorageException failure) {
        for (QueuedCheckIn p : pending) {
            p.result().completeExceptionally(failure);
        }
        pending.clear();
    }

    private void failQueued() {
        StorageException failure = stoppingFailure();
        QueuedCheckIn p;
        while ((p = queue.poll()) != null) {
            if (p.abandon()) {
                p.result().completeExceptionally(failure);
            }
        }
    }

    private static StorageException stoppingFailure() {
        return new StorageException(StorageException.Kind.TRANSIENT, "the JDBC store is stopping");
    }
}
