package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.Capability.ERROR_QUERY;
import static io.seqguard.storage.tck.Capability.ERROR_TABLE;
import static io.seqguard.storage.tck.TestAgents.guid;
import static io.seqguard.storage.tck.TestErrors.error;
import static io.seqguard.storage.tck.TestTimes.T0;
import static io.seqguard.storage.tck.TestTimes.hour;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.ErrorQuery;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The error table's hourly cap (SPEC §4.2): exact per clock hour (UTC), across threads; 0 disables. */
public interface HourlyCapContract extends StoreFixture {
    @Test
    default void capIsExactUnderSixteenConcurrentWriters() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        int cap = 50;
        int writers = 16;
        int perWriter = 20;
        List<Integer> written;
        try (Race race = new Race(writers)) {
            written = race.run(w -> {
                int mine = 0;
                for (int i = 0; i < perWriter; i++) {
                    // Distinct times spread over the hour, all inside it.
                    Instant time = T0.plusSeconds((long) (w * perWriter + i) * 11).plusMillis(w);
                    if (store().recordError(error(guid(w), time), cap)) {
                        mine++;
                    }
                }
                return mine;
            });
        }

        assertThat(written.stream().mapToInt(Integer::intValue).sum()).as("calls that returned true").isEqualTo(cap);
        assertThat(rowsIn(T0, hour(1))).as("rows in the hour").isEqualTo(cap);
    }

    @Test
    default void eachClockHourHasItsOwnCap() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        for (int i = 0; i < 3; i++) {
            assertThat(store().recordError(error(guid(1), T0.plusSeconds(i)), 3)).isTrue();
        }
        assertThat(store().recordError(error(guid(1), T0.plusSeconds(10)), 3)).isFalse();
        // The last millisecond of the hour still counts to it.
        assertThat(store().recordError(error(guid(1), hour(1).minusMillis(1)), 3)).isFalse();
        // The first millisecond of the next hour starts a new count.
        assertThat(store().recordError(error(guid(1), hour(1)), 3)).isTrue();
        assertThat(store().recordError(error(guid(2), hour(1).plusSeconds(1)), 3)).isTrue();
        assertThat(store().recordError(error(guid(3), hour(2).minusMillis(1)), 3)).isTrue();
        assertThat(store().recordError(error(guid(1), hour(1).plusSeconds(2)), 3)).isFalse();

        assertThat(rowsIn(T0, hour(1))).isEqualTo(3);
        assertThat(rowsIn(hour(1), hour(2))).isEqualTo(3);
    }

    @Test
    default void eachHourKeepsItsCapWhenErrorsOfTwoHoursInterleave() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        // Around the turn of an hour, threads (and nodes) write errors of both hours in any order;
        // a count kept only for the "current" hour would start again at every switch.
        int cap = 20;
        int writers = 8;
        int perWriter = 30;
        List<Integer> written;
        try (Race race = new Race(writers)) {
            written = race.run(w -> {
                int mine = 0;
                for (int i = 0; i < perWriter; i++) {
                    long offset = (long) w * perWriter + i;
                    Instant time = i % 2 == 0 ? hour(1).minusMillis(1 + offset) : hour(1).plusMillis(offset);
                    if (store().recordError(error(guid(w), time), cap)) {
                        mine++;
                    }
                }
                return mine;
            });
        }

        assertThat(written.stream().mapToInt(Integer::intValue).sum()).as("calls that returned true").isEqualTo(2 * cap);
        assertThat(rowsIn(T0, hour(1))).as("rows in the first hour").isEqualTo(cap);
        assertThat(rowsIn(hour(1), hour(2))).as("rows in the second hour").isEqualTo(cap);
    }

    @Test
    default void capOfZeroWritesNothing() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        for (int i = 0; i < 3; i++) {
            assertThat(store().recordError(error(guid(1), T0.plusSeconds(i)), 0)).isFalse();
        }

        assertThat(store().findErrors(ErrorQuery.latest(10))).isEmpty();
    }

    @Test
    default void capIsTheOneGivenWithEachCall() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        for (int i = 0; i < 3; i++) {
            store().recordError(error(guid(1), T0.plusSeconds(i)), 5);
        }

        // A lowered limit (configuration reloaded) holds at once; a raised one lets more in.
        assertThat(store().recordError(error(guid(1), T0.plusSeconds(10)), 3)).isFalse();
        assertThat(store().recordError(error(guid(1), T0.plusSeconds(11)), 4)).isTrue();
        assertThat(store().recordError(error(guid(1), T0.plusSeconds(12)), 4)).isFalse();
        assertThat(rowsIn(T0, hour(1))).isEqualTo(4);
    }

    private int rowsIn(Instant since, Instant until) {
        return store().findErrors(new ErrorQuery(null, since, until, ErrorQuery.MAX_LIMIT)).size();
    }
}
