package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.IpAddress;
import io.seqguard.spi.MacAddress;
import io.seqguard.spi.NodeName;
import io.seqguard.spi.SequencePolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Strict check-ins on MariaDB go out in batches (the storage kit runs the rest): one batch that
 * mixes registrations, advances and stale numbers gives each its own exact answer, on a batch
 * writer, and a statement-based binary log turns batching off.
 */
class MariaDbBatchTest {
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    private static final Instant LATER = NOW.plusSeconds(60);
    /** Only a guard against a hang; no step waits this long when it works. */
    private static final long GUARD_SECONDS = 30;
    private static TestDatabase db;

    @BeforeAll
    static void createDatabase() {
        db = TestDatabase.create(TestDatabase.Server.MARIADB);
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    private static AgentIdentity newAgent() {
        return AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
    }

    @Test
    void oneBatchGivesRegistrationsAdvancesAndStaleNumbersTheirOwnAnswers() throws Exception {
        // pool-size 2: a single batch writer. It is held on a locked row while the mix is queued,
        // so the mix goes out as the next batch, together.
        JdbcSequenceStore store = store(2, 64);
        store.start();
        try {
            AgentIdentity blocker = newAgent();
            List<AgentIdentity> known = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                known.add(newAgent());
                // Agent 2 was last seen in window mode: its row has a ring, which a strict advance drops.
                SequencePolicy policy = i == 2 ? SequencePolicy.window(8) : SequencePolicy.STRICT;
                assertThat(store.checkAndAdvance(known.get(i), 10, policy, NOW)).isEqualTo(CheckResult.registered());
            }
            assertThat(ringIsNull(known.get(2))).as("ring of the window-mode row").isFalse();
            assertThat(store.checkAndAdvance(blocker, 1, SequencePolicy.STRICT, NOW)).isEqualTo(CheckResult.registered());
            long[] advancedBefore = prevLastAndVersion(known.get(0));
            long[] staleBefore = prevLastAndVersion(known.get(1));

            List<CompletableFuture<String>> threads = new ArrayList<>();
            CompletableFuture<CheckResult> blocked;
            List<CompletableFuture<CheckResult>> advances = new ArrayList<>();
            List<CompletableFuture<CheckResult>> stale = new ArrayList<>();
            List<CompletableFuture<CheckResult>> registrations = new ArrayList<>();
            List<AgentIdentity> fresh = new ArrayList<>();
            try (Connection lock = lockRow(blocker)) {
                blocked = store.checkAndAdvanceAsync(blocker, 2, SequencePolicy.STRICT, NOW).toCompletableFuture();
                awaitLockWait(blocked);
                for (int i = 0; i < 10; i++) {
                    // Even agents advance from 10 to 11; odd ones repeat 10 (stale), or go back to 9.
                    long number = i % 2 == 0 ? 11 : 10 - (i % 4 == 1 ? 0 : 1);
                    CompletableFuture<CheckResult> stage = store.checkAndAdvanceAsync(seenAgain(known.get(i), i), number, SequencePolicy.STRICT, LATER)
                            .toCompletableFuture();
                    (i % 2 == 0 ? advances : stale).add(stage);
                    AgentIdentity agent = newAgent();
                    fresh.add(agent);
                    registrations.add(store.checkAndAdvanceAsync(agent, 5, SequencePolicy.STRICT, NOW).toCompletableFuture());
                }
                for (CompletableFuture<CheckResult> stage : concat(advances, stale, registrations)) {
                    threads.add(stage.thenApply(result -> Thread.currentThread().getName()));
                }
                assertThat(blocked).as("held by the row lock").isNotDone();
                lock.rollback();
            }

            // Wait on the dependents first: a thread blocked on a stage itself may run them when it wakes.
            CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new)).get(GUARD_SECONDS, TimeUnit.SECONDS);
            assertThat(threads).extracting(CompletableFuture::join).allMatch(name -> name.startsWith("seqguard-jdbc-batch-"), "a batch writer");
            assertThat(blocked.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(1));
            for (CompletableFuture<CheckResult> stage : advances) {
                assertThat(stage.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(10));
            }
            for (CompletableFuture<CheckResult> stage : stale) {
                assertThat(stage.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.stale(10));
            }
            for (CompletableFuture<CheckResult> stage : registrations) {
                assertThat(stage.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.registered());
            }

