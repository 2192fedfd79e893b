package io.seqguard.core.engine;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.AgentRequest;
import io.seqguard.spi.AgentRequestHandler;
import io.seqguard.spi.AgentResponse;
import io.seqguard.spi.AuthenticationException;
import io.seqguard.spi.CheckInOutcome;
import io.seqguard.spi.CheckInOutcome.Status;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.Enforcement;
import io.seqguard.spi.ErrorSink;
import io.seqguard.spi.HandlerException;
import io.seqguard.spi.RequestAuthenticator;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequenceGuard;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.StorageException;
import io.seqguard.spi.Verdict;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check-in pipeline: authenticate, check and advance the sequence in the store, turn a stale
 * number into a {@link SequenceError} for every sink, and hand accepted requests to the
 * integrator's handler. The store does the atomic part; this class holds no per-agent state and
 * no lock.
 *
 * <p>Two entry points with the same outcomes: {@link #checkIn} blocks its thread until the store
 * committed; {@link #checkInAsync} returns at once and continues on the thread that completed the
 * store's commit, so a transport keeps no thread parked per request in flight. There the sinks
 * run, and the handler too when it is {@linkplain AgentRequestHandler#isBlocking() non-blocking};
 * a blocking handler is handed to the transport's executor.
 *
 * <p>Thread safe. Sinks never fail a request: their exceptions are logged and counted.
 */
@Singleton
public final class SequenceEngine implements SequenceGuard {
    private static final Logger LOG = LoggerFactory.getLogger(SequenceEngine.class);

    private final SequenceStore store;
    private final List<ErrorSink> sinks;
    private final AgentRequestHandler handler;
    private final RequestAuthenticator authenticator;
    private final SequencePolicy policy;
    private final Clock clock;
    private final EngineMetrics metrics;

    @Inject
    public SequenceEngine(SequenceStore store, Set<ErrorSink> sinks, AgentRequestHandler handler, RequestAuthenticator authenticator,
            SequencePolicy policy, Clock clock, EngineMetrics metrics) {
        this.store = requireNonNull(store, "store");
        this.sinks = List.copyOf(sinks);
        this.handler = requireNonNull(handler, "handler");
        this.authenticator = requireNonNull(authenticator, "authenticator");
        this.policy = requireNonNull(policy, "policy");
        this.clock = requireNonNull(clock, "clock");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    @Override
    public CheckInOutcome checkIn(AgentRequest request) {
        CheckInOutcome refused = authenticate(request);
        if (refused != null) {
            return refused;
        }
        Instant now = Instant.ofEpochMilli(clock.millis());
        long start = System.nanoTime();
        CheckResult result;
        try {
            result = store.checkAndAdvance(request.agent(), request.sequence(), policy, now);
        } catch (RuntimeException e) {
            throw storeFailure(e);
        } finally {
            metrics.storeLatency(System.nanoTime() - start);
        }
        return decide(request, now, result);
    }

    @Override
    public CompletionStage<CheckInOutcome> checkInAsync(AgentRequest request, Executor executor) {
        requireNonNull(executor, "executor");
        CheckInOutcome refused;
        try {
            refused = authenticate(request);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // The authenticator itself broke (its backend is down, a class missing): the stage fails, as SequenceGuard promises.
            return CompletableFuture.failedFuture(e);
        }
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        Instant now = Instant.ofEpochMilli(clock.millis());
        long start = System.nanoTime();
        CompletionStage<CheckResult> stored;
        try {
            stored = store.checkAndAdvanceAsync(request.agent(), request.sequence(), policy, now);
        } catch (RuntimeException e) {
            stored = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<CheckInOutcome> outcome = new CompletableFuture<>();
        stored.whenComplete((result, failure) -> {
            try {
                metrics.storeLatency(System.nanoTime() - start);
                if (failure != null) {
                    outcome.completeExceptionally(storeFailure(failure));
                } else if (handler.isBlocking() && callsHandler(result)) {
                    try {
                        executor.execute(() -> completeWith(outcome, request, now, result));
                    } catch (RuntimeException e) {
                        // The number is consumed; the request just cannot be processed now (pool shut down or full).
                        metrics.handlerFailure();
                        outcome.completeExceptionally(new HandlerException(e));
                    }
                } else {
                    completeWith(outcome, request, now, result);
                }
            } catch (RuntimeException | Error e) {
                // Whatever broke here (the handler's isBlocking, a meter), the caller must get an answer.
                outcome.completeExceptionally(e);
            }
        });
        return outcome;
    }

    /** Null when the request may go on, else the refusal. */
    private CheckInOutcome authenticate(AgentRequest request) {
        try {
            authenticator.authenticate(request);
            return null;
        } catch (AuthenticationException e) {
            metrics.unauthenticated();
            return new CheckInOutcome(Status.UNAUTHENTICATED, null, null, e.getMessage(), e.challenge().orElse(null));
        }
    }

    private boolean callsHandler(CheckResult result) {
        return result.verdict() != Verdict.STALE || policy.enforcement() != Enforcement.ENFORCE;
    }

    private void completeWith(CompletableFuture<CheckInOutcome> outcome, AgentRequest request, Instant now, CheckResult result) {
        try {
            outcome.complete(decide(request, now, result));
        } catch (RuntimeException | Error e) {
            outcome.completeExceptionally(e);
        }
    }

    /** What follows the store's verdict: metrics, sinks for a stale number, the handler for an accepted one. */
    private CheckInOutcome decide(AgentRequest request, Instant now, CheckResult result) {
        if (result.verdict() != Verdict.STALE) {
            if (result.verdict() == Verdict.REGISTERED) {
                metrics.registered();
            } else {
                metrics.accepted();
            }
            return new CheckInOutcome(Status.ACCEPTED, handle(request), null, null);
        }

        boolean enforced = policy.enforcement() == Enforcement.ENFORCE;
        SequenceError error = new SequenceError(request.agent(), now, request.sequence(), result.last(), enforced);
        metrics.sequenceError(enforced);
        dispatch(error);
        if (enforced) {
            metrics.stale();
            return new CheckInOutcome(Status.STALE, null, error, ServerLogSink.message(error));
        }
        metrics.tolerated();
        return new CheckInOutcome(Status.ACCEPTED, handle(request), error, null);
    }

    /** A failure of the store, as the transport must see it; a store that breaks its contract still never yields an acceptance. */
    private StorageException storeFailure(Throwable failure) {
        metrics.unavailable();
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof StorageException e) {
            return e;
        }
        return new StorageException(StorageException.Kind.INTERNAL, "store failed: " + cause, cause);
    }

    private AgentResponse handle(AgentRequest request) {
        try {
            AgentResponse response = handler.handle(request);
            if (response == null) {
                throw new IllegalStateException("handler returned null");
            }
            return response;
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Exception | Error e) {
            // An Error too (a NoClassDefFoundError in the integrator's code): the number stays consumed, the answer is handler-failed.
            metrics.handlerFailure();
            throw new HandlerException(e);
        }
    }

    private void dispatch(SequenceError error) {
        for (ErrorSink sink : sinks) {
            try {
                sink.accept(error);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                // A sink never breaks the answer nor the sinks after it, an Error (a plugin's missing class) included.
                metrics.sinkFailure(sink.id());
                LOG.warn("error sink {} failed for {}: {}", sink.id(), error.guid(), e.toString());
            }
        }
    }
}
