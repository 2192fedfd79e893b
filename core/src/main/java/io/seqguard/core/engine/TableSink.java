package io.seqguard.core.engine;

import static java.util.Objects.requireNonNull;

import io.seqguard.core.config.ErrorTableConfig;
import io.seqguard.spi.ErrorSink;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequenceStore;
import jakarta.inject.Inject;

/**
 * Hands sequence errors to the store's error table under the hourly limit (SPEC §4.2). The store
 * enforces the limit exactly; this sink remembers the hour the store last reported full, so that
 * once an hour is full the rest of that hour's errors cost no store call at all — the limit can
 * only be reached once per hour, because purges never touch the current hour.
 *
 * <p>Thread safe. A store failure propagates to the engine, which counts it and carries on.
 */
public final class TableSink implements ErrorSink {
    /** The sink's id in {@code seqguard.errors.sinks}. */
    public static final String ID = "table";

    private final SequenceStore store;
    private final int maxPerHour;
    private final EngineMetrics metrics;
    private volatile long fullHour = Long.MIN_VALUE;

    @Inject
    public TableSink(SequenceStore store, ErrorTableConfig config, EngineMetrics metrics) {
        this.store = requireNonNull(store, "store");
        this.maxPerHour = config.maxPerHour();
        this.metrics = requireNonNull(metrics, "metrics");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void accept(SequenceError error) {
        long hour = error.clockHour();
        if (maxPerHour == 0 || hour == fullHour) {
            metrics.tableDropped();
            return;
        }
        if (store.recordError(error, maxPerHour)) {
            metrics.tableWritten();
        } else {
            fullHour = hour;
            metrics.tableDropped();
        }
    }
}
