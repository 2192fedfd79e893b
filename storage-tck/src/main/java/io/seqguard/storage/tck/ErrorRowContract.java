package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.Capability.ERROR_QUERY;
import static io.seqguard.storage.tck.Capability.ERROR_TABLE;
import static io.seqguard.storage.tck.TestAgents.agent;
import static io.seqguard.storage.tck.TestAgents.guid;
import static io.seqguard.storage.tck.TestErrors.error;
import static io.seqguard.storage.tck.TestTimes.at;
import static io.seqguard.storage.tck.TestTimes.hour;
import static io.seqguard.storage.tck.TestTimes.millis;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.SequenceError;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rows of the error table (SPEC §4.2) carry every field of the error, and a unique, increasing AutoID. */
public interface ErrorRowContract extends StoreFixture {
    @Test
    default void rowCarriesEveryField() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        SequenceError error = error(agent(guid(1), "PC-1", "00:11:22:33:44:55", "192.168.10.20"), at("PT15M30.123S"), 41, 42, true);

        assertThat(store().recordError(error, 10)).isTrue();

        assertThat(store().findErrors(ErrorQuery.latest(10))).singleElement().extracting(ErrorRow::error).isEqualTo(error);
    }

    @Test
    default void rowKeepsAbsentPartsAbsentAndAuditModeErrorsUnenforced() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        SequenceError error = error(agent(guid(1)), at("PT1S"), 7, 7, false);

        store().recordError(error, 10);

        assertThat(store().findErrors(ErrorQuery.latest(10))).singleElement().extracting(ErrorRow::error).isEqualTo(error);
    }

    @Test
    default void rowKeepsUnicodeNodeNamesIpv6AndExtremeNumbers() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        String longName = "N".repeat(250) + "-端末名";
        SequenceError error = error(agent(guid(1), longName, "AABBCCDDEEFF", "2001:db8::7:1"), at("PT59M59.999S"), 0, Long.MAX_VALUE, true);
        SequenceError other = error(agent(guid(2), "Büro-PC \"A\" 'quoted'; DROP TABLE x", null, "::1"), at("PT1H"), Long.MAX_VALUE, Long.MAX_VALUE, true);

        store().recordError(error, 10);
        store().recordError(other, 10);

        assertThat(store().findErrors(ErrorQuery.latest(10))).extracting(ErrorRow::error).containsExactly(other, error);
    }

    @Test
    default void timeIsKeptToTheMillisecondInUtc() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        List<SequenceError> errors = List.of(
                error(guid(1), millis(0)),
                error(guid(1), millis(1)),
                error(guid(1), millis(999)),
                error(guid(1), millis(1_000)),
                error(guid(1), hour(30).plusMillis(7)));
        errors.forEach(error -> store().recordError(error, 100));

        assertThat(store().findErrors(ErrorQuery.latest(10)))
                .extracting(row -> row.error().time())
                .containsExactlyElementsOf(errors.stream().map(SequenceError::time).sorted(Comparator.reverseOrder()).toList());
    }

    @Test
    default void autoIdsAreUniqueAndIncreaseInInsertionOrder() {
        if (!supports(ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        // Times deliberately out of order: AutoID follows insertion, not time.
        long[] minutes = {30, 10, 50, 10, 0, 59};
        for (int i = 0; i < minutes.length; i++) {
            store().recordError(error(agent(guid(1)), at("PT" + minutes[i] + "M"), i, 100, true), 100);
        }

        List<ErrorRow> byInsertion = store().findErrors(ErrorQuery.latest(10)).stream()
                .sorted(Comparator.comparingLong(row -> row.error().received()))
                .toList();
        assertThat(byInsertion).hasSize(minutes.length);
        for (int i = 1; i < byInsertion.size(); i++) {
            assertThat(byInsertion.get(i).autoId()).as("AutoID of row %d", i).isGreaterThan(byInsertion.get(i - 1).autoId());
        }
    }
}
