package io.seqguard.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ErrorCursorTest {
    @Test
    void itsTextReadsBackAsTheSamePlace() {
        for (ErrorCursor cursor : new ErrorCursor[] {
            new ErrorCursor(Instant.parse("2024-03-01T10:00:00.123Z"), 17),
            new ErrorCursor(Instant.parse("1969-12-31T23:59:59.001Z"), 5),
            new ErrorCursor(Instant.EPOCH, Long.MAX_VALUE)}) {
            assertThat(ErrorCursor.parse("before", cursor.toString())).isEqualTo(cursor);
        }
        assertThat(new ErrorCursor(Instant.parse("2024-03-01T10:00:00.123Z"), 17)).hasToString("1709287200123_17");
    }

    @Test
    void aPlaceIsAsPreciseAsTheRowsAMillisecond() {
        assertThat(new ErrorCursor(Instant.parse("2024-03-01T10:00:00.123456789Z"), 1).time())
                .isEqualTo(Instant.parse("2024-03-01T10:00:00.123Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "17", "_17", "1709287200123_", "abc_1", "1_-2", "1__2", "1709287200123_17 ", "-_1", "1234567890123456_1"})
    void anythingElseIsRefusedNamingTheParameter(String text) {
        assertThatThrownBy(() -> ErrorCursor.parse("before", text))
                .isInstanceOfSatisfying(InvalidValueException.class, e -> assertThat(e.field()).isEqualTo("before"));
    }
}
