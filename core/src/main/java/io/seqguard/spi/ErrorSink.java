package io.seqguard.spi;

/**
 * Receives every sequence error (SPEC §4). Built-in sinks write server.log and the error table;
 * plugins add others (syslog, webhook, SIEM).
 *
 * <p>Called concurrently, on the thread that decided the request: the caller's for the blocking
 * {@code checkIn}, and for {@code checkInAsync} (the HTTP transport's) the thread that completed
 * the store's commit — with SQLite the group's leader, which answers the rest of its group after
 * this call, so a sink that blocks delays other agents' answers. Implementations must be thread
 * safe and should hand slow work to a queue of their own. The built-in sinks run first, then
 * those of plugins and of modules added in code, each in binding order. A sink should not throw;
 * if it does (an {@code Error} such as a missing class included), the engine logs and counts the
 * failure, the other sinks still run, and the request's outcome is unchanged.
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
