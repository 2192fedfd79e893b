package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.StorageException;
import io.seqguard.spi.Verdict;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A check-in answered "database unavailable" (503, SPEC §8: nothing was accepted) because its
 * statement outlived {@code query-timeout} — here, waiting for a row lock another session holds,
 * with the servers' default lock waits far longer — must not be stored afterwards, when the lock
 * is released: the server aborts the statement just before the node gives up on it
 * ({@link Dialect#serverStatementBound}). Before, the socket timed out, the agent was told 503,
 * and the statement still waiting on the server committed the number once the lock went, so the
 * agent's retry of the same number was refused as a replay.
 */
class ServerStatementBoundTest {
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    // On MariaDB 2 s lowers InnoDB's lock wait to 1 s, which ends the wait first; 1.1 s leaves the
    // bound (900 ms) under a second, where only max_statement_time can end it.
    @ParameterizedTest(name = "{0}, batch-size {1}, query-timeout {2} ms")
    @CsvSource({"POSTGRESQL, 1, 2000", "POSTGRESQL, 64, 2000", "MARIADB, 1, 2000", "MARIADB, 64, 2000", "MARIADB, 64, 1100"})
    void aCheckInAnsweredUnavailableIsNotStoredWhenTheLockGoesLater(TestDatabase.Server server, int batchSize, long queryTimeoutMillis)
            throws Exception {
        Duration queryTimeout = Duration.ofMillis(queryTimeoutMillis);
        try (TestDatabase db = TestDatabase.create(server)) {
            JdbcSequenceStore store = new JdbcSequenceStore(db.config(db.url(), 2, Duration.ofSeconds(5), batchSize, queryTimeout));
            store.start();
            try {
                AgentIdentity agent = AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
                assertThat(store.checkAndAdvance(agent, 1, SequencePolicy.STRICT, NOW).verdict()).isEqualTo(Verdict.REGISTERED);

                try (Connection lock = db.lockRow(agent)) {
                    long started = System.nanoTime();
                    assertThatThrownBy(() -> store.checkAndAdvance(agent, 2, SequencePolicy.STRICT, NOW))
                            .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT));
                    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered within query-timeout and a little")
                            .isLessThan(queryTimeout.plusSeconds(3));
                    // Where a statement the server had not aborted would still be waiting for the row.
                    Thread.sleep(1_500);
                    lock.rollback();
                }
                Thread.sleep(500); // time enough for such a statement to commit once the lock is gone

                assertThat(store.agentInfo(agent.guid(), NOW).orElseThrow().last()).as("the number answered 503 is not stored").isEqualTo(1);
                assertThat(store.checkAndAdvance(agent, 2, SequencePolicy.STRICT, NOW).verdict()).as("the agent's retry")
                        .isEqualTo(Verdict.ACCEPTED);
            } finally {
                store.stop();
            }
        }
    }
}
