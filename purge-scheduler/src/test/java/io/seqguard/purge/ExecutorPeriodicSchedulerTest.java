package io.seqguard.purge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ExecutorPeriodicSchedulerTest {
    @Test
    void runsRepeatedlyOnANamedDaemonThreadUntilCancelled() throws InterruptedException {
        ExecutorPeriodicScheduler scheduler = new ExecutorPeriodicScheduler(Duration.ofSeconds(10));
        CountDownLatch threeRuns = new CountDownLatch(3);
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Thread> thread = new AtomicReference<>();

        PeriodicScheduler.Cancellable handle = scheduler.scheduleWithFixedDelay("test-purge", Duration.ofMillis(1), () -> {
            thread.set(Thread.currentThread());
            runs.incrementAndGet();
            threeRuns.countDown();
        });

        // Waits for an event, not for a time: the bound only keeps a broken build from hanging.
        assertThat(threeRuns.await(1, TimeUnit.MINUTES)).isTrue();
        handle.cancel();
        handle.cancel();
        int afterCancel = runs.get();
        assertThat(thread.get().getName()).isEqualTo("test-purge");
        assertThat(thread.get().isDaemon()).isTrue();
        thread.get().join(TimeUnit.MINUTES.toMillis(1));
        assertThat(thread.get().isAlive()).isFalse();
        assertThat(runs.get()).isEqualTo(afterCancel);
    }

    @Test
    void rejectsANonPositiveDelay() {
        ExecutorPeriodicScheduler scheduler = new ExecutorPeriodicScheduler();
        assertThatThrownBy(() -> scheduler.scheduleWithFixedDelay("x", Duration.ZERO, () -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
