package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.Verdict;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's meters: every applied request of a group that wrote is counted in exactly one group,
 * every group is timed once with its outcome (committed, nothing written, failed), and no group is
 * larger than {@code max-group-size}.
 */
class SqliteWriterMetricsTest {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 200;
    private static final int MAX_GROUP = 16;

    @TempDir
    Path folder;

    private SqliteConfig config() {
        return new SqliteConfig(folder.resolve("store.db").toAbsolutePath(), SynchronousMode.NORMAL, Duration.ofSeconds(30),
                MAX_GROUP, Duration.ofSeconds(30), 1000, 1L << 20, 1, 1000, 100_000);
    }

    @Test
    void theAgentCacheMetersShowWhetherTheFleetFits() {
        assertThat(cacheMeters(100)).as("10 agents, room for 100: only the 10 registrations read the file")
                .containsExactly(10.0, 10.0);
        double[] tooSmall = cacheMeters(4);
        assertThat(tooSmall[0]).as("agents in a cache of 4").isEqualTo(4.0);
        assertThat(tooSmall[1]).as("the registrations, and the second check-ins of at least 6 agents not kept")
                .isGreaterThanOrEqualTo(16.0);
    }

    @Test
    void aStoreStartedAfterAnotherInTheSameRegistryExportsItsOwnValues() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        for (int agents : new int[] {3, 1}) {
            SqliteSequenceStore store = new SqliteSequenceStore(
                    SqliteConfig.defaults(folder.resolve("run-" + agents + ".db")).withSynchronous(SynchronousMode.NORMAL), registry);
            store.start();
            try {
                for (int i = 0; i < agents; i++) {
                    store.checkAndAdvance(TestAgents.agent(TestAgents.guid(i)), 1, SequencePolicy.STRICT, TestTimes.T0);
                }
                assertThat(registry.get("seqguard.sqlite.agent.cache.agents").gauge().value()).as("this run's agents").isEqualTo(agents);
                assertThat(registry.get("seqguard.sqlite.agent.cache.misses").functionCounter().count()).isEqualTo(agents);
            } finally {
                store.stop();
            }
            assertThat(registry.find("seqguard.sqlite.agent.cache.agents").gauge()).as("gone with the run").isNull();
        }
    }

    /** Checks 10 agents in twice with room for {@code cacheSize}; returns the cache's agents and misses after. */
    private double[] cacheMeters(int cacheSize) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path file = folder.resolve("cache-" + cacheSize + ".db");
        SqliteSequenceStore store = new SqliteSequenceStore(
                SqliteConfig.defaults(file).withSynchronous(SynchronousMode.NORMAL).withAgentCacheSize(cacheSize), registry);
        store.start();
        try {
            for (long number = 1; number <= 2; number++) {
                for (int i = 0; i < 10; i++) {
                    assertThat(store.checkAndAdvance(TestAgents.agent(TestAgents.guid(i)), number, SequencePolicy.STRICT, TestTimes.T0)
                            .verdict()).isNotEqualTo(Verdict.STALE);
                }
            }
            return new double[] {registry.get("seqguard.sqlite.agent.cache.agents").gauge().value(),
                registry.get("seqguard.sqlite.agent.cache.misses").functionCounter().count()};
        } finally {
            store.stop();
        }
    }

    @Test
    void everyRequestIsCountedInOneGroupAndEveryGroupIsTimedOnce() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SqliteSequenceStore store = new SqliteSequenceStore(config(), registry);
        store.start();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 1; i <= PER_THREAD; i++) {
                        // Half blocking, half asynchronous: both kinds go through the same groups.
                        var agent = TestAgents.agent(TestAgents.guid(thread * 1000 + i % 10));
                        long number = i;
                        CheckResult result = thread % 2 == 0
                                ? store.checkAndAdvance(agent, number, SequencePolicy.STRICT, TestTimes.T0)
                                : store.checkAndAdvanceAsync(agent, number, SequencePolicy.STRICT, TestTimes.T0)
                                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
                        assertThat(result.verdict()).isNotEqualTo(Verdict.STALE);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            store.stop();
        }

        DistributionSummary size = registry.get("seqguard.sqlite.group.size").summary();
        Timer committed = registry.get("seqguard.sqlite.group.commit").tag("outcome", "committed").timer();
        Timer failed = registry.get("seqguard.sqlite.group.commit").tag("outcome", "failed").timer();
        assertThat(size.totalAmount()).as("requests applied").isEqualTo(THREADS * PER_THREAD);
        assertThat(committed.count()).as("one timing per group").isEqualTo(size.count());
        assertThat(failed.count()).isZero();
        assertThat(size.max()).isBetween(1.0, (double) MAX_GROUP);
        assertThat(committed.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    }

    @Test
    void theJournalsRowsAreAGaugeThatAFoldBringsDown() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SqliteSequenceStore store = new SqliteSequenceStore(config().withJournalSize(20), registry);
        store.start();
        try {
            var rows = registry.get("seqguard.sqlite.journal.rows").gauge();
            for (int n = 0; n < 5; n++) {
                store.checkAndAdvance(TestAgents.agent(TestAgents.guid(n)), 1, SequencePolicy.STRICT, TestTimes.T0);
            }
            assertThat(rows.value()).as("five check-ins, no fold yet").isEqualTo(5);
            // 20 rows begin a fold of those agents, which the check-ins after them carry out.
            for (int n = 5; n < 60; n++) {
                store.checkAndAdvance(TestAgents.agent(TestAgents.guid(n)), 1, SequencePolicy.STRICT, TestTimes.T0);
            }
            assertThat(rows.value()).as("60 check-ins, of which folds deleted some").isLessThan(60);
        } finally {
            store.stop();
        }
    }

    @Test
    void aFailedGroupIsTimedAsFailed() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SqliteConfig config = config();
        SqliteSequenceStore store = new SqliteSequenceStore(config, registry);
        store.start();
        try {
            var agent = TestAgents.agent(TestAgents.guid(1));
            store.checkAndAdvance(agent, 10, SequencePolicy.STRICT, TestTimes.T0);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.path()); Statement s = c.createStatement()) {
                s.execute("CREATE TRIGGER fail_agents BEFORE INSERT ON agent_journal BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
            }

            assertThatThrownBy(() -> store.checkAndAdvance(agent, 11, SequencePolicy.STRICT, TestTimes.T0))
                    .isInstanceOf(StorageException.class);
            // After the failed group, one that writes nothing is timed as such, not as a commit.
            assertThat(store.checkAndAdvance(agent, 10, SequencePolicy.STRICT, TestTimes.T0)).isEqualTo(CheckResult.stale(10));
        } finally {
            store.stop();
        }

        assertThat(registry.get("seqguard.sqlite.group.commit").tag("outcome", "nothing-written").timer().count()).isEqualTo(1);

        assertThat(registry.get("seqguard.sqlite.group.commit").tag("outcome", "failed").timer().count()).isEqualTo(1);
        assertThat(registry.get("seqguard.sqlite.group.commit").tag("outcome", "committed").timer().count()).isEqualTo(1);
        // The size counts only groups that wrote and committed: the failed one synced nothing.
        assertThat(registry.get("seqguard.sqlite.group.size").summary().totalAmount()).isEqualTo(1);
    }

    @Test
    void groupsThatChangeNoRowAreTimedApartAndLeftOutOfTheSize() throws Exception {
        SqliteConfig config = config();
        var agent = TestAgents.agent(TestAgents.guid(1));
        SqliteSequenceStore first = new SqliteSequenceStore(config, new SimpleMeterRegistry());
        first.start();
        try {
            assertThat(first.checkAndAdvance(agent, 10, SequencePolicy.STRICT, TestTimes.T0)).isEqualTo(CheckResult.registered());
            assertThat(first.recordError(TestErrors.error(agent, TestTimes.T0), 1)).as("first error of the hour").isTrue();
        } finally {
            first.stop();
        }

        // A new process: its writer has not seen the full hour yet, so the next error reaches it.
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SqliteSequenceStore store = new SqliteSequenceStore(config, registry);
        store.start();
        DistributionSummary size = registry.get("seqguard.sqlite.group.size").summary();
        Timer committed = registry.get("seqguard.sqlite.group.commit").tag("outcome", "committed").timer();
        Timer nothingWritten = registry.get("seqguard.sqlite.group.commit").tag("outcome", "nothing-written").timer();
        // A second connection sees data_version change whenever another connection commits a change.
        try (Connection watcher = DriverManager.getConnection("jdbc:sqlite:" + config.path())) {
            long version = dataVersion(watcher);

            // An error over the hour's cap, stale check-ins, a reset of an unknown agent, a purge of nothing.
            assertThat(store.recordError(TestErrors.error(agent, TestTimes.T0), 1)).as("over the cap").isFalse();
            for (int i = 0; i < 5; i++) {
                assertThat(store.checkAndAdvance(agent, 10 - i, SequencePolicy.STRICT, TestTimes.T0)).isEqualTo(CheckResult.stale(10));
            }
            assertThat(store.reset(TestAgents.guid(2))).isFalse();
            assertThat(store.purgeErrorsBefore(TestTimes.T0)).isZero();

            assertThat(dataVersion(watcher)).as("nothing committed to the file").isEqualTo(version);
            assertThat(nothingWritten.count()).as("groups that wrote nothing").isEqualTo(8);
            assertThat(size.count()).as("groups in the size").isZero();
            assertThat(committed.count()).isZero();

            // A change counts again, as the file shows.
            assertThat(store.checkAndAdvance(agent, 11, SequencePolicy.STRICT, TestTimes.T0)).isEqualTo(CheckResult.accepted(10));
            assertThat(dataVersion(watcher)).isNotEqualTo(version);
            assertThat(size.count()).isEqualTo(1);
            assertThat(size.totalAmount()).isEqualTo(1);
            assertThat(committed.count()).isEqualTo(1);
            assertThat(nothingWritten.count()).isEqualTo(8);

            // And after a write, a group that writes nothing is again not counted as one.
            assertThat(store.checkAndAdvance(agent, 11, SequencePolicy.STRICT, TestTimes.T0)).isEqualTo(CheckResult.stale(11));
            assertThat(nothingWritten.count()).isEqualTo(9);
            assertThat(size.count()).isEqualTo(1);
            assertThat(committed.count()).isEqualTo(1);
        } finally {
            store.stop();
        }
    }

    @Test
    void aCommitReportsAWriteOnlyForTheRowsSinceTheLastCommitOrRollback() throws Exception {
        SqliteConfig config = config();
        SqliteSequenceStore schema = new SqliteSequenceStore(config, new SimpleMeterRegistry());
        schema.start(); // creates the file and its tables
        schema.stop();
        var agent = TestAgents.agent(TestAgents.guid(1));
        try (Connection connection = new SqliteDatabase(config).connect(false)) {
            GroupTransaction transaction = new GroupTransaction(config, connection, new AgentJournal(config.journalSize()));
            assertThat(transaction.recordError(TestErrors.error(agent, TestTimes.T0), 10)).isTrue();
            transaction.rollback();
            assertThat(transaction.commit()).as("after a rollback of the only write").isFalse();

            assertThat(transaction.recordError(TestErrors.error(agent, TestTimes.T0), 10)).isTrue();
            assertThat(transaction.commit()).as("a committed error row").isTrue();
            assertThat(transaction.commit()).as("the next commit, with nothing new").isFalse();

            assertThat(transaction.checkIn(agent, 5, 0, TestTimes.T0)).isEqualTo(CheckResult.registered());
            assertThat(transaction.commit()).as("a registration").isTrue();
            assertThat(transaction.checkIn(agent, 5, 0, TestTimes.T0)).isEqualTo(CheckResult.stale(5));
            assertThat(transaction.commit()).as("a stale check-in").isFalse();
        }
    }

    private static long dataVersion(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); var rs = s.executeQuery("PRAGMA data_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
