package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.Capability.ERROR_QUERY;
import static io.seqguard.storage.tck.Capability.ERROR_TABLE;
import static io.seqguard.storage.tck.Capability.PURGE;
import static io.seqguard.storage.tck.TestAgents.guid;
import static io.seqguard.storage.tck.TestErrors.error;
import static io.seqguard.storage.tck.TestTimes.hour;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.CheckResult;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorRow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Purging old error rows (SPEC §4.2): strictly older than the cutoff, counted once. */
public interface PurgeContract extends StoreFixture {
    @Test
    default void purgeDeletesRowsStrictlyBeforeTheCutoffAndReturnsTheCount() {
        if (!supports(ERROR_TABLE, PURGE, ERROR_QUERY)) {
            return;
        }
        Instant cutoff = hour(72);
        List<Instant> times = List.of(
                cutoff.minus(Duration.ofDays(1)),
                cutoff.minusMillis(1),
                cutoff,
                cutoff.plusMillis(1),
                cutoff.plus(Duration.ofDays(1)));
        times.forEach(time -> store().recordError(error(guid(1), time), 100));

        assertThat(store().purgeErrorsBefore(cutoff)).isEqualTo(2);

        assertThat(store().findErrors(ErrorQuery.latest(10))).extracting(row -> row.error().time())
                .containsExactly(cutoff.plus(Duration.ofDays(1)), cutoff.plusMillis(1), cutoff);
        assertThat(store().purgeErrorsBefore(cutoff)).as("a second purge").isZero();
    }

    @Test
    default void purgeCutsInsideAnHourWhateverOrderTheRowsWereWrittenIn() {
        if (!supports(ERROR_TABLE, PURGE, ERROR_QUERY)) {
            return;
        }
        // The scheduler's cutoff is "now minus the history", anywhere in an hour; rows arrive out
        // of time order from several threads and nodes. Received numbers name the rows.
        Instant cutoff = hour(5).plusMillis(37 * 60_000 + 123);
        long[] offsetsMillis = {1, -1, 0, -3_600_000, 59_000, -2, 3_600_000, -59_000, 2, -7_200_000};
        for (int i = 0; i < offsetsMillis.length; i++) {
            store().recordError(TestErrors.error(TestAgents.agent(guid(1)), cutoff.plusMillis(offsetsMillis[i]), i, i + 100, true), 100);
        }

        assertThat(store().purgeErrorsBefore(cutoff)).isEqualTo(5);

        assertThat(store().findErrors(ErrorQuery.latest(100))).extracting(row -> row.error().received())
                .containsExactly(6L, 4L, 8L, 0L, 2L);
    }

    @Test
    default void purgeOfAnEmptyTableReturnsZero() {
        if (!supports(PURGE)) {
            return;
        }
        assertThat(store().purgeErrorsBefore(hour(1))).isZero();
    }

    @Test
    default void purgeLeavesAgentsAlone() {
        if (!supports(ERROR_TABLE, PURGE)) {
            return;
        }
        check(guid(1), 100);
        store().recordError(error(guid(1), hour(1)), 100);

        assertThat(store().purgeErrorsBefore(hour(2))).isEqualTo(1);

        assertThat(check(guid(1), 100)).isEqualTo(CheckResult.stale(100));
    }

    @Test
    default void concurrentPurgesCountEachRowOnce() {
        if (!supports(ERROR_TABLE, PURGE, ERROR_QUERY)) {
            return;
        }
        int old = 200;
        for (int i = 0; i < old; i++) {
            store().recordError(error(guid(i % 7), hour(i % 5).plusMillis(i)), 1_000);
        }
        for (int i = 0; i < 20; i++) {
            store().recordError(error(guid(1), hour(10).plusSeconds(i)), 1_000);
        }

        List<Long> deleted;
        try (Race race = new Race(4)) {
            deleted = race.run(i -> store().purgeErrorsBefore(hour(10)));
        }

        assertThat(deleted.stream().mapToLong(Long::longValue).sum()).isEqualTo(old);
        assertThat(store().findErrors(ErrorQuery.latest(1_000))).hasSize(20)
                .map(ErrorRow::error).allMatch(error -> !error.time().isBefore(hour(10)));
    }
}
