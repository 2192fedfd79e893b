package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.MacAddress;
import io.seqguard.spi.NodeName;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.SequenceStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Three seqguard nodes on one database, as behind a load balancer: three stores with their own
 * pools, many threads each, all hammering the same GUIDs. Exactly one acceptance per (GUID,
 * number), in strict and in window mode, through the blocking and the asynchronous call, and the
 * hourly limit exact across the nodes.
 *
 * <p>Why "exactly one" and not "at most one": every thread sends every number, in ascending order
 * (strict) or shuffled within chunks smaller than the window (window mode). The first request for
 * a number to reach the database therefore always finds it fresh (nobody can be past the next
 * chunk before that number was sent), so some request must win it; the store must make sure only
 * one does.
 */
class MultiNodeTest {
    private static final int NODES = 3;
    private static final int THREADS_PER_NODE = 4;
    private static final int GUIDS = 4;
    private static final int NUMBERS = 120;
    private static final int WINDOW = 64;
    private static final int CHUNK = 16;
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");

    @ParameterizedTest
    @EnumSource(TestDatabase.Server.class)
    void threeNodesAcceptEachNumberExactlyOnceAndKeepTheLimit(TestDatabase.Server server) throws Exception {
        try (TestDatabase db = TestDatabase.create(server)) {
            List<JdbcSequenceStore> nodes = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                JdbcSequenceStore store = new JdbcSequenceStore(db.config(db.url(), THREADS_PER_NODE, Duration.ofSeconds(5)));
                store.start();
                nodes.add(store);
            }
            try {
                hammer(nodes, 0, false);
                hammer(nodes, WINDOW, false);
                // The asynchronous call: both modes go through the nodes' batch writers, which then
                // race each other on the same rows (and on the first registration of each GUID).
                hammer(nodes, 0, true);
                hammer(nodes, WINDOW, true);
                hourlyLimit(nodes);
            } finally {
                nodes.forEach(JdbcSequenceStore::stop);
            }
            if (server == TestDatabase.Server.POSTGRESQL) {
                // Every batch takes its locks in one ordered pass, so none waits in a cycle (before
                // window batches did so, registrations racing across the nodes cost 3-5 deadlocks,
                // a second each). Closed backends have reported their counts; give them a moment.
                Thread.sleep(1500);
                assertThat(deadlocks(db)).as("deadlocks PostgreSQL detected in the test's database").isZero();
            }
        }
    }

    private static long deadlocks(TestDatabase db) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(db.url(), db.user(), "");
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void hammer(List<JdbcSequenceStore> nodes, int window, boolean async) throws Exception {
        List<AgentIdentity> agents = new ArrayList<>();
        for (int g = 0; g < GUIDS; g++) {
            agents.add(new AgentIdentity(AgentGuid.of(UUID.randomUUID()), new NodeName("PC-" + g), null, null));
        }
        ConcurrentHashMap<String, AtomicInteger> acceptances = new ConcurrentHashMap<>();
        SequencePolicy policy = new SequencePolicy(window, io.seqguard.spi.Enforcement.ENFORCE);
        runOnAllThreads(nodes, (store, seed) -> {
            List<Long> order = order(new Random(seed), window);
            for (long n : order) {
                // Asynchronously, the number goes to every agent at once and is awaited before the
                // next: each GUID still sees this thread's numbers in order.
                List<java.util.concurrent.CompletableFuture<io.seqguard.spi.CheckResult>> inFlight = new ArrayList<>();
                for (AgentIdentity agent : agents) {
                    inFlight.add(async
                            ? store.checkAndAdvanceAsync(agent, n, policy, NOW).toCompletableFuture()
                            : java.util.concurrent.CompletableFuture.completedFuture(store.checkAndAdvance(agent, n, policy, NOW)));
                }
                for (int a = 0; a < agents.size(); a++) {
                    if (inFlight.get(a).get(60, TimeUnit.SECONDS).verdict().accepted()) {
                        acceptances.computeIfAbsent(agents.get(a).guid() + "#" + n, k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            }
        });
        for (AgentIdentity agent : agents) {
            for (long n = 0; n < NUMBERS; n++) {
                AtomicInteger count = acceptances.get(agent.guid() + "#" + n);
                assertThat(count == null ? 0 : count.get()).as("acceptances of %s #%d (window %d, async %s)", agent.guid(), n, window, async).isEqualTo(1);
            }
            assertThat(nodes.get(0).agentInfo(agent.guid(), NOW).orElseThrow().last()).isEqualTo(NUMBERS - 1);
        }
    }

    /** Ascending in strict mode; in window mode, ascending chunks shuffled inside. */
    private static List<Long> order(Random random, int window) {
        List<Long> out = new ArrayList<>();
        for (long start = 0; start < NUMBERS; start += CHUNK) {
            List<Long> chunk = new ArrayList<>();
            for (long n = start; n < Math.min(start + CHUNK, NUMBERS); n++) {
                chunk.add(n);
            }
            if (window > 0) {
                Collections.shuffle(chunk, random);
            }
            out.addAll(chunk);
        }
        return out;
    }

    private static void hourlyLimit(List<JdbcSequenceStore> nodes) throws Exception {
        int max = 100;
        Instant hour = Instant.parse("2024-06-01T13:00:00Z");
        AtomicInteger written = new AtomicInteger();
        runOnAllThreads(nodes, (store, seed) -> {
            for (int i = 0; i < 40; i++) {
                AgentIdentity agent = new AgentIdentity(AgentGuid.of(UUID.randomUUID()), new NodeName("PC"), new MacAddress("001122AABBCC"), null);
                if (store.recordError(new SequenceError(agent, hour.plusMillis(seed * 1000 + i), 1, 2, true), max)) {
                    written.incrementAndGet();
                }
            }
        });
        assertThat(written.get()).isEqualTo(max);
        assertThat(nodes.get(1).findErrors(new ErrorQuery(null, hour, hour.plus(Duration.ofHours(1)), 10_000))).hasSize(max);
    }

    private interface Work {
        void run(SequenceStore store, long seed) throws Exception;
    }

    private static void runOnAllThreads(List<JdbcSequenceStore> nodes, Work work) throws Exception {
        int threads = nodes.size() * THREADS_PER_NODE;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SequenceStore store = nodes.get(t % nodes.size());
                long seed = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    work.run(store, seed);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES); // a hang guard, not a speed assertion
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
