package io.seqguard.core.engine;

import static java.util.Objects.requireNonNull;

import io.seqguard.core.config.ErrorTableConfig;
import io.seqguard.spi.SequenceStore;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes error rows older than {@code seqguard.errors.table.history-days}. The one place that
 * computes the cutoff: the purge scheduler and the admin API's purge-now both call it.
 *
 * <p>Thread safe; concurrent purges (also on other nodes) are safe because the store counts each
 * deleted row once.
 */
@Singleton
public final class ErrorPurge {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorPurge.class);

    private final SequenceStore store;
    private final Duration history;
    private final Clock clock;
    private final EngineMetrics metrics;

    @Inject
    public ErrorPurge(SequenceStore store, ErrorTableConfig config, Clock clock, EngineMetrics metrics) {
        this.store = requireNonNull(store, "store");
        this.history = Duration.ofDays(config.historyDays());
        this.clock = requireNonNull(clock, "clock");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    /** The time before which rows are deleted, for a purge run now. */
    public Instant cutoff() {
        return clock.instant().minus(history);
    }

    /**
     * Purges now.
     *
     * @return the number of rows deleted
     * @throws io.seqguard.spi.StorageException when the store fails; counted and left to the caller
     */
    public long purgeNow() {
        Instant cutoff = cutoff();
        try {
            long deleted = store.purgeErrorsBefore(cutoff);
            metrics.purged(deleted);
            LOG.info("purged {} sequence error rows older than {}", deleted, cutoff);
            return deleted;
        } catch (RuntimeException e) {
            metrics.purgeFailed();
            throw e;
        }
    }
}
