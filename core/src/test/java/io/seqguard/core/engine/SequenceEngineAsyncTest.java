package io.seqguard.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqguard.core.memory.InMemorySequenceStore;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentRequest;
import io.seqguard.spi.AgentRequestHandler;
import io.seqguard.spi.AgentResponse;
import io.seqguard.spi.AuthenticationException;
import io.seqguard.spi.CheckInOutcome;
import io.seqguard.spi.CheckInOutcome.Status;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.ErrorSink;
import io.seqguard.spi.ForwardingSequenceStore;
import io.seqguard.spi.HandlerException;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.StorageException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SequenceEngine#checkInAsync}: the same outcomes as the blocking path, and the rule of
 * where the work after the commit runs — on the committing thread for a non-blocking handler and
 * for stale numbers, on the transport's executor for a blocking handler.
 */
class SequenceEngineAsyncTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EngineMetrics metrics = new EngineMetrics(registry);
    /**
     * Completes every check-in on its own thread, as a group-committing store does, and only once
     * the engine has attached its continuation, so that the continuation runs there.
     */
    private final ExecutorService committer = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-committer"));
    private final ExecutorService transport = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-transport"));
    private final AtomicInteger transportTasks = new AtomicInteger();
    private final List<String> handlerThreads = new CopyOnWriteArrayList<>();
    private final List<String> sinkThreads = new CopyOnWriteArrayList<>();

    private final ForwardingSequenceStore store = new ForwardingSequenceStore(new InMemorySequenceStore()) {
        @Override
        public CompletionStage<CheckResult> checkAndAdvanceAsync(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
            CompletableFuture<CheckResult> result = new CompletableFuture<>();
            committer.execute(() -> {
                CheckResult decided = delegate().checkAndAdvance(agent, received, policy, now);
                while (result.getNumberOfDependents() == 0) {
                    Thread.onSpinWait();
                }
                result.complete(decided);
            });
            return result;
        }
    };

    private final ErrorSink sink = new ErrorSink() {
        @Override
        public String id() {
            return "recording";
        }

        @Override
        public void accept(SequenceError error) {
            sinkThreads.add(Thread.currentThread().getName());
        }
    };

    @AfterEach
    void stopThreads() {
        committer.shutdownNow();
        transport.shutdownNow();
    }

    private AgentRequestHandler handler(boolean blocking) {
        return new AgentRequestHandler() {
            @Override
            public AgentResponse handle(AgentRequest request) {
                handlerThreads.add(Thread.currentThread().getName());
                return AgentResponse.json("{\"seq\":" + request.sequence() + "}");
            }

            @Override
            public boolean isBlocking() {
                return blocking;
            }
        };
    }

    private SequenceEngine engine(SequencePolicy policy, AgentRequestHandler handler, io.seqguard.spi.SequenceStore backing) {
        return new SequenceEngine(backing, Set.of(sink), handler, request -> {
            if (request.sequence() == 666) {
                throw new AuthenticationException("no devils");
            }
        }, policy, Clock.systemUTC(), metrics);
    }

    private CheckInOutcome await(CompletionStage<CheckInOutcome> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private java.util.concurrent.Executor countingTransport() {
        return task -> {
            transportTasks.incrementAndGet();
            transport.execute(task);
        };
    }

    private static AgentRequest request(AgentGuid guid, long seq) {
        return AgentRequest.of(AgentIdentity.of(guid), seq);
    }

    @Test
    void aNonBlockingHandlerRunsOnTheCommittingThreadWithoutAHandOff() throws Exception {
        SequenceEngine engine = engine(SequencePolicy.STRICT, handler(false), store);
        AgentGuid guid = AgentGuid.of(UUID.randomUUID());

        CheckInOutcome first = await(engine.checkInAsync(request(guid, 1), countingTransport()));
        CheckInOutcome second = await(engine.checkInAsync(request(guid, 2), countingTransport()));

        assertThat(first.status()).isEqualTo(Status.ACCEPTED);
        assertThat(new String(second.response().body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"seq\":2}");
        assertThat(handlerThreads).containsExactly("test-committer", "test-committer");
        assertThat(transportTasks).hasValue(0);
        assertThat(registry.get(EngineMetrics.CHECKINS).tag("outcome", "registered").counter().count()).isEqualTo(1);
        assertThat(registry.get(EngineMetrics.CHECKINS).tag("outcome", "accepted").counter().count()).isEqualTo(1);
    }

    @Test
    void aBlockingHandlerRunsOnTheTransportsExecutor() throws Exception {
        SequenceEngine engine = engine(SequencePolicy.STRICT, handler(true), store);
        AgentGuid guid = AgentGuid.of(UUID.randomUUID());

        assertThat(await(engine.checkInAsync(request(guid, 1), countingTransport())).status()).isEqualTo(Status.ACCEPTED);

        assertThat(handlerThreads).containsExactly("test-transport");
        assertThat(transportTasks).hasValue(1);
    }

    @Test
    void aStaleNumberIsAnsweredOnTheCommittingThreadAndFedToTheSinks() throws Exception {
        SequenceEngine engine = engine(SequencePolicy.STRICT, handler(true), store);
        AgentGuid guid = AgentGuid.of(UUID.randomUUID());
        await(engine.checkInAsync(request(guid, 5), countingTransport()));

        CheckInOutcome replay = await(engine.checkInAsync(request(guid, 5), countingTransport()));

        assertThat(replay.status()).isEqualTo(Status.STALE);
        assertThat(replay.error().last()).isEqualTo(5);
        assertThat(sinkThreads).containsExactly("test-committer");
        assertThat(transportTasks).as("only the accepted request went to the executor").hasValue(1);
    }

    @Test
    void auditModeHandsTheToleratedRequestToABlockingHandlerOnTheExecutor() throws Exception {
        SequenceEngine engine = engine(new SequencePolicy(0, io.seqguard.spi.Enforcement.AUDIT), handler(true), store);
        AgentGuid guid = AgentGuid.of(UUID.randomUUID());
        await(engine.checkInAsync(request(guid, 5), countingTransport()));

        CheckInOutcome tolerated = await(engine.checkInAsync(request(guid, 4), countingTransport()));

        assertThat(tolerated.status()).isEqualTo(Status.ACCEPTED);
        assertThat(tolerated.error().enforced()).isFalse();
        assertThat(handlerThreads).containsExactly("test-transport", "test-transport");
    }

    @Test
    void aStoreFailureFailsTheStageWithAStorageExceptionAndIsCounted() {
        ForwardingSequenceStore down = new ForwardingSequenceStore(new InMemorySequenceStore()) {
            @Override
            public CompletionStage<CheckResult> checkAndAdvanceAsync(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
                return CompletableFuture.failedFuture(new StorageException(StorageException.Kind.TRANSIENT, "database gone"));
            }
        };
        SequenceEngine engine = engine(SequencePolicy.STRICT, handler(false), down);

        CompletableFuture<CheckInOutcome> stage = engine.checkInAsync(request(AgentGuid.of(UUID.randomUUID()), 1), countingTransport())
                .toCompletableFuture();

        assertThat(stage).failsWithin(java.time.Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(StorageException.class)
                .withMessage("database gone");
        assertThat(handlerThreads).isEmpty();
        assertThat(registry.get(EngineMetrics.CHECKINS).tag("outcome", "unavailable").counter().count()).isEqualTo(1);
    }

    @Test
    void aStoreThatThrowsInsteadOfFailingTheStageStillYieldsNoAcceptance() {
        ForwardingSequenceStore broken = new ForwardingSequenceStore(new InMemorySequenceStore()) {
            @Override
            public CompletionStage<CheckResult> checkAndAdvanceAsync(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
                throw new IllegalStateException("bug in a plugin");
            }
        };
        SequenceEngine engine = engine(SequencePolicy.STRICT, handler(false), broken);

        CompletableFuture<CheckInOutcome> stage = engine.checkInAsync(request(AgentGuid.of(UUID.randomUUID()), 1), countingTransport())
                .toCompletableFuture();

        assertThat(stage).isCompletedExceptionally();
        assertThat(stage.handle((o, e) -> e instanceof CompletionException c ? c.getCause() : e).join())
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.INTERNAL));
    }

    @Test
    void anExecutorThatRefusesTheHandlerFailsTheRequestAfterTheNumberWasConsumed() throws Exception {
        SequenceEngine engine = engine(SequencePolicy.STRICT, handler(true), store);
        AgentGuid guid = AgentGuid.of(UUID.randomUUID());

        CompletableFuture<CheckInOutcome> stage = engine.checkInAsync(request(guid, 7), task -> {
            throw new RejectedExecutionException("pool stopped");
        }).toCompletableFuture();

        assertThat(stage).failsWithin(java.time.Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(HandlerException.class);
        assertThat(store.agentInfo(guid, Instant.EPOCH).orElseThrow().last()).as("the number stays consumed").isEqualTo(7);
        assertThat(handlerThreads).isEmpty();
    }

    @Test
    void aHandlerThatBreaksWhileAskedWhetherItBlocksStillGetsTheRequestAnswered() {
        AgentRequestHandler broken = new AgentRequestHandler() {
            @Override
            public AgentResponse handle(AgentRequest request) {
                return AgentResponse.json("{}");
            }

            @Override
            public boolean isBlocking() {
                throw new IllegalStateException("integrator bug");
            }
        };
        SequenceEngine engine = engine(SequencePolicy.STRICT, broken, store);

        CompletableFuture<CheckInOutcome> stage = engine.checkInAsync(request(AgentGuid.of(UUID.randomUUID()), 1), countingTransport())
                .toCompletableFuture();

        assertThat(stage).failsWithin(java.time.Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(IllegalStateException.class)
                .withMessage("integrator bug");
    }

    @Test
    void aRefusedAuthenticationNeverReachesTheStore() throws Exception {
        SequenceEngine engine = engine(SequencePolicy.STRICT, handler(false), store);
        AgentGuid guid = AgentGuid.of(UUID.randomUUID());

        CheckInOutcome refused = await(engine.checkInAsync(request(guid, 666), countingTransport()));

        assertThat(refused.status()).isEqualTo(Status.UNAUTHENTICATED);
        assertThat(refused.detail()).isEqualTo("no devils");
        assertThat(store.agentInfo(guid, Instant.EPOCH)).isEmpty();
    }
}
