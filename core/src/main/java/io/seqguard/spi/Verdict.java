package io.seqguard.spi;

/** What a store decided about one sequence number. */
public enum Verdict {
    /** The GUID was unknown; it is now registered with this number. */
    REGISTERED,
    /** The number was fresh; the new state is durable. */
    ACCEPTED,
    /** The number was a replay or too old; nothing changed. */
    STALE;

    /** Whether the request may proceed. */
    public boolean accepted() {
        return this != STALE;
    }
}
