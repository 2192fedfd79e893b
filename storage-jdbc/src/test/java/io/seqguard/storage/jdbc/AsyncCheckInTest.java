package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.StorageException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the storage kit's async contract does not pin down for this store: argument errors are
 * thrown while storage failures arrive through the stage, and the batch writer that completes a
 * stage has returned its connection and survives whatever its dependents do. The writer tests hold
 * the agents table locked while they attach dependents, so the stages cannot complete before and
 * the dependents run on the writer; PostgreSQL only (they watch {@code pg_stat_activity} and use
 * {@code LOCK TABLE}); {@link MariaDbBatchTest} covers MariaDB's batches.
 */
class AsyncCheckInTest {
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    /** Only a guard against a hang; no step waits this long when it works. */
    private static final long GUARD_SECONDS = 30;

    private static AgentIdentity newAgent() {
        return AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Server.class)
    void argumentErrorsAreThrownAndAStoppedStoreFailsTheStage(TestDatabase.Server server) throws Exception {
        try (TestDatabase db = TestDatabase.create(server)) {
            JdbcSequenceStore store = new JdbcSequenceStore(db.config(2));
            AgentIdentity agent = newAgent();
            assertTransient(store.checkAndAdvanceAsync(agent, 1, SequencePolicy.STRICT, NOW));
            store.start();
            try {
                assertThatThrownBy(() -> store.checkAndAdvanceAsync(null, 1, SequencePolicy.STRICT, NOW)).isInstanceOf(NullPointerException.class);
                assertThatThrownBy(() -> store.checkAndAdvanceAsync(agent, 1, null, NOW)).isInstanceOf(NullPointerException.class);
                assertThatThrownBy(() -> store.checkAndAdvanceAsync(agent, 1, SequencePolicy.STRICT, null)).isInstanceOf(NullPointerException.class);
                assertThatThrownBy(() -> store.checkAndAdvanceAsync(agent, -1, SequencePolicy.STRICT, NOW))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThat(await(store.checkAndAdvanceAsync(agent, 1, SequencePolicy.STRICT, NOW))).isEqualTo(CheckResult.registered());
                assertThat(await(store.checkAndAdvanceAsync(agent, 2, SequencePolicy.window(8), NOW))).isEqualTo(CheckResult.accepted(1));
            } finally {
                store.stop();
            }
            assertTransient(store.checkAndAdvanceAsync(agent, 3, SequencePolicy.STRICT, NOW));
            assertTransient(store.checkAndAdvanceAsync(agent, 3, SequencePolicy.window(8), NOW));
            assertThatThrownBy(() -> store.checkAndAdvanceAsync(agent, -1, SequencePolicy.STRICT, NOW)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void dependentsRunOnTheWriterAfterItReturnedItsConnection() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Server.POSTGRESQL)) {
            // pool-size 2: one writer, and the other connection is pinned by a blocked caller below,
            // so a writer that completed stages while holding its connection would leave none for
            // the dependents; a blocking check-in that waited for the writers from the writer stalls.
            JdbcSequenceStore store = new JdbcSequenceStore(db.config(db.url(), 2, Duration.ofSeconds(5)));
            store.start();
            ExecutorService pinning = Executors.newSingleThreadExecutor();
            try (Connection monitor = connect(db)) {
                int stages = 20;
                AgentIdentity pinned = newAgent();
                List<AgentIdentity> firsts = new ArrayList<>();
                List<AgentIdentity> others = new ArrayList<>();
                for (int i = 0; i < stages; i++) {
                    firsts.add(newAgent());
                    others.add(newAgent());
                    assertThat(store.checkAndAdvance(firsts.get(i), 1, SequencePolicy.STRICT, NOW)).isEqualTo(CheckResult.registered());
                }
                assertThat(store.checkAndAdvance(pinned, 1, SequencePolicy.window(8), NOW)).isEqualTo(CheckResult.registered());

                Map<Integer, String> threads = new ConcurrentHashMap<>();
                List<CompletableFuture<CheckResult>> chained = new ArrayList<>();
                Future<CheckResult> pinnedCall;
                try (Connection pinLock = lockRows(db, List.of(pinned)); Connection writerLock = lockRows(db, firsts)) {
                    // A window check-in on a locked row waits in its UPDATE, holding one pooled connection.
                    pinnedCall = pinning.submit(() -> store.checkAndAdvance(pinned, 2, SequencePolicy.window(8), NOW));
                    awaitLockWaiters(monitor, 1);
                    for (int i = 0; i < stages; i++) {
                        int index = i;
                        AgentIdentity other = others.get(i);
                        chained.add(store.checkAndAdvanceAsync(firsts.get(i), 2, SequencePolicy.STRICT, NOW).thenApply(first -> {
                            threads.put(index, Thread.currentThread().getName());
                            assertThat(store.agentInfo(other.guid(), NOW)).isEmpty();
                            return store.checkAndAdvance(other, 7, SequencePolicy.STRICT, NOW);
                        }).toCompletableFuture());
                    }
                    // The writer's batch waits for the row locks, on the other connection.
                    awaitLockWaiters(monitor, 2);
                    writerLock.rollback();
                    for (int i = 0; i < stages; i++) {
                        assertThat(await(chained.get(i))).as("stage %d", i).isEqualTo(CheckResult.registered());
                    }
                    assertThat(pinnedCall).isNotDone();
                    pinLock.rollback();
                }
                assertThat(pinnedCall.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(1));
                for (int i = 0; i < stages; i++) {
                    assertThat(store.agentInfo(firsts.get(i).guid(), NOW).orElseThrow().last()).isEqualTo(2);
                    assertThat(store.agentInfo(others.get(i).guid(), NOW).orElseThrow().last()).isEqualTo(7);
                }
                assertThat(threads.values()).hasSize(stages).allMatch(name -> name.startsWith("seqguard-jdbc-batch-"), "a batch writer");
            } finally {
                pinning.shutdownNow();
                store.stop();
            }
        }
    }

