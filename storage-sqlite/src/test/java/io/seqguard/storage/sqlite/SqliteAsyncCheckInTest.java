package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The asynchronous check-in through the group-commit writer: a failed group fails its futures, a
 * stop fails what is queued and commits none of it, and dependents that call the store again
 * (what the engine's table sink does for a stale number) neither deadlock nor nest deeper with
 * every group.
 */
class SqliteAsyncCheckInTest {
    private static final long GUARD_SECONDS = 60;
    /** Agents with a committed state, in the agents table or still in the check-in journal. */
    private static final String KNOWN_AGENTS = "SELECT COUNT(*) FROM (SELECT guid FROM agents UNION SELECT guid FROM agent_journal)";

    @TempDir
    Path folder;

    private SqliteConfig config(int maxGroupSize) {
        return new SqliteConfig(folder.resolve("store.db").toAbsolutePath(), SynchronousMode.NORMAL, Duration.ofSeconds(GUARD_SECONDS),
                maxGroupSize, Duration.ofSeconds(GUARD_SECONDS), 1000, 1L << 20, 1, 1000, 100_000);
    }

    private static CompletableFuture<CheckResult> checkAsync(SqliteSequenceStore store, AgentIdentity agent, long number) {
        return store.checkAndAdvanceAsync(agent, number, SequencePolicy.STRICT, TestTimes.T0).toCompletableFuture();
    }

    @Test
    void aFailedGroupFailsItsAsyncCheckInsAndChangesNothing() throws Exception {
        SqliteConfig config = config(1024);
        SqliteSequenceStore store = new SqliteSequenceStore(config);
        store.start();
        try {
            AgentIdentity agent = TestAgents.agent(TestAgents.guid(1));
            assertThat(checkAsync(store, agent, 10).get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.registered());
            execute(config, "CREATE TRIGGER fail_agents BEFORE INSERT ON agent_journal WHEN NEW.last = 11 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");

            CompletableFuture<CheckResult> failed = checkAsync(store, agent, 11);

            assertThat(failed).failsWithin(Duration.ofSeconds(GUARD_SECONDS))
                    .withThrowableOfType(ExecutionException.class)
                    .havingCause()
                    .isInstanceOf(StorageException.class)
                    .withMessageContaining("disk on fire");
            execute(config, "DROP TRIGGER fail_agents");
            assertThat(checkAsync(store, agent, 11).get(GUARD_SECONDS, TimeUnit.SECONDS))
                    .as("the failed number was not consumed").isEqualTo(CheckResult.accepted(10));
        } finally {
            store.stop();
        }
    }

    @Test
    void closingFailsEveryQueuedAsyncRequestAndCommitsNoneOfThem() throws Exception {
        SqliteConfig config = config(1024);
        OpenWriter open = OpenWriter.open(config);
        GroupCommitWriter writer = open.writer();
        try {
            LockHolder holder = LockHolder.hold(writer);

            List<CompletableFuture<CheckResult>> queued = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                queued.add(writer.submit(new WriteRequest.CheckIn(TestAgents.agent(TestAgents.guid(i)), 1, 0, TestTimes.T0)));
            }
            assertThat(queued).as("nothing is answered while the lock is held").noneMatch(CompletableFuture::isDone);
            Thread closer = new Thread(writer::close, "closer");
            closer.start();
            awaitTrue(() -> writer.writeLock.hasQueuedThread(closer));
            holder.release();
            closer.join(TimeUnit.SECONDS.toMillis(GUARD_SECONDS));

            for (CompletableFuture<CheckResult> f : queued) {
                assertThat(f).failsWithin(Duration.ofSeconds(GUARD_SECONDS))
                        .withThrowableOfType(ExecutionException.class)
                        .havingCause()
                        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT))
                        .withMessageContaining("is stopped");
            }
            assertThat(count(config, KNOWN_AGENTS)).as("none of them was committed").isZero();
            // A request after the close fails at once too.
            assertThat(writer.submit(new WriteRequest.CheckIn(TestAgents.agent(TestAgents.guid(500)), 1, 0, TestTimes.T0)))
                    .isCompletedExceptionally();
        } finally {
            open.close();
        }
    }

    @Test
    void dependentsThatCallTheStoreAgainNeitherDeadlockNorNestWithEveryGroup() throws Exception {
        int requests = 2_000;
        SqliteConfig config = config(4);
        SqliteSequenceStore store = new SqliteSequenceStore(config);
        store.start();
        try {
            AtomicInteger minDepth = new AtomicInteger(Integer.MAX_VALUE);
            AtomicInteger maxDepth = new AtomicInteger();
            List<CompletableFuture<Boolean>> done = new ArrayList<>();
            CompletableFuture<CheckResult> first;
            try (Connection external = DriverManager.getConnection("jdbc:sqlite:" + config.path())) {
                try (Statement s = external.createStatement()) {
                    s.execute("BEGIN IMMEDIATE");
                }
                // The first check-in leads and waits in SQLite; everything after it queues behind.
                first = CompletableFuture.supplyAsync(() -> checkAsync(store, TestAgents.agent(TestAgents.guid(0)), 1).join());
                awaitTrue(() -> !first.isDone() && leadersInSqlite() > 0);
                for (int i = 1; i <= requests; i++) {
                    AgentIdentity agent = TestAgents.agent(TestAgents.guid(i));
                    // What the engine's table sink does for a stale number: a blocking call back into the store.
                    done.add(checkAsync(store, agent, 1).thenApply(result -> {
                        int depth = Thread.currentThread().getStackTrace().length;
                        minDepth.accumulateAndGet(depth, Math::min);
                        maxDepth.accumulateAndGet(depth, Math::max);
                        return store.recordError(TestErrors.error(agent, TestTimes.T0, 1, 1, true), 1_000_000);
                    }));
                }
                try (Statement s = external.createStatement()) {
                    s.execute("ROLLBACK");
                }
            }
            assertThat(first.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.registered());
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(GUARD_SECONDS, TimeUnit.SECONDS);

            assertThat(done).allMatch(f -> f.join());
            assertThat(store.findErrors(ErrorQuery.latest(requests + 10))).hasSize(requests);
            assertThat(count(config, KNOWN_AGENTS)).isEqualTo(requests + 1);
            // 500 groups of 4: were each group's dependents to lead the next group, the stack would grow by every group.
            assertThat(maxDepth.get() - minDepth.get()).as("stack depth spread of the dependents").isLessThan(60);
        } finally {
            store.stop();
        }
    }

    @Test
    void aBlockingCallerThatLeadsReturnsAlthoughAsynchronousWorkNeverRunsDry() throws Exception {
        SqliteConfig config = config(1024);
        OpenWriter open = OpenWriter.open(config);
        GroupCommitWriter writer = open.writer();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger committed = new AtomicInteger();
        try {
            LockHolder holder = LockHolder.hold(writer);
            // 100 chains: each check-in's dependent queues the agent's next one, so the queue never runs dry.
            for (int agent = 0; agent < 100; agent++) {
                chain(writer, agent, 1, stop, committed);
            }
            CompletableFuture<CheckResult> blocking = CompletableFuture.supplyAsync(
                    () -> writer.execute(new WriteRequest.CheckIn(TestAgents.agent(TestAgents.guid(100_000)), 1, 0, TestTimes.T0)));
            awaitTrue(() -> writer.writeLock.hasQueuedThreads() || blockedIn(writer));
            holder.release();

            // The blocking caller is the only one left to lead; it must come back once answered.
            assertThat(blocking.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.registered());
            int before = committed.get();
            awaitTrue(() -> committed.get() > before + 1_000);
        } finally {
            stop.set(true);
            open.close();
        }
    }

    @Test
    void aDependentThatQueuesOnAnotherStoreIsCommittedThere() throws Exception {
        OpenWriter first = OpenWriter.open(config(1024));
        OpenWriter second = OpenWriter.open(new SqliteConfig(folder.resolve("other.db").toAbsolutePath(), SynchronousMode.NORMAL,
                Duration.ofSeconds(GUARD_SECONDS), 1024, Duration.ofSeconds(GUARD_SECONDS), 1000, 1L << 20, 1, 1000, 100_000));
        try {
            LockHolder holder = LockHolder.hold(first.writer());
            // Completed while the first writer's leader is completing its group: the dependent's
            // request is for the second writer, whose queue nobody else is going to look at.
            CompletableFuture<CheckResult> chained = first.writer()
                    .submit(new WriteRequest.CheckIn(TestAgents.agent(TestAgents.guid(1)), 1, 0, TestTimes.T0))
                    .thenCompose(ignored -> second.writer().submit(new WriteRequest.CheckIn(TestAgents.agent(TestAgents.guid(2)), 1, 0,
                            TestTimes.T0)));
            holder.release();
            // This thread leads the first writer now, and completes the group with the chained request.
            assertThat(first.writer().submit(new WriteRequest.CheckIn(TestAgents.agent(TestAgents.guid(3)), 1, 0, TestTimes.T0))
                    .get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.registered());

            assertThat(chained.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.registered());
        } finally {
            first.close();
            second.close();
        }
    }

    private static void chain(GroupCommitWriter writer, int agent, long number, AtomicBoolean stop, AtomicInteger committed) {
        writer.submit(new WriteRequest.CheckIn(TestAgents.agent(TestAgents.guid(agent)), number, 0, TestTimes.T0)).thenAccept(result -> {
            committed.incrementAndGet();
            if (!stop.get()) {
                chain(writer, agent, number + 1, stop, committed);
            }
        });
    }

    private static boolean blockedIn(GroupCommitWriter writer) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> java.util.concurrent.locks.LockSupport.getBlocker(t) == writer);
    }

    private static int leadersInSqlite() {
        int n = 0;
        for (var entry : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement frame : entry.getValue()) {
                if (frame.getClassName().startsWith("org.sqlite.")) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    private static void execute(SqliteConfig config, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.path()); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=5000");
            s.execute(sql);
        }
    }

    private static long count(SqliteConfig config, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.path()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + GUARD_SECONDS + " s");
            }
            Thread.sleep(5);
        }
    }
}
