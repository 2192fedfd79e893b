package io.seqguard.spi;

/**
 * A component with threads or connections. Register one with
 * {@code Multibinder.newSetBinder(binder, Managed.class).addBinding().to(MyComponent.class)}
 * (bound as a singleton).
 *
 * <p>The server starts components by {@link #phase()} ascending and stops them strictly in
 * reverse. If a start fails, that component is stopped (so it can release what it opened before
 * it failed), then everything already started, in reverse, and start-up fails. Each method is
 * called at most once per server instance, from one thread.
 */
public interface Managed {
    /** The phase this component starts in. */
    Phase phase();

    /**
     * Starts the component; returns when it is ready to serve.
     *
     * @throws Exception anything that prevents the start; the server stops what it started and fails
     */
    void start() throws Exception;

    /**
     * Stops the component and releases what it holds. Also called after {@link #start()} threw,
     * so it must cope with a component that never started fully (release what is open, skip the
     * rest); the server logs a failure here and goes on stopping the others.
     */
    void stop() throws Exception;
}
