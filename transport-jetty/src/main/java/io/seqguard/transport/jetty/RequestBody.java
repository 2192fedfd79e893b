package io.seqguard.transport.jetty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Promise;

/**
 * Reads a request body into one array without holding a thread while its bytes are awaited (the
 * read-and-demand loop of Jetty's {@link Content.Source}): a client that declares a body and sends
 * it slowly, or never, costs a connection and what it sent, not a pool thread, so slow uploads on
 * the agent listener cannot starve the admin API and the probes that share the pool.
 *
 * <p>Memory stays bounded. A body that has to be waited for takes one of {@code concurrent}
 * places until it is read; when none is free it is refused at once
 * ({@link TooManyUploadsException}, answered 503) rather than queued. A body that is there with
 * the headers (or none at all) takes no place. Each gives up as soon as it grows past the limit:
 * a lying or absent {@code Content-Length} (chunked upload) cannot make the server buffer more
 * than {@code limit} bytes. Nor does a declared length reserve memory the client has not sent: the
 * array starts at no more than {@value #UP_FRONT} bytes and grows with what arrives. So the bodies
 * still arriving hold at most about {@code concurrent} times {@code limit}; a body once read is
 * the check-in's, until it is answered. Thread safe; the per-request state lives in one reader
 * per call.
 */
final class RequestBody {
    private static final byte[] EMPTY = new byte[0];
    private static final int INITIAL_CHUNKED = 4096;
    /** The most a declared {@code Content-Length} allocates before its bytes arrive. */
    static final int UP_FRONT = 64 * 1024;

    private final int limit;
    private final int concurrent;
    private final AtomicInteger reading = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();

    /**
     * @param limit the largest body, in bytes
     * @param concurrent the most bodies waited for at once
     */
    RequestBody(int limit, int concurrent) {
        this.limit = limit;
        this.concurrent = concurrent;
    }

    int limit() {
        return limit;
    }

    /** Bodies being waited for now. */
    int reading() {
        return reading.get();
    }

    /** Bodies refused so far because {@code concurrent} were being waited for. */
    long refused() {
        return refused.get();
    }

    /**
     * Reads the whole body and completes {@code done} once: with the body (an empty array when there
     * is none), with null when it exceeds the limit, or failed: with {@link TooManyUploadsException}
     * when it would have to wait while {@code concurrent} bodies are waited for already, with an
     * {@link IOException} when it cannot be read (client gone, idle timeout, bad chunking), with
     * anything else for a failure of the server's own. Completes
     * on the calling thread when the bytes are already there, else on the thread Jetty calls back
     * with the rest.
     *
     * @param length the declared {@code Content-Length}, or -1 when unknown; at most {@link #limit()}
     */
    void read(Request request, long length, Promise<byte[]> done) {
        if (length == 0) {
            done.succeeded(EMPTY);
            return;
        }
        new Reader(request, length, done).run();
    }

    /** {@code concurrent} bodies are being waited for already. */
    static final class TooManyUploadsException extends Exception {
        private static final long serialVersionUID = 1L;

        TooManyUploadsException() {
            super("too many request bodies are being read at once", null, false, false);
        }
    }

    /** One body's read-and-demand loop; {@link #run()} is what Jetty calls back when more bytes arrive. */
    private final class Reader implements Runnable {
        private final Request request;
        private final Promise<byte[]> done;
        /** The size the body may grow to: its declared length, else the limit. */
        private final long most;
        private final long declared;
        private byte[] out;
        private int size;
        /** Whether this body holds one of the places; touched by one thread at a time (Jetty serialises demand). */
        private boolean placed;
        private boolean completed;

        Reader(Request request, long length, Promise<byte[]> done) {
            this.request = request;
            this.done = done;
            this.declared = length;
            // A body that fits is read into an array of its size; a larger one grows as it arrives, up to its declared size.
            this.most = length > 0 ? length : limit;
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Content.Chunk chunk = request.read();
                    if (chunk == null) {
                        if (!placed) {
                            if (reading.incrementAndGet() > concurrent) {
                                reading.decrementAndGet();
                                refused.incrementAndGet();
                                finish(null, new TooManyUploadsException());
                                return;
                            }
                            placed = true;
                        }
                        // Called back on a pool thread once bytes arrive; this thread goes back to the pool.
                        request.demand(this);
                        return;
                    }
                    IOException failure = null;
                    boolean finished = true;
                    byte[] body = null;
                    try {
                        if (Content.Chunk.isFailure(chunk)) {
                            failure = new IOException("reading the request body failed", chunk.getFailure());
                        } else {
                            body = append(chunk.getByteBuffer());
                            finished = body == null || chunk.isLast();
                        }
                    } finally {
                        chunk.release();
                    }
                    if (finished) {
                        // Released first: what the caller goes on with no longer needs Jetty's buffer.
                        finish(body == null ? null : size == 0 ? EMPTY : size == out.length ? out : Arrays.copyOf(out, size), failure);
                        return;
                    }
                }
            } catch (VirtualMachineError e) {
                if (!completed) {
                    completed = true;
                    givePlaceBack();
                }
                throw e;
            } catch (RuntimeException | Error e) {
                if (completed) {
                    throw e; // the continuation's own failure: Jetty's to answer
                }
                // Whatever broke before (a read, a bug here), the place is given back and the request answered.
                finish(null, e);
            }
        }

        /** Gives the place back, once, then completes {@code done}: failed when {@code failure} is set. */
        private void finish(byte[] body, Throwable failure) {
            completed = true;
            givePlaceBack();
            if (failure != null) {
                done.failed(failure);
            } else {
                done.succeeded(body);
            }
        }

        private void givePlaceBack() {
            if (placed) {
                placed = false;
                reading.decrementAndGet();
            }
        }

        /** Copies the buffer's bytes; null when they take the body past the limit, else the array so far. */
        private byte[] append(ByteBuffer buffer) {
            int n = buffer.remaining();
            if ((long) size + n > limit) {
                return null;
            }
            if (n == 0) {
                return out != null ? out : EMPTY; // the end of a body that never had bytes: nothing to hold
            }
            if (out == null) {
                out = new byte[(int) Math.min(most, declared > 0 ? UP_FRONT : INITIAL_CHUNKED)];
            }
            if (size + n > out.length) {
                long grown = Math.max(size + n, Math.min(most, 2L * out.length)); // doubling, up to the declared size
                out = Arrays.copyOf(out, (int) Math.min(limit, grown));
            }
            buffer.get(out, size, n);
            size += n;
            return out;
        }
    }
}
