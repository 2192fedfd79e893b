package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.Capability.ERROR_QUERY;
import static io.seqguard.storage.tck.Capability.ERROR_TABLE;
import static io.seqguard.storage.tck.TestAgents.agent;
import static io.seqguard.storage.tck.TestAgents.guid;
import static io.seqguard.storage.tck.TestErrors.error;
import static io.seqguard.storage.tck.TestTimes.hour;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.ErrorCursor;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorRow;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Error queries: filters by GUID, since (inclusive), until (exclusive), limit; newest first. */
public interface ErrorQueryContract extends StoreFixture {
    @Test
    default void emptyTableGivesNoRows() {
        if (!supports(ERROR_QUERY)) {
            return;
        }
        assertThat(store().findErrors(ErrorQuery.latest(ErrorQuery.MAX_LIMIT))).isEmpty();
    }

    @Test
    default void rowsComeNewestFirstThenByAutoIdDescending() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        record(guid(1), hour(2), 1);
        record(guid(1), hour(0), 2);
        record(guid(1), hour(1), 3);
        record(guid(2), hour(1), 4);
        record(guid(1), hour(3).minusMillis(1), 5);

        List<ErrorRow> rows = store().findErrors(ErrorQuery.latest(10));

        // received numbers name the rows; 4 and 3 share a time, and 4 was written later.
        assertThat(rows).extracting(row -> row.error().received()).containsExactly(5L, 1L, 4L, 3L, 2L);
        assertThat(rows.get(2).autoId()).isGreaterThan(rows.get(3).autoId());
    }

    @Test
    default void guidFilterKeepsOnlyThatAgent() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        record(guid(1), hour(1), 1);
        record(guid(2), hour(2), 2);
        record(guid(1), hour(3), 3);

        assertThat(received(new ErrorQuery(guid(1), null, null, 10))).containsExactly(3L, 1L);
        assertThat(received(new ErrorQuery(guid(2), null, null, 10))).containsExactly(2L);
        assertThat(received(new ErrorQuery(guid(3), null, null, 10))).isEmpty();
    }

    @Test
    default void sinceIsInclusiveAndUntilIsExclusive() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        record(guid(1), hour(1).minusMillis(1), 1);
        record(guid(1), hour(1), 2);
        record(guid(1), hour(2).minusMillis(1), 3);
        record(guid(1), hour(2), 4);

        assertThat(received(new ErrorQuery(null, hour(1), hour(2), 10))).containsExactly(3L, 2L);
        assertThat(received(new ErrorQuery(null, hour(1), null, 10))).containsExactly(4L, 3L, 2L);
        assertThat(received(new ErrorQuery(null, null, hour(2), 10))).containsExactly(3L, 2L, 1L);
        assertThat(received(new ErrorQuery(null, hour(1), hour(1), 10))).as("empty period").isEmpty();
    }

    @Test
    default void limitKeepsTheNewestRows() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        for (int i = 1; i <= 10; i++) {
            record(guid(1), hour(i), i);
        }

        assertThat(received(ErrorQuery.latest(3))).containsExactly(10L, 9L, 8L);
        assertThat(received(ErrorQuery.latest(1))).containsExactly(10L);
        assertThat(received(ErrorQuery.latest(ErrorQuery.MAX_LIMIT))).hasSize(10);
    }

    @Test
    default void limitKeepsTheNewestRowsWhateverOrderTheyWereWrittenIn() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        // Nodes and threads write rows out of time order: "newest" is by time, not by arrival.
        long[] hours = {7, 2, 9, 0, 5, 8, 1, 6, 3, 4};
        for (long h : hours) {
            record(guid(1), hour(h), h);
        }

        assertThat(received(ErrorQuery.latest(3))).containsExactly(9L, 8L, 7L);
        assertThat(received(new ErrorQuery(guid(1), hour(1), hour(6), 2))).containsExactly(5L, 4L);
    }

    @Test
    default void pagingWithTheCursorOfEachPagesLastRowReturnsEveryRowOnceInOrder() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        // Many rows share a millisecond, which paging by "until" would skip; received numbers name the rows.
        long n = 0;
        for (int ms = 0; ms < 5; ms++) {
            for (int same = 0; same < 9; same++) {
                record(guid(same % 3), hour(1).plusMillis(ms * 1000L), n++);
            }
        }
        List<ErrorRow> all = store().findErrors(ErrorQuery.latest(ErrorQuery.MAX_LIMIT));
        assertThat(all).hasSize((int) n);

        for (ErrorQuery first : List.of(ErrorQuery.latest(7), new ErrorQuery(guid(1), hour(1), hour(1).plusMillis(4_000), 4))) {
            List<ErrorRow> expected = all.stream().filter(first::matches).toList();
            List<ErrorRow> paged = new java.util.ArrayList<>();
            ErrorQuery page = first;
            for (int pages = 0; pages < 100; pages++) {
                List<ErrorRow> rows = store().findErrors(page);
                paged.addAll(rows);
                if (rows.size() < page.limit()) {
                    break;
                }
                page = page.after(ErrorCursor.of(rows.get(rows.size() - 1)));
            }
            assertThat(paged).as("pages of %s", first).extracting(ErrorRow::autoId)
                    .containsExactlyElementsOf(expected.stream().map(ErrorRow::autoId).toList());
        }
    }

    @Test
    default void filtersCombine() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        for (int i = 0; i < 12; i++) {
            record(guid(i % 2), hour(i), i);
        }

        // guid(0) has the even hours; 2..9 leaves 2, 4, 6, 8; the limit keeps the newest three.
        assertThat(received(new ErrorQuery(guid(0), hour(2), hour(9), 3))).containsExactly(8L, 6L, 4L);
    }

    private void record(AgentGuid guid, Instant time, long received) {
        store().recordError(error(agent(guid), time, received, received + 1, true), ErrorQuery.MAX_LIMIT);
    }

    private List<Long> received(ErrorQuery query) {
        return store().findErrors(query).stream().map(row -> row.error().received()).toList();
    }
}
