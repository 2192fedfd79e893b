package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * A store that forwards every call to another one: the base for decorators that change one
 * behaviour (metrics, a cache, a failure injected by a test) and keep the rest. Thread safety,
 * nulls and exceptions are the delegate's. It does not forward {@link Managed}: a decorator of a
 * managed store starts and stops the delegate itself.
 */
public abstract class ForwardingSequenceStore implements SequenceStore {
    private final SequenceStore delegate;

    protected ForwardingSequenceStore(SequenceStore delegate) {
        this.delegate = requireNonNull(delegate, "delegate");
    }

    /** The store calls are forwarded to. */
    protected SequenceStore delegate() {
        return delegate;
    }

    @Override
    public Set<StoreCapability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public CheckResult checkAndAdvance(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
        return delegate.checkAndAdvance(agent, received, policy, now);
    }

    @Override
    public CompletionStage<CheckResult> checkAndAdvanceAsync(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
        return delegate.checkAndAdvanceAsync(agent, received, policy, now);
    }

    @Override
    public boolean reset(AgentGuid guid) {
        return delegate.reset(guid);
    }

    @Override
    public Optional<AgentInfo> agentInfo(AgentGuid guid, Instant errorsSince) {
        return delegate.agentInfo(guid, errorsSince);
    }

    @Override
    public boolean recordError(SequenceError error, int maxPerHour) {
        return delegate.recordError(error, maxPerHour);
    }

    @Override
    public long purgeErrorsBefore(Instant cutoff) {
        return delegate.purgeErrorsBefore(cutoff);
    }

    @Override
    public List<ErrorRow> findErrors(ErrorQuery query) {
        return delegate.findErrors(query);
    }

    @Override
    public List<Suspect> findSuspects(Instant since, int limit) {
        return delegate.findSuspects(since, limit);
    }

    @Override
    public boolean isReachable() {
        return delegate.isReachable();
    }
}
