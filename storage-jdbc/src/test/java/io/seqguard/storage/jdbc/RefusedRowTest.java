package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.StorageException;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A row the database refuses inside a batch (here a CHECK constraint of the operator's; a trigger
 * or a value a column cannot hold would do the same) fails that agent's check-in only: the batch
 * rolls back and is sent again row by row, the other agents get their exact answers, each stored
 * once. On both servers, in strict and in window mode.
 */
class RefusedRowTest {
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    /** Only a guard against a hang; no step waits this long when it works. */
    private static final long GUARD_SECONDS = 30;

    @RegisterExtension
    final CapturedLog log = new CapturedLog(StrictBatcher.class);

    private static AgentIdentity newAgent() {
        return AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Server.class)
    void aRefusedRowFailsItsOwnCheckInOnly(TestDatabase.Server server) throws Exception {
        try (TestDatabase db = TestDatabase.create(server)) {
            // pool-size 2: a single batch writer. It is held on a locked row while the rest is
            // queued, so the rest goes out as the next batch, together.
            JdbcSequenceStore store = new JdbcSequenceStore(db.config(db.url(), 2, Duration.ofSeconds(5), 64));
            store.start();
            try {
                AgentIdentity blocker = newAgent();
                AgentIdentity strictA = newAgent();
                AgentIdentity strictB = newAgent();
                AgentIdentity strictBad = newAgent();
                AgentIdentity windowA = newAgent();
                AgentIdentity windowB = newAgent();
                AgentIdentity windowBad = newAgent();
                AgentIdentity fresh = newAgent();
                AgentIdentity strictStale = newAgent();
                for (AgentIdentity agent : List.of(blocker, strictA, strictB, strictBad, strictStale)) {
                    assertThat(store.checkAndAdvance(agent, 10, SequencePolicy.STRICT, NOW)).isEqualTo(CheckResult.registered());
                }
                for (AgentIdentity agent : List.of(windowA, windowB, windowBad)) {
                    assertThat(store.checkAndAdvance(agent, 10, SequencePolicy.window(8), NOW)).isEqualTo(CheckResult.registered());
                }
                // The server refuses to advance these two past 10, whatever the statement.
                db.execute("ALTER TABLE seqguard_agents ADD CONSTRAINT refused_by_the_test CHECK (guid NOT IN ('"
                        + strictBad.guid() + "', '" + windowBad.guid() + "') OR last <= 10)");

                Map<AgentIdentity, CompletableFuture<CheckResult>> answers = new LinkedHashMap<>();
                CompletableFuture<CheckResult> held;
                try (Connection lock = db.lockRow(blocker)) {
                    held = store.checkAndAdvanceAsync(blocker, 11, SequencePolicy.STRICT, NOW).toCompletableFuture();
                    db.awaitLockWait(held);
                    for (AgentIdentity agent : List.of(strictA, strictBad, strictB)) {
                        answers.put(agent, store.checkAndAdvanceAsync(agent, 11, SequencePolicy.STRICT, NOW).toCompletableFuture());
                    }
                    // A new agent and a stale number in the same batch keep their answers too.
                    answers.put(fresh, store.checkAndAdvanceAsync(fresh, 5, SequencePolicy.STRICT, NOW).toCompletableFuture());
                    answers.put(strictStale, store.checkAndAdvanceAsync(strictStale, 9, SequencePolicy.STRICT, NOW).toCompletableFuture());
                    answers.put(windowA, store.checkAndAdvanceAsync(windowA, 9, SequencePolicy.window(8), NOW).toCompletableFuture());
                    answers.put(windowBad, store.checkAndAdvanceAsync(windowBad, 11, SequencePolicy.window(8), NOW).toCompletableFuture());
                    answers.put(windowB, store.checkAndAdvanceAsync(windowB, 10, SequencePolicy.window(8), NOW).toCompletableFuture());
                    assertThat(held).as("held by the row lock").isNotDone();
                    lock.rollback();
                }

                assertThat(held.get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(10));
                assertThat(answers.get(strictA).get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(10));
                assertThat(answers.get(strictB).get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.accepted(10));
                assertThat(answers.get(fresh).get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.registered());
                assertThat(answers.get(strictStale).get(GUARD_SECONDS, TimeUnit.SECONDS)).isEqualTo(CheckResult.stale(10));
                assertThat(answers.get(windowA).get(GUARD_SECONDS, TimeUnit.SECONDS)).as("inside the window").isEqualTo(CheckResult.accepted(10));
                assertThat(answers.get(windowB).get(GUARD_SECONDS, TimeUnit.SECONDS)).as("seen already").isEqualTo(CheckResult.stale(10));
                for (AgentIdentity bad : List.of(strictBad, windowBad)) {
                    assertThat(answers.get(bad)).failsWithin(Duration.ofSeconds(GUARD_SECONDS))
                            .withThrowableOfType(ExecutionException.class)
                            .havingCause()
                            .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.INTERNAL))
                            .withMessageContaining("refused_by_the_test");
                }
                // Stored once each: the failed batch rolled back before its rows were sent again.
                assertThat(store.agentInfo(strictA.guid(), NOW).orElseThrow().last()).isEqualTo(11);
                assertThat(store.agentInfo(strictB.guid(), NOW).orElseThrow().last()).isEqualTo(11);
                assertThat(store.agentInfo(fresh.guid(), NOW).orElseThrow().last()).isEqualTo(5);
                assertThat(store.agentInfo(strictBad.guid(), NOW).orElseThrow().last()).isEqualTo(10);
                assertThat(store.agentInfo(windowBad.guid(), NOW).orElseThrow().last()).isEqualTo(10);
                assertThat(store.checkAndAdvance(windowA, 9, SequencePolicy.window(8), NOW)).as("9 accepted once").isEqualTo(CheckResult.stale(10));
                assertThat(store.checkAndAdvance(strictA, 11, SequencePolicy.STRICT, NOW)).isEqualTo(CheckResult.stale(11));
                // Both kinds of batch held the refused row together with others.
                assertThat(log.messages(Level.WARN))
                        .as("the batches sent again row by row")
                        .hasSize(2)
                        .allSatisfy(m -> assertThat(m).contains("sending its rows one by one").contains("refused_by_the_test"));
            } finally {
                store.stop();
            }
        }
    }
}
