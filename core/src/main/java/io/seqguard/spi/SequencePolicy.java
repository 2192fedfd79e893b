package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

/**
 * How sequence numbers are checked.
 *
 * @param window 0 for strict mode; 1 to {@value #MAX_WINDOW} for window mode
 * @param enforcement whether stale requests are rejected or only recorded; never null
 */
public record SequencePolicy(int window, Enforcement enforcement) {
    /** The largest supported window. */
    public static final int MAX_WINDOW = 4096;

    /** Strict, enforcing: the default. */
    public static final SequencePolicy STRICT = new SequencePolicy(0, Enforcement.ENFORCE);

    public SequencePolicy {
        requireNonNull(enforcement, "enforcement");
        if (window < 0 || window > MAX_WINDOW) {
            throw new IllegalArgumentException("window must be between 0 and " + MAX_WINDOW + ": " + window);
        }
    }

    /** A strict or window policy that enforces. */
    public static SequencePolicy window(int window) {
        return new SequencePolicy(window, Enforcement.ENFORCE);
    }

    public boolean strict() {
        return window == 0;
    }
}
