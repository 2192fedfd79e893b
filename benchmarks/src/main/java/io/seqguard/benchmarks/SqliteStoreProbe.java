package io.seqguard.benchmarks;

import io.seqguard.spi.SequencePolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A quick A/B probe, not a JMH benchmark: alternates the store and the raw baseline on one thread
 * for a few rounds so that both see the same neighbours on a busy machine. Used while profiling.
 * {@code java -cp benchmarks/target/benchmarks.jar io.seqguard.benchmarks.SqliteStoreProbe [folder] [seconds] [rounds]}
 */
public final class SqliteStoreProbe {
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private SqliteStoreProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir"));
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 5;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        SqliteStoreBenchmark.Stores stores = new SqliteStoreBenchmark.Stores();
        System.setProperty("java.io.tmpdir", base.toString());
        Files.createDirectories(base);
        stores.setUp();
        long[] next = new long[SqliteStoreBenchmark.AGENTS];
        java.util.Arrays.fill(next, System.nanoTime());
        try {
            for (int round = 0; round < rounds; round++) {
                for (boolean raw : new boolean[] {false, true}) {
                    long end = System.nanoTime() + seconds * 1_000_000_000L;
                    long cpu = THREADS.getCurrentThreadCpuTime();
                    long ops = 0;
                    int agent = 0;
                    while (System.nanoTime() < end) {
                        agent = (agent + 1) % SqliteStoreBenchmark.AGENTS;
                        if (raw) {
                            stores.raw.checkIn(stores.guids[agent], ++next[agent], "node", "10.0.0.1", Instant.now());
                        } else {
                            stores.store.checkAndAdvance(stores.agents[agent], ++next[agent], SequencePolicy.STRICT, Instant.now());
                        }
                        ops++;
                    }
                    // With one caller the leader is this thread, so its CPU time is all the work, whatever the neighbours do.
                    double cpuMicros = (THREADS.getCurrentThreadCpuTime() - cpu) / 1_000.0 / ops;
                    System.out.printf("round %d %s %.0f ops/s, %.1f us CPU/op%n", round, raw ? "raw  " : "store", ops / (double) seconds, cpuMicros);
                }
            }
        } finally {
            stores.tearDown();
        }
    }
}
