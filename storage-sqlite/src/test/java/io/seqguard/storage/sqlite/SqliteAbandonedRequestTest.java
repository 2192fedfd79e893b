package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.StorageException;
import io.seqguard.storage.tck.TestAgents;
import io.seqguard.storage.tck.TestErrors;
import io.seqguard.storage.tck.TestTimes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller that stops waiting for its group (commit timeout, interrupt) is told "transient: nothing
 * was committed", so that must stay true: its request is never applied later, and the same
 * (GUID, number) is still fresh when the agent retries. A caller whose request a leader already
 * took into a group instead gets that group's real outcome.
 *
 * <p>The writer is held up by another connection that holds SQLite's write lock on the same file
 * with {@code BEGIN IMMEDIATE}; the store's leader then waits in SQLite's busy handler (bounded by
 * a long {@code busy-timeout}) until the test releases it.
 */
class SqliteAbandonedRequestTest {
    /** Only a guard against a hang; no test waits this long when it works. */
    private static final long GUARD_SECONDS = 60;

    private static final AgentIdentity LEADER = TestAgents.agent(TestAgents.guid(1));
    private static final AgentIdentity WAITER = TestAgents.agent(TestAgents.guid(2));

    @TempDir
    Path folder;

    private SqliteConfig config(Duration commitTimeout) {
        return new SqliteConfig(folder.resolve("store.db").toAbsolutePath(), SynchronousMode.NORMAL, Duration.ofSeconds(GUARD_SECONDS), 1024,
                commitTimeout, 1000, 1L << 20, 1, 1000, 100_000);
    }

