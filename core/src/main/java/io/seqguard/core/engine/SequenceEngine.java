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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check-in pipeline: authenticate, check and advance the sequence in the store, turn a stale
 * number into a {@link SequenceError} for every sink, and hand accepted requests to the
 * integrator's handler. The store does the atomic part; this class holds no per-agent state and
 * no lock.
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
        try {
            authenticator.authenticate(request);
        } catch (AuthenticationException e) {
            metrics.unauthenticated();
            return new CheckInOutcome(Status.UNAUTHENTICATED, null, null, e.getMessage());
        }

        Instant now = Instant.ofEpochMilli(clock.millis());
        CheckResult result = checkAndAdvance(request, now);

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

    private CheckResult checkAndAdvance(AgentRequest request, Instant now) {
        long start = System.nanoTime();
        try {
            return store.checkAndAdvance(request.agent(), request.sequence(), policy, now);
        } catch (StorageException e) {
            metrics.unavailable();
            throw e;
        } catch (RuntimeException e) {
            // A store that breaks its contract must still never produce an acceptance.
            metrics.unavailable();
            throw new StorageException(StorageException.Kind.INTERNAL, "store failed: " + e, e);
        } finally {
            metrics.storeLatency(System.nanoTime() - start);
        }
    }

    private AgentResponse handle(AgentRequest request) {
        try {
            AgentResponse response = handler.handle(request);
            if (response == null) {
                throw new IllegalStateException("handler returned null");
            }
            return response;
        } catch (Exception e) {
            metrics.handlerFailure();
            throw new HandlerException(e);
        }
    }

    private void dispatch(SequenceError error) {
        for (ErrorSink sink : sinks) {
            try {
                sink.accept(error);
            } catch (RuntimeException e) {
                metrics.sinkFailure(sink.id());
                LOG.warn("error sink {} failed for {}: {}", sink.id(), error.guid(), e.toString());
            }
        }
    }
}
