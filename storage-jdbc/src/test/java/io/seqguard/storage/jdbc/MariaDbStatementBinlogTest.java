package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.Verdict;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose binary log is statement-based refuses InnoDB writes at READ COMMITTED (error 1665),
 * the level a MariaDB batch runs at. On a real server of the test's own with {@code log_bin} on:
 * found at start, batching stays off and check-ins stay exact; switched to later, a refused batch
 * is sent row by row, every request still gets its exact answer, and the ERROR says so once.
 */
class MariaDbStatementBinlogTest {
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    private static final long GUARD_SECONDS = 30;
    private static final String DATABASE = "seqguard";

    @TempDir
    Path folder;

    @RegisterExtension
    final CapturedLog log = new CapturedLog(MariaDbDialect.class);

    private JdbcSequenceStore store(PrivateMariaDb server, int poolSize) {
        return new JdbcSequenceStore(new JdbcConfig(server.url(DATABASE), "root", "", poolSize, Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofMinutes(30), true, 64, Map.of()));
    }

    private static AgentIdentity newAgent() {
        return AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
    }


    @Test
    void aStatementBasedBinaryLogAtStartKeepsCheckInsUnbatchedAndExact() throws Exception {
        try (PrivateMariaDb server = serverWithBinlog("STATEMENT")) {
            JdbcSequenceStore store = store(server, 8);
            store.start();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                assertThat(log.messages(Level.WARN)).as("the start-up warning").anySatisfy(m -> assertThat(m).contains("STATEMENT format"));
                AgentIdentity agent = newAgent();
                // No batch writer: the asynchronous call ran on this thread and is done on return.
                CompletableFuture<CheckResult> first = store.checkAndAdvanceAsync(agent, 1, SequencePolicy.STRICT, NOW).toCompletableFuture();
                assertThat(first).as("answered on the caller's thread").isDone();
                assertThat(first.join()).isEqualTo(CheckResult.registered());

                // Eight threads race with the same numbers 2..41: each number is accepted exactly once.
                List<Future<List<CheckResult>>> racers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    racers.add(pool.submit(() -> {
                        List<CheckResult> results = new ArrayList<>();
                        for (long n = 2; n <= 41; n++) {
                            results.add(store.checkAndAdvance(agent, n, SequencePolicy.STRICT, NOW));
                        }
                        return results;
                    }));
                }
                int accepted = 0;
                for (Future<List<CheckResult>> racer : racers) {
                    for (CheckResult result : racer.get(GUARD_SECONDS, TimeUnit.SECONDS)) {
                        assertThat(result.verdict()).isIn(Verdict.ACCEPTED, Verdict.STALE);
                        accepted += result.verdict() == Verdict.ACCEPTED ? 1 : 0;
                    }
                }
                assertThat(accepted).as("numbers accepted").isEqualTo(40);
                assertThat(store.agentInfo(agent.guid(), NOW).orElseThrow().last()).isEqualTo(41);
                assertThat(log.messages(Level.ERROR)).as("no batch was ever refused").isEmpty();
            } finally {
                pool.shutdownNow();
                store.stop();
            }
        }
    }

    @Test
    void aBatchRefusedAfterTheFormatChangedIsSentRowByRow() throws Exception {
        try (PrivateMariaDb server = serverWithBinlog("MIXED")) {
            // Pool 2: one batch writer, so the requests queued behind a held one go out as one batch.
            JdbcSequenceStore store = store(server, 2);
            store.start();
            try {
                assertThat(log.messages(Level.WARN)).as("MIXED batches").noneSatisfy(m -> assertThat(m).contains("STATEMENT"));
                AgentIdentity blocker = newAgent();
                List<AgentIdentity> known = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    known.add(newAgent());
                    assertThat(store.checkAndAdvance(known.get(i), 10, SequencePolicy.STRICT, NOW)).isEqualTo(CheckResult.registered());
                }
                assertThat(store.checkAndAdvance(blocker, 1, SequencePolicy.STRICT, NOW)).isEqualTo(CheckResult.registered());

                switchToStatementFormat(server);

                List<CompletableFuture<CheckResult>> advances = new ArrayList<>();
                List<CompletableFuture<CheckResult>> stale = new ArrayList<>();
                List<CompletableFuture<CheckResult>> registrations = new ArrayList<>();
                List<AgentIdentity> fresh = new ArrayList<>();
                // Window mode in the same batch: its own transaction at READ COMMITTED, refused too.
                AgentIdentity windowAgent = newAgent();
                assertThat(store.checkAndAdvance(windowAgent, 20, SequencePolicy.window(8), NOW)).isEqualTo(CheckResult.registered());
                List<CompletableFuture<CheckResult>> windowed = new ArrayList<>();
                CompletableFuture<CheckResult> held;
                try (Connection lock = lockRow(server, blocker)) {
                    // Whether the writer took it alone or waits for the others, a batch of several
                    // rows meets the statement-based log before anything is answered.
                    held = store.checkAndAdvanceAsync(blocker, 2, SequencePolicy.STRICT, NOW).toCompletableFuture();
                    for (int i = 0; i < 6; i++) {
                        (i % 2 == 0 ? advances : stale).add(store.checkAndAdvanceAsync(known.get(i), i % 2 == 0 ? 11 : 10,
                                SequencePolicy.STRICT, NOW).toCompletableFuture());
                        AgentIdentity agent = newAgent();
                        fresh.add(agent);
                        registrations.add(store.checkAndAdvanceAsync(agent, 5, SequencePolicy.STRICT, NOW).toCompletableFuture());
                    }
                    windowed.add(store.checkAndAdvanceAsync(windowAgent, 17, SequencePolicy.window(8), NOW).toCompletableFuture());
                    AgentIdentity windowFresh = newAgent();
                    fresh.add(windowFresh);
                    windowed.add(store.checkAndAdvanceAsync(windowFresh, 5, SequencePolicy.window(8), NOW).toCompletableFuture());
                    assertThat(held).as("held by the row lock").isNotDone();
                    lock.rollback();
                }

                assertThat(held.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(1));
                for (CompletableFuture<CheckResult> stage : advances) {
                    assertThat(stage.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(10));
                }
                for (CompletableFuture<CheckResult> stage : stale) {
                    assertThat(stage.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.stale(10));
                }
                for (CompletableFuture<CheckResult> stage : registrations) {
                    assertThat(stage.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.registered());
                }
                assertThat(windowed.get(0).get(GUARD_SECONDS, TimeUnit.SECONDS)).as("inside the window").isEqualTo(CheckResult.accepted(20));
                assertThat(windowed.get(1).get(GUARD_SECONDS, TimeUnit.SECONDS)).as("a window-mode registration").isEqualTo(CheckResult.registered());
                assertThat(store.checkAndAdvance(windowAgent, 17, SequencePolicy.window(8), NOW)).as("17 once only").isEqualTo(CheckResult.stale(20));
                for (int i = 0; i < 6; i++) {
                    assertThat(store.agentInfo(known.get(i).guid(), NOW).orElseThrow().last()).as("known agent %d", i).isEqualTo(i % 2 == 0 ? 11 : 10);
                }
                for (AgentIdentity agent : fresh) {
                    assertThat(store.agentInfo(agent.guid(), NOW).orElseThrow().last()).as("new agent %s", agent.guid()).isEqualTo(5);
                }
                assertThat(log.messages(Level.ERROR)).as("the refusal, logged once")
                        .singleElement().satisfies(m -> assertThat(m).contains("STATEMENT format now"));
                assertThat(binlogFormatOfNewSessions(server)).isEqualTo("STATEMENT");
            } finally {
                store.stop();
            }
        }
    }

    @Test
    void aRowThatFailsWhenSentOneByOneTakesNoOtherRowsAnswerWithIt() throws Exception {
        try (PrivateMariaDb server = serverWithBinlog("MIXED")) {
            JdbcSequenceStore store = store(server, 2);
            store.start();
            try {
                AgentIdentity blocker = newAgent();
                AgentIdentity strictA = newAgent();
                AgentIdentity strictB = newAgent();
                AgentIdentity strictBad = newAgent();
                AgentIdentity windowA = newAgent();
                AgentIdentity windowBad = newAgent();
                for (AgentIdentity agent : List.of(blocker, strictA, strictB, strictBad)) {
                    assertThat(store.checkAndAdvance(agent, 10, SequencePolicy.STRICT, NOW)).isEqualTo(CheckResult.registered());
                }
                for (AgentIdentity agent : List.of(windowA, windowBad)) {
                    assertThat(store.checkAndAdvance(agent, 10, SequencePolicy.window(8), NOW)).isEqualTo(CheckResult.registered());
                }
                // Two rows the server refuses to advance past 10, whatever the statement. (A CHECK,
                // not a trigger: a trigger on the table makes the upsert report 0 as the previous number.)
                server.execute("ALTER TABLE " + DATABASE + ".seqguard_agents ADD CONSTRAINT refused_by_the_test CHECK (guid NOT IN ('"
                        + strictBad.guid() + "', '" + windowBad.guid() + "') OR last <= 10)");
                switchToStatementFormat(server);

                Map<AgentIdentity, CompletableFuture<CheckResult>> answers = new java.util.LinkedHashMap<>();
                CompletableFuture<CheckResult> held;
                try (Connection lock = lockRow(server, blocker)) {
                    held = store.checkAndAdvanceAsync(blocker, 11, SequencePolicy.STRICT, NOW).toCompletableFuture();
                    for (AgentIdentity agent : List.of(strictA, strictBad, strictB)) {
                        answers.put(agent, store.checkAndAdvanceAsync(agent, 11, SequencePolicy.STRICT, NOW).toCompletableFuture());
                    }
                    answers.put(windowA, store.checkAndAdvanceAsync(windowA, 9, SequencePolicy.window(8), NOW).toCompletableFuture());
                    answers.put(windowBad, store.checkAndAdvanceAsync(windowBad, 11, SequencePolicy.window(8), NOW).toCompletableFuture());
                    lock.rollback();
                }

                assertThat(held.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(10));
                // The stored rows get their answers; only the refused ones fail.
                assertThat(answers.get(strictA).get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(10));
                assertThat(answers.get(strictB).get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(10));
                assertThat(answers.get(windowA).get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(10));
                for (AgentIdentity bad : List.of(strictBad, windowBad)) {
                    assertThat(answers.get(bad)).failsWithin(java.time.Duration.ofSeconds(GUARD_SECONDS))
                            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                            .withMessageContaining("refused_by_the_test");
                }
                assertThat(store.agentInfo(strictA.guid(), NOW).orElseThrow().last()).isEqualTo(11);
                assertThat(store.agentInfo(strictB.guid(), NOW).orElseThrow().last()).isEqualTo(11);
                assertThat(store.agentInfo(strictBad.guid(), NOW).orElseThrow().last()).isEqualTo(10);
                // Sent once: 9 inside the window was accepted, so a second 9 is stale.
                assertThat(store.checkAndAdvance(windowA, 9, SequencePolicy.window(8), NOW)).isEqualTo(CheckResult.stale(10));
                assertThat(log.messages(Level.ERROR)).as("the refusal, logged once").hasSize(1);
            } finally {
                store.stop();
            }
        }
    }

    /** A private server with its binary log on in {@code format}, and the test's database. */
    private PrivateMariaDb serverWithBinlog(String format) throws Exception {
        PrivateMariaDb server = PrivateMariaDb.start(folder, "--log-bin=" + folder.resolve("binlog"), "--binlog-format=" + format, "--server-id=1");
        try {
            server.execute("CREATE DATABASE " + DATABASE);
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Sessions opened from now on log statements. The store's open ones keep their format, so they
     * are ended: the pool checks a connection idle for over 0.5 s before lending it, and opens a new one.
     */
    private static void switchToStatementFormat(PrivateMariaDb server) throws Exception {
        server.execute("SET GLOBAL binlog_format = 'STATEMENT'");
        killSessionsOf(server, DATABASE);
        Thread.sleep(700);
    }

    /** A session holding the agent's row locked until it rolls back. */
    private static Connection lockRow(PrivateMariaDb server, AgentIdentity agent) throws Exception {
        return TestDatabase.lockRow(server.connect(DATABASE), agent);
    }

    private static void killSessionsOf(PrivateMariaDb server, String database) throws Exception {
        try (Connection c = server.connect(""); Statement s = c.createStatement()) {
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '" + database + "' AND ID <> CONNECTION_ID()")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            assertThat(ids).as("the store's sessions").isNotEmpty();
            for (long id : ids) {
                s.execute("KILL " + id);
            }
        }
    }

    private static String binlogFormatOfNewSessions(PrivateMariaDb server) throws Exception {
        try (Connection c = server.connect(""); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@SESSION.binlog_format")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
