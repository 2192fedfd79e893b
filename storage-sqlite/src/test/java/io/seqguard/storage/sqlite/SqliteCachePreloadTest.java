package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * After start-up the agent cache is filled from the agents table, up to {@code agent-cache-size}
 * agents, while the store serves, leaving out agents whose newer state is in the journal. Where a
 * check-in's previous number came from is made visible by changing the agents table behind the
 * started store's back (once the fill is done): an agent read by the fill still answers with the
 * number it had then, one read on demand with the changed one.
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
    void agentsWithLiveJournalRowsAreReadFromTheirNewestRow() throws Exception {
        List<AgentGuid> agents = IntStream.range(0, 50).mapToObj(TestAgents::guid).toList();
        // A 1,000-row journal folds nothing of these 100 rows: each agent's rows at 5 and then 6 stay there.
        withStore(1_000, 100, first -> {
            agents.forEach(g -> checkIn(first, g, 5));
            agents.forEach(g -> checkIn(first, g, 6));
        });

        SqliteSequenceStore store = new SqliteSequenceStore(config(1_000, 100));
        store.start();
        try {
            assertThat(store.cacheFill().get(60, TimeUnit.SECONDS)).as("every agent, from its newest journal row").isEqualTo(50);
            setLastInJournal(CHANGED);
            for (AgentGuid guid : agents) {
                assertThat(checkIn(store, guid, 6)).as("%s: 6 read at start-up, not 5 nor the changed row", guid)
                        .isEqualTo(CheckResult.stale(6));
                assertThat(checkIn(store, guid, 7)).isEqualTo(CheckResult.accepted(6));
            }
        } finally {
            store.stop();
        }
    }

    @Test
    void aWindowModeAgentReadFromTheJournalKeepsItsRing() throws Exception {
        AgentGuid guid = TestAgents.guid(4);
        SequencePolicy window = SequencePolicy.window(64);
        withStore(1_000, 100, first -> {
            first.checkAndAdvance(TestAgents.agent(guid), 20, window, TestTimes.T0);
            assertThat(first.checkAndAdvance(TestAgents.agent(guid), 15, window, TestTimes.T0).verdict().accepted()).isTrue();
        });

        SqliteSequenceStore store = new SqliteSequenceStore(config(1_000, 100));
        store.start();
        try {
            assertThat(store.cacheFill().get(60, TimeUnit.SECONDS)).isEqualTo(1);
            setLastInJournal(CHANGED);
            assertThat(store.checkAndAdvance(TestAgents.agent(guid), 15, window, TestTimes.T0).verdict())
                    .as("15 is in the ring read from the journal").isEqualTo(Verdict.STALE);
            assertThat(store.checkAndAdvance(TestAgents.agent(guid), 17, window, TestTimes.T0).verdict().accepted())
                    .as("17 is not, and 20 is the number read, not the changed one").isTrue();
        } finally {
            store.stop();
        }
    }

    @Test
    void theJournalsPassTakesOnlyTheRoomLeft() throws Exception {
        withStore(1_000, 1_000, first -> IntStream.range(0, 100).forEach(i -> checkIn(first, TestAgents.guid(i), 5)));

        SqliteSequenceStore store = new SqliteSequenceStore(config(1_000, 30), new SimpleMeterRegistry(), 7);
        store.start();
        try {
            assertThat(store.cacheFill().get(60, TimeUnit.SECONDS)).as("a cache of 30, 100 agents in the journal").isEqualTo(30);
        } finally {
            store.stop();
        }
    }

    @Test
    void theJournalsPassStopsAtTheRowItWasGiven() throws Exception {
        withStore(1_000, 1_000, first -> IntStream.range(0, 20).forEach(i -> checkIn(first, TestAgents.guid(i), 5)));

        SqliteConfig config = config(1_000, 1_000);
        SqliteDatabase database = new SqliteDatabase(config);
        database.open();
        try (Connection connection = database.connect(false)) {
            GroupTransaction transaction = new GroupTransaction(config, connection, new AgentJournal(config.journalSize()));
            transaction.recoverJournal();
            assertThat(transaction.journalLastRow()).isEqualTo(20);
            assertThat(transaction.fillCacheFromJournal(0, 10, 100))
                    .as("rows 1 to 10 of 20, then done: rows appended after a pass began are not its to chase")
                    .isEqualTo(new GroupTransaction.JournalFill(10, -1));
            assertThat(transaction.fillCacheFromJournal(0, 20, 4)).as("4 rows a step").isEqualTo(new GroupTransaction.JournalFill(0, 4));
        } finally {
            database.close();
        }
    }

    @Test
    void theJournalsPassEndsWhileCheckInsKeepAppendingRows() throws Exception {
        withStore(100_000, 100_000, first -> allOf(IntStream.range(0, 200).mapToObj(i -> checkInAsync(first, TestAgents.guid(i), 5))));

        // One row per step, while four threads keep the queue full of new agents (a new row each): a pass that
        // chased the journal's end would not finish.
        SqliteSequenceStore store = new SqliteSequenceStore(config(100_000, 100_000), new SimpleMeterRegistry(), 1);
        store.start();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong next = new AtomicLong(1_000);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int t = 0; t < 4; t++) {
                threads.submit(() -> {
                    while (!stop.get()) {
                        List<CompletableFuture<CheckResult>> batch = new ArrayList<>();
                        for (int i = 0; i < 64; i++) {
                            batch.add(checkInAsync(store, TestAgents.guid(next.getAndIncrement()), 1));
                        }
                        allOf(batch.stream());
                    }
                    return null;
                });
            }
            assertThat(store.cacheFill().get(60, TimeUnit.SECONDS)).as("the 200 agents of the journal at start-up").isEqualTo(200);
        } finally {
            stop.set(true);
            threads.shutdown();
            assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            store.stop();
        }
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

    @ParameterizedTest(name = "journal-size {0}")
    @ValueSource(ints = {0, 100_000})
    void theFillRunsBetweenGroupsAndNeverBringsBackAnOlderState(int journalSize) throws Exception {
        List<AgentGuid> agents = IntStream.range(0, 2_000).mapToObj(TestAgents::guid).toList();
        withStore(0, 100_000, first -> allOf(agents.stream().map(g -> checkInAsync(first, g, 5))));

        // Three agents per hold of the lock: the fill's steps and the groups below interleave. With the large journal,
        // the check-ins' rows are not folded during the test, so the agents rows keep 5 behind the journal's 6.
        SqliteSequenceStore store = new SqliteSequenceStore(config(journalSize, 100_000), new SimpleMeterRegistry(), 3);
        store.start();
        try {
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int first = t;
                    // From the last GUID down, against the fill's direction: many are checked in before it reaches them.
                    done.add(threads.submit(() -> {
                        for (int i = agents.size() - 1 - first; i >= 0; i -= 4) {
                            assertThat(checkIn(store, agents.get(i), 6)).isEqualTo(CheckResult.accepted(5));
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            // Done, without a failure; how many it kept depends on how many check-ins came first.
            store.cacheFill().get(60, TimeUnit.SECONDS);

            for (AgentGuid guid : agents) {
                assertThat(checkIn(store, guid, 6)).as("%s: 6 was accepted, a replay of it is not", guid)
                        .isEqualTo(CheckResult.stale(6));
            }
        } finally {
            store.stop();
        }
    }

    @Test
    void theFillTakesOnlyTheRoomLeftAndEvictsNoAgentAGroupPutThere() throws Exception {
        List<AgentGuid> inFile = IntStream.range(0, 1_000).mapToObj(TestAgents::guid).toList();
        withStore(0, 100_000, first -> allOf(inFile.stream().map(g -> checkInAsync(first, g, 5))));
        List<AgentGuid> fresh = IntStream.range(1_000, 1_050).mapToObj(TestAgents::guid).toList();

        try (OpenWriter open = OpenWriter.open(config(0, 100))) {
            GroupCommitWriter writer = open.writer();
            for (AgentGuid guid : fresh) {
                assertThat(writer.execute(new WriteRequest.CheckIn(TestAgents.agent(guid), 5, 0, TestTimes.millis(5))))
                        .isEqualTo(CheckResult.registered());
            }
            assertThat(writer.startCacheFill(7).get(60, TimeUnit.SECONDS)).as("the room the 50 new agents left").isEqualTo(50);

            setLastInFile(CHANGED);
            for (AgentGuid guid : fresh) {
                assertThat(writer.execute(new WriteRequest.CheckIn(TestAgents.agent(guid), 6, 0, TestTimes.millis(6))))
                        .as("%s: still cached, not read from the changed file", guid).isEqualTo(CheckResult.accepted(5));
            }
        }
    }

    @Test
    void aCheckInQueuedDuringTheFillIsCommittedBetweenItsStepsNotAfterIt() throws Exception {
        List<AgentGuid> inFile = IntStream.range(0, 5_000).mapToObj(TestAgents::guid).toList();
        withStore(0, 100_000, first -> allOf(inFile.stream().map(g -> checkInAsync(first, g, 5))));

        try (OpenWriter open = OpenWriter.open(config(0, 100_000))) {
            GroupCommitWriter writer = open.writer();
            // Another thread holds the lock, so the fill (one agent per step: 5,000 steps) waits for it, and the
            // check-in below finds it taken and is only queued.
            LockHolder holder = LockHolder.hold(writer);
            CompletableFuture<Integer> fill = writer.startCacheFill(1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!writer.writeLock.hasQueuedThreads() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(writer.writeLock.hasQueuedThreads()).as("the fill waits for the lock").isTrue();
            CompletableFuture<CheckResult> checkIn = writer.submit(
                    new WriteRequest.CheckIn(TestAgents.agent(TestAgents.guid(50_000)), 1, 0, TestTimes.millis(1)));
            assertThat(checkIn).as("queued behind the held lock").isNotDone();
            // Runs on the thread that completes the check-in. (Waiting on the check-in itself would let the waiting
            // thread run it: CompletableFuture's get helps with the dependents of what it waited for.)
            CompletableFuture<String> answeredOn = checkIn.thenApply(result -> Thread.currentThread().getName());
            holder.release();

            String thread = answeredOn.get(30, TimeUnit.SECONDS);
            assertThat(fill).as("the check-in was answered before the fill's 5,000 steps were done").isNotDone();
            assertThat(checkIn.join()).isEqualTo(CheckResult.registered());
            // Handed over instead, it would wait until a woken leader won the lock from the fill (or for the whole fill).
            assertThat(thread).as("committed by the fill itself, between two steps").isEqualTo("seqguard-sqlite-cache-fill");
            assertThat(fill.get(120, TimeUnit.SECONDS)).isEqualTo(inFile.size());
        }
    }

    @Test
    void theFillReadsEveryRowOnceInTheStoredOrderAndStopsAtAGuidOfTheWrongLength() throws Exception {
        // First bytes on both sides of 0x80, where signed and unsigned byte order part.
        List<AgentGuid> agents = IntStream.range(0, 30)
                .mapToObj(i -> AgentGuid.of(new UUID(((long) (i * 9) << 56) | 0x0A0B_4C0DL, 0x8000_0000_0000_0000L | i))).toList();
        withStore(0, 100, first -> agents.forEach(g -> checkIn(first, g, 5)));

        // Two rows per step: each step goes on after the stored bytes of the row it read last.
        SqliteSequenceStore store = new SqliteSequenceStore(config(0, 100), new SimpleMeterRegistry(), 2);
        store.start();
        try {
            assertThat(store.cacheFill().get(60, TimeUnit.SECONDS)).as("agents read into the cache").isEqualTo(agents.size());
            setLastInFile(CHANGED);
            for (AgentGuid guid : agents) {
                assertThat(checkIn(store, guid, 6)).as("%s, read by the fill", guid).isEqualTo(CheckResult.accepted(5));
            }
        } finally {
            store.stop();
        }

        // A GUID written by hand with a byte too many stops the fill there, naming the column; the store goes on,
        // and the agents after it are read on their first check-in.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("preload.db")); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE agents SET guid = unhex(hex(guid) || '00') "
                    + "WHERE guid = (SELECT guid FROM agents ORDER BY guid LIMIT 1 OFFSET 9)")).isEqualTo(1);
        }
        SqliteSequenceStore stopped = new SqliteSequenceStore(config(0, 100), new SimpleMeterRegistry(), 2);
        stopped.start();
        try {
            assertThatThrownBy(() -> stopped.cacheFill().get(60, TimeUnit.SECONDS)).hasMessageContaining("agents.guid")
                    .hasMessageContaining("17 bytes");
            // Changed in the file after the fill: the agents it read before the bad row answer from the cache, the others
            // from the file.
            setLastInFile(CHANGED);
            List<AgentGuid> sorted = agents.stream().sorted(Comparator.comparing(GuidBytes::of, Arrays::compareUnsigned)).toList();
            for (AgentGuid guid : sorted.subList(0, 9)) {
                assertThat(checkIn(stopped, guid, 7)).as("%s, read by the fill", guid).isEqualTo(CheckResult.accepted(6));
            }
            for (AgentGuid guid : sorted.subList(10, sorted.size())) {
                assertThat(checkIn(stopped, guid, 7)).as("%s, read on demand", guid).isEqualTo(CheckResult.stale(CHANGED));
            }
        } finally {
            stopped.stop();
        }
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
            store.cacheFill().get(60, TimeUnit.SECONDS);
            work.run(store);
        } finally {
            store.stop();
        }
    }

    private static CheckResult checkIn(SqliteSequenceStore store, AgentGuid guid, long number) {
        return store.checkAndAdvance(TestAgents.agent(guid), number, SequencePolicy.STRICT, TestTimes.millis(number));
    }

    private static CompletableFuture<CheckResult> checkInAsync(SqliteSequenceStore store, AgentGuid guid, long number) {
        return store.checkAndAdvanceAsync(TestAgents.agent(guid), number, SequencePolicy.STRICT, TestTimes.millis(number))
                .toCompletableFuture();
    }

    private static void allOf(Stream<CompletableFuture<CheckResult>> checkIns) throws Exception {
        CompletableFuture.allOf(checkIns.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    private void setLastInJournal(long last) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("preload.db")); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            s.executeUpdate("UPDATE agent_journal SET last = " + last + " WHERE last IS NOT NULL");
        }
    }

    private void setLastInFile(long last) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("preload.db")); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            s.executeUpdate("UPDATE agents SET last = " + last);
        }
    }
}
