package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.Verdict;
import io.seqguard.storage.tck.TestAgents;
import io.seqguard.storage.tck.TestTimes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up fills the agent cache from the agents table, up to {@code agent-cache-size} agents,
 * leaving out agents whose newer state is in the journal. Where a check-in's previous number came
 * from is made visible by changing the agents table behind the started store's back: an agent
 * read at start-up still answers with the number it had then, one read on demand with the changed one.
 */
class SqliteCachePreloadTest {
    private static final long CHANGED = 1_000;

    @TempDir
    Path folder;

    private SqliteConfig config(int journalSize, int cacheSize) {
        return SqliteConfig.defaults(folder.resolve("preload.db")).withSynchronous(SynchronousMode.NORMAL)
                .withJournalSize(journalSize).withAgentCacheSize(cacheSize);
    }

    @Test
    void agentsReadAtStartUpAreAnsweredFromMemoryUpToTheCachesSize() throws Exception {
        // GUID order is the agents table's order, which start-up reads.
        List<AgentGuid> agents = IntStream.rangeClosed(1, 10).mapToObj(TestAgents::guid).sorted().toList();
        withStore(0, 100, first -> agents.forEach(g -> checkIn(first, g, 5)));

        withStore(0, 3, store -> {
            setLastInFile(CHANGED);

            assertThat(checkIn(store, agents.get(0), 6)).as("read at start-up").isEqualTo(CheckResult.accepted(5));
            assertThat(checkIn(store, agents.get(2), 6)).as("read at start-up").isEqualTo(CheckResult.accepted(5));
            assertThat(checkIn(store, agents.get(3), 6)).as("past the cache's size: read on demand")
                    .isEqualTo(CheckResult.stale(CHANGED));
            assertThat(checkIn(store, agents.get(9), 6)).as("past the cache's size: read on demand")
                    .isEqualTo(CheckResult.stale(CHANGED));
        });
    }

    @Test
    void anAgentWithANewerStateInTheJournalIsNotReadFromItsOlderAgentsRow() throws Exception {
        AgentGuid guid = TestAgents.guid(7);
        withStore(0, 100, inPlace -> checkIn(inPlace, guid, 5));
        // With the journal on, number 9 goes to the journal; the agents row keeps 5.
        withStore(1_000, 100, journaled -> assertThat(checkIn(journaled, guid, 9)).isEqualTo(CheckResult.accepted(5)));

        withStore(1_000, 100, store -> {
            assertThat(checkIn(store, guid, 8).verdict()).as("9 was accepted before the restart").isEqualTo(Verdict.STALE);
            assertThat(checkIn(store, guid, 10)).isEqualTo(CheckResult.accepted(9));
        });
    }

    @Test
    void anAgentResetWhileItsRowWasInTheJournalIsNotBroughtBack() throws Exception {
        AgentGuid guid = TestAgents.guid(3);
        withStore(0, 100, inPlace -> checkIn(inPlace, guid, 5));
        // The reset goes to the journal as a row without a number; the agents row keeps 5.
        withStore(1_000, 100, journaled -> assertThat(journaled.reset(guid)).isTrue());

        withStore(1_000, 100, store ->
                assertThat(checkIn(store, guid, 1)).as("forgotten, so a new registration").isEqualTo(CheckResult.registered()));
    }

    @Test
    void aWindowModeAgentReadAtStartUpKeepsItsRing() throws Exception {
        AgentGuid guid = TestAgents.guid(4);
        SequencePolicy window = SequencePolicy.window(64);
        withStore(0, 100, first -> {
            first.checkAndAdvance(TestAgents.agent(guid), 20, window, TestTimes.T0);
            assertThat(first.checkAndAdvance(TestAgents.agent(guid), 15, window, TestTimes.T0).verdict().accepted()).isTrue();
        });

        withStore(0, 100, store -> {
            setLastInFile(CHANGED);
            assertThat(store.checkAndAdvance(TestAgents.agent(guid), 15, window, TestTimes.T0).verdict())
                    .as("15 is in the ring read at start-up").isEqualTo(Verdict.STALE);
            assertThat(store.checkAndAdvance(TestAgents.agent(guid), 17, window, TestTimes.T0).verdict().accepted())
                    .as("17 is not, and 20 is the number read at start-up, not the changed one").isTrue();
        });
    }

    /** What a test does with a started store. */
    private interface StoreWork {
        void run(SqliteSequenceStore store) throws Exception;
    }

    /** Starts a store on the test's file, runs {@code work} and stops it. */
    private void withStore(int journalSize, int cacheSize, StoreWork work) throws Exception {
        SqliteSequenceStore store = new SqliteSequenceStore(config(journalSize, cacheSize));
        store.start();
        try {
            work.run(store);
        } finally {
            store.stop();
        }
    }

    private static CheckResult checkIn(SqliteSequenceStore store, AgentGuid guid, long number) {
        return store.checkAndAdvance(TestAgents.agent(guid), number, SequencePolicy.STRICT, TestTimes.millis(number));
    }

    private void setLastInFile(long last) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("preload.db")); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            s.executeUpdate("UPDATE agents SET last = " + last);
        }
    }
}
