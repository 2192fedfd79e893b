package io.seqguard.cli.simulate;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives a fleet against an {@link AgentEndpoint} with a fixed number of workers. A GUID is in
 * the work queue at most once, so its requests go out one after another, in plan order, while
 * different GUIDs run in parallel; every answer is checked against the GUID's model as it
 * arrives.
 *
 * <p>Bounded: it ends when every planned request was sent, or at the deadline. Not thread safe;
 * {@link #run} is called once.
 */
public final class Simulation {
    private final List<SimulatedGuid> fleet;
    private final AgentEndpoint endpoint;
    private final int workers;
    private final double ratePerSecond;
    private final Duration maxTime;
    private final int window;
    private final boolean audit;
    private final Tally tally;
    private volatile boolean timedOut;

    /**
     * @param ratePerSecond requests per second for the whole fleet, or 0 for as fast as the workers go
     * @param window the server's {@code seqguard.sequence.window}, for the model
     * @param audit whether the server runs in audit mode (stale requests answered 200)
     */
    public Simulation(List<SimulatedGuid> fleet, AgentEndpoint endpoint, int workers, double ratePerSecond, Duration maxTime, int window,
            boolean audit) {
        this.fleet = List.copyOf(fleet);
        this.endpoint = requireNonNull(endpoint, "endpoint");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1");
        }
        this.workers = workers;
        this.ratePerSecond = ratePerSecond;
        this.maxTime = requireNonNull(maxTime, "maxTime");
        this.window = window;
        this.audit = audit;
        this.tally = new Tally(fleet.stream().mapToLong(g -> g.plan().size()).sum());
    }

    /** The counts so far; safe to read while {@link #run()} is going (for the progress line). */
    public Tally tally() {
        return tally;
    }

    /** Whether the deadline ended the run before every request was sent. */
    public boolean timedOut() {
        return timedOut;
    }

    /** Sends every planned request (or as many as the deadline allows) and returns the tally. */
    public Tally run() throws InterruptedException {
        ConcurrentLinkedQueue<SimulatedGuid> queue = new ConcurrentLinkedQueue<>(fleet);
        AtomicInteger unfinished = new AtomicInteger(fleet.size());
        long start = System.nanoTime();
        long deadline = start + maxTime.toNanos();
        long interval = ratePerSecond > 0 ? (long) (1_000_000_000L / ratePerSecond) : 0;
        java.util.concurrent.atomic.AtomicLong nextSlot = new java.util.concurrent.atomic.AtomicLong(start);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "simulate-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new java.util.ArrayList<>();
            for (int i = 0; i < workers; i++) {
                running.add(pool.submit(() -> {
                    work(queue, unfinished, deadline, interval, nextSlot);
                    return null;
                }));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a simulator worker failed", e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        return tally;
    }

    private void work(ConcurrentLinkedQueue<SimulatedGuid> queue, AtomicInteger unfinished, long deadline, long interval,
            java.util.concurrent.atomic.AtomicLong nextSlot) throws InterruptedException {
        while (unfinished.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                timedOut = true;
                return;
            }
            SimulatedGuid guid = queue.poll();
            if (guid == null) {
                // Every remaining GUID is in flight on another worker; its turn comes back soon.
                LockSupport.parkNanos(200_000);
                continue;
            }
            if (interval > 0) {
                long slot = nextSlot.getAndAdd(interval);
                if (slot - deadline > 0) {
                    // This request's turn would come after the deadline: the run is over.
                    queue.add(guid);
                    timedOut = true;
                    return;
                }
                long wait = slot - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            sendOne(guid);
            if (guid.hasNext()) {
                queue.add(guid);
            } else {
                unfinished.decrementAndGet();
            }
        }
    }

    private void sendOne(SimulatedGuid guid) throws InterruptedException {
        PlannedRequest request = guid.peek();
        boolean fresh = guid.predictAndAdvance(request.sequence(), window);
        boolean expect200 = fresh || audit;
        int status;
        long began = System.nanoTime();
        try {
            status = endpoint.send(guid.guid(), request.machine(), request.sequence());
        } catch (IOException e) {
            tally.failures.incrementAndGet();
            tally.other(e.getClass().getSimpleName());
            return;
        }
        tally.latency(System.nanoTime() - began);
        if (status == 200) {
            if (fresh) {
                tally.accepted.incrementAndGet();
            } else if (audit) {
                tally.tolerated.incrementAndGet();
            } else {
                tally.replaysAccepted.incrementAndGet();
            }
        } else if (status == 409) {
            guid.rejected();
            if (!expect200) {
                tally.rejectedExpected.incrementAndGet();
            } else {
                tally.rejectedUnexpected.incrementAndGet();
                if (guid.fault() == Fault.HONEST) {
                    tally.honestRejected.incrementAndGet();
                }
            }
        } else {
            tally.otherAnswers.incrementAndGet();
            tally.other("HTTP " + status);
        }
    }
}
