package io.seqguard.benchmarks;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.storage.sqlite.SqliteConfig;
import io.seqguard.storage.sqlite.SqliteSequenceStore;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.UUID;

/**
 * Start-up and heap with many registered agents, in a fresh JVM per run:
 * {@code java -Xmx256m -cp benchmarks/target/benchmarks.jar io.seqguard.benchmarks.SqliteStartupProbe FILE AGENTS}.
 * Creates the file with {@code AGENTS} registered agents when it does not exist (in this JVM, not
 * measured), otherwise times {@code start()}, a first check-in and the agent cache's fill, which
 * runs after {@code start()} on the store's thread {@code seqguard-sqlite-cache-fill}, and reports
 * the used heap once the fill is done.
 */
public final class SqliteStartupProbe {
    private SqliteStartupProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int agents = Integer.parseInt(args[1]);
        if (!Files.exists(file)) {
            SqliteSequenceStore init = new SqliteSequenceStore(SqliteConfig.defaults(file));
            init.start();
            init.stop();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO agents (guid, last, first_seen, last_seen) "
                        + "VALUES (unhex(?, '{}-'), 1, 1704067200000, 1704067200000)")) {
                    for (int i = 0; i < agents; i++) {
                        insert.setString(1, AgentGuid.of(new UUID(0x1234_5678_9ABC_4DEFL, 0x8000_0000_0000_0000L | i)).toString());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                c.commit();
            }
            System.out.println("created " + file + " with " + agents + " agents");
            return;
        }
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long t0 = System.nanoTime();
        SqliteSequenceStore store = new SqliteSequenceStore(SqliteConfig.defaults(file));
        store.start();
        long started = System.nanoTime();
        AgentIdentity agent = AgentIdentity.of(AgentGuid.of(new UUID(0x1234_5678_9ABC_4DEFL, 0x8000_0000_0000_0000L | (agents - 1))));
        store.checkAndAdvance(agent, System.currentTimeMillis(), SequencePolicy.STRICT, Instant.now());
        long first = System.nanoTime();
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("seqguard-sqlite-cache-fill"))) {
            Thread.sleep(10);
        }
        long filled = System.nanoTime();
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.printf("agents %d: store start %d ms, first check-in %d ms, since JVM start %d ms, cache fill done %d ms after"
                + " start, heap used after GC %d MiB%n", agents, (started - t0) / 1_000_000, (first - started) / 1_000_000,
                System.currentTimeMillis() - jvmStart, (filled - started) / 1_000_000, (rt.totalMemory() - rt.freeMemory()) >> 20);
        store.stop();
    }
}
