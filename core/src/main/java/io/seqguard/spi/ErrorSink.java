package io.seqguard.spi;

/**
 * Receives every sequence error (SPEC §4). Built-in sinks write server.log and the error table;
 * plugins add others (syslog, webhook, SIEM).
 *
 * <p>Called on the request thread, concurrently, so implementations must be thread safe and
 * should hand slow work to a queue of their own. A sink should not throw; if it does, the engine
 * logs and counts the failure and the request's outcome is unchanged.
 *
 * <p>Sinks are bound with {@code Multibinder.newSetBinder(binder, ErrorSink.class)}.
 */
public interface ErrorSink {
    /** A short, stable id, e.g. {@code server-log}; used in metrics and logs. */
    String id();

    /**
     * Records one error.
     *
     * @param error never null
     */
    void accept(SequenceError error);
}
