package io.seqguard.purge;

import static java.util.Objects.requireNonNull;

import io.seqguard.core.config.PurgeConfig;
import io.seqguard.core.engine.ErrorPurge;
import io.seqguard.spi.Managed;
import io.seqguard.spi.Phase;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes error rows older than {@code seqguard.errors.table.history-days}: once when the server
 * starts, then every {@code seqguard.purge.interval}. The purge itself is {@link ErrorPurge}'s,
 * the same code the admin API's purge-now calls.
 *
 * <p>A failed purge is logged, counted (here and in the {@code seqguard.errors.purge.failures}
 * meter) and simply tried again at the next tick; it never stops the server, also not at
 * start-up. Several nodes sharing one database may all run this: the store deletes each row
 * once, whoever gets there first.
 *
 * <p>Thread safe. {@link #start()} and {@link #stop()} come from the lifecycle's thread; purges
 * run on the scheduler's thread; the counters may be read from anywhere.
 */
@Singleton
public final class PurgeScheduler implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(PurgeScheduler.class);
    static final String THREAD_NAME = "seqguard-purge";

    private final ErrorPurge purge;
    private final Duration interval;
    private final PeriodicScheduler scheduler;
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private PeriodicScheduler.Cancellable ticks;
    private boolean stopped;

    @Inject
    public PurgeScheduler(ErrorPurge purge, PurgeConfig config, PeriodicScheduler scheduler) {
        this(purge, config.interval(), scheduler);
    }

    /** @param interval time between purges after the one at start-up, positive */
    public PurgeScheduler(ErrorPurge purge, Duration interval, PeriodicScheduler scheduler) {
        this.purge = requireNonNull(purge, "purge");
        this.interval = requireNonNull(interval, "interval");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
    }

    @Override
    public Phase phase() {
        return Phase.SERVICE;
    }

    /** Purges once, synchronously (so rows past their history are gone once the server is up), then schedules the ticks. */
    @Override
    public synchronized void start() {
        if (stopped || ticks != null) {
            return;
        }
        runOnce();
        ticks = scheduler.scheduleWithFixedDelay(THREAD_NAME, interval, this::runOnce);
        LOG.info("purge scheduled every {}", interval);
    }

    /** Cancels the ticks and waits for a purge in progress. Idempotent. */
    @Override
    public synchronized void stop() {
        stopped = true;
        if (ticks != null) {
            ticks.cancel();
            ticks = null;
        }
    }

    /** Purges that completed, including the one at start-up. */
    public long succeeded() {
        return succeeded.get();
    }

    /** Purges that failed. */
    public long failed() {
        return failed.get();
    }

    /** Rows deleted by this scheduler's purges. */
    public long deleted() {
        return deleted.get();
    }

    /** The time between purges. */
    public Duration interval() {
        return interval;
    }

    // Never throws: an exception would end the periodic task for good.
    private void runOnce() {
        try {
            deleted.addAndGet(purge.purgeNow());
            succeeded.incrementAndGet();
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            LOG.warn("purge of old sequence error rows failed; trying again in {}", interval, e);
        }
    }
}
