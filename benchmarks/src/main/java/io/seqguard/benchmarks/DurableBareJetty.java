package io.seqguard.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The least durable server, for the HTTP load benchmark: {@link BareJetty}'s handler, except that
 * each check-in is answered only once a line for it ({@code GUID,sequence}) has been written to a
 * log file and synced ({@code fdatasync}), with the same group commit as seqguard's SQLite store:
 * the request thread queues the line; a thread that finds the lock free leads, writes everything
 * queued with one {@code write} and one sync, and releases the lock. Three designs answer:
 *
 * <ul>
 *   <li>{@code async} (seqguard's): the leader answers its group as soon as the sync is done, and
 *       the request threads return at once;
 *   <li>{@code blocking} (seqguard's before its asynchronous check-in, docs/PERFORMANCE.md item
 *       6): each request thread waits, parked, until its line is synced, and answers itself;
 *   <li>{@code delayed}: as {@code async}, but once groups are of 8 or more the leader first waits,
 *       up to {@code -Ddurable.delay.us} (500), for as many lines as the last group and the queue
 *       held together: a commit delay (as PostgreSQL's {@code commit_delay}), which lets the
 *       check-ins just answered come back in time for the next sync when a few connections each
 *       wait for their answer (wrk), and which would only add latency for a fleet whose agents
 *       send on their own timers.
 * </ul>
 *
 * <p>No check, no state, no SQLite: what a server of each design reaches on a machine when it does
 * nothing but acknowledge durably (a measure of these designs, not a bound on every design). The
 * log is preallocated and overwritten in a circle, so a sync never has to write the file's size
 * (as SQLite's WAL, reused after each checkpoint). {@code GET /stats} answers "groups lines
 * locked-seconds" so far, for the benchmark's {@code WRITER} line. {@code bench/load-http.sh
 * --durable-bare MODE} drives it with the same wrk settings as seqguard and bare Jetty.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * io.seqguard.benchmarks.DurableBareJetty PORT DIR [async|blocking|delayed]}
 */
public final class DurableBareJetty {
    private static final long LOG_BYTES = 64L << 20;

    private DurableBareJetty() {
    }

    /** One answer owed after the sync: written by the leader, or by {@code waiter} once {@code synced}. */
    private static final class Pending {
        final byte[] line;
        final byte[] body;
        final Response response;
        final Callback callback;
        final Thread waiter;
        volatile boolean synced;
        volatile Throwable failure;

        Pending(byte[] line, byte[] body, Response response, Callback callback, boolean blocking) {
            this.line = line;
            this.body = body;
            this.response = response;
            this.callback = callback;
            this.waiter = blocking ? Thread.currentThread() : null;
        }

        void answer() {
            if (failure != null) {
                callback.failed(failure);
            } else {
                BareJetty.answer(response, body, callback);
            }
        }
    }

    /** Group commit to a preallocated file; thread safe. */
    static final class DurableLog {
        private final FileChannel channel;
        private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        private final long maxDelayNanos;
        private int lastGroup;
        private long position;
        // Written under the lock, read by /stats.
        private volatile long groups;
        private volatile long lines;
        private volatile long lockedNanos;

        DurableLog(Path file, long maxDelayNanos) throws IOException {
            this.maxDelayNanos = maxDelayNanos;
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (long at = 0; at < LOG_BYTES; at += zeros.capacity()) {
                zeros.clear();
                channel.write(zeros, at);
            }
            channel.force(true);
        }

        /** Queues {@code pending}; returns at once (async, delayed) or once it is synced and answered (blocking). */
        void submit(Pending pending) {
            queue.add(pending);
            if (pending.waiter == null) {
                lead(null);
                return;
            }
            lead(pending);
            while (!pending.synced) {
                LockSupport.park(this);
                lead(pending);
            }
            pending.answer();
        }

        /**
         * Commits groups while anything is queued and the lock is free; a leader looks at the queue
         * again after releasing it, so nothing is stranded. A blocking leader ({@code own} not null)
         * stops once its own line is synced and wakes the waiter of the oldest queued line to lead.
         */
        private void lead(Pending own) {
            while (!queue.isEmpty() && lock.tryLock()) {
                List<Pending> group = new ArrayList<>();
                Throwable failure = null;
                long locked = System.nanoTime();
                try {
                    if (maxDelayNanos > 0 && lastGroup >= 8) {
                        // Commit delay: wait for the check-ins of the group being answered to come back.
                        int want = lastGroup + queue.size();
                        long deadline = System.nanoTime() + maxDelayNanos;
                        while (queue.size() < want && System.nanoTime() < deadline) {
                            LockSupport.parkNanos(20_000);
                        }
                    }
                    buffer.clear();
                    for (Pending p = queue.peek(); p != null && buffer.remaining() >= p.line.length; p = queue.peek()) {
                        queue.poll();
                        buffer.put(p.line);
                        group.add(p);
                    }
                    buffer.flip();
                    lastGroup = group.size();
                    if (position + buffer.remaining() > LOG_BYTES) {
                        position = 0;
                    }
                    while (buffer.hasRemaining()) {
                        position += channel.write(buffer, position);
                    }
                    channel.force(false);
                } catch (Throwable e) {
                    // Every request taken from the queue is answered, with the failure if there was one.
                    failure = e;
                } finally {
                    groups++;
                    lines += group.size();
                    lockedNanos += System.nanoTime() - locked;
                    lock.unlock();
                }
                for (Pending p : group) {
                    p.failure = failure;
                    p.synced = true;
                    if (p.waiter == null) {
                        try {
                            p.answer();
                        } catch (RuntimeException e) {
                            p.callback.failed(e);
                        }
                    } else if (p != own) {
                        LockSupport.unpark(p.waiter);
                    }
                }
                if (failure instanceof Error error) {
                    throw error;
                }
                if (own != null && own.synced) {
                    Pending next = queue.peek();
                    if (next != null) {
                        LockSupport.unpark(next.waiter);
                    }
                    return;
                }
            }
        }

        /** "groups lines locked-seconds": what {@code bench/load-http.sh} reads as the writer's meters. */
        String stats() {
            return groups + " " + lines + " " + lockedNanos / 1e9 + "\n";
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].matches("async|blocking|delayed"))) {
            System.err.println("usage: DurableBareJetty PORT DIR [async|blocking|delayed]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        String mode = args.length == 3 ? args[2] : "async";
        boolean blocking = mode.equals("blocking");
        long delay = mode.equals("delayed") ? Long.getLong("durable.delay.us", 500) * 1000 : 0;
        DurableLog log = new DurableLog(Files.createDirectories(Path.of(args[1])).resolve("durable-bare.log"), delay);
        BareJetty.serve("durable bare jetty (" + mode + ")", port, new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (request.getHttpURI().getPath().equals("/stats")) {
                    response.write(true, ByteBuffer.wrap(log.stats().getBytes(StandardCharsets.US_ASCII)), callback);
                    return true;
                }
                String line = request.getHeaders().get("Agent-Guid") + "," + request.getHeaders().get("Agent-Sequence") + "\n";
                log.submit(new Pending(line.getBytes(StandardCharsets.US_ASCII), BareJetty.answerBody(request), response, callback, blocking));
                return true;
            }
        });
    }
}
