package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Another thread holding a writer's lock (the lock is reentrant, so the test's own thread cannot). */
record LockHolder(Thread thread, CountDownLatch gate) {
    private static final long GUARD_SECONDS = 60;

    static LockHolder hold(GroupCommitWriter writer) throws InterruptedException {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            writer.writeLock.lock();
            try {
                held.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                writer.writeLock.unlock();
            }
        }, "lock-holder");
        thread.start();
        assertThat(held.await(GUARD_SECONDS, TimeUnit.SECONDS)).isTrue();
        return new LockHolder(thread, release);
    }

    void release() throws InterruptedException {
        gate.countDown();
        thread.join(TimeUnit.SECONDS.toMillis(GUARD_SECONDS));
    }
}
