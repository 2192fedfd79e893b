package io.seqguard.storage.tck;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Runs the same task on a fixed number of threads that are released together, so calls into a
 * store really overlap. Reusable across rounds; close it to stop its threads.
 *
 * <p>The timeouts only keep a hung backend from hanging the build; nothing asserts on time.
 * Not thread safe: one test thread drives a race.
 */
public final class Race implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 300;

    private final int threads;
    private final ExecutorService pool;

    public Race(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "tck-racer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Calls {@code task} once per thread, with the thread's index 0..threads-1, all starting at
     * the same moment.
     *
     * @return the results in thread-index order
     * @throws AssertionError when a task threw, carrying its exception
     */
    public <T> List<T> run(IntFunction<T> task) {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<T>> futures = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            int index = i;
            futures.add(pool.submit(() -> {
                start.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                return task.apply(index);
            }));
        }
        List<T> results = new ArrayList<>(threads);
        for (Future<T> future : futures) {
            results.add(await(future));
        }
        return results;
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BrokenBarrierException) {
                throw new AssertionError("another racer failed before the start", e.getCause());
            }
            throw new AssertionError("a racer failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("a racer did not finish within " + TIMEOUT_SECONDS + " s; is the store hung?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
