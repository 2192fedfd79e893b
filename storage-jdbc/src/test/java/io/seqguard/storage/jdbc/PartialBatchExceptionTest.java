package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.seqguard.spi.CheckResult;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

/**
 * The row-by-row fallback ({@link PartialBatchException#eachAlone}) sends a row again when the
 * database rolled it back to break a deadlock, as the batcher does with a whole batch, and reports
 * every other failure at once. The failures are built as JDBI hands over the drivers' own: MariaDB
 * Connector/J's deadlock is a {@link SQLTransactionRollbackException} with SQLState 40001 and error
 * 1213, PostgreSQL's a {@code PSQLException} with SQLState 40P01.
 */
class PartialBatchExceptionTest {
    private static RuntimeException fromDriver(SQLException cause) {
        return new UnableToExecuteStatementException(cause, null);
    }

    private static RuntimeException mariaDbDeadlock() {
        return fromDriver(new SQLTransactionRollbackException("Deadlock found when trying to get lock; try restarting transaction", "40001", 1213));
    }

    private static RuntimeException postgresDeadlock() {
        return fromDriver(new SQLException("ERROR: deadlock detected", "40P01"));
    }

    /** Sends by GUID: each call takes the next of that GUID's scripted outcomes (a result, or a failure to throw). */
    private static final class Scripted implements Function<String, CheckResult> {
        private final Map<String, List<Object>> script;
        private final Map<String, Integer> calls = new HashMap<>();

        Scripted(Map<String, List<Object>> script) {
            this.script = script;
        }

        @Override
        public CheckResult apply(String guid) {
            int call = calls.merge(guid, 1, Integer::sum) - 1;
            Object outcome = script.get(guid).get(call);
            if (outcome instanceof RuntimeException failure) {
                throw failure;
            }
            return (CheckResult) outcome;
        }

        int calls(String guid) {
            return calls.getOrDefault(guid, 0);
        }
    }

    @Test
    void rowRolledBackByADeadlockIsSentAgainAndAnswered() {
        Scripted send = new Scripted(Map.of(
                "a", List.of(mariaDbDeadlock(), postgresDeadlock(), CheckResult.accepted(4)),
                "b", List.of(CheckResult.registered())));

        Map<String, CheckResult> decided = PartialBatchException.eachAlone(List.of("a", "b"), guid -> guid, send);

        assertThat(decided).containsExactlyInAnyOrderEntriesOf(Map.of("a", CheckResult.accepted(4), "b", CheckResult.registered()));
        assertThat(send.calls("a")).isEqualTo(3);
        assertThat(send.calls("b")).isEqualTo(1);
    }

    @Test
    void rowThatKeepsDeadlockingFailsAfterTheBatchersRetriesAndTheOthersKeepTheirAnswers() {
        RuntimeException last = mariaDbDeadlock();
        Scripted send = new Scripted(Map.of(
                "a", List.of(mariaDbDeadlock(), mariaDbDeadlock(), mariaDbDeadlock(), last),
                "b", List.of(CheckResult.stale(9))));

        PartialBatchException e = catchThrowableOfType(
                () -> PartialBatchException.eachAlone(List.of("a", "b"), guid -> guid, send), PartialBatchException.class);

        assertThat(send.calls("a")).isEqualTo(1 + StrictBatcher.RETRIES);
        assertThat(e.failed()).containsOnlyKeys("a");
        assertThat(e.failed().get("a")).isSameAs(last);
        assertThat(e.decided()).containsExactlyEntriesOf(Map.of("b", CheckResult.stale(9)));
    }

    @Test
    void otherFailuresAreNotSentAgain() {
        RuntimeException refused = fromDriver(new SQLException("CONSTRAINT `last_cap` failed", "23000", 4025));
        Scripted send = new Scripted(Map.of("a", List.of(refused), "b", List.of(CheckResult.accepted(1))));

        PartialBatchException e = catchThrowableOfType(
                () -> PartialBatchException.eachAlone(List.of("a", "b"), guid -> guid, send), PartialBatchException.class);

        assertThat(send.calls("a")).isEqualTo(1);
        assertThat(e.failed()).containsExactlyEntriesOf(Map.of("a", refused));
        assertThat(e.decided()).containsExactlyEntriesOf(Map.of("b", CheckResult.accepted(1)));
    }
}
