package io.seqguard.benchmarks;

import io.seqguard.spi.AgentGuid;
import io.seqguard.storage.sqlite.SqliteConfig;
import io.seqguard.storage.sqlite.SqliteSequenceStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.UUID;

/**
 * Pre-fills a seqguard SQLite file with registered agents for {@code bench/load-http.sh --mode scale}:
 * {@code java -cp benchmarks/target/benchmarks.jar io.seqguard.benchmarks.AgentFill FILE AGENTS THREADS}.
 *
 * <p>The schema is the store's own (the real {@link SqliteSequenceStore} creates the file and runs
 * its migrations); the rows are then inserted in one transaction with {@code synchronous=OFF},
 * which is only safe because a failed fill is simply deleted and redone. The GUIDs are exactly
 * those {@code bench/checkins.lua} sends: wrk thread {@code t} (1-based) owns
 * {@code {tttttttt-0000-4000-8000-iiiiiiiiiiii}} for {@code i} in {@code [0, AGENTS / THREADS)};
 * every agent's last number is 1, below any number the benchmark sends.
 *
 * <p>Not thread safe; a command-line tool. Refuses to touch an existing file.
 */
public final class AgentFill {
    private AgentFill() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int agents = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        if (Files.exists(file)) {
            throw new IllegalStateException(file + " exists; remove it first");
        }
        long t0 = System.nanoTime();
        SqliteSequenceStore init = new SqliteSequenceStore(SqliteConfig.defaults(file));
        init.start();
        init.stop();
        int perThread = agents / threads;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA synchronous = OFF");
            }
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO agents (guid, last, first_seen, last_seen) "
                    + "VALUES (unhex(?, '{}-'), 1, 1704067200000, 1704067200000)")) {
                for (int t = 1; t <= threads; t++) {
                    for (int i = 0; i < perThread; i++) {
                        UUID uuid = new UUID(((long) t << 32) | 0x4000L, 0x8000_0000_0000_0000L | i);
                        insert.setString(1, AgentGuid.of(uuid).toString());
                        insert.addBatch();
                        if (i % 10_000 == 9_999) {
                            insert.executeBatch();
                        }
                    }
                    insert.executeBatch();
                }
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
        }
        System.out.printf("created %s with %d agents in %d ms%n", file, perThread * threads, (System.nanoTime() - t0) / 1_000_000);
    }
}
