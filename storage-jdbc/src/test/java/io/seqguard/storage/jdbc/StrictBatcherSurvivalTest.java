package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.StorageException;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.junit.jupiter.api.Test;

/**
 * A batch writer that meets an unexpected failure (an {@link Error}, or a bug's runtime exception)
 * answers that batch as failed and goes on writing; with one writer, a writer that died instead
 * would leave every later check-in to expire. On PostgreSQL; the batcher is the same for MariaDB.
 */
class StrictBatcherSurvivalTest {
    private static final long GUARD_SECONDS = 60;

    @Test
    void aWriterGoesOnAfterAnErrorInOneOfItsBatches() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Server.POSTGRESQL)) {
            JdbcSequenceStore schema = new JdbcSequenceStore(db.config(2));
            schema.start();   // creates the tables
            schema.stop();

            AtomicInteger failuresLeft = new AtomicInteger(1);
            Jdbi jdbi = Jdbi.create(db.url(), db.user(), "");
            jdbi.addCustomizer(new StatementCustomizer() {
                @Override
                public void beforeExecution(PreparedStatement statement, StatementContext context) {
                    if (failuresLeft.getAndDecrement() > 0) {
                        throw new AssertionError("injected: an Error in the middle of a batch");
                    }
                }
            });
            StrictBatcher batcher = new StrictBatcher(jdbi, new PostgresDialect(), 64, 1, Duration.ofSeconds(GUARD_SECONDS), row -> {
                throw new IllegalStateException("no stale row is expected here");
            });
            batcher.start();
            try {
                String first = AgentGuid.of(UUID.randomUUID()).toString();
                String second = AgentGuid.of(UUID.randomUUID()).toString();

                assertThat(batcher.submitAsync(row(first, 5))).failsWithin(Duration.ofSeconds(GUARD_SECONDS))
                        .withThrowableOfType(ExecutionException.class)
                        .havingCause()
                        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.INTERNAL))
                        .withMessageContaining("injected");

                // The one writer is still there, and the failed batch wrote nothing.
                assertThat(batcher.submitAsync(row(second, 7)).get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.registered());
                assertThat(batcher.submitAsync(row(first, 5)).get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.registered());
                assertThat(batcher.submitAsync(row(first, 6)).get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(5));
            } finally {
                batcher.stop();
            }
        }
    }

    private static AgentRow row(String guid, long last) {
        return new AgentRow(guid, last, null, 1, LocalDateTime.of(2024, 6, 1, 12, 0), null, null, null);
    }
}
