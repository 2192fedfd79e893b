package io.seqguard.spi;

import java.util.Locale;

/** What the engine does with a stale sequence number. */
public enum Enforcement {
    /** Reject the request (default). */
    ENFORCE,
    /** Accept the request, but still record the sequence error, marked not enforced. */
    AUDIT;

    /** The configuration spelling: {@code enforce} or {@code audit}. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
