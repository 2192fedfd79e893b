package io.seqguard.purge;

import java.time.Duration;

/**
 * Runs a task again and again with a fixed delay between runs. The seam that lets tests drive the
 * {@link PurgeScheduler}'s ticks by hand instead of sleeping; production uses
 * {@link ExecutorPeriodicScheduler}.
 *
 * <p>Implementations are thread safe.
 */
public interface PeriodicScheduler {
    /**
     * Runs {@code task} first {@code delay} from now, then {@code delay} after each run ends,
     * until the returned handle is cancelled. A task that throws is not run again, so callers
     * catch what they can survive.
     *
     * @param name names the thread (or log lines) of the task, never null
     * @param delay time between runs, positive, never null
     * @param task what to run, never null
     * @return a handle that stops further runs, never null
     */
    Cancellable scheduleWithFixedDelay(String name, Duration delay, Runnable task);

    /** Stops a scheduled task. */
    interface Cancellable {
        /**
         * Stops further runs and waits (bounded) for a run in progress to end, so that nothing
         * runs after this returns in the normal case. Idempotent.
         */
        void cancel();
    }
}
