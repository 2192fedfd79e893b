package io.seqguard.storage.tck;

import java.time.Duration;
import java.time.Instant;

/**
 * Fixed instants for storage tests. The kit never reads the wall clock and never sleeps: every
 * time a store sees comes from here, in UTC with millisecond precision, as the engine passes it.
 */
public final class TestTimes {
    /** The start of a clock hour, 2024-03-01T10:00:00Z; tests count from it. */
    public static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

    private TestTimes() {
    }

    /** {@link #T0} plus {@code hours} hours. */
    public static Instant hour(long hours) {
        return T0.plus(Duration.ofHours(hours));
    }

    /** {@link #T0} plus {@code millis} milliseconds. */
    public static Instant millis(long millis) {
        return T0.plusMillis(millis);
    }

    /** {@link #T0} plus a {@code ISO-8601} duration such as {@code PT1H2M3.456S}. */
    public static Instant at(String duration) {
        return T0.plus(Duration.parse(duration));
    }
}
