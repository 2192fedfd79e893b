package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.SequencePolicy;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check-in journal on real files: that the fold keeps it short and brings the agents table up
 * to date, that queries see the journal's newer states (also while the fold runs), that a reset
 * and a new registration fold right, and that a file left with a journal is read back by a
 * restart with the journal on or off.
 */
class SqliteJournalTest {
    @TempDir
    Path folder;

    private SqliteConfig config(int journalSize) {
        return SqliteConfig.defaults(folder.resolve("journal.db")).withSynchronous(SynchronousMode.NORMAL).withJournalSize(journalSize);
    }

    @Test
    void theFoldKeepsTheJournalShortAndTheFileCurrent() throws Exception {
        SqliteConfig config = config(20);
        int agents = 200;
        int rounds = 10;
        long longest = 0;
        SqliteSequenceStore store = new SqliteSequenceStore(config);
        store.start();
        try {
            for (int round = 1; round <= rounds; round++) {
                for (int n = 0; n < agents; n++) {
                    // A stride through the agents, as a fleet sends them: the fold sorts them back.
                    int agent = (n * 7) % agents;
                    assertThat(store.checkAndAdvance(TestAgents.agent(TestAgents.guid(agent)), round, SequencePolicy.STRICT,
                            TestTimes.millis(round)).verdict().accepted()).isTrue();
                }
                longest = Math.max(longest, count(config, "SELECT COUNT(*) FROM agent_journal"));
            }
        } finally {
            store.stop();
        }
        assertThat(longest).as("journal rows: folded and deleted as they come, not left to grow").isLessThan(100);
        assertThat(count(config, "SELECT COUNT(*) FROM agents")).as("agents folded into the table").isGreaterThan(agents - 100);
        assertThat(stateInFile(config, agents)).as("newest journal row, else agents row, per agent").allSatisfy((n, last) ->
                assertThat(last).isEqualTo(rounds));

        // A restart with the journal off folds what is left and empties the journal.
        SqliteSequenceStore off = new SqliteSequenceStore(config.withJournalSize(0));
        off.start();
        try {
            assertThat(count(config, "SELECT COUNT(*) FROM agent_journal")).isZero();
            assertThat(count(config, "SELECT COUNT(*) FROM agents WHERE last = " + rounds)).isEqualTo(agents);
            assertThat(off.checkAndAdvance(TestAgents.agent(TestAgents.guid(3)), rounds, SequencePolicy.STRICT, TestTimes.T0).verdict())
                    .isEqualTo(Verdict.STALE);
        } finally {
            off.stop();
        }
    }

