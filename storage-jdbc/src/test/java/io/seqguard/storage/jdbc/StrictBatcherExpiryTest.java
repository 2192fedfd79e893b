package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.StorageException;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.junit.jupiter.api.Test;

/**
 * The claim bound's expiry thread: asleep while nothing is queued (an idle node pays no wake-ups),
 * and still failing, within the bound, a request that arrives after a quiet spell while the only
 * writer is stuck. On PostgreSQL; the batcher is the same for MariaDB.
 */
class StrictBatcherExpiryTest {
    private static final long GUARD_SECONDS = 30;
    private static final Duration CLAIM_TIMEOUT = Duration.ofMillis(300);

    @Test
    void sleepsWhileIdleAndStillExpiresWhatArrivesAfterwards() throws Exception {
        try (TestDatabase db = TestDatabase.create(TestDatabase.Server.POSTGRESQL)) {
            JdbcSequenceStore schema = new JdbcSequenceStore(db.config(2));
            schema.start(); // creates the tables
            schema.stop();

            // The writer's statements stall while 'stuck' is set, as on a database that stopped answering.
            AtomicBoolean stuck = new AtomicBoolean();
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch writerStuck = new CountDownLatch(1);
            Jdbi jdbi = Jdbi.create(db.url(), db.user(), "");
            jdbi.addCustomizer(new StatementCustomizer() {
                @Override
                public void beforeExecution(PreparedStatement statement, StatementContext context) throws java.sql.SQLException {
                    if (stuck.get()) {
                        writerStuck.countDown();
                        try {
                            release.await(GUARD_SECONDS, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            });
            StrictBatcher batcher = new StrictBatcher(jdbi, new PostgresDialect(), 64, 1, CLAIM_TIMEOUT, row -> {
                throw new IllegalStateException("no stale row is expected here");
            });
            batcher.start();
            try {
                assertThat(batcher.submitAsync(row(5)).get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.registered());
                long before = awaitQuiet(batcher);
                Thread.sleep(1000);
                // With a 10 ms tick it would have woken about 100 times.
                assertThat(batcher.expiryWakeups() - before).as("wake-ups in an idle second").isLessThanOrEqualTo(2);

                stuck.set(true);
                CompletableFuture<CheckResult> claimed = batcher.submitAsync(row(6));
                assertThat(writerStuck.await(GUARD_SECONDS, TimeUnit.SECONDS)).as("the writer is stuck").isTrue();
                long queuedAt = System.nanoTime();
                CompletableFuture<CheckResult> waiting = batcher.submitAsync(row(7));
                assertThat(waiting).failsWithin(Duration.ofSeconds(GUARD_SECONDS))
                        .withThrowableOfType(ExecutionException.class)
                        .havingCause()
                        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT))
                        .withMessageContaining("nothing was stored");
                assertThat(Duration.ofNanos(System.nanoTime() - queuedAt)).as("failed near the bound, not later")
                        .isGreaterThanOrEqualTo(CLAIM_TIMEOUT).isLessThan(CLAIM_TIMEOUT.multipliedBy(10));
                assertThat(claimed).as("the claimed one waits for its batch").isNotDone();

                stuck.set(false);
                release.countDown();
                assertThat(claimed.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.registered());
            } finally {
                release.countDown();
                batcher.stop();
            }
        }
    }

    /**
     * Waits until the expiry thread has dropped the claimed request and stopped waking (no wake-up
     * in 100 ms, where its tick would give about ten), and returns its count of wake-ups.
     */
    private static long awaitQuiet(StrictBatcher batcher) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        long seen = batcher.expiryWakeups();
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = batcher.expiryWakeups();
            if (now == seen) {
                return now;
            }
            seen = now;
        }
        throw new AssertionError("the expiry thread kept waking up with nothing queued");
    }

    private static AgentRow row(long last) {
        return new AgentRow(AgentGuid.of(UUID.randomUUID()).toString(), last, null, 1, LocalDateTime.of(2024, 6, 1, 12, 0), null, null, null);
    }
}