    @Test
    void aCheckInThatTimedOutIsNeverCommittedLater() throws Exception {
        SqliteConfig config = config(Duration.ofMillis(100));
        SqliteSequenceStore store = new SqliteSequenceStore(config);
        store.start();
        try {
            // The cache fill leads groups too (GroupCommitWriter.fillCache): done first, so that the test's leader leads.
            store.cacheFill().get(GUARD_SECONDS, TimeUnit.SECONDS);
            register(store);
            CompletableFuture<CheckResult> leader;
            try (Connection external = holdWriteLock(config)) {
                leader = leadBlockedGroup(store);
                assertThatThrownBy(() -> check(store, WAITER, 5))
                        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT))
                        .hasMessageContaining("not committed within");
                release(external);
            }
            assertThat(leader.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(1));
            // The agent was told nothing was accepted, so its retry must not be a sequence error.
            assertThat(check(store, WAITER, 5)).isEqualTo(CheckResult.accepted(4));
        } finally {
            store.stop();
        }
    }

    @Test
    void anErrorRowThatTimedOutIsNeverWrittenLater() throws Exception {
        SqliteConfig config = config(Duration.ofMillis(100));
        SqliteSequenceStore store = new SqliteSequenceStore(config);
        store.start();
        try {
            // The cache fill leads groups too (GroupCommitWriter.fillCache): done first, so that the test's leader leads.
            store.cacheFill().get(GUARD_SECONDS, TimeUnit.SECONDS);
            register(store);
            CompletableFuture<CheckResult> leader;
            try (Connection external = holdWriteLock(config)) {
                leader = leadBlockedGroup(store);
                assertThatThrownBy(() -> store.recordError(TestErrors.error(WAITER, TestTimes.T0, 3, 4, true), 10))
                        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT));
                release(external);
            }
            assertThat(leader.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(1));
            // Any later group would have carried the abandoned row along; this one shows none did.
            assertThat(check(store, WAITER, 5)).isEqualTo(CheckResult.accepted(4));
            assertThat(store.findErrors(ErrorQuery.latest(100))).isEmpty();
        } finally {
            store.stop();
        }
    }

    @Test
    void aCheckInWhoseCallerWasInterruptedIsNeverCommittedLater() throws Exception {
        SqliteConfig config = config(Duration.ofSeconds(GUARD_SECONDS));
        SqliteSequenceStore store = new SqliteSequenceStore(config);
        store.start();
        try {
            // The cache fill leads groups too (GroupCommitWriter.fillCache): done first, so that the test's leader leads.
            store.cacheFill().get(GUARD_SECONDS, TimeUnit.SECONDS);
            register(store);
            CompletableFuture<CheckResult> leader;
            Caller waiter;
            try (Connection external = holdWriteLock(config)) {
                leader = leadBlockedGroup(store);
                waiter = new Caller(() -> check(store, WAITER, 5));
                awaitTrue("the waiter parks", () -> LockSupport.getBlocker(waiter.thread) instanceof GroupCommitWriter);
                waiter.thread.interrupt();
                waiter.thread.join(TimeUnit.SECONDS.toMillis(GUARD_SECONDS));
                release(external);
            }
            assertThat(waiter.failure.get())
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT))
                    .hasMessageContaining("interrupted");
            assertThat(waiter.interruptedAfterwards.get()).isTrue();
            assertThat(leader.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(1));
            assertThat(check(store, WAITER, 5)).isEqualTo(CheckResult.accepted(4));
        } finally {
            store.stop();
        }
    }

    @Test
    void anInterruptedCallerWhoseRequestWasAlreadyInAGroupGetsTheGroupsOutcome() throws Exception {
        SqliteConfig config = config(Duration.ofSeconds(GUARD_SECONDS));
        SqliteDatabase database = new SqliteDatabase(config);
        database.open();
        GroupCommitWriter writer = new GroupCommitWriter(config, database.connect(false), new WriterMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
                new AgentJournal(config.journalSize()));
        try {
            writer.execute(new WriteRequest.CheckIn(LEADER, 1, 0, TestTimes.T0));
            writer.execute(new WriteRequest.CheckIn(WAITER, 4, 0, TestTimes.T0));
            Caller first;
            Caller second;
            try (Connection external = holdWriteLock(config)) {
                // Holding the writer's lock, queue both requests so that whoever leads next takes both into one group.
                writer.writeLock.lock();
                try {
                    first = new Caller(() -> writer.execute(new WriteRequest.CheckIn(LEADER, 2, 0, TestTimes.T0)));
                    second = new Caller(() -> writer.execute(new WriteRequest.CheckIn(WAITER, 5, 0, TestTimes.T0)));
                    awaitTrue("both callers park", () -> LockSupport.getBlocker(first.thread) == writer && LockSupport.getBlocker(second.thread) == writer);
                } finally {
                    writer.writeLock.unlock();
                }
                awaitTrue("one caller leads", () -> inSqlite(first.thread) || inSqlite(second.thread));
                Caller claimed = inSqlite(first.thread) ? second : first;
                claimed.thread.interrupt();
                // The caller noticed (and cleared) the interrupt, or already answered; only then may the group go on.
                awaitTrue("the interrupt is seen", () -> !claimed.thread.isInterrupted() || !claimed.thread.isAlive());
                release(external);
                first.thread.join(TimeUnit.SECONDS.toMillis(GUARD_SECONDS));
                second.thread.join(TimeUnit.SECONDS.toMillis(GUARD_SECONDS));
                assertThat(claimed.failure.get()).isNull();
                assertThat(claimed.interruptedAfterwards.get()).isTrue();
            }
            assertThat(first.result.get()).isEqualTo(CheckResult.accepted(1));
            assertThat(second.result.get()).isEqualTo(CheckResult.accepted(4));
            // Both were acknowledged, and both numbers are consumed.
            assertThat(writer.execute(new WriteRequest.CheckIn(WAITER, 5, 0, TestTimes.T0))).isEqualTo(CheckResult.stale(5));
        } finally {
            writer.close();
            database.close();
        }
    }

    private static void register(SqliteSequenceStore store) {
        assertThat(check(store, LEADER, 1)).isEqualTo(CheckResult.registered());
        assertThat(check(store, WAITER, 4)).isEqualTo(CheckResult.registered());
    }

    private static CheckResult check(SqliteSequenceStore store, AgentIdentity agent, long number) {
        return store.checkAndAdvance(agent, number, SequencePolicy.STRICT, TestTimes.T0);
    }

    /** Starts a check-in that becomes the leader and waits in SQLite for the external write lock. */
    private static CompletableFuture<CheckResult> leadBlockedGroup(SqliteSequenceStore store) throws InterruptedException {
        CompletableFuture<CheckResult> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(check(store, LEADER, 2));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "leader");
        thread.start();
        // Only a leader calls into the driver; a waiter parks in the writer.
        awaitTrue("the leader waits in SQLite", () -> inSqlite(thread));
        return result;
    }

    private static Connection holdWriteLock(SqliteConfig config) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.path());
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
        }
        return c;
    }

    private static void release(Connection external) throws SQLException {
        try (Statement s = external.createStatement()) {
            s.execute("ROLLBACK");
        }
    }

    private static boolean inSqlite(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().startsWith("org.sqlite.")) {
                return true;
            }
        }
        return false;
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

    /** A check-in on its own thread, remembering its outcome and whether it kept its interrupt. */
    private static final class Caller {
        final AtomicReference<Object> result = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicBoolean interruptedAfterwards = new AtomicBoolean();
        final Thread thread;

        Caller(java.util.function.Supplier<Object> call) {
            thread = new Thread(() -> {
                try {
                    result.set(call.get());
                } catch (Throwable e) {
                    failure.set(e);
                }
                interruptedAfterwards.set(Thread.currentThread().isInterrupted());
            }, "caller");
            thread.start();
        }
    }
}