    @Test
    void aRestartReadsTheJournalBackAndRefusesABadGuidNamingItsColumn() throws Exception {
        SqliteConfig config = config(100_000);
        int agents = 3_000;
        SqliteSequenceStore store = new SqliteSequenceStore(config);
        store.start();
        try {
            for (int round = 1; round <= 2; round++) {
                for (int n = 0; n < agents; n++) {
                    assertThat(store.checkAndAdvance(TestAgents.agent(TestAgents.guid((n * 7) % agents)), round, SequencePolicy.STRICT,
                            TestTimes.millis(round)).verdict().accepted()).isTrue();
                }
            }
        } finally {
            store.stop();
        }
        assertThat(count(config, "SELECT COUNT(*) FROM agent_journal")).as("below journal-size: nothing folded").isEqualTo(2L * agents);
        assertThat(count(config, "SELECT COUNT(*) FROM agent_journal WHERE length(guid) = 16 AND typeof(guid) = 'blob'"))
                .as("GUIDs stored as their 16 bytes").isEqualTo(2L * agents);

        store = new SqliteSequenceStore(config);
        store.start();
        try {
            for (int n = 0; n < agents; n++) {
                AgentGuid guid = TestAgents.guid(n);
                assertThat(store.checkAndAdvance(TestAgents.agent(guid), 2, SequencePolicy.STRICT, TestTimes.millis(3)).verdict())
                        .as("agent %d read back at 2", n).isEqualTo(Verdict.STALE);
                assertThat(store.checkAndAdvance(TestAgents.agent(guid), 3, SequencePolicy.STRICT, TestTimes.millis(3)).verdict().accepted())
                        .as("agent %d", n).isTrue();
            }
        } finally {
            store.stop();
        }

        String newest = "(SELECT MAX(seq) FROM agent_journal)";
        String last = query(config, "SELECT hex(guid) FROM agent_journal WHERE seq = " + newest);
        // A value written by hand: 15 bytes.
        execute(config, "UPDATE agent_journal SET guid = substr(guid, 2) WHERE seq = " + newest);
        SqliteSequenceStore broken = new SqliteSequenceStore(config);
        assertThatThrownBy(broken::start).hasMessageContaining("agent_journal.guid").hasMessageContaining("15 bytes");
        // Nothing was changed, and the file was let go: repaired, it starts.
        execute(config, "UPDATE agent_journal SET guid = X'" + last + "' WHERE seq = " + newest);
        store = new SqliteSequenceStore(config);
        store.start();
        try {
            AgentGuid lastGuid = AgentGuid.parse(last.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
            assertThat(store.checkAndAdvance(TestAgents.agent(lastGuid), 3, SequencePolicy.STRICT, TestTimes.millis(4)).verdict())
                    .isEqualTo(Verdict.STALE);
            assertThat(store.checkAndAdvance(TestAgents.agent(lastGuid), 4, SequencePolicy.STRICT, TestTimes.millis(4))
                    .verdict().accepted()).isTrue();
        } finally {
            store.stop();
        }
    }

    @Test
    void queriesSeeTheJournalsNewerStateBeforeItIsFolded() throws Exception {
        SqliteConfig config = config(100_000);
        AgentGuid guid = TestAgents.guid(1);
        Instant registered = TestTimes.millis(1_000);
        Instant seen = TestTimes.millis(2_000);
        SqliteSequenceStore store = new SqliteSequenceStore(config);
        store.start();
        try {
            store.checkAndAdvance(TestAgents.agent(guid, "first", "00-11-22-33-44-55", "10.0.0.1"), 5, SequencePolicy.STRICT, registered);
            store.checkAndAdvance(TestAgents.agent(guid, "second", "66-77-88-99-AA-BB", "10.0.0.2"), 9, SequencePolicy.STRICT, seen);
            store.recordError(TestErrors.error(TestAgents.agent(guid, "clone", "CC-CC-CC-CC-CC-CC", "10.0.0.3"), seen), 100);
            assertThat(count(config, "SELECT COUNT(*) FROM agents")).as("nothing folded yet").isZero();

            assertThat(store.agentInfo(guid, TestTimes.T0)).get().satisfies(info -> {
                assertThat(info.last()).isEqualTo(9);
                assertThat(info.firstSeen()).isEqualTo(registered);
                assertThat(info.lastSeen()).isEqualTo(seen);
                assertThat(info.lastNodeName().value()).isEqualTo("second");
                assertThat(info.lastIpAddress().value()).isEqualTo("10.0.0.2");
                assertThat(info.recentErrors()).isEqualTo(1);
            });
            assertThat(store.findSuspects(TestTimes.T0, 10)).singleElement().satisfies(s -> assertThat(s.machines())
                    .as("the newest accepted identity, from the journal, and the error's")
                    .containsExactlyInAnyOrder(TestAgents.machine("second", "66-77-88-99-AA-BB"), TestAgents.machine("clone", "CC-CC-CC-CC-CC-CC")));

            assertThat(query(config, "SELECT last || ' ' || first_seen FROM agents_now WHERE guid = '" + guid + "'"))
                    .as("the shell's view").isEqualTo("9 " + SqliteTime.format(registered));

            assertThat(store.reset(guid)).isTrue();
            assertThat(store.agentInfo(guid, TestTimes.T0)).isEmpty();
            assertThat(count(config, "SELECT COUNT(*) FROM agents_now")).as("the shell's view after the reset").isZero();
            assertThat(store.findSuspects(TestTimes.T0, 10)).singleElement().satisfies(s -> assertThat(s.machines())
                    .containsExactly(TestAgents.machine("clone", "CC-CC-CC-CC-CC-CC")));
            assertThat(store.reset(guid)).as("already reset").isFalse();
        } finally {
            store.stop();
        }
        // Restarted on the journal alone: the reset holds, and a new registration starts afresh.
        store = new SqliteSequenceStore(config);
        store.start();
        try {
            assertThat(store.agentInfo(guid, TestTimes.T0)).isEmpty();
            assertThat(store.checkAndAdvance(TestAgents.agent(guid), 1, SequencePolicy.STRICT, TestTimes.millis(3_000)).verdict())
                    .isEqualTo(Verdict.REGISTERED);
            assertThat(store.agentInfo(guid, TestTimes.T0)).get().satisfies(info -> {
                assertThat(info.last()).isEqualTo(1);
                assertThat(info.firstSeen()).isEqualTo(TestTimes.millis(3_000));
            });
        } finally {
            store.stop();
        }
    }

    @Test
    void aResetAndANewRegistrationFoldOverTheOldRow() throws Exception {
        AgentGuid guid = TestAgents.guid(7);
        // The agent's row is in the agents table, written without the journal.
        SqliteSequenceStore store = new SqliteSequenceStore(config(0));
        store.start();
        try {
            store.checkAndAdvance(TestAgents.agent(guid), 50, SequencePolicy.STRICT, TestTimes.millis(1));
        } finally {
            store.stop();
        }
        // Reset and registered again: three journal rows, none folded.
        store = new SqliteSequenceStore(config(100_000));
        store.start();
        try {
            assertThat(store.reset(guid)).isTrue();
            assertThat(store.checkAndAdvance(TestAgents.agent(guid), 3, SequencePolicy.STRICT, TestTimes.millis(5)).verdict())
                    .isEqualTo(Verdict.REGISTERED);
            assertThat(store.checkAndAdvance(TestAgents.agent(guid), 4, SequencePolicy.STRICT, TestTimes.millis(6)).verdict())
                    .isEqualTo(Verdict.ACCEPTED);
            assertThat(store.agentInfo(guid, TestTimes.T0)).get().satisfies(info -> assertThat(info.firstSeen()).isEqualTo(TestTimes.millis(5)));
        } finally {
            store.stop();
        }
        // One fold (at start-up, journal off) takes only the newest row, which replaces the old agents row.
        store = new SqliteSequenceStore(config(0));
        store.start();
        try {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config(0).path());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT last, first_seen FROM agents WHERE guid = " + blob(guid))) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(4);
                assertThat(SqliteTime.ofMillis(rs.getLong(2))).as("the new registration's, not the reset agent's").isEqualTo(TestTimes.millis(5));
            }
            assertThat(store.agentInfo(guid, TestTimes.T0)).get().satisfies(info -> assertThat(info.firstSeen()).isEqualTo(TestTimes.millis(5)));
        } finally {
            store.stop();
        }
    }

    @Test
    void theFoldDeletesAResetAgentsRow() throws Exception {
        SqliteConfig config = config(1);
        AgentGuid guid = TestAgents.guid(7);
        SqliteSequenceStore store = new SqliteSequenceStore(config);
        store.start();
        try {
            store.checkAndAdvance(TestAgents.agent(guid), 50, SequencePolicy.STRICT, TestTimes.millis(1));
            long seq = pushFoldUntil(store, 100, config, "SELECT COUNT(*) FROM agents WHERE last = 50", 1);
            assertThat(count(config, "SELECT COUNT(*) FROM agents WHERE guid = " + blob(guid))).as("the agent's row, by its key").isEqualTo(1);
            assertThat(store.reset(guid)).isTrue();
            pushFoldUntil(store, seq, config, "SELECT COUNT(*) FROM agents WHERE guid = " + blob(guid), 0);
            assertThat(store.agentInfo(guid, TestTimes.T0)).isEmpty();
            assertThat(store.checkAndAdvance(TestAgents.agent(guid), 1, SequencePolicy.STRICT, TestTimes.millis(2)).verdict())
                    .isEqualTo(Verdict.REGISTERED);
        } finally {
            store.stop();
        }
    }

    /**
     * Check-ins of other agents (a fold step rides on every group that writes) until {@code countQuery}
     * gives {@code expected}; a large fold is sorted on a thread of its own, so how many it takes may vary.
     */
    private long pushFoldUntil(SqliteSequenceStore store, long seq, SqliteConfig config, String countQuery, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long n = 0;
        while (count(config, countQuery) != expected) {
            assertThat(System.nanoTime()).as("the fold did not get there: %s", countQuery).isLessThan(deadline);
            store.checkAndAdvance(TestAgents.agent(TestAgents.guid(1_000 + (n++ % 40))), seq + n / 40, SequencePolicy.STRICT,
                    TestTimes.millis(seq));
        }
        return seq + n / 40 + 1;
    }

    /**
     * Several writers drive folds all the time (a journal of 5 rows, a cache of 2 agents) while a
     * reader asks for agents: an agent once seen never disappears and its number never goes back,
     * whichever of journal, fold and table answered.
     */
    @Test
    void queriesStayMonotonicWhileTheFoldRuns() throws Exception {
        driveFoldsWhileReading(5, 2, 40, 1_500, 200);
    }

    /**
     * The same with folds of more than 1,024 agents, which are taken and sorted on the sorting
     * thread while the writers go on moving the marks it reads (and adding new ones).
     */
    @Test
    void largeFoldsTakenOnTheSortingThreadWhileWritersGoOn() throws Exception {
        driveFoldsWhileReading(1_500, 100_000, 3_000, 3_000, 6_000);
    }

    private void driveFoldsWhileReading(int journalSize, int cacheSize, int agents, long perWriter, long maxRowsLeft) throws Exception {
        SqliteConfig base = config(journalSize);
        SqliteConfig config = new SqliteConfig(base.path(), base.synchronous(), base.busyTimeout(), base.maxGroupSize(), base.commitTimeout(),
                cacheSize, base.pageCacheBytes(), base.readConnections(), base.checkpointPages(), base.journalSize());
        int writers = 4;
        SqliteSequenceStore store = new SqliteSequenceStore(config);
        store.start();
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong next = new AtomicLong();
        Map<Integer, Long> acknowledged = new ConcurrentHashMap<>();
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                work.add(pool.submit(() -> {
                    for (long k = 0; k < perWriter; k++) {
                        long i = next.getAndIncrement();
                        int n = (int) (i % agents);
                        long seq = i / agents + 1;
                        // Numbers of one agent may arrive out of order between writers; the check decides.
                        if (store.checkAndAdvance(TestAgents.agent(TestAgents.guid(n)), seq, SequencePolicy.STRICT, Instant.now()).verdict()
                                .accepted()) {
                            acknowledged.merge(n, seq, Math::max);
                        }
                    }
                    return null;
                }));
            }
            Future<List<String>> reader = pool.submit(() -> {
                List<String> violations = new ArrayList<>();
                Map<Integer, Long> seen = new HashMap<>();
                while (writing.get()) {
                    int n = ThreadLocalRandom.current().nextInt(agents);
                    Optional<AgentInfo> info = store.agentInfo(TestAgents.guid(n), TestTimes.T0);
                    Long before = seen.get(n);
                    if (info.isEmpty()) {
                        if (before != null) {
                            violations.add("agent " + n + " vanished after " + before);
                        }
                    } else if (before != null && info.get().last() < before) {
                        violations.add("agent " + n + " went back from " + before + " to " + info.get().last());
                    } else {
                        seen.put(n, info.get().last());
                    }
                }
                return violations;
            });
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            assertThat(reader.get(60, TimeUnit.SECONDS)).isEmpty();
            for (Map.Entry<Integer, Long> e : acknowledged.entrySet()) {
                assertThat(store.agentInfo(TestAgents.guid(e.getKey()), TestTimes.T0)).get()
                        .satisfies(info -> assertThat(info.last()).isEqualTo(e.getValue()));
            }
        } finally {
            writing.set(false);
            pool.shutdownNow();
            store.stop();
        }
        assertThat(count(config, "SELECT COUNT(*) FROM agent_journal")).as("rows left after %d check-ins", writers * perWriter)
                .isLessThan(maxRowsLeft);
        assertThat(stateInFile(config, agents)).allSatisfy((n, last) -> assertThat(last).isEqualTo(acknowledged.get(n)));
    }

    /** Each agent's number as the file alone tells it: view {@code agents_now}, the newest journal row, else the agents row. */
    private static Map<Integer, Long> stateInFile(SqliteConfig config, int agents) throws SQLException {
        Map<String, Integer> numbers = new HashMap<>();
        for (int n = 0; n < agents; n++) {
            numbers.put(TestAgents.guid(n).toString(), n);
        }
        Map<Integer, Long> state = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.path()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT guid, last FROM agents_now")) {
            while (rs.next()) {
                Integer n = numbers.get(rs.getString(1));
                if (n != null) {
                    assertThat(state.put(n, rs.getLong(2))).as("one row per agent: %s", rs.getString(1)).isNull();
                }
            }
        }
        assertThat(state).as("every agent is in the file").hasSize(agents);
        return state;
    }

    /** The GUID as an SQL literal of its stored bytes. */
    private static String blob(AgentGuid guid) {
        return "X'" + guid.toString().replaceAll("[{}-]", "") + "'";
    }

    private static String query(SqliteConfig config, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.path()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from %s", sql).isTrue();
            return rs.getString(1);
        }
    }

    private static void execute(SqliteConfig config, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.path()); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate(sql)).as("rows changed by %s", sql).isPositive();
        }
    }

    private static long count(SqliteConfig config, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + config.path()); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
