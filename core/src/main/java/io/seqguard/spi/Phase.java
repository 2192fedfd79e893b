package io.seqguard.spi;

/**
 * When a {@link Managed} component starts. Phases start in declaration order and stop in reverse,
 * so transports start last and stop first.
 */
public enum Phase {
    /** Stores and their pools. */
    STORAGE,
    /** The engine and error sinks. */
    ENGINE,
    /** Background services such as the purge scheduler. */
    SERVICE,
    /** Listeners that accept traffic. */
    TRANSPORT
}