    @Test
    void aThrowingDependentDoesNotStopTheWriter() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Server.POSTGRESQL)) {
            // pool-size 2: a single writer, so a dead writer would leave every later check-in unsent.
            JdbcSequenceStore store = new JdbcSequenceStore(db.config(db.url(), 2, Duration.ofSeconds(5)));
            store.start();
            try {
                Map<Integer, String> threads = new ConcurrentHashMap<>();
                List<CompletableFuture<CheckResult>> stages = new ArrayList<>();
                List<CompletableFuture<Void>> dependents = new ArrayList<>();
                try (Connection lock = lockAgents(db)) {
                    for (int i = 0; i < 10; i++) {
                        int index = i;
                        CompletableFuture<CheckResult> stage = store.checkAndAdvanceAsync(newAgent(), 1, SequencePolicy.STRICT, NOW)
                                .toCompletableFuture();
                        dependents.add(stage.thenAccept(r -> {
                            threads.put(index, Thread.currentThread().getName());
                            if (index % 2 == 0) {
                                throw new IllegalStateException("a dependent fails");
                            }
                            throw new AssertionError("a dependent throws an Error");
                        }));
                        stages.add(stage);
                    }
                    lock.rollback();
                }
                // Wait on the dependents, not on the stages: a thread blocked in get() on a stage
                // helps run its dependents when it wakes, and could take them from the writer.
                CompletableFuture.allOf(dependents.toArray(CompletableFuture[]::new)).handle((r, e) -> null).get(GUARD_SECONDS, TimeUnit.SECONDS);
                assertThat(dependents).allMatch(CompletableFuture::isCompletedExceptionally, "failed by its throwing action");
                for (CompletableFuture<CheckResult> stage : stages) {
                    assertThat(await(stage)).isEqualTo(CheckResult.registered());
                }
                assertThat(threads.values()).hasSize(10).allMatch(name -> name.startsWith("seqguard-jdbc-batch-"), "a batch writer");
                for (int i = 0; i < 3; i++) {
                    assertThat(await(store.checkAndAdvanceAsync(newAgent(), 1, SequencePolicy.STRICT, NOW))).isEqualTo(CheckResult.registered());
                }
            } finally {
                store.stop();
            }
        }
    }

    private static Connection connect(TestDatabase db) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", db.user());
        return DriverManager.getConnection(db.url(), p);
    }

    /** A session holding the agents' rows locked until it rolls back. */
    private static Connection lockRows(TestDatabase db, List<AgentIdentity> agents) throws SQLException {
        Connection c = connect(db);
        c.setAutoCommit(false);
        try (PreparedStatement s = c.prepareStatement("SELECT guid FROM seqguard_agents WHERE guid = ANY (?) FOR UPDATE")) {
            s.setArray(1, c.createArrayOf("varchar", agents.stream().map(a -> a.guid().toString()).toArray()));
            s.executeQuery().close();
        }
        return c;
    }

    /** Waits until at least {@code count} sessions of this database wait for a lock. */
    private static void awaitLockWaiters(Connection monitor, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        while (true) {
            try (Statement s = monitor.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
                rs.next();
                if (rs.getInt(1) >= count) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + count + " sessions waiting for a lock");
            }
            Thread.sleep(1);
        }
    }

    /** A session holding the agents table exclusively until it rolls back; the store must have started (the table exists). */
    private static Connection lockAgents(TestDatabase db) throws SQLException {
        Connection c = connect(db);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE seqguard_agents IN EXCLUSIVE MODE");
        }
        return c;
    }

    private static CheckResult await(CompletionStage<CheckResult> stage) throws Exception {
        return stage.toCompletableFuture().get(GUARD_SECONDS, TimeUnit.SECONDS);
    }

    private static void assertTransient(CompletionStage<CheckResult> stage) {
        Throwable failure = stage.toCompletableFuture().handle((r, e) -> e).orTimeout(GUARD_SECONDS, TimeUnit.SECONDS).join();
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        assertThat(cause).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT));
    }
}
