package io.seqguard.spi;

/**
 * The sequence check of SPEC §3 as pure functions over {@link SequenceState}. Every storage
 * backend uses these, so the semantics are the same everywhere; the backend's only job is to
 * apply the result atomically per GUID.
 *
 * <p>Window mode follows RFC 6479: the window is a ring of {@code ceil(W / 64) + 1} words indexed
 * by {@code (n >>> 6) mod words}. Sliding clears at most one ring's worth of words, so each check
 * costs O(1) whatever the jump, and nothing shifts the whole bitmap.
 *
 * <p>All methods are static, thread safe and allocation-light; none accepts null.
 */
public final class SequenceCheck {
    private SequenceCheck() {
    }

    /** The ring length, in 64-bit words, for a window of {@code window} numbers. */
    public static int ringWords(int window) {
        return (window + 63) / 64 + 1;
    }

    /** The state of a GUID seen for the first time with {@code received}. */
    public static SequenceState register(long received, int window) {
        requireSequence(received);
        if (window == 0) {
            return SequenceState.strict(received);
        }
        long[] ring = new long[ringWords(window)];
        setBit(ring, received);
        return new SequenceState(received, ring);
    }

    /**
     * Checks {@code received} against {@code current}.
     *
     * @param current the stored state of the GUID
     * @param received the number the request carries, at least 0
     * @param window 0 for strict mode, or the window size 1..4096
     * @return the state to store when the number is accepted, or {@code null} when it is stale
     *     (a replay, or older than the window); {@code current} is never modified
     */
    public static SequenceState advance(SequenceState current, long received, int window) {
        requireSequence(received);
        long last = current.last();
        if (window == 0) {
            return received > last ? SequenceState.strict(received) : null;
        }
        long[] ring = current.ring();
        int words = ringWords(window);
        if (ring == null || ring.length != words) {
            ring = conservativeRing(words, last);
        }
        if (received > last) {
            long[] next = ring.clone();
            long fromBlock = (last >>> 6) + 1;
            long toBlock = received >>> 6;
            long clear = Math.min(toBlock - fromBlock + 1, words);
            for (long b = 0; b < clear; b++) {
                next[(int) ((fromBlock + b) % words)] = 0L;
            }
            setBit(next, received);
            return new SequenceState(received, next);
        }
        if (last - received >= window) {
            return null;
        }
        int index = (int) ((received >>> 6) % words);
        long bit = 1L << (received & 63);
        if ((ring[index] & bit) != 0) {
            return null;
        }
        long[] next = ring.clone();
        next[index] |= bit;
        return new SequenceState(last, next);
    }

    /**
     * A ring in which every number up to {@code last}, and none above it, counts as already
     * accepted. Used when a state was stored in strict mode or with another window size: after a
     * configuration change nothing at or below {@code last} can be replayed, numbers above it are
     * as new as ever, and the window fills again as it slides.
     */
    private static long[] conservativeRing(int words, long last) {
        long[] ring = new long[words];
        java.util.Arrays.fill(ring, -1L);
        // The word of last's block also holds the numbers above last in that block: not seen yet.
        int upTo = (int) (last & 63);
        ring[(int) ((last >>> 6) % words)] = upTo == 63 ? -1L : (1L << (upTo + 1)) - 1;
        return ring;
    }

    private static void setBit(long[] ring, long n) {
        ring[(int) ((n >>> 6) % ring.length)] |= 1L << (n & 63);
    }

    private static void requireSequence(long received) {
        if (received < 0) {
            throw new IllegalArgumentException("sequence number must not be negative: " + received);
        }
    }
}
