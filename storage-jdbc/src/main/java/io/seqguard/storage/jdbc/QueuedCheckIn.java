package io.seqguard.storage.jdbc;

import io.seqguard.spi.CheckResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One check-in waiting in the {@link StrictBatcher} (strict mode, or window mode when
 * {@link #window()} is set): claimed by a writer, which then
 * sends it, or abandoned first (its caller gave up, it waited past its deadline, the store
 * stopped), after which nobody sends it. The two transitions race on one compare-and-set, so a
 * request reported failed for waiting too long can never be committed afterwards.
 *
 * <p>Thread safe.
 */
final class QueuedCheckIn {
    private static final int PENDING = 0;
    private static final int CLAIMED = 1;
    private static final int ABANDONED = 2;

    private final AgentRow row;
    private final WindowCheckIn window;
    private final long deadline;
    private final CompletableFuture<CheckResult> result = new CompletableFuture<>();
    private final AtomicInteger state = new AtomicInteger(PENDING);

    /**
     * @param row the strict row, or for window mode its registration row (its GUID is what batches
     *     are formed by)
     * @param window the window-mode check-in, or null in strict mode
     * @param deadline the {@link System#nanoTime()} after which no writer may claim it
     */
    QueuedCheckIn(AgentRow row, WindowCheckIn window, long deadline) {
        this.row = row;
        this.window = window;
        this.deadline = deadline;
    }

    AgentRow row() {
        return row;
    }

    /** The window-mode check-in, or null in strict mode. */
    WindowCheckIn window() {
        return window;
    }

    /** Completed by whoever claimed or abandoned it; an asynchronous caller holds it too. */
    CompletableFuture<CheckResult> result() {
        return result;
    }

    /** Whether the deadline has passed at {@code nanoTime}. */
    boolean expired(long nanoTime) {
        return nanoTime - deadline >= 0;
    }

    /** Nanoseconds from {@code nanoTime} to the deadline; not positive once expired. */
    long nanosLeft(long nanoTime) {
        return deadline - nanoTime;
    }

    /** Neither claimed nor abandoned yet. */
    boolean isPending() {
        return state.get() == PENDING;
    }

    /**
     * By a writer taking it into a batch; false when it was abandoned first, or when its caller
     * already cancelled the future (it is then dropped, unsent).
     */
    boolean claim() {
        return state.compareAndSet(PENDING, CLAIMED) && !result.isDone();
    }

    /** By whoever gives up on it; false when a writer claimed it first. */
    boolean abandon() {
        return state.compareAndSet(PENDING, ABANDONED);
    }
}
