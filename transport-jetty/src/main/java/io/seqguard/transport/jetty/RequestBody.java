package io.seqguard.transport.jetty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Blocker;

/**
 * Reads a request body into one array, blocking the calling pool thread, and gives up as soon as
 * it grows past the limit: a lying or absent {@code Content-Length} (chunked upload) cannot make
 * the server buffer more than {@code limit} bytes. Nor does a declared length reserve memory the
 * client has not sent: the array starts at no more than {@value #UP_FRONT} bytes and grows with
 * what arrives, so that many slow clients declaring {@code max-body} each (one per pool thread)
 * hold only what they sent, not {@code threads.max} times {@code max-body} of a 256 MiB heap.
 * Thread safe; holds no per-request state.
 */
final class RequestBody {
    private static final byte[] EMPTY = new byte[0];
    private static final int INITIAL_CHUNKED = 4096;
    /** The most a declared {@code Content-Length} allocates before its bytes arrive. */
    static final int UP_FRONT = 64 * 1024;

    private final int limit;

    RequestBody(int limit) {
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    /**
     * Reads the whole body.
     *
     * @param length the declared {@code Content-Length}, or -1 when unknown; at most {@link #limit()}
     * @return the body (an empty array when there is none), or null when it exceeds the limit
     * @throws IOException when the body cannot be read (client gone, idle timeout, bad chunking)
     */
    byte[] read(Request request, long length) throws IOException {
        if (length == 0) {
            return EMPTY;
        }
        // A body that fits is read into an array of its size; a larger one grows as it arrives, up to its declared size.
        long most = length > 0 ? length : limit;
        byte[] out = new byte[(int) Math.min(most, length > 0 ? UP_FRONT : INITIAL_CHUNKED)];
        int size = 0;
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                try (Blocker.Runnable blocker = Blocker.runnable()) {
                    request.demand(blocker);
                    blocker.block();
                }
                continue;
            }
            try {
                if (Content.Chunk.isFailure(chunk)) {
                    throw new IOException("reading the request body failed", chunk.getFailure());
                }
                ByteBuffer buffer = chunk.getByteBuffer();
                int n = buffer.remaining();
                if ((long) size + n > limit) {
                    return null;
                }
                if (size + n > out.length) {
                    long grown = Math.max(size + n, Math.min(most, 2L * out.length)); // doubling, up to the declared size
                    out = Arrays.copyOf(out, (int) Math.min(limit, grown));
                }
                buffer.get(out, size, n);
                size += n;
                if (chunk.isLast()) {
                    break;
                }
            } finally {
                chunk.release();
            }
        }
        if (size == 0) {
            return EMPTY;
        }
        return size == out.length ? out : Arrays.copyOf(out, size);
    }
}
