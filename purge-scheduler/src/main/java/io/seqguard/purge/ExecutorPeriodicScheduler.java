package io.seqguard.purge;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PeriodicScheduler} that gives every task its own single daemon thread. A task is rare
 * and long (a purge may delete many rows), so a thread per task is cheaper to reason about than
 * a shared pool: cancelling one never waits for another.
 *
 * <p>Thread safe.
 */
public final class ExecutorPeriodicScheduler implements PeriodicScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorPeriodicScheduler.class);

    private final Duration stopTimeout;

    @Inject
    public ExecutorPeriodicScheduler() {
        this(Duration.ofSeconds(30));
    }

    /** @param stopTimeout how long {@link Cancellable#cancel()} waits for a run in progress */
    public ExecutorPeriodicScheduler(Duration stopTimeout) {
        this.stopTimeout = requireNonNull(stopTimeout, "stopTimeout");
    }

    @Override
    public Cancellable scheduleWithFixedDelay(String name, Duration delay, Runnable task) {
        requireNonNull(name, "name");
        requireNonNull(task, "task");
        if (delay.isNegative() || delay.isZero()) {
            throw new IllegalArgumentException("delay must be positive: " + delay);
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        long nanos = delay.toNanos();
        executor.scheduleWithFixedDelay(task, nanos, nanos, TimeUnit.NANOSECONDS);
        return () -> shutDown(name, executor);
    }

    private void shutDown(String name, ScheduledExecutorService executor) {
        // shutdown() lets a run in progress finish: interrupting a purge in the middle of a
        // database call helps nobody, and the store is stopped only after this returns.
        executor.shutdown();
        try {
            if (!executor.awaitTermination(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} still running after {}; interrupting it", name, stopTimeout);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
