package io.seqguard.core.config;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.config.ConfigReader;
import java.time.Duration;

/**
 * When old error rows are purged: {@code seqguard.purge.interval}, the time between purges after
 * the one at start-up. How old is old is {@link ErrorTableConfig#historyDays()}.
 *
 * <p>Immutable and thread safe.
 *
 * @param interval from {@link #MIN_INTERVAL} to {@link #MAX_INTERVAL}, never null
 */
public record PurgeConfig(Duration interval) {
    /** Purging more often than this only loads the store. */
    public static final Duration MIN_INTERVAL = Duration.ofMinutes(1);

    public static final Duration MAX_INTERVAL = Duration.ofDays(365);

    public PurgeConfig {
        requireNonNull(interval, "interval");
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("interval must be between " + MIN_INTERVAL + " and " + MAX_INTERVAL + ": " + interval);
        }
    }

    /** Reads {@code seqguard.purge.*}; problems go to {@code root}, which reads from the top. */
    public static PurgeConfig read(ConfigReader root) {
        return new PurgeConfig(root.at(ConfigLoader.ROOT + ".purge").duration("interval", MIN_INTERVAL, MAX_INTERVAL));
    }
}
