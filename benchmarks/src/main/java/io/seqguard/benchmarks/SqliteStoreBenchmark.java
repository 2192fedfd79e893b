package io.seqguard.benchmarks;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.IpAddress;
import io.seqguard.spi.NodeName;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.storage.sqlite.SqliteConfig;
import io.seqguard.storage.sqlite.SqliteSequenceStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The SQLite store's check-and-advance over 100,000 registered agents with 1 and 2 threads, its
 * error path under and over the hourly cap, and, in the same run, the raw sqlite-jdbc group
 * commit baseline ({@link RawSqliteGroupCommit}); all with {@code synchronous=FULL} on real files.
 * Every thread owns a disjoint slice of the agents and sends each of them rising numbers, so every
 * check-in is accepted and written. {@code order}: {@code scattered} visits the slice with a prime
 * stride, so consecutive check-ins come from agents far apart, as from a fleet; {@code sequential}
 * in GUID order, so the agents of one group share their pages (docs/PERFORMANCE.md). {@code
 * journalSize}: the store with its check-in journal (the default) or without (0). Run:
 * {@code java -jar benchmarks/target/benchmarks.jar Sqlite -f 1 -wi 2 -i 3}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SqliteStoreBenchmark {
    static final int AGENTS = 100_000;

    /** The files, the store, the baseline and the agents, shared by all threads of one run. */
    @State(Scope.Benchmark)
    public static class Stores {
        final AgentIdentity[] agents = new AgentIdentity[AGENTS];
        final String[] guids = new String[AGENTS];
        final AtomicInteger threadIds = new AtomicInteger();
        Path folder;
        SqliteSequenceStore store;
        RawSqliteGroupCommit raw;
        SequenceError overCapError;

        /** {@code seqguard.sqlite.journal-size}: the default check-in journal, or 0 for none. */
        @Param({"100000", "0"})
        public int journalSize;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            for (int i = 0; i < AGENTS; i++) {
                AgentGuid guid = AgentGuid.of(new UUID(0x1234_5678_9ABC_4DEFL, 0x8000_0000_0000_0000L | i));
                agents[i] = new AgentIdentity(guid, new NodeName("node-" + i), null, new IpAddress("10.0.0.1"));
                guids[i] = guid.toString();
            }
            folder = Files.createTempDirectory("seqguard-bench");
            Path storeFile = folder.resolve("store.db");
            Path rawFile = folder.resolve("raw.db");
            for (Path file : new Path[] {storeFile, rawFile}) {
                // Same schema for both (the store's migrations), each with 100,000 registered agents.
                SqliteSequenceStore init = new SqliteSequenceStore(SqliteConfig.defaults(file));
                init.start();
                init.stop();
                register(file);
            }
            store = new SqliteSequenceStore(SqliteConfig.defaults(storeFile).withJournalSize(journalSize));
            store.start();
            raw = new RawSqliteGroupCommit(rawFile, SqliteConfig.defaults(rawFile).maxGroupSize());
            // Fill the hour the over-cap benchmark writes to, so its errors are dropped.
            Instant full = Instant.parse("2024-03-01T10:00:00Z");
            overCapError = new SequenceError(agents[0], full, 1, 2, true);
            store.recordError(overCapError, 1);
        }

        private void register(Path file) throws Exception {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
                c.setAutoCommit(false);
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO agents (guid, last, first_seen, last_seen) "
                        + "VALUES (unhex(?, '{}-'), 0, 1704067200000, 1704067200000)")) {
                    for (String guid : guids) {
                        insert.setString(1, guid);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                c.commit();
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            store.stop();
            raw.close();
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException ignored) {
                        // a temp folder; best effort
                    }
                });
            }
        }
    }

    /** One thread's slice of the agents and the next number for each. */
    @State(Scope.Thread)
    public static class Slice {
        /** Coprime with {@link #AGENTS}, so that k * STRIDE mod AGENTS visits every agent once per pass. */
        private static final long STRIDE = 7919;

        @Param({"scattered", "sequential"})
        public String order;

        long[] next;
        int first;
        int step;
        int cursor;

        @Setup(Level.Trial)
        public void setUp(Stores stores, BenchmarkParams params) {
            first = stores.threadIds.getAndIncrement() % params.getThreads();
            step = params.getThreads();
            cursor = first;
            // Numbers start high enough to beat anything an earlier run on the same agents stored.
            next = new long[AGENTS];
            java.util.Arrays.fill(next, System.nanoTime());
        }

        int nextAgent() {
            int k = cursor;
            cursor += step;
            if (cursor >= AGENTS) {
                cursor = first;
            }
            // A bijection on 0..AGENTS-1, so the threads' slices stay disjoint.
            return "scattered".equals(order) ? (int) (k * STRIDE % AGENTS) : k;
        }
    }

    @Benchmark
    @Threads(1)
    public Object checkInStore1Thread(Stores s, Slice slice) {
        return checkInStore(s, slice);
    }

    @Benchmark
    @Threads(2)
    public Object checkInStore2Threads(Stores s, Slice slice) {
        return checkInStore(s, slice);
    }

    @Benchmark
    @Threads(1)
    public boolean checkInRaw1Thread(Stores s, Slice slice) throws Exception {
        return checkInRaw(s, slice);
    }

    @Benchmark
    @Threads(2)
    public boolean checkInRaw2Threads(Stores s, Slice slice) throws Exception {
        return checkInRaw(s, slice);
    }

    @Benchmark
    @Threads(1)
    public boolean errorUnderCap(Stores s, Slice slice) {
        int agent = slice.nextAgent();
        return s.store.recordError(new SequenceError(s.agents[agent], Instant.now(), 1, 2, true), Integer.MAX_VALUE);
    }

    @Benchmark
    @Threads(1)
    public boolean errorOverCap(Stores s) {
        return s.store.recordError(s.overCapError, 1);
    }

    private static Object checkInStore(Stores s, Slice slice) {
        int agent = slice.nextAgent();
        return s.store.checkAndAdvance(s.agents[agent], ++slice.next[agent], SequencePolicy.STRICT, Instant.now());
    }

    private static boolean checkInRaw(Stores s, Slice slice) throws Exception {
        int agent = slice.nextAgent();
        AgentIdentity a = s.agents[agent];
        return s.raw.checkIn(s.guids[agent], ++slice.next[agent], a.nodeName().value(), a.ipAddress().value(), Instant.now());
    }
}
