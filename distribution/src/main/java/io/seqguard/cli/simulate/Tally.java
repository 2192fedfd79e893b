package io.seqguard.cli.simulate;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What happened to the simulator's requests, counted by the workers as answers arrive. Thread
 * safe. Latencies are kept one slot per request (the number of requests is bounded), so the
 * percentiles are exact.
 */
public final class Tally {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong rejectedExpected = new AtomicLong();
    final AtomicLong tolerated = new AtomicLong();
    final AtomicLong rejectedUnexpected = new AtomicLong();
    final AtomicLong honestRejected = new AtomicLong();
    final AtomicLong replaysAccepted = new AtomicLong();
    final AtomicLong otherAnswers = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    private final ConcurrentMap<String, AtomicLong> otherByKind = new ConcurrentHashMap<>();
    private final AtomicLongArray latencies;
    private final AtomicInteger answered = new AtomicInteger();

    Tally(long capacity) {
        this.latencies = new AtomicLongArray((int) Math.min(capacity, Integer.MAX_VALUE - 8));
    }

    void latency(long nanos) {
        int slot = answered.getAndIncrement();
        if (slot < latencies.length()) {
            latencies.set(slot, nanos);
        }
    }

    void other(String kind) {
        otherByKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    /** Requests that got an answer or failed. */
    public long requests() {
        return accepted.get() + rejectedExpected.get() + tolerated.get() + rejectedUnexpected.get() + replaysAccepted.get() + otherAnswers.get()
                + failures.get();
    }

    /** Answers 200 that the model expected. */
    public long accepted() {
        return accepted.get();
    }

    /** Answers 409 that the model expected (injected faults doing their job). */
    public long rejectedExpected() {
        return rejectedExpected.get();
    }

    /** Stale requests answered 200 in audit mode, as the model expected. */
    public long tolerated() {
        return tolerated.get();
    }

    /** Answers 409 where the model expected 200. */
    public long rejectedUnexpected() {
        return rejectedUnexpected.get();
    }

    /** Answers 409 to an honest agent (also counted in {@link #rejectedUnexpected()}). */
    public long honestRejected() {
        return honestRejected.get();
    }

    /** Answers 200 where the model expected 409: a replay got through. */
    public long replaysAccepted() {
        return replaysAccepted.get();
    }

    /** Answers other than 200 and 409. */
    public long otherAnswers() {
        return otherAnswers.get();
    }

    /** Requests that got no answer (connection refused, timeout). */
    public long failures() {
        return failures.get();
    }

    /** Other answers and failures by kind ("HTTP 503", "ConnectException"), sorted. */
    public Map<String, Long> otherByKind() {
        Map<String, Long> sorted = new TreeMap<>();
        otherByKind.forEach((k, v) -> sorted.put(k, v.get()));
        return sorted;
    }

    /** The latency at quantile {@code q} (0..1) in nanoseconds, nearest rank; 0 when nothing was answered. */
    public long latencyNanos(double q) {
        int n = Math.min(answered.get(), latencies.length());
        if (n == 0) {
            return 0;
        }
        long[] sorted = new long[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = latencies.get(i);
        }
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * n);
        return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
    }
}
