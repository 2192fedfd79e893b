package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.StorageException;
import io.seqguard.spi.Verdict;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The database goes away mid-run and comes back: the store answers with transient failures
 * (never an acceptance it did not record, never a hang), and recovers without a restart. The
 * shared servers keep running: outages are made with a TCP proxy between store and server, or by
 * killing the store's server-side sessions.
 */
class DatabaseOutageTest {
    private static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    /** Attempts, 100 ms apart, that a recovering store gets before the test calls it stuck. */
    private static final int RECOVERY_ATTEMPTS = 300;

    /**
     * Checks every agent in with {@code number}, 250 at a time, expecting {@code expected} for each.
     * In waves, because a burst bigger than the one writer drains within the claim bound (0.5 s)
     * would rightly expire its tail, which is not what these tests look at: MariaDB's batches,
     * several round trips each through the proxy, do not drain 2,000 check-ins in that time.
     */
    private static void checkInWaves(JdbcSequenceStore store, List<AgentIdentity> agents, long number, CheckResult expected) throws Exception {
        int wave = 250;
        for (int from = 0; from < agents.size(); from += wave) {
            List<CompletableFuture<CheckResult>> stages = new ArrayList<>();
            for (AgentIdentity agent : agents.subList(from, Math.min(agents.size(), from + wave))) {
                stages.add(store.checkAndAdvanceAsync(agent, number, SequencePolicy.STRICT, NOW).toCompletableFuture());
            }
            for (int i = 0; i < stages.size(); i++) {
                assertThat(stages.get(i).get(2, TimeUnit.MINUTES)).as("agent %d", from + i).isEqualTo(expected);
            }
        }
    }

    static Stream<Arguments> serversAndOutages() {
        return Stream.of(TestDatabase.Server.values())
                .flatMap(server -> Stream.of(TcpProxy.Mode.DROP, TcpProxy.Mode.BLACKHOLE).map(mode -> Arguments.of(server, mode)));
    }

    private static JdbcConfig viaProxy(TestDatabase db, TcpProxy proxy) {
        return new JdbcConfig(proxy.proxied(db.url()), db.user(), "", 2, Duration.ofMillis(500), Duration.ofSeconds(1),
                Duration.ofMinutes(30), true, 64, Map.of());
    }

