package io.seqguard.cli;

import io.seqguard.cli.simulate.Tally;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The simulator's progress line, rewritten in place twice a second on a terminal; nothing at all
 * when the output is not a terminal, so logs and pipes stay clean. Closing it ends the line.
 */
final class Progress implements AutoCloseable {
    private final Thread thread;
    private final PrintWriter err;

    private Progress(Thread thread, PrintWriter err) {
        this.thread = thread;
        this.err = err;
    }

    static Progress start(boolean terminal, PrintWriter err, Tally tally, long total) {
        if (!terminal) {
            return new Progress(null, err);
        }
        long began = System.nanoTime();
        Thread thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(500);
                    print(err, tally, total, began);
                }
            } catch (InterruptedException e) {
                // closed
            }
        }, "simulate-progress");
        thread.setDaemon(true);
        thread.start();
        return new Progress(thread, err);
    }

    private static void print(PrintWriter err, Tally tally, long total, long began) {
        double seconds = Math.max((System.nanoTime() - began) / 1e9, 1e-9);
        long done = tally.requests();
        err.printf(Locale.ROOT, "\r%,d/%,d requests  accepted %,d  rejected %,d  unexpected %,d  %.0f/s   ", done, total, tally.accepted(),
                tally.rejectedExpected(), tally.rejectedUnexpected() + tally.replaysAccepted() + tally.otherAnswers() + tally.failures(),
                done / seconds);
        err.flush();
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.println();
            err.flush();
        }
    }
}
