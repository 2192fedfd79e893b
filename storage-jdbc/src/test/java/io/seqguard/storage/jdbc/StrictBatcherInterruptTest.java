package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.StorageException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A strict check-in whose caller is interrupted while it waits in the batch queue is told
 * "transient: nothing was accepted", so that must stay true: the batch writer never sends it
 * afterwards, and the agent's retry of the same number is accepted. A caller whose check-in is
 * already in a batch on the wire gets that batch's outcome instead. On PostgreSQL (the table lock
 * below); the batcher is the same for MariaDB.
 *
 * <p>The single batch writer ({@code pool-size} 2) is held up by another session that holds an
 * exclusive lock on the agents table; the test releases it once the interrupted caller answered.
 */
class StrictBatcherInterruptTest {
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    /** Only a guard against a hang; no step waits this long when it works. */
    private static final long GUARD_SECONDS = 60;

    @Test
    void anInterruptedQueuedCheckInIsNeverCommittedLater() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Server.POSTGRESQL)) {
            // One writer thread (pool-size / 2), and a query timeout well above the time the table stays locked.
            JdbcSequenceStore store = new JdbcSequenceStore(new JdbcConfig(db.url(), db.user(), "", 2, Duration.ofSeconds(5),
                    Duration.ofSeconds(GUARD_SECONDS), Duration.ofMinutes(30), true, 64, Map.of()));
            store.start();
            try {
                AgentIdentity blocked = AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
                AgentIdentity queued = AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
                assertThat(check(store, blocked, 1)).isEqualTo(CheckResult.registered());
                assertThat(check(store, queued, 4)).isEqualTo(CheckResult.registered());

                CompletableFuture<CheckResult> first;
                AtomicReference<Throwable> failure = new AtomicReference<>();
                AtomicBoolean interruptedAfterwards = new AtomicBoolean();
                try (Connection external = connect(db)) {
                    external.setAutoCommit(false);
                    try (Statement s = external.createStatement()) {
                        s.execute("LOCK TABLE seqguard_agents IN EXCLUSIVE MODE");
                    }
                    first = CompletableFuture.supplyAsync(() -> check(store, blocked, 2));
                    // The writer's batch waits for the lock, so the next request stays queued.
                    awaitTrue("the batch writer waits for the lock", () -> lockWaiters(external) > 0);
                    Thread caller = new Thread(() -> {
                        try {
                            check(store, queued, 5);
                        } catch (Throwable e) {
                            failure.set(e);
                        }
                        interruptedAfterwards.set(Thread.currentThread().isInterrupted());
                    }, "queued-caller");
                    caller.start();
                    awaitTrue("the caller waits for its batch", () -> LockSupport.getBlocker(caller) != null);
                    caller.interrupt();
                    caller.join(TimeUnit.SECONDS.toMillis(GUARD_SECONDS));
                    external.rollback();
                }
                assertThat(failure.get())
                        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT));
                assertThat(interruptedAfterwards.get()).isTrue();
                assertThat(first.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(1));
                // The agent was told nothing was accepted, so its retry must not be a sequence error.
                assertThat(check(store, queued, 5)).isEqualTo(CheckResult.accepted(4));
            } finally {
                store.stop();
            }
        }
    }

    @Test
    void anInterruptedCallerWhoseCheckInIsInABatchGetsTheBatchsOutcome() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Server.POSTGRESQL)) {
            JdbcSequenceStore store = new JdbcSequenceStore(new JdbcConfig(db.url(), db.user(), "", 2, Duration.ofSeconds(5),
                    Duration.ofSeconds(GUARD_SECONDS), Duration.ofMinutes(30), true, 64, Map.of()));
            store.start();
            try {
                AgentIdentity agent = AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
                assertThat(check(store, agent, 1)).isEqualTo(CheckResult.registered());

                AtomicReference<CheckResult> result = new AtomicReference<>();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                AtomicBoolean interruptedAfterwards = new AtomicBoolean();
                try (Connection external = connect(db)) {
                    external.setAutoCommit(false);
                    try (Statement s = external.createStatement()) {
                        s.execute("LOCK TABLE seqguard_agents IN EXCLUSIVE MODE");
                    }
                    Thread caller = new Thread(() -> {
                        try {
                            result.set(check(store, agent, 2));
                        } catch (Throwable e) {
                            failure.set(e);
                        }
                        interruptedAfterwards.set(Thread.currentThread().isInterrupted());
                    }, "batched-caller");
                    caller.start();
                    // Its batch is on the wire, waiting for the lock: the writer has claimed it.
                    awaitTrue("the batch writer waits for the lock", () -> lockWaiters(external) > 0);
                    caller.interrupt();
                    // The caller noticed (and cleared) the interrupt, or already answered; only then may the batch go on.
                    awaitTrue("the interrupt is seen", () -> !caller.isInterrupted() || !caller.isAlive());
                    external.rollback();
                    caller.join(TimeUnit.SECONDS.toMillis(GUARD_SECONDS));
                }
                assertThat(failure.get()).isNull();
                assertThat(result.get()).isEqualTo(CheckResult.accepted(1));
                assertThat(interruptedAfterwards.get()).isTrue();
                assertThat(check(store, agent, 2)).isEqualTo(CheckResult.stale(2));
            } finally {
                store.stop();
            }
        }
    }

    private static CheckResult check(JdbcSequenceStore store, AgentIdentity agent, long number) {
        return store.checkAndAdvance(agent, number, SequencePolicy.STRICT, NOW);
    }

    private static Connection connect(TestDatabase db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", db.user());
        return DriverManager.getConnection(db.url(), p);
    }

    private static int lockWaiters(Connection external) {
        // Asked on the lock holder's own session, inside its transaction: pg_stat_activity is a snapshot per transaction.
        try (Statement s = external.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_stat_clear_snapshot(), (SELECT COUNT(*) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND wait_event_type = 'Lock')")) {
            rs.next();
            return rs.getInt(2);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting until " + what);
            }
            Thread.sleep(1);
        }
    }
}
