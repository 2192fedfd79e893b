package io.seqguard.spi;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The per-agent state a store persists: {@code last}, the highest accepted sequence number, and
 * in window mode a ring of 64-bit words that remembers which numbers inside the window were
 * accepted (RFC 6479). Immutable: {@link SequenceCheck} returns a new state instead of changing
 * one, so a store may cache, compare and persist states freely.
 *
 * <p>A store persists {@link #last()} as a number and {@link #ringBytes()} as an opaque blob
 * (null in strict mode) and restores with {@link #restore(long, byte[])}.
 */
public final class SequenceState {
    private final long last;
    private final long[] ring;

    SequenceState(long last, long[] ring) {
        this.last = last;
        this.ring = ring;
    }

    /** A strict-mode state with highest accepted number {@code last}. */
    public static SequenceState strict(long last) {
        return new SequenceState(last, null);
    }

    /**
     * Restores a persisted state.
     *
     * @param last the persisted highest accepted number, at least 0
     * @param ringBytes the persisted ring, or null for a strict-mode state
     * @throws IllegalArgumentException when the blob is not a whole number of 64-bit words
     */
    public static SequenceState restore(long last, byte[] ringBytes) {
        if (last < 0) {
            throw new IllegalArgumentException("last must not be negative: " + last);
        }
        if (ringBytes == null) {
            return strict(last);
        }
        if (ringBytes.length == 0 || ringBytes.length % Long.BYTES != 0) {
            throw new IllegalArgumentException("ring must be a whole number of 64-bit words: " + ringBytes.length + " bytes");
        }
        long[] ring = new long[ringBytes.length / Long.BYTES];
        ByteBuffer.wrap(ringBytes).asLongBuffer().get(ring);
        return new SequenceState(last, ring);
    }

    /** The highest accepted sequence number. */
    public long last() {
        return last;
    }

    /** Whether this state carries a window ring. */
    public boolean hasRing() {
        return ring != null;
    }

    /** The ring serialized as big-endian 64-bit words, or null for a strict-mode state. */
    public byte[] ringBytes() {
        if (ring == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.allocate(ring.length * Long.BYTES);
        buffer.asLongBuffer().put(ring);
        return buffer.array();
    }

    long[] ring() {
        return ring;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SequenceState other && other.last == last && Arrays.equals(other.ring, ring);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(last) * 31 + Arrays.hashCode(ring);
    }

    @Override
    public String toString() {
        return ring == null ? "SequenceState[last=" + last + "]" : "SequenceState[last=" + last + ", ringWords=" + ring.length + "]";
    }
}