            for (int i = 0; i < 10; i++) {
                AgentInfo info = store.agentInfo(known.get(i).guid(), LATER).orElseThrow();
                assertThat(info.last()).as("known agent %d", i).isEqualTo(i % 2 == 0 ? 11 : 10);
                if (i % 2 == 0) {
                    // The advance writes the identity and time of the accepted request, as the single upsert does.
                    AgentIdentity seen = seenAgain(known.get(i), i);
                    assertThat(info.lastSeen()).as("last seen of agent %d", i).isEqualTo(LATER);
                    assertThat(info.lastNodeName()).isEqualTo(seen.nodeName());
                    assertThat(info.lastMacAddress()).isEqualTo(seen.macAddress());
                    assertThat(info.lastIpAddress()).isEqualTo(seen.ipAddress());
                } else {
                    assertThat(info.lastSeen()).as("last seen of stale agent %d", i).isEqualTo(NOW);
                    assertThat(info.lastNodeName()).isNull();
                }
                assertThat(store.agentInfo(fresh.get(i).guid(), NOW).orElseThrow().last()).as("new agent %d", i).isEqualTo(5);
            }
            assertThat(ringIsNull(known.get(2))).as("ring after a strict advance in a batch").isTrue();
            // An advanced row keeps the previous number and gets the next version, as the single
            // upsert does; a stale one is left as it was.
            assertThat(prevLastAndVersion(known.get(0))).as("prev_last and version of an advanced row")
                    .containsExactly(10, advancedBefore[1] + 1);
            assertThat(prevLastAndVersion(known.get(1))).as("prev_last and version of a stale row").containsExactly(staleBefore);
        } finally {
            store.stop();
        }
    }

    @ParameterizedTest(name = "window {0}")
    @ValueSource(ints = {0, 8})
    void aGuidRegisteredByAnotherNodeDuringTheBatchIsDecidedOnWhatThatNodeStored(int window) throws Exception {
        // The batch's locking read passes X and Z (absent) and waits on Y's row; meanwhile another
        // node registers X and Z. The batch must then see them as registered, not register them:
        // its insert of X, Z and W leaves X and Z as they are, and their versions are the other node's.
        SequencePolicy policy = window == 0 ? SequencePolicy.STRICT : SequencePolicy.window(window);
        String run = String.format("%08X", ThreadLocalRandom.current().nextInt() & 0x0FFFFFFF);
        AgentIdentity x = agent("10000000-0000-4000-8000-" + run + "0001");
        AgentIdentity z = agent("20000000-0000-4000-8000-" + run + "0002");
        AgentIdentity y = agent("80000000-0000-4000-8000-" + run + "0003");
        AgentIdentity w = agent("90000000-0000-4000-8000-" + run + "0004");
        AgentIdentity blocker = agent("A0000000-0000-4000-8000-" + run + "0005");
        JdbcSequenceStore store = store(2, 64);
        JdbcSequenceStore otherNode = store(2, 1);
        store.start();
        otherNode.start();
        try {
            assertThat(store.checkAndAdvance(y, 9, policy, NOW)).isEqualTo(CheckResult.registered());
            assertThat(store.checkAndAdvance(blocker, 1, SequencePolicy.STRICT, NOW)).isEqualTo(CheckResult.registered());
            CompletableFuture<CheckResult> atX;
            CompletableFuture<CheckResult> atZ;
            CompletableFuture<CheckResult> atW;
            CompletableFuture<CheckResult> atY;
            try (Connection holdY = lockRow(y)) {
                try (Connection holdBlocker = lockRow(blocker)) {
                    CompletableFuture<CheckResult> blocked = store.checkAndAdvanceAsync(blocker, 2, SequencePolicy.STRICT, NOW).toCompletableFuture();
                    awaitLockWait(blocked);
                    // Queued behind the blocked batch, so they go out together as the next one.
                    atX = store.checkAndAdvanceAsync(x, 5, policy, NOW).toCompletableFuture();
                    atZ = store.checkAndAdvanceAsync(z, 2, policy, NOW).toCompletableFuture();
                    atW = store.checkAndAdvanceAsync(w, 1, policy, NOW).toCompletableFuture();
                    atY = store.checkAndAdvanceAsync(y, 10, policy, NOW).toCompletableFuture();
                    holdBlocker.rollback();
                    assertThat(blocked.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(1));
                }
                awaitLockWait(atX);
                // At READ COMMITTED the waiting read holds nothing on X and Z: the other node is not held up.
                assertThat(otherNode.checkAndAdvance(x, 3, policy, NOW)).isEqualTo(CheckResult.registered());
                assertThat(otherNode.checkAndAdvance(z, 3, policy, NOW)).isEqualTo(CheckResult.registered());
                assertThat(atX).as("still held by Y's row").isNotDone();
                holdY.rollback();
            }
            assertThat(atX.get(GUARD_SECONDS, TimeUnit.SECONDS)).as("X").isEqualTo(CheckResult.accepted(3));
            // 2 after 3: stale in strict mode, inside the window (and never seen) in window mode.
            assertThat(atZ.get(GUARD_SECONDS, TimeUnit.SECONDS)).as("Z").isEqualTo(window == 0 ? CheckResult.stale(3) : CheckResult.accepted(3));
            assertThat(atW.get(GUARD_SECONDS, TimeUnit.SECONDS)).as("W").isEqualTo(CheckResult.registered());
            assertThat(atY.get(GUARD_SECONDS, TimeUnit.SECONDS)).as("Y").isEqualTo(CheckResult.accepted(9));
            assertThat(store.agentInfo(x.guid(), NOW).orElseThrow().last()).isEqualTo(5);
            assertThat(store.agentInfo(z.guid(), NOW).orElseThrow().last()).isEqualTo(3);
        } finally {
            store.stop();
            otherNode.stop();
        }
    }

    @Test
    void registrationWavesFromSeveralNodesDoNotDeadlock() throws Exception {
        // Batches full of GUIDs that do not exist yet, from three nodes at once, into the same
        // gaps of the index: at REPEATABLE READ their locking reads would take gap locks and the
        // inserts deadlock on each other's gaps (InnoDB rolls one back; the batch is retried).
        List<JdbcSequenceStore> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JdbcSequenceStore store = store(8, 64);
            store.start();
            nodes.add(store);
        }
        try {
            long deadlocksBefore = deadlocks();
            List<CompletableFuture<CheckResult>> stages = new ArrayList<>();
            for (int wave = 0; wave < 5; wave++) {
                for (int i = 0; i < 600; i++) {
                    stages.add(nodes.get(i % 3).checkAndAdvanceAsync(newAgent(), 1, SequencePolicy.STRICT, NOW).toCompletableFuture());
                }
            }
            for (CompletableFuture<CheckResult> stage : stages) {
                assertThat(stage.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.registered());
            }
            assertThat(deadlocks() - deadlocksBefore).as("InnoDB deadlocks during the waves").isZero();
        } finally {
            nodes.forEach(JdbcSequenceStore::stop);
        }
    }

    @Test
    void aBatchRefusedByAStatementBasedBinaryLogIsRecognised() {
        SQLException refusal = new SQLException("Cannot execute statement: impossible to write to binary log", "HY000", 1665);
        assertThat(MariaDbDialect.refusedByStatementBinlog(new RuntimeException("wrapped", refusal))).isTrue();
        assertThat(MariaDbDialect.refusedByStatementBinlog(new RuntimeException(new SQLException("deadlock", "40001", 1213)))).isFalse();
        assertThat(MariaDbDialect.refusedByStatementBinlog(new IllegalStateException("no SQL cause"))).isFalse();
    }

    @Test
    void aStatementBasedBinaryLogIsRecognisedFromTheServersVariables() {
        assertThat(MariaDbDialect.statementBinlog("1", "STATEMENT")).isTrue();
        assertThat(MariaDbDialect.statementBinlog("ON", "statement")).isTrue();
        assertThat(MariaDbDialect.statementBinlog("0", "STATEMENT")).as("no binary log").isFalse();
        assertThat(MariaDbDialect.statementBinlog("1", "MIXED")).isFalse();
        assertThat(MariaDbDialect.statementBinlog("1", "ROW")).isFalse();
    }

    @SafeVarargs
    private static List<CompletableFuture<CheckResult>> concat(List<CompletableFuture<CheckResult>>... lists) {
        List<CompletableFuture<CheckResult>> all = new ArrayList<>();
        for (List<CompletableFuture<CheckResult>> list : lists) {
            all.addAll(list);
        }
        return all;
    }

    private static AgentIdentity agent(String uuid) {
        return AgentIdentity.of(AgentGuid.of(UUID.fromString(uuid)));
    }

    /** The agent as seen in its second request: with a node name, MAC and address this time. */
    private static AgentIdentity seenAgain(AgentIdentity agent, int i) {
        return new AgentIdentity(agent.guid(), new NodeName("PC-" + i), new MacAddress(String.format("00112233%04X", i)),
                new IpAddress("10.0.0." + (i + 1)));
    }

    private static boolean ringIsNull(AgentIdentity agent) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("SELECT ring IS NULL FROM seqguard_agents WHERE guid = ?")) {
            s.setString(1, agent.guid().toString());
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("row of %s", agent.guid()).isTrue();
                return rs.getBoolean(1);
            }
        }
    }

    /** The server's count of deadlocks so far (every database; the tests of this module run one at a time). */
    private static long deadlocks() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'")) {
            assertThat(rs.next()).as("Innodb_deadlocks status").isTrue();
            return rs.getLong(2);
        }
    }

    private static long[] prevLastAndVersion(AgentIdentity agent) throws SQLException {
        try (Connection c = connect(); PreparedStatement s = c.prepareStatement("SELECT prev_last, ver FROM seqguard_agents WHERE guid = ?")) {
            s.setString(1, agent.guid().toString());
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).as("row of %s", agent.guid()).isTrue();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private static Connection connect() throws SQLException {
        return db.connect();
    }

    /** A store on this test's database (its sessions wait for locks as {@link TestDatabase#MARIADB_LOCK_WAIT} says). */
    private static JdbcSequenceStore store(int poolSize, int batchSize) {
        return new JdbcSequenceStore(db.config(db.url(), poolSize, Duration.ofSeconds(5), batchSize));
    }

    private static Connection lockRow(AgentIdentity agent) throws SQLException {
        return db.lockRow(agent);
    }

    private static void awaitLockWait(CompletableFuture<?> waiter) throws Exception {
        db.awaitLockWait(waiter);
    }
}
