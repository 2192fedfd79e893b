package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.cumulative.CumulativeDistributionSummary;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.StorageException;
import io.seqguard.spi.Verdict;
import io.seqguard.storage.tck.TestAgents;
import io.seqguard.storage.tck.TestErrors;
import io.seqguard.storage.tck.TestTimes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the SQLite store adds to the kit: its file format, the free full hour, failed groups, restarts. */
class SqliteSequenceStoreTest {
    @TempDir
    Path folder;

    private Path file;
    private SqliteSequenceStore store;

    @BeforeEach
    void start() {
        file = folder.resolve("store.db");
        store = new SqliteSequenceStore(SqliteConfig.defaults(file));
        store.start();
    }

    @AfterEach
    void stop() {
        store.stop();
    }

    @Test
    void timestampsAreSortableUtcTextTheShellUnderstands() throws Exception {
        AgentIdentity agent = TestAgents.agent(TestAgents.guid(1), "pc-1", "00-11-22-aa-bb-cc", "192.0.2.1");
        store.recordError(TestErrors.error(agent, TestTimes.at("PT1M2.345S"), 5, 9, true), 10);
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT TheTimestamp, datetime(TheTimestamp), strftime('%f', TheTimestamp), AgentGUID, "
                        + "MACAddress, Received, Last, Enforced FROM EPOAgentSequenceErrorLog")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("2024-03-01 10:01:02.345");
            assertThat(rs.getString(2)).isEqualTo("2024-03-01 10:01:02");
            assertThat(rs.getString(3)).isEqualTo("02.345");
            assertThat(rs.getString(4)).isEqualTo(TestAgents.guid(1).toString());
            assertThat(rs.getString(5)).isEqualTo("001122AABBCC");
            assertThat(rs.getLong(6)).isEqualTo(5);
            assertThat(rs.getLong(7)).isEqualTo(9);
            assertThat(rs.getInt(8)).isEqualTo(1);
        }
    }

    @Test
    void hourlyCapIsExactUnderConcurrencyAndAFullHourWritesNothing() throws Exception {
        int cap = 100;
        AtomicInteger written = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        if (store.recordError(TestErrors.error(TestAgents.guid(thread), TestTimes.millis(thread * 1000L + i)), cap)) {
                            written.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(written).hasValue(cap);
        assertThat(rowCount()).isEqualTo(cap);

        try (Connection watcher = connect()) {
            long before = dataVersion(watcher);
            for (int i = 0; i < 1_000; i++) {
                assertThat(store.recordError(TestErrors.error(TestAgents.guid(99), TestTimes.millis(50_000 + i)), cap)).isFalse();
            }
            assertThat(dataVersion(watcher)).as("no commit by anyone while the hour is full").isEqualTo(before);
        }
        assertThat(store.recordError(TestErrors.error(TestAgents.guid(99), TestTimes.hour(1)), cap)).as("the next hour").isTrue();
        assertThat(store.recordError(TestErrors.error(TestAgents.guid(99), TestTimes.millis(1)), 0)).isFalse();
    }

    @Test
    void purgeThatEmptiesTheCurrentHourReopensIt() {
        for (int i = 0; i < 3; i++) {
            assertThat(store.recordError(TestErrors.error(TestAgents.guid(i), TestTimes.millis(i)), 3)).isTrue();
        }
        assertThat(store.recordError(TestErrors.error(TestAgents.guid(9), TestTimes.millis(9)), 3)).isFalse();
        assertThat(store.purgeErrorsBefore(TestTimes.hour(1))).isEqualTo(3);
        assertThat(store.recordError(TestErrors.error(TestAgents.guid(9), TestTimes.millis(10)), 3)).isTrue();
        assertThat(store.findErrors(ErrorQuery.latest(10))).hasSize(1);
    }

    @Test
    void failedCommitAcknowledgesNothingAndLeavesNoTraceInMemory() throws Exception {
        AgentIdentity agent = TestAgents.agent(TestAgents.guid(5));
        assertThat(store.checkAndAdvance(agent, 10, SequencePolicy.STRICT, TestTimes.T0).verdict()).isEqualTo(Verdict.REGISTERED);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TRIGGER fail_agents BEFORE INSERT ON agent_journal WHEN NEW.last = 11 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
            s.execute("CREATE TRIGGER fail_errors BEFORE INSERT ON EPOAgentSequenceErrorLog BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
        }
        assertThatThrownBy(() -> store.checkAndAdvance(agent, 11, SequencePolicy.STRICT, TestTimes.millis(1)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("disk on fire");
        assertThatThrownBy(() -> store.recordError(TestErrors.error(agent, TestTimes.millis(2)), 1))
                .isInstanceOf(StorageException.class);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER fail_agents");
            s.execute("DROP TRIGGER fail_errors");
        }
        assertThat(store.agentInfo(agent.guid(), TestTimes.T0)).get().satisfies(info -> assertThat(info.last()).isEqualTo(10));
        assertThat(store.checkAndAdvance(agent, 11, SequencePolicy.STRICT, TestTimes.millis(3)))
                .as("the rolled-back acceptance must not linger in memory")
                .satisfies(r -> {
                    assertThat(r.verdict()).isEqualTo(Verdict.ACCEPTED);
                    assertThat(r.last()).isEqualTo(10);
                });
        assertThat(store.recordError(TestErrors.error(agent, TestTimes.millis(4)), 1)).as("the rolled-back row must not count").isTrue();
    }

    @Test
    void aCommittedGroupIsAcknowledgedEvenWhenTheMetersFail() {
        // An integrator's registry that throws must not turn a durable commit into a reported failure:
        // the agent would retry with the same number and be refused as a replay of itself.
        store.stop();
        FailingMeters meters = new FailingMeters();
        store = new SqliteSequenceStore(SqliteConfig.defaults(file), meters);
        store.start();
        AgentIdentity agent = TestAgents.agent(TestAgents.guid(6));
        assertThat(store.checkAndAdvance(agent, 1, SequencePolicy.STRICT, TestTimes.T0).verdict()).isEqualTo(Verdict.REGISTERED);

        meters.failing = true;
        assertThat(store.checkAndAdvance(agent, 2, SequencePolicy.STRICT, TestTimes.millis(1))).satisfies(r -> {
            assertThat(r.verdict()).isEqualTo(Verdict.ACCEPTED);
            assertThat(r.last()).isEqualTo(1);
        });
        assertThat(meters.thrown.get()).as("the meter did fail").isPositive();
        meters.failing = false;

        assertThat(store.agentInfo(agent.guid(), TestTimes.T0)).get().satisfies(info -> assertThat(info.last()).isEqualTo(2));
        assertThat(store.checkAndAdvance(agent, 2, SequencePolicy.STRICT, TestTimes.millis(2)).verdict()).isEqualTo(Verdict.STALE);
        assertThat(store.checkAndAdvance(agent, 3, SequencePolicy.STRICT, TestTimes.millis(3)).verdict()).isEqualTo(Verdict.ACCEPTED);
    }

    /** A registry whose distribution summaries (the writer's group size among them) throw while {@link #failing}. */
    private static final class FailingMeters extends SimpleMeterRegistry {
        volatile boolean failing;
        final AtomicInteger thrown = new AtomicInteger();

        @Override
        protected DistributionSummary newDistributionSummary(Meter.Id id, DistributionStatisticConfig config, double scale) {
            return new CumulativeDistributionSummary(id, clock, config, scale) {
                @Override
                protected void recordNonNegative(double amount) {
                    if (failing) {
                        thrown.incrementAndGet();
                        throw new IllegalStateException("meter backend down");
                    }
                    super.recordNonNegative(amount);
                }
            };
        }
    }

    @Test
    void stateSurvivesARestartAndTheCacheCanBeTiny() {
        store.stop();
        SqliteConfig tiny = SqliteConfig.defaults(file);
        tiny = new SqliteConfig(tiny.path(), tiny.synchronous(), tiny.busyTimeout(), tiny.maxGroupSize(), tiny.commitTimeout(), 2,
                tiny.pageCacheBytes(), tiny.readConnections(), tiny.checkpointPages(), tiny.journalSize());
        store = new SqliteSequenceStore(tiny);
        store.start();
        for (int round = 1; round <= 3; round++) {
            for (int n = 0; n < 10; n++) {
                assertThat(store.checkAndAdvance(TestAgents.agent(TestAgents.guid(n)), round, SequencePolicy.window(64), TestTimes.millis(round))
                        .verdict().accepted()).isTrue();
            }
        }
        store.stop();
        store = new SqliteSequenceStore(tiny);
        store.start();
        for (int n = 0; n < 10; n++) {
            assertThat(store.checkAndAdvance(TestAgents.agent(TestAgents.guid(n)), 2, SequencePolicy.window(64), TestTimes.hour(1)).verdict())
                    .isEqualTo(Verdict.STALE);
            assertThat(store.checkAndAdvance(TestAgents.agent(TestAgents.guid(n)), 0, SequencePolicy.window(64), TestTimes.hour(1)).verdict())
                    .as("inside the window and never accepted").isEqualTo(Verdict.ACCEPTED);
        }
    }

    @Test
    void theWriterCopiesTheWalIntoTheFileEveryCheckpointPagesPages() throws Exception {
        store.stop();
        long frameBytes = 24 + 4096; // a WAL frame: its header and one page
        long everyFifty = walSizeAfterRegistrations(file, 50, 400);
        long everyTwoThousand = walSizeAfterRegistrations(folder.resolve("large.db"), 2000, 400);
        // Each registration is a commit of its own that writes at least one page.
        assertThat(everyTwoThousand).as("checkpoint-pages = 2000: no checkpoint yet, every frame stays")
                .isGreaterThanOrEqualTo(400 * frameBytes);
        assertThat(everyFifty).as("checkpoint-pages = 50: the WAL restarts after each checkpoint").isLessThan(120 * frameBytes);
    }

    /** Registers {@code agents} agents one commit each on a new store with {@code checkpointPages}; the WAL's size while it is open. */
    private long walSizeAfterRegistrations(Path path, int checkpointPages, int agents) throws Exception {
        SqliteConfig d = SqliteConfig.defaults(path);
        store = new SqliteSequenceStore(new SqliteConfig(d.path(), d.synchronous(), d.busyTimeout(), d.maxGroupSize(), d.commitTimeout(),
                d.agentCacheSize(), d.pageCacheBytes(), d.readConnections(), checkpointPages, d.journalSize()));
        store.start();
        for (int n = 0; n < agents; n++) {
            assertThat(store.checkAndAdvance(TestAgents.agent(TestAgents.guid(n)), 1, SequencePolicy.STRICT, TestTimes.T0).verdict())
                    .isEqualTo(Verdict.REGISTERED);
        }
        long size = java.nio.file.Files.size(path.resolveSibling(path.getFileName() + "-wal"));
        store.stop();
        return size;
    }

    @Test
    void callsAfterStopFailTransiently() {
        store.stop();
        assertThatThrownBy(() -> store.checkAndAdvance(TestAgents.agent(TestAgents.guid(1)), 1, SequencePolicy.STRICT, TestTimes.T0))
                .isInstanceOf(StorageException.class)
                .satisfies(e -> assertThat(((StorageException) e).kind()).isEqualTo(StorageException.Kind.TRANSIENT));
        assertThat(store.isReachable()).isFalse();
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=5000");
        }
        return c;
    }

    private long rowCount() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM EPOAgentSequenceErrorLog")) {
            return rs.getLong(1);
        }
    }

    private static long dataVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA data_version")) {
            return rs.getLong(1);
        }
    }
}
