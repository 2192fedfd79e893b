package io.seqguard.cli;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT for {@link RunCommand}. Java has no public API for signals; {@code
 * sun.misc.Signal} (module {@code jdk.unsupported}, exported to every class path) is the one the
 * JDK keeps for this, and javac warns that it is internal. A handler replaces the JVM's own
 * handling of the signal, which would run the shutdown hooks and exit with the signal's status.
 */
final class Signals {
    private Signals() {
    }

    /**
     * Runs {@code action} on a thread of the JVM's when SIGTERM or SIGINT arrives. A signal that
     * cannot be handled here (the platform lacks it, or the JVM keeps it) keeps the JVM's handling,
     * and so the shutdown hooks.
     */
    static void onTermOrInt(Runnable action) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> action.run());
            } catch (IllegalArgumentException e) {
                // Not available here: the JVM's handling stays.
            }
        }
    }
}
