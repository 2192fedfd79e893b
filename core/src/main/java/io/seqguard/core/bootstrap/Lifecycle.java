package io.seqguard.core.bootstrap;

import io.seqguard.spi.Managed;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts {@link Managed} components by phase and stops them strictly in reverse: also after a
 * failed start (the component that failed, which may hold what it opened before it failed, and
 * everything started before it), and never giving up halfway through a stop.
 * Not thread safe; the server calls it from one thread at a time.
 */
public final class Lifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);

    private final List<Managed> components;
    private final Deque<Managed> started = new ArrayDeque<>();

    /** @param components in binding order; sorted by phase here, stable within a phase */
    public Lifecycle(List<Managed> components) {
        List<Managed> sorted = new ArrayList<>(components);
        sorted.sort(Comparator.comparing(Managed::phase));
        this.components = List.copyOf(sorted);
    }

    /**
     * Starts every component in order.
     *
     * @throws StartupException when one fails to start; it and the ones already started were stopped
     */
    public void start() {
        for (Managed component : components) {
            // Pushed first: a component whose start failed half-way is stopped too (Managed.stop's contract).
            started.push(component);
            try {
                LOG.debug("starting {} ({})", name(component), component.phase());
                component.start();
            } catch (Exception | Error e) {
                // An Error too (a plugin missing a class): what started is stopped all the same, then it goes on up.
                LOG.error("{} failed to start: {}", name(component), e.toString());
                try {
                    stop();
                } catch (VirtualMachineError fatal) {
                    fatal.addSuppressed(e);
                    throw fatal;
                }
                if (e instanceof Error error) {
                    throw error;
                }
                throw new StartupException(name(component) + " failed to start: " + e.getMessage(), e);
            }
        }
    }

    /** Stops what was started, newest first; logs failures and goes on. Idempotent. */
    public void stop() {
        VirtualMachineError fatal = null;
        while (!started.isEmpty()) {
            Managed component = started.pop();
            try {
                LOG.debug("stopping {}", name(component));
                component.stop();
            } catch (VirtualMachineError e) {
                // Still the others first; this goes on up at the end.
                if (fatal == null) {
                    fatal = e;
                } else {
                    fatal.addSuppressed(e);
                }
            } catch (Exception | Error e) {
                // The others still stop: a store left running would keep its file or pool.
                LOG.error("{} failed to stop cleanly", name(component), e);
            }
        }
        if (fatal != null) {
            throw fatal;
        }
    }

    /** The components in start order. */
    public List<Managed> components() {
        return components;
    }

    private static String name(Managed component) {
        String simple = component.getClass().getSimpleName();
        return simple.isEmpty() ? component.getClass().getName() : simple; // an anonymous class has none
    }
}
