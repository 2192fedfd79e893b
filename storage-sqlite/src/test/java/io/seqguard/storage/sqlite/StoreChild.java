package io.seqguard.storage.sqlite;

import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.storage.tck.TestAgents;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The other process of the crash and lock tests, started by {@link ChildJvm} with the test class
 * path. Modes:
 * <ul>
 * <li>{@code checkins <file> <agents> <threads> [<journal-size>]}: check-ins for {@code agents}
 * GUIDs with rising numbers from {@code threads} threads, forever; prints {@code ACK <n> <seq>}
 * after each acknowledged one (GUID number n).
 * <li>{@code hold <file>}: runs a store on the file until stdin closes.
 * <li>{@code exclusive <file>}: holds SQLite's exclusive lock on the file until stdin closes.
 * </ul>
 * Prints {@code READY} when it is set up.
 */
public final class StoreChild {
    private StoreChild() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        Path file = Path.of(args[1]);
        switch (args[0]) {
            case "checkins" -> checkins(out, file, Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    args.length > 4 ? Integer.parseInt(args[4]) : SqliteConfig.defaults(file).journalSize());
            case "hold" -> {
                SqliteSequenceStore store = new SqliteSequenceStore(SqliteConfig.defaults(file));
                store.start();
                ready(out);
                waitForStdinToClose();
                store.stop();
            }
            case "exclusive" -> {
                try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE IF NOT EXISTS someone_else (x INTEGER)");
                    s.execute("BEGIN EXCLUSIVE");
                    s.execute("INSERT INTO someone_else VALUES (1)");
                    ready(out);
                    waitForStdinToClose();
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void checkins(PrintStream out, Path file, int agents, int threads, int journalSize) throws Exception {
        SqliteSequenceStore store = new SqliteSequenceStore(SqliteConfig.defaults(file).withJournalSize(journalSize));
        store.start();
        ready(out);
        AtomicLong next = new AtomicLong();
        Runnable worker = () -> {
            while (true) {
                long i = next.getAndIncrement();
                int n = (int) (i % agents);
                long seq = i / agents + 1;
                AgentIdentity agent = TestAgents.agent(TestAgents.guid(n), "node-" + n, null, "10.0.0.1");
                CheckResult result = store.checkAndAdvance(agent, seq, SequencePolicy.STRICT, Instant.now());
                if (result.verdict().accepted()) {
                    synchronized (out) {
                        out.println("ACK " + n + " " + seq);
                        out.flush();
                    }
                }
            }
        };
        for (int t = 0; t < threads; t++) {
            new Thread(worker, "checkin-" + t).start();
        }
        Thread.currentThread().join();
    }

    private static void ready(PrintStream out) {
        out.println("READY");
        out.flush();
    }

    private static void waitForStdinToClose() throws java.io.IOException {
        while (System.in.read() >= 0) {
            // wait
        }
    }
}
