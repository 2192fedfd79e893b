package io.seqguard.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.IpAddress;
import io.seqguard.spi.MacAddress;
import io.seqguard.spi.NodeName;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.storage.jdbc.JdbcConfig;
import io.seqguard.storage.jdbc.JdbcSequenceStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Check-ins per second on PostgreSQL or MariaDB: through {@link JdbcSequenceStore} (one conditional
 * upsert per check-in, acknowledged after its commit) versus the raw ceiling, a JDBC batch of the
 * same conditional upsert committed once per {@value #BATCH} rows, from the same number of client
 * threads ({@code -t}) and the same pool size. Each thread advances its own agents, so every
 * check-in is an accepted advance (the common case in production).
 *
 * <p>Three ways in: {@code store}, the blocking call, one check-in in flight per thread;
 * {@code storeAsync}, {@link JdbcSequenceStore#checkAndAdvanceAsync} with {@value #BATCH} check-ins
 * of distinct agents in flight per thread, awaited together, as a transport with many requests
 * in flight per thread would do; and {@code rawBatchedUpsert}, where each thread has the same
 * {@value #BATCH} rows in flight per statement. {@code storeAsync} against
 * {@code rawBatchedUpsert} compares equal concurrency; {@code store} against it needs
 * {@value #BATCH} times the threads for that.
 *
 * <p>A fresh database {@code seqguard_bench_<random>} is created per trial and dropped after.
 * {@code -p server=jdbc:mariadb://127.0.0.1:3306/} runs it on MariaDB (user {@code root}; the
 * default is PostgreSQL as user {@code postgres}); {@code -Dseqguard.bench.pg=jdbc:postgresql://host:5432/}
 * and {@code -Dseqguard.bench.user=} point it elsewhere. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar JdbcStoreBenchmark -t 8}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JdbcStoreBenchmark {
    static final int BATCH = 50;
    private static final int AGENTS_PER_THREAD = 1_000;

    private static final String RAW_UPSERT = """
            INSERT INTO raw_agents AS a
                (guid, last, prev_last, ring, ver, first_seen, last_seen, last_node_name, last_mac, last_ip)
            VALUES (?, ?, -1, NULL, 0, ?, ?, ?, ?, ?)
            ON CONFLICT (guid) DO UPDATE SET
                prev_last = a.last, last = EXCLUDED.last, ring = NULL, ver = a.ver + 1,
                last_seen = EXCLUDED.last_seen, last_node_name = EXCLUDED.last_node_name,
                last_mac = EXCLUDED.last_mac, last_ip = EXCLUDED.last_ip
            WHERE a.last < EXCLUDED.last""";

    /** The same conditional upsert in MariaDB's words (as the store's, without reporting the old value). */
    private static final String RAW_UPSERT_MARIADB = """
            INSERT INTO raw_agents
                (guid, last, prev_last, ring, ver, first_seen, last_seen, last_node_name, last_mac, last_ip)
            VALUES (?, ?, -1, NULL, 0, ?, ?, ?, ?, ?)
            ON DUPLICATE KEY UPDATE
                ring = IF(last < VALUES(last), NULL, ring),
                ver = IF(last < VALUES(last), ver + 1, ver),
                last_seen = IF(last < VALUES(last), VALUES(last_seen), last_seen),
                last_node_name = IF(last < VALUES(last), VALUES(last_node_name), last_node_name),
                last_mac = IF(last < VALUES(last), VALUES(last_mac), last_mac),
                last_ip = IF(last < VALUES(last), VALUES(last_ip), last_ip),
                prev_last = IF(last < VALUES(last), last, prev_last),
                last = IF(last < VALUES(last), VALUES(last), last)""";

    @Param({"jdbc:postgresql://127.0.0.1:5432/"})
    public String server;

    /** The store's strict-mode batch size (1: one statement and commit per check-in). */
    @Param({"64"})
    public int batchSize;

    /**
     * The raw baseline's pgjdbc {@code reWriteBatchedInserts}: false sends the batch as 50
     * pipelined statements, true rewrites it into multi-row {@code INSERT}s (the stronger
     * baseline). On MariaDB the driver's {@code useBulkStmts} (one bulk command for the batch).
     * Only configures the raw side.
     */
    @Param({"false"})
    public boolean rewriteBatch;

    /** Connections per pool, the same for the store and the raw baseline. */
    @Param({"8"})
    public int poolSize;

    /**
     * Share of the store's check-ins, in percent, that repeat an agent's first number (0) and so
     * are stale once every agent is registered, as in a storm of cloned or restored agents. Only
     * the store's side; the raw baseline always advances.
     */
    @Param({"0"})
    public int stalePercent;

    /**
     * The store's sequence window: 0 is strict mode (batched), 1–4096 window mode, which the store
     * sends one check-in at a time (read, then compare-and-set). Only the store's side.
     */
    @Param({"0"})
    public int window;

    /**
     * Share of the store's asynchronous check-ins, in percent, that come from agents never seen
     * before (a fleet's first contact, or agents whose rows were reset): each registers a new GUID.
     * Only {@code storeAsync}.
     */
    @Param({"0"})
    public int freshPercent;

    private SequencePolicy policy;

    private String database;
    private JdbcSequenceStore store;
    private HikariDataSource raw;
    private boolean mariadb;
    private String base;
    private String user;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws SQLException {
        base = System.getProperty("seqguard.bench.pg", server);
        mariadb = base.startsWith("jdbc:mariadb:") || base.startsWith("jdbc:mysql:");
        user = System.getProperty("seqguard.bench.user", mariadb ? "root" : "postgres");
        database = "seqguard_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        policy = window == 0 ? SequencePolicy.STRICT : SequencePolicy.window(window);
        admin("CREATE DATABASE " + database);
        int pool = poolSize;
        store = new JdbcSequenceStore(new JdbcConfig(base + database, user, "", pool, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofMinutes(30), true, batchSize, Map.of()));
        store.start();
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(base + database);
        h.setUsername(user);
        h.setMaximumPoolSize(pool);
        h.setAutoCommit(false);
        h.addDataSourceProperty(mariadb ? "useBulkStmts" : "reWriteBatchedInserts", Boolean.toString(rewriteBatch));
        raw = new HikariDataSource(h);
        try (Connection c = raw.getConnection(); Statement s = c.createStatement()) {
            s.execute(mariadb ? "CREATE TABLE raw_agents LIKE seqguard_agents" : "CREATE TABLE raw_agents (LIKE seqguard_agents INCLUDING ALL)");
            c.commit();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        store.stop();
        raw.close();
        admin("DROP DATABASE IF EXISTS " + database + (mariadb ? "" : " WITH (FORCE)"));
    }

    /** Runs {@code sql} outside the benchmark's database (PostgreSQL's maintenance database, or none on MariaDB). */
    private void admin(String sql) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        try (Connection c = DriverManager.getConnection(mariadb ? base : base + "postgres", p); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** One thread's agents, each check-in a higher number for the next agent in turn. */
    @State(Scope.Thread)
    public static class Agents {
        final AgentIdentity[] agents = new AgentIdentity[AGENTS_PER_THREAD];
        long sequence;
        int next;
        long sent;
        long drawn;

        @Setup(Level.Trial)
        public void setUp() {
            for (int i = 0; i < agents.length; i++) {
                agents[i] = new AgentIdentity(AgentGuid.of(UUID.randomUUID()), new NodeName("BENCH-PC-" + i),
                        new MacAddress(String.format("0011223%05X", i)), new IpAddress("10.1." + (i / 250) + "." + (i % 250)));
            }
        }

        /** The number for the agent {@link #nextAgent()} just returned: 0 (stale) for {@code stalePercent} of them. */
        long number(int stalePercent) {
            return sent++ % 100 < stalePercent ? 0 : sequence;
        }

        /** A new agent for {@code freshPercent} of the calls, else null. */
        AgentIdentity freshAgent(int freshPercent) {
            if (drawn++ % 100 >= freshPercent) {
                return null;
            }
            return new AgentIdentity(AgentGuid.of(UUID.randomUUID()), new NodeName("BENCH-NEW"), null, new IpAddress("10.2.0.1"));
        }

        AgentIdentity nextAgent() {
            AgentIdentity a = agents[next];
            next = (next + 1) % agents.length;
            if (next == 0) {
                sequence++;
            }
            return a;
        }
    }

    @Benchmark
    public CheckResult store(Agents agents) {
        AgentIdentity agent = agents.nextAgent();
        return store.checkAndAdvance(agent, agents.number(stalePercent), SequencePolicy.STRICT, Instant.now());
    }

    /** The thread's next {@value #BATCH} agents, all sent before any answer is awaited. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long storeAsync(Agents agents) {
        @SuppressWarnings("unchecked")
        CompletableFuture<CheckResult>[] inFlight = new CompletableFuture[BATCH];
        Instant now = Instant.now();
        for (int i = 0; i < BATCH; i++) {
            AgentIdentity fresh = agents.freshAgent(freshPercent);
            AgentIdentity agent = fresh != null ? fresh : agents.nextAgent();
            long number = fresh != null ? 1 : agents.number(stalePercent);
            inFlight[i] = store.checkAndAdvanceAsync(agent, number, policy, now).toCompletableFuture();
        }
        CompletableFuture.allOf(inFlight).join();
        long previous = 0;
        for (CompletableFuture<CheckResult> f : inFlight) {
            previous += f.join().last();
        }
        return previous;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int[] rawBatchedUpsert(Agents agents) throws SQLException {
        try (Connection c = raw.getConnection(); PreparedStatement ps = c.prepareStatement(mariadb ? RAW_UPSERT_MARIADB : RAW_UPSERT)) {
            LocalDateTime now = LocalDateTime.ofInstant(Instant.now().truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
            for (int i = 0; i < BATCH; i++) {
                AgentIdentity agent = agents.nextAgent();
                ps.setString(1, agent.guid().toString());
                ps.setLong(2, agents.sequence);
                ps.setObject(3, now);
                ps.setObject(4, now);
                ps.setString(5, agent.nodeName().value());
                ps.setString(6, agent.macAddress().value());
                ps.setString(7, agent.ipAddress().value());
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            c.commit();
            return counts;
        }
    }
}
