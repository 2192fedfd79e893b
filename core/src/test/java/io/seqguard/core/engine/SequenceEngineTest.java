package io.seqguard.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqguard.core.config.ErrorTableConfig;
import io.seqguard.core.memory.InMemorySequenceStore;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentRequest;
import io.seqguard.spi.AgentRequestHandler;
import io.seqguard.spi.AgentResponse;
import io.seqguard.spi.AuthenticationException;
import io.seqguard.spi.CheckInOutcome;
import io.seqguard.spi.CheckInOutcome.Status;
import io.seqguard.spi.Enforcement;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorSink;
import io.seqguard.spi.ForwardingSequenceStore;
import io.seqguard.spi.HandlerException;
import io.seqguard.spi.RequestAuthenticator;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.StorageException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SequenceEngineTest {
    private static final Instant T0 = Instant.parse("2026-11-27T10:15:30.123456Z");

    private final InMemorySequenceStore store = new InMemorySequenceStore();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EngineMetrics metrics = new EngineMetrics(registry);
    private final List<AgentRequest> handled = new CopyOnWriteArrayList<>();
    private final List<SequenceError> seen = new CopyOnWriteArrayList<>();
    private final AgentRequestHandler handler = request -> {
        handled.add(request);
        return AgentResponse.json("{\"ok\":true}");
    };
    private final ErrorSink recording = new ErrorSink() {
        @Override
        public String id() {
            return "recording";
        }

        @Override
        public void accept(SequenceError error) {
            seen.add(error);
        }
    };

    private SequenceEngine engine(SequencePolicy policy, RequestAuthenticator authenticator, ErrorSink... extraSinks) {
        Set<ErrorSink> sinks = new LinkedHashSet<>(List.of(extraSinks));
        sinks.add(recording);
        sinks.add(new TableSink(store, new ErrorTableConfig(3, List.of("table"), 7), metrics));
        return new SequenceEngine(store, sinks, handler, authenticator, policy, Clock.fixed(T0, ZoneOffset.UTC), metrics);
    }

    private static AgentRequest request(AgentGuid guid, long seq) {
        return AgentRequest.of(AgentIdentity.of(guid), seq);
    }

    private double count(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).counter().count();
    }

    @Test
    void acceptedRequestsReachTheHandlerAndStaleOnesDoNot() {
        SequenceEngine engine = engine(SequencePolicy.STRICT, RequestAuthenticator.ALLOW_ALL);
        AgentGuid guid = AgentGuid.of(UUID.randomUUID());

        assertThat(engine.checkIn(request(guid, 10)).status()).isEqualTo(Status.ACCEPTED);
        assertThat(engine.checkIn(request(guid, 11)).status()).isEqualTo(Status.ACCEPTED);
        CheckInOutcome replay = engine.checkIn(request(guid, 11));

        assertThat(replay.status()).isEqualTo(Status.STALE);
        assertThat(replay.response()).isNull();
        assertThat(replay.error().received()).isEqualTo(11);
        assertThat(replay.error().last()).isEqualTo(11);
        assertThat(replay.error().enforced()).isTrue();
        assertThat(replay.error().time()).isEqualTo(Instant.parse("2026-11-27T10:15:30.123Z"));
        assertThat(replay.detail()).isEqualTo("Agent with GUID " + guid + " sequence number invalid, expected 11 > 11");
        assertThat(handled).extracting(AgentRequest::sequence).containsExactly(10L, 11L);
        assertThat(seen).containsExactly(replay.error());
        assertThat(store.findErrors(ErrorQuery.latest(10))).hasSize(1);
        assertThat(count(EngineMetrics.CHECKINS, "outcome", "registered")).isEqualTo(1);
        assertThat(count(EngineMetrics.CHECKINS, "outcome", "accepted")).isEqualTo(1);
        assertThat(count(EngineMetrics.CHECKINS, "outcome", "stale")).isEqualTo(1);
    }

    @Test
    void auditModeAcceptsButRecordsAndNeverMovesLastBackwards() {
        SequenceEngine engine = engine(new SequencePolicy(0, Enforcement.AUDIT), RequestAuthenticator.ALLOW_ALL);
        AgentGuid guid = AgentGuid.of(UUID.randomUUID());
        engine.checkIn(request(guid, 100));
        CheckInOutcome old = engine.checkIn(request(guid, 5));

        assertThat(old.status()).isEqualTo(Status.ACCEPTED);
        assertThat(old.error()).isNotNull();
        assertThat(old.error().enforced()).isFalse();
        assertThat(store.agentInfo(guid, T0.minusSeconds(60)).orElseThrow().last()).isEqualTo(100);
        assertThat(store.findErrors(ErrorQuery.latest(10)).get(0).error().enforced()).isFalse();
        assertThat(handled).hasSize(2);
    }

    @Test
    void aFailingSinkNeverFailsTheRequestAndIsCounted() {
        ErrorSink broken = new ErrorSink() {
            @Override
            public String id() {
                return "broken";
            }

            @Override
            public void accept(SequenceError error) {
                throw new IllegalStateException("disk full");
            }
        };
        SequenceEngine engine = engine(SequencePolicy.STRICT, RequestAuthenticator.ALLOW_ALL, broken);
        AgentGuid guid = AgentGuid.of(UUID.randomUUID());
        engine.checkIn(request(guid, 1));

        assertThat(engine.checkIn(request(guid, 1)).status()).isEqualTo(Status.STALE);
        assertThat(seen).hasSize(1);
        assertThat(count(EngineMetrics.SINK_FAILURES, "sink", "broken")).isEqualTo(1);
    }

    @Test
    void tableSinkHonoursTheHourlyLimitAndStopsCallingTheStoreOnceFull() {
        AtomicInteger storeCalls = new AtomicInteger();
        ForwardingSequenceStore counting = new ForwardingSequenceStore(new InMemorySequenceStore()) {
            @Override
            public boolean recordError(SequenceError error, int maxPerHour) {
                storeCalls.incrementAndGet();
                return super.recordError(error, maxPerHour);
            }
        };
        TableSink sink = new TableSink(counting, new ErrorTableConfig(3, List.of("table"), 7), metrics);
        AgentIdentity agent = AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
        for (int i = 0; i < 10; i++) {
            sink.accept(new SequenceError(agent, T0, i, 100, true));
        }
        assertThat(counting.findErrors(ErrorQuery.latest(100))).hasSize(3);
        assertThat(storeCalls).hasValue(4);
        assertThat(registry.get(EngineMetrics.TABLE_DROPPED).counter().count()).isEqualTo(7);
        assertThat(registry.get(EngineMetrics.TABLE_WRITTEN).counter().count()).isEqualTo(3);

        sink.accept(new SequenceError(agent, T0.plusSeconds(3600), 11, 100, true));
        assertThat(counting.findErrors(ErrorQuery.latest(100))).as("the next hour has its own limit").hasSize(4);
    }

    @Test
    void zeroDisablesTheTable() {
        TableSink sink = new TableSink(store, new ErrorTableConfig(0, List.of("table"), 7), metrics);
        sink.accept(new SequenceError(AgentIdentity.of(AgentGuid.of(UUID.randomUUID())), T0, 1, 2, true));
        assertThat(store.findErrors(ErrorQuery.latest(10))).isEmpty();
    }

    @Test
    void unauthenticatedRequestsNeitherConsumeNumbersNorCreateErrors() {
        SequenceEngine engine = engine(SequencePolicy.STRICT, request -> {
            throw new AuthenticationException("bad signature");
        });
        AgentGuid guid = AgentGuid.of(UUID.randomUUID());
        CheckInOutcome outcome = engine.checkIn(request(guid, 1));

        assertThat(outcome.status()).isEqualTo(Status.UNAUTHENTICATED);
        assertThat(outcome.detail()).isEqualTo("bad signature");
        assertThat(store.agentInfo(guid, T0)).isEmpty();
        assertThat(handled).isEmpty();
    }

    @Test
    void aStoreFailureIsNeverAnAcceptance() {
        ForwardingSequenceStore down = new ForwardingSequenceStore(store) {
            @Override
            public io.seqguard.spi.CheckResult checkAndAdvance(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
                throw new StorageException(StorageException.Kind.TRANSIENT, "database unreachable");
            }
        };
        SequenceEngine engine = new SequenceEngine(down, Set.of(recording), handler, RequestAuthenticator.ALLOW_ALL,
                SequencePolicy.STRICT, Clock.fixed(T0, ZoneOffset.UTC), metrics);

        assertThatThrownBy(() -> engine.checkIn(request(AgentGuid.of(UUID.randomUUID()), 1)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.TRANSIENT));
        assertThat(handled).isEmpty();
        assertThat(count(EngineMetrics.CHECKINS, "outcome", "unavailable")).isEqualTo(1);
    }

    @Test
    void aSinkThrowingAnErrorIsCountedAndTheSinksAfterItStillRun() {
        // A plugin sink missing a class: the agent still gets its 409, and the recording sink after it still sees the error.
        ErrorSink linkage = new ErrorSink() {
            @Override
            public String id() {
                return "linkage";
            }

            @Override
            public void accept(SequenceError error) {
                throw new NoClassDefFoundError("com/acme/webhook/Client");
            }
        };
        SequenceEngine engine = engine(SequencePolicy.STRICT, RequestAuthenticator.ALLOW_ALL, linkage);
        AgentGuid guid = AgentGuid.of(UUID.randomUUID());
        engine.checkIn(request(guid, 1));

        assertThat(engine.checkIn(request(guid, 1)).status()).isEqualTo(Status.STALE);
        assertThat(seen).hasSize(1);
        assertThat(count(EngineMetrics.SINK_FAILURES, "sink", "linkage")).isEqualTo(1);
    }

    @Test
    void aHandlerThrowingAnErrorIsAHandlerFailure() {
        SequenceEngine engine = new SequenceEngine(store, Set.of(recording), request -> {
            throw new NoClassDefFoundError("com/acme/Billing");
        }, RequestAuthenticator.ALLOW_ALL, SequencePolicy.STRICT, Clock.fixed(T0, ZoneOffset.UTC), metrics);
        AgentGuid guid = AgentGuid.of(UUID.randomUUID());

        assertThatThrownBy(() -> engine.checkIn(request(guid, 7))).isInstanceOf(HandlerException.class)
                .hasCauseInstanceOf(NoClassDefFoundError.class);
        assertThat(registry.get(EngineMetrics.HANDLER_FAILURES).counter().count()).isEqualTo(1);
        assertThat(store.agentInfo(guid, T0).orElseThrow().last()).isEqualTo(7);
    }

    @Test
    void anAuthenticatorThatBreaksFailsTheStageInsteadOfThrowing() {
        for (RuntimeException orError : new RuntimeException[] {new IllegalStateException("auth backend down"), null}) {
            SequenceEngine engine = engine(SequencePolicy.STRICT, request -> {
                if (orError != null) {
                    throw orError;
                }
                throw new NoClassDefFoundError("com/acme/Signatures");
            });
            AgentGuid guid = AgentGuid.of(UUID.randomUUID());

            CompletionStage<CheckInOutcome> stage = engine.checkInAsync(request(guid, 1), Runnable::run);

            assertThat(stage.toCompletableFuture()).isCompletedExceptionally();
            assertThat(store.agentInfo(guid, T0)).as("nothing consumed").isEmpty();
        }
    }

    @Test
    void aFailingHandlerLeavesTheNumberConsumed() {
        SequenceEngine engine = new SequenceEngine(store, Set.of(recording), request -> {
            throw new IllegalStateException("integrator bug");
        }, RequestAuthenticator.ALLOW_ALL, SequencePolicy.STRICT, Clock.fixed(T0, ZoneOffset.UTC), metrics);
        AgentGuid guid = AgentGuid.of(UUID.randomUUID());

        assertThatThrownBy(() -> engine.checkIn(request(guid, 7))).isInstanceOf(HandlerException.class);
        assertThat(store.agentInfo(guid, T0).orElseThrow().last()).isEqualTo(7);
    }

    @Test
    void concurrentIdenticalRequestsYieldExactlyOneAcceptance() throws Exception {
        SequenceEngine engine = engine(SequencePolicy.STRICT, RequestAuthenticator.ALLOW_ALL);
        for (int round = 0; round < 50; round++) {
            AgentGuid guid = AgentGuid.of(UUID.randomUUID());
            List<Thread> threads = new ArrayList<>();
            AtomicInteger accepted = new AtomicInteger();
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int t = 0; t < 32; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (engine.checkIn(request(guid, 1)).status() == Status.ACCEPTED) {
                        accepted.incrementAndGet();
                    }
                });
                thread.start();
                threads.add(thread);
            }
            go.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(accepted).as("round %d", round).hasValue(1);
        }
    }
}
