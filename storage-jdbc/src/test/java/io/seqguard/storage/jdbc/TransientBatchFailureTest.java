package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.StorageException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Failures that say "the database cannot take writes now" rather than "this row is refused" are
 * transient: the agents get 503 and retry, and the batch is not sent again row by row (which
 * would cost a round trip, or a lock wait, per row for nothing). A lock wait that runs out, on
 * both servers, and a read-only PostgreSQL database, as during a failover.
 */
class TransientBatchFailureTest {
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    private static final long GUARD_SECONDS = 30;

    @RegisterExtension
    final CapturedLog log = new CapturedLog(StrictBatcher.class);

    private static AgentIdentity newAgent() {
        return AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Server.class)
    void aLockWaitThatRunsOutIsTransient(TestDatabase.Server server) throws Exception {
        try (TestDatabase db = TestDatabase.create(server)) {
            JdbcConfig c = db.config(db.url(), 2, Duration.ofSeconds(5), 64);
            // The store's sessions give up on a row lock after one second.
            Map<String, String> oneSecond = server == TestDatabase.Server.POSTGRESQL
                    ? Map.of("options", "-c lock_timeout=1000")
                    : Map.of("sessionVariables", "innodb_lock_wait_timeout=1");
            JdbcSequenceStore store = new JdbcSequenceStore(new JdbcConfig(c.url(), c.user(), c.password(), c.poolSize(),
                    c.connectionTimeout(), c.queryTimeout(), c.maxLifetime(), c.migrate(), c.batchSize(), oneSecond));
            store.start();
            try {
                AgentIdentity held = newAgent();
                AgentIdentity other = newAgent();
                assertThat(store.checkAndAdvance(held, 1, SequencePolicy.STRICT, NOW)).isEqualTo(CheckResult.registered());
                assertThat(store.checkAndAdvance(other, 1, SequencePolicy.STRICT, NOW)).isEqualTo(CheckResult.registered());
                CompletableFuture<CheckResult> atHeld;
                CompletableFuture<CheckResult> atOther;
                try (Connection lock = db.lockRow(held)) {
                    atHeld = store.checkAndAdvanceAsync(held, 2, SequencePolicy.STRICT, NOW).toCompletableFuture();
                    atOther = store.checkAndAdvanceAsync(other, 2, SequencePolicy.STRICT, NOW).toCompletableFuture();
                    assertTransient(atHeld);
                    lock.rollback();
                }
                // Whether it went out with the held row or alone, nothing of a failed batch is stored.
                CheckResult otherAnswer = answerOrTransient(atOther);
                assertThat(store.agentInfo(held.guid(), NOW).orElseThrow().last()).isEqualTo(1);
                assertThat(store.agentInfo(other.guid(), NOW).orElseThrow().last()).isEqualTo(otherAnswer == null ? 1 : 2);
                assertThat(store.checkAndAdvance(held, 2, SequencePolicy.STRICT, NOW)).as("the same number, once the lock is gone")
                        .isEqualTo(CheckResult.accepted(1));
                assertThat(resends()).isEmpty();
            } finally {
                store.stop();
            }
        }
    }

    @Test
    void aReadOnlyPostgresqlDatabaseIsTransient() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Server.POSTGRESQL)) {
            JdbcSequenceStore store = new JdbcSequenceStore(db.config(db.url(), 2, Duration.ofSeconds(5), 64));
            store.start();
            try {
                List<AgentIdentity> agents = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    agents.add(newAgent());
                    assertThat(store.checkAndAdvance(agents.get(i), 1, SequencePolicy.STRICT, NOW)).isEqualTo(CheckResult.registered());
                }
                // New sessions are read-only, as on a standby; the store's open ones are ended.
                db.execute("ALTER DATABASE " + db.name() + " SET default_transaction_read_only = on");
                try (Connection admin = db.connect(); Statement s = admin.createStatement()) {
                    s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
                }
                Thread.sleep(700); // the pool checks a connection idle for over 0.5 s before lending it
                List<CompletableFuture<CheckResult>> stages = new ArrayList<>();
                for (AgentIdentity agent : agents) {
                    stages.add(store.checkAndAdvanceAsync(agent, 2, SequencePolicy.STRICT, NOW).toCompletableFuture());
                }
                for (CompletableFuture<CheckResult> stage : stages) {
                    assertTransient(stage);
                }
                assertThat(resends()).isEmpty();
            } finally {
                store.stop();
            }
        }
    }

    private List<String> resends() {
        return log.messages(Level.WARN).stream()
                .filter(m -> m.contains("one by one")).toList();
    }

    private static void assertTransient(CompletableFuture<CheckResult> stage) {
        assertThat(stage).failsWithin(Duration.ofSeconds(GUARD_SECONDS))
                .withThrowableOfType(ExecutionException.class)
                .havingCause()
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(StorageException.Kind.TRANSIENT));
    }

    /** The answer, or null when the stage failed as transient (anything else fails the test). */
    private static CheckResult answerOrTransient(CompletableFuture<CheckResult> stage) throws Exception {
        try {
            return stage.get(GUARD_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(StorageException.class,
                    s -> assertThat(s.kind()).isEqualTo(StorageException.Kind.TRANSIENT));
            return null;
        }
    }
}
