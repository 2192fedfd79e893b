package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.IpAddress;
import io.seqguard.spi.MacAddress;
import io.seqguard.spi.NodeName;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.Suspect;
import io.seqguard.spi.SuspectKind;
import io.seqguard.spi.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What is specific to the JDBC store and its two dialects, beyond the storage kit: the previous
 * {@code last} reported by the one-round-trip upsert (including 0, which MariaDB's insert id cannot
 * tell from "none"), switching between strict and window mode on stored rows, timestamps surviving
 * as UTC milliseconds, and the error table's SQL names.
 */
class JdbcSequenceStoreTest {
    private static final Instant T0 = Instant.parse("2024-03-31T01:30:00.123456Z");

    private static AgentIdentity agent(String node, String mac) {
        return new AgentIdentity(AgentGuid.of(UUID.randomUUID()), new NodeName(node), new MacAddress(mac), new IpAddress("10.0.0.1"));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Server.class)
    void strictUpsertReportsThePreviousLast(TestDatabase.Server server) throws Exception {
        try (TestDatabase db = TestDatabase.create(server)) {
            JdbcSequenceStore store = new JdbcSequenceStore(db.config(2));
            store.start();
            try {
                AgentIdentity a = agent("PC-1", "001122AABBCC");
                assertThat(store.checkAndAdvance(a, 0, SequencePolicy.STRICT, T0).verdict()).isEqualTo(Verdict.REGISTERED);
                assertThat(store.checkAndAdvance(a, 0, SequencePolicy.STRICT, T0)).satisfies(r -> {
                    assertThat(r.verdict()).isEqualTo(Verdict.STALE);
                    assertThat(r.last()).isZero();
                });
                assertThat(store.checkAndAdvance(a, 5, SequencePolicy.STRICT, T0)).satisfies(r -> {
                    assertThat(r.verdict()).isEqualTo(Verdict.ACCEPTED);
                    assertThat(r.last()).isZero();
                });
                assertThat(store.checkAndAdvance(a, 3, SequencePolicy.STRICT, T0).last()).isEqualTo(5);
                assertThat(store.checkAndAdvance(a, Long.MAX_VALUE, SequencePolicy.STRICT, T0).last()).isEqualTo(5);
                assertThat(store.checkAndAdvance(a, Long.MAX_VALUE, SequencePolicy.STRICT, T0)).satisfies(r -> {
                    assertThat(r.verdict()).isEqualTo(Verdict.STALE);
                    assertThat(r.last()).isEqualTo(Long.MAX_VALUE);
                });
            } finally {
                store.stop();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Server.class)
    void aNumberMadeStaleByACommitDuringItsBatchIsAnsweredWithTheValueThatMadeItStale(TestDatabase.Server server) throws Exception {
        try (TestDatabase db = TestDatabase.create(server)) {
            JdbcSequenceStore store = new JdbcSequenceStore(db.config(db.url(), 2, java.time.Duration.ofSeconds(5), 64));
            store.start();
            try {
                AgentIdentity raised = agent("PC-R", "001122AABB01");
                AgentIdentity staleAnyway = agent("PC-S", "001122AABB02");
                assertThat(store.checkAndAdvance(raised, 10, SequencePolicy.STRICT, T0).verdict()).isEqualTo(Verdict.REGISTERED);
                assertThat(store.checkAndAdvance(staleAnyway, 10, SequencePolicy.STRICT, T0).verdict()).isEqualTo(Verdict.REGISTERED);
                java.util.concurrent.CompletableFuture<io.seqguard.spi.CheckResult> atRaised;
                java.util.concurrent.CompletableFuture<io.seqguard.spi.CheckResult> atStale;
                // Another node raises the row to 20 and commits while the batch waits for its lock:
                // the batch began with 10 in view, and must not answer 15 "stale, last 10".
                try (java.sql.Connection raiser = db.connect()) {
                    raiser.setAutoCommit(false);
                    try (java.sql.Statement s = raiser.createStatement()) {
                        assertThat(s.executeUpdate("UPDATE seqguard_agents SET last = 20 WHERE guid = '" + raised.guid() + "'")).isEqualTo(1);
                    }
                    atStale = store.checkAndAdvanceAsync(staleAnyway, 5, SequencePolicy.STRICT, T0).toCompletableFuture();
                    atRaised = store.checkAndAdvanceAsync(raised, 15, SequencePolicy.STRICT, T0).toCompletableFuture();
                    db.awaitLockWait(atRaised);
                    raiser.commit();
                }
                assertThat(atRaised.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(io.seqguard.spi.CheckResult.stale(20));
                assertThat(atStale.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(io.seqguard.spi.CheckResult.stale(10));
                assertThat(store.agentInfo(raised.guid(), T0).orElseThrow().last()).isEqualTo(20);
                // Stale numbers that nothing raised meanwhile are answered from the batch itself.
                assertThat(store.checkAndAdvanceAsync(raised, 19, SequencePolicy.STRICT, T0).toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS))
                        .isEqualTo(io.seqguard.spi.CheckResult.stale(20));
            } finally {
                store.stop();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Server.class)
    void windowAndStrictModesShareRows(TestDatabase.Server server) throws Exception {
        try (TestDatabase db = TestDatabase.create(server)) {
            JdbcSequenceStore store = new JdbcSequenceStore(db.config(2));
            store.start();
            try {
                AgentIdentity a = agent("PC-1", "001122AABBCC");
                SequencePolicy window = SequencePolicy.window(64);
                assertThat(store.checkAndAdvance(a, 100, window, T0).verdict()).isEqualTo(Verdict.REGISTERED);
                assertThat(store.checkAndAdvance(a, 90, window, T0).verdict()).isEqualTo(Verdict.ACCEPTED);
                assertThat(store.checkAndAdvance(a, 90, window, T0).verdict()).isEqualTo(Verdict.STALE);
                assertThat(store.checkAndAdvance(a, 30, window, T0)).isEqualTo(io.seqguard.spi.CheckResult.stale(100));
                // Strict mode drops the ring; window mode then treats everything up to last as seen,
                // and nothing above it.
                assertThat(store.checkAndAdvance(a, 101, SequencePolicy.STRICT, T0).last()).isEqualTo(100);
                assertThat(store.checkAndAdvance(a, 95, window, T0).verdict()).isEqualTo(Verdict.STALE);
                assertThat(store.checkAndAdvance(a, 110, window, T0).verdict()).isEqualTo(Verdict.ACCEPTED);
                assertThat(store.checkAndAdvance(a, 101, window, T0).verdict()).isEqualTo(Verdict.STALE);
                assertThat(store.checkAndAdvance(a, 105, window, T0).verdict()).isEqualTo(Verdict.ACCEPTED);
                assertThat(store.checkAndAdvance(a, 105, window, T0).verdict()).isEqualTo(Verdict.STALE);
                // Once the window has slid past the conservative words, it works as usual again.
                assertThat(store.checkAndAdvance(a, 200, window, T0).verdict()).isEqualTo(Verdict.ACCEPTED);
                assertThat(store.checkAndAdvance(a, 190, window, T0).verdict()).isEqualTo(Verdict.ACCEPTED);
                assertThat(store.checkAndAdvance(a, 190, window, T0).verdict()).isEqualTo(Verdict.STALE);
                assertThat(store.checkAndAdvance(a, 199, SequencePolicy.STRICT, T0).verdict()).isEqualTo(Verdict.STALE);
            } finally {
                store.stop();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Server.class)
    void keepsUtcMillisecondsAndTheErrorTableNames(TestDatabase.Server server) throws Exception {
        try (TestDatabase db = TestDatabase.create(server)) {
            JdbcSequenceStore store = new JdbcSequenceStore(db.config(2));
            store.start();
            try {
                AgentIdentity a = agent("Café-Ω", "001122AABBCC");
                store.checkAndAdvance(a, 10, SequencePolicy.STRICT, T0);
                Instant errorTime = T0.plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
                SequenceError error = new SequenceError(agent("Other", "00112233445A"), errorTime, 3, 10, true);
                SequenceError sameGuid = new SequenceError(new AgentIdentity(a.guid(), new NodeName("Clone"), new MacAddress("AABBCCDDEEFF"), null),
                        errorTime, 9, 10, false);
                assertThat(store.recordError(error, 10)).isTrue();
                assertThat(store.recordError(sameGuid, 10)).isTrue();

                AgentInfo info = store.agentInfo(a.guid(), T0).orElseThrow();
                assertThat(info.firstSeen()).isEqualTo(T0.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
                assertThat(info.lastNodeName()).isEqualTo(new NodeName("Café-Ω"));
                assertThat(info.recentErrors()).isEqualTo(1);

                List<ErrorRow> rows = store.findErrors(new ErrorQuery(a.guid(), errorTime, errorTime.plusMillis(1), 10));
                assertThat(rows).singleElement().satisfies(r -> assertThat(r.error()).isEqualTo(sameGuid));
                // A sub-millisecond bound behaves as on an in-memory store: the row is before it.
                assertThat(store.findErrors(new ErrorQuery(a.guid(), errorTime.plusNanos(1), null, 10))).isEmpty();

                List<Suspect> suspects = store.findSuspects(T0, 10);
                assertThat(suspects).extracting(Suspect::kind).containsExactlyInAnyOrder(SuspectKind.DUPLICATE_GUID, SuspectKind.ROLLBACK);

                // An administrator's SQL over the documented names works as written.
                db.execute("SELECT AutoID, AgentGUID, NodeName, IPAddress, MACAddress, TheTimestamp, Received, Last, Enforced"
                        + " FROM EPOAgentSequenceErrorLog WHERE TheTimestamp >= '2024-03-31 01:31:00.123'");
                assertThat(store.purgeErrorsBefore(errorTime.plusMillis(1))).isEqualTo(2);
            } finally {
                store.stop();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Server.class)
    void hourlyLimitIsExactAndFreeOnceFull(TestDatabase.Server server) throws Exception {
        try (TestDatabase db = TestDatabase.create(server)) {
            JdbcSequenceStore store = new JdbcSequenceStore(db.config(2));
            store.start();
            try {
                Instant hour = Instant.parse("2024-05-01T10:00:00Z");
                int written = 0;
                for (int i = 0; i < 8; i++) {
                    if (store.recordError(new SequenceError(agent("PC", "001122AABBCC"), hour.plusSeconds(i * 100L), 1, 2, true), 5)) {
                        written++;
                    }
                }
                assertThat(written).isEqualTo(5);
                // Once full, the node answers from memory: even with the tables gone it drops quietly.
                db.execute("DROP TABLE seqguard_error_hours");
                assertThat(store.recordError(new SequenceError(agent("PC", "001122AABBCC"), hour.plusSeconds(3000), 1, 2, true), 5)).isFalse();
                assertThat(store.recordError(new SequenceError(agent("PC", "001122AABBCC"), hour, 1, 2, true), 0)).isFalse();
            } finally {
                store.stop();
            }
        }
    }
}
