package io.seqguard.purge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@link PeriodicScheduler} whose ticks the test fires by hand. Not thread safe. */
final class ManualScheduler implements PeriodicScheduler {
    private final List<Task> tasks = new ArrayList<>();

    @Override
    public Cancellable scheduleWithFixedDelay(String name, Duration delay, Runnable task) {
        Task scheduled = new Task(name, delay, task);
        tasks.add(scheduled);
        return () -> scheduled.cancelled = true;
    }

    /** Runs every live task once, as if its delay had passed; returns how many ran. */
    int tick() {
        int ran = 0;
        for (Task task : tasks) {
            if (!task.cancelled) {
                task.runnable.run();
                ran++;
            }
        }
        return ran;
    }

    List<Task> tasks() {
        return tasks;
    }

    static final class Task {
        final String name;
        final Duration delay;
        final Runnable runnable;
        boolean cancelled;

        Task(String name, Duration delay, Runnable runnable) {
            this.name = name;
            this.delay = delay;
            this.runnable = runnable;
        }
    }
}