    private static TcpProxy proxyFor(TestDatabase db) throws Exception {
        URI uri = URI.create(db.url().substring("jdbc:".length()));
        return new TcpProxy(uri.getHost(), uri.getPort());
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Server.class)
    void droppedConnectionsFailFastAndRecover(TestDatabase.Server server) throws Exception {
        try (TestDatabase db = TestDatabase.create(server); TcpProxy proxy = proxyFor(db)) {
            JdbcSequenceStore store = new JdbcSequenceStore(viaProxy(db, proxy));
            store.start();
            try {
                AgentIdentity agent = AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
                assertThat(store.checkAndAdvance(agent, 1, SequencePolicy.STRICT, NOW).verdict()).isEqualTo(Verdict.REGISTERED);

                proxy.mode(TcpProxy.Mode.DROP);
                assertTransient(() -> store.checkAndAdvance(agent, 2, SequencePolicy.STRICT, NOW));
                assertTransient(() -> store.checkAndAdvance(agent, 3, SequencePolicy.window(8), NOW));
                // The asynchronous entry point reports the same failures through its stage, never by throwing.
                assertTransient(failureOf(store.checkAndAdvanceAsync(agent, 2, SequencePolicy.STRICT, NOW)));
                assertTransient(failureOf(store.checkAndAdvanceAsync(agent, 3, SequencePolicy.window(8), NOW)));
                assertTransient(() -> store.findSuspects(NOW, 10));
                assertThat(store.isReachable()).isFalse();

                proxy.mode(TcpProxy.Mode.FORWARD);
                // Nothing was accepted during the outage, so 2 is still fresh once the store is back.
                CheckResult result = untilRecovered(() -> store.checkAndAdvance(agent, 2, SequencePolicy.STRICT, NOW));
                assertThat(result).isEqualTo(CheckResult.accepted(1));
                assertThat(store.isReachable()).isTrue();
            } finally {
                store.stop();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Server.class)
    void aSilentDatabaseTimesOutEveryCallerInsteadOfPilingThemUp(TestDatabase.Server server) throws Exception {
        try (TestDatabase db = TestDatabase.create(server); TcpProxy proxy = proxyFor(db)) {
            JdbcSequenceStore store = new JdbcSequenceStore(viaProxy(db, proxy));
            store.start();
            ExecutorService callers = Executors.newFixedThreadPool(12);
            try {
                AgentIdentity agent = AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
                store.checkAndAdvance(agent, 1, SequencePolicy.STRICT, NOW);

                proxy.mode(TcpProxy.Mode.BLACKHOLE);
                // Six times the pool: the first two wait on dead sockets until the query timeout,
                // the rest on the pool until the connection timeout; all must come back transient.
                List<Future<?>> calls = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    long n = 2 + i;
                    calls.add(callers.submit(() -> assertTransient(() -> store.checkAndAdvance(agent, n, SequencePolicy.STRICT, NOW))));
                }
                for (Future<?> call : calls) {
                    call.get(2, TimeUnit.MINUTES); // a hang guard, not a speed assertion
                }

                proxy.mode(TcpProxy.Mode.FORWARD);
                CheckResult result = untilRecovered(() -> store.checkAndAdvance(agent, 100, SequencePolicy.STRICT, NOW));
                assertThat(result.verdict()).isEqualTo(Verdict.ACCEPTED);
            } finally {
                callers.shutdownNow();
                store.stop();
            }
        }
    }

    /**
     * Asynchronous check-ins have no thread that could give up, so during an outage they would
     * queue behind the writers, each failed batch costing up to a connection timeout: here about
     * 300 batches, minutes. The claim bound fails every check-in that waited a connection timeout
     * (0.5 s) unsent instead. The guard below is 60 times that bound and far below the drain time
     * without it; a pile-up guard, not a speed assertion. Both dialects batch.
     */
    @ParameterizedTest
    @MethodSource("serversAndOutages")
    void queuedAsyncCheckInsFailUnsentDuringAnOutage(TestDatabase.Server server, TcpProxy.Mode outage) throws Exception {
        try (TestDatabase db = TestDatabase.create(server); TcpProxy proxy = proxyFor(db)) {
            JdbcSequenceStore store = new JdbcSequenceStore(viaProxy(db, proxy));
            store.start();
            try {
                int agentCount = 2_000;
                int rounds = 10;
                List<AgentIdentity> agents = new ArrayList<>();
                for (int i = 0; i < agentCount; i++) {
                    agents.add(AgentIdentity.of(AgentGuid.of(UUID.randomUUID())));
                }
                checkInWaves(store, agents, 1, CheckResult.registered());

                proxy.mode(outage);
                List<CompletableFuture<CheckResult>> during = new ArrayList<>();
                for (long n = 2; n < 2 + rounds; n++) {
                    for (AgentIdentity agent : agents) {
                        during.add(store.checkAndAdvanceAsync(agent, n, SequencePolicy.STRICT, NOW).toCompletableFuture());
                    }
                }
                CompletableFuture.allOf(during.toArray(CompletableFuture[]::new))
                        .handle((r, e) -> null)
                        .get(30, TimeUnit.SECONDS);
                for (CompletableFuture<CheckResult> f : during) {
                    assertTransient(failureOf(f));
                }

                proxy.mode(TcpProxy.Mode.FORWARD);
                AgentIdentity probe = AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
                untilRecovered(() -> join(store.checkAndAdvanceAsync(probe, 1, SequencePolicy.STRICT, NOW)));
                // Every check-in of the outage was reported failed, so none may have been stored.
                checkInWaves(store, agents, 2 + rounds, CheckResult.accepted(1));
            } finally {
                store.stop();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Server.class)
    void killedSessionsAreReplacedWithoutLosingAcceptances(TestDatabase.Server server) throws Exception {
        try (TestDatabase db = TestDatabase.create(server)) {
            JdbcSequenceStore store = new JdbcSequenceStore(db.config(db.url(), 3, Duration.ofSeconds(2)));
            store.start();
            try {
                AgentIdentity agent = AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
                long highestAccepted = -1;
                int transientFailures = 0;
                for (long n = 0; n < 60; n++) {
                    if (n % 10 == 5) {
                        killStoreSessions(db);
                    }
                    try {
                        CheckResult r = store.checkAndAdvance(agent, n, SequencePolicy.STRICT, NOW);
                        assertThat(r.verdict().accepted()).as("number %d", n).isTrue();
                        assertThat(r.last()).isEqualTo(highestAccepted);
                        highestAccepted = n;
                    } catch (StorageException e) {
                        assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT);
                        transientFailures++;
                        // A transient failure may hide a commit whose answer was lost; the stored
                        // value says which, and must be one of the two.
                        long stored = untilRecovered(() -> store.agentInfo(agent.guid(), NOW)).map(i -> i.last()).orElse(-1L);
                        assertThat(stored).isIn(highestAccepted, n);
                        highestAccepted = stored;
                    }
                }
                assertThat(store.agentInfo(agent.guid(), NOW).orElseThrow().last()).isEqualTo(59);
                // Recently used connections are handed out unchecked, so the kills must have shown.
                assertThat(transientFailures).as("transient failures seen after the kills").isPositive();
            } finally {
                store.stop();
            }
        }
    }

    private static void killStoreSessions(TestDatabase db) throws SQLException {
        if (db.server() == TestDatabase.Server.POSTGRESQL) {
            db.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        } else {
            db.execute("""
                    BEGIN NOT ATOMIC
                      FOR s IN (SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND id <> CONNECTION_ID()) DO
                        KILL CONNECTION s.id;
                      END FOR;
                    END""");
        }
    }

    private static void assertTransient(Runnable call) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT));
    }

    /** The stage's failure (null when it succeeded), waiting at most two minutes: a hang guard. */
    private static Throwable failureOf(CompletionStage<CheckResult> stage) throws Exception {
        Throwable failure = stage.toCompletableFuture().handle((r, e) -> e).get(2, TimeUnit.MINUTES);
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static void assertTransient(Throwable failure) {
        assertThat(failure).isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT));
    }

    /** The stage's result, or its storage failure thrown as it is, for {@link #untilRecovered}. */
    private static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StorageException storage) {
                throw storage;
            }
            throw e;
        }
    }

    private interface Call<T> {
        T run();
    }

    private static <T> T untilRecovered(Call<T> call) throws InterruptedException {
        StorageException last = null;
        for (int attempt = 0; attempt < RECOVERY_ATTEMPTS; attempt++) {
            try {
                return call.run();
            } catch (StorageException e) {
                assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT);
                last = e;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the store did not recover", last);
    }
}
