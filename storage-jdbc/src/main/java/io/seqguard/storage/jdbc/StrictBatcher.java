package io.seqguard.storage.jdbc;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.CheckResult;
import io.seqguard.spi.StorageException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for strict-mode check-ins: concurrent requests are gathered by a few writer threads
 * and sent as one multi-row conditional upsert with one commit, so a busy node pays one round trip
 * and one WAL flush per batch instead of per request. An idle node sees no added wait: a writer
 * takes whatever is queued the moment it is free, often a batch of one.
 *
 * <p>Correctness is the single upsert's: each row of the statement is inserted or conditionally
 * updated under its row lock, so exactly one of concurrent identical (GUID, number) requests wins,
 * within a node and across nodes. A batch never holds the same GUID twice (PostgreSQL refuses to
 * update one row twice in a statement); a second request for a GUID waits for the next batch, which
 * also keeps a GUID's requests in arrival order. A request is acknowledged only after the batch
 * committed. A failed batch fails all its requests with the translated (usually transient) error;
 * a deadlock or serialization failure is retried first, as the whole batch rolled back.
 *
 * <p>A caller that is interrupted while its request is still queued abandons it, and no writer
 * sends it afterwards, so its transient failure is true. Once a writer took the request into a
 * batch, the batch may commit; the caller then waits for the batch's real outcome (bounded by the
 * query timeout) and keeps its interrupt flag.
 *
 * <p>Thread safe. {@link #start()} and {@link #stop()} are called once each, by the store.
 */
final class StrictBatcher {
    private static final Logger LOG = LoggerFactory.getLogger(StrictBatcher.class);
    private static final int RETRIES = 3;

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final int maxBatch;
    private final int writers;
    /** Resolves a stale-or-reset row with the single-row path, on the writer thread. */
    private final Function<AgentRow, CheckResult> single;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    /** One queued check-in; claimed by a writer or abandoned by its caller, whichever comes first. */
    private static final class Pending {
        private static final int PENDING = 0;
        private static final int CLAIMED = 1;
        private static final int ABANDONED = 2;

        private final AgentRow row;
        private final CompletableFuture<CheckResult> result = new CompletableFuture<>();
        private final AtomicInteger state = new AtomicInteger(PENDING);

        Pending(AgentRow row) {
            this.row = row;
        }

        AgentRow row() {
            return row;
        }

        CompletableFuture<CheckResult> result() {
            return result;
        }

        /** By a writer taking it into a batch; false when the caller abandoned it first. */
        boolean claim() {
            return state.compareAndSet(PENDING, CLAIMED);
        }

        /** By the caller when it stops waiting; false when a writer claimed it first. */
        boolean abandon() {
            return state.compareAndSet(PENDING, ABANDONED);
        }
    }

    StrictBatcher(Jdbi jdbi, Dialect dialect, int maxBatch, int writers, Function<AgentRow, CheckResult> single) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.dialect = requireNonNull(dialect, "dialect");
        this.maxBatch = maxBatch;
        this.writers = writers;
        this.single = requireNonNull(single, "single");
    }

    void start() {
        for (int i = 0; i < writers; i++) {
            Thread t = new Thread(this::run, "seqguard-jdbc-batch-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
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
    }

    /** Queues one check-in and waits for the batch that carries it to commit. */
    CheckResult submit(AgentRow row) {
        if (stopping) {
            throw new StorageException(StorageException.Kind.TRANSIENT, "the JDBC store is stopping");
        }
        Pending pending = new Pending(row);
        queue.add(pending);
        if (stopping) {
            // stop() may have drained the queue before our add; make sure nobody waits forever.
            failQueued();
        }
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

    /** Waits for the outcome of a claimed request whose caller was interrupted, then restores the interrupt. */
    private static CheckResult awaitClaimed(Pending pending) {
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
        List<Pending> carry = new ArrayList<>();
        List<Pending> drained = new ArrayList<>();
        while (!stopping) {
            List<Pending> batch = new ArrayList<>();
            Set<String> guids = new HashSet<>();
            try {
                if (carry.isEmpty()) {
                    Pending first = queue.poll(1, TimeUnit.SECONDS);
                    if (first == null) {
                        continue;
                    }
                    drained.add(first);
                } else {
                    drained.addAll(carry);
                    carry.clear();
                }
                queue.drainTo(drained, maxBatch * 2);
                for (Pending p : drained) {
                    if (batch.size() >= maxBatch || guids.contains(p.row().guid())) {
                        carry.add(p);
                    } else if (p.claim()) {
                        guids.add(p.row().guid());
                        batch.add(p);
                    }
                    // else abandoned: its caller already reported it failed, so it must not be sent
                }
                drained.clear();
                execute(batch);
            } catch (RuntimeException | Error e) {
                // A claimed request's caller waits for an answer, even when interrupted: never leave one unanswered.
                failAll(batch, new StorageException(StorageException.Kind.INTERNAL, "the JDBC batch writer failed: " + e, e));
                throw e;
            } catch (InterruptedException e) {
                failAll(batch, new StorageException(StorageException.Kind.TRANSIENT, "the JDBC store is stopping"));
                break;
            }
        }
        failAll(carry, new StorageException(StorageException.Kind.TRANSIENT, "the JDBC store is stopping"));
    }

    private void execute(List<Pending> batch) {
        List<AgentRow> rows = batch.stream().map(Pending::row).toList();
        Map<String, Long> written = null;
        Exception failure = null;
        for (int attempt = 0; attempt <= RETRIES && written == null; attempt++) {
            try {
                written = jdbi.withHandle(h -> dialect.strictUpsertBatch(h, rows));
            } catch (RuntimeException | java.sql.SQLException e) {
                failure = e;
                if (!isRetryable(e)) {
                    break;
                }
                LOG.debug("Retrying a batch of {} after {}", rows.size(), e.toString());
            }
        }
        if (written == null) {
            failAll(batch, Failures.translate("check-in", failure));
            return;
        }
        List<Pending> stale = new ArrayList<>();
        for (Pending p : batch) {
            Long previous = written.get(p.row().guid());
            if (previous == null) {
                stale.add(p);
            } else {
                p.result().complete(previous < 0 ? CheckResult.registered() : CheckResult.accepted(previous));
            }
        }
        if (!stale.isEmpty()) {
            resolveStale(stale);
        }
    }

    /** Reads the stored {@code last} of the stale rows in one query. */
    private void resolveStale(List<Pending> stale) {
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
        for (Pending p : stale) {
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

    private static boolean isRetryable(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().equals("40P01") || sql.getSQLState().equals("40001"))) {
                return true;
            }
        }
        return false;
    }

    private static void failAll(List<Pending> pending, StorageException failure) {
        for (Pending p : pending) {
            p.result().completeExceptionally(failure);
        }
        pending.clear();
    }

    private void failQueued() {
        StorageException failure = new StorageException(StorageException.Kind.TRANSIENT, "the JDBC store is stopping");
        Pending p;
        while ((p = queue.poll()) != null) {
            p.result().completeExceptionally(failure);
        }
    }
}
