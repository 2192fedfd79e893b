package io.seqguard.storage.tck;

import static java.util.Objects.requireNonNull;

import io.seqguard.core.memory.InMemorySequenceStore;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.Managed;
import io.seqguard.spi.Phase;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.StorageException;
import io.seqguard.spi.StoreCapability;
import io.seqguard.spi.Suspect;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Managed} store that lacks some capabilities: it answers those with
 * {@link StorageException.Kind#UNSUPPORTED} and delegates the rest to the in-memory store. It
 * refuses every call while not started, so a passing kit run proves the kit started it.
 */
final class PartialStore implements SequenceStore, Managed {
    static final AtomicInteger STARTS = new AtomicInteger();
    static final AtomicInteger STOPS = new AtomicInteger();

    private final SequenceStore delegate = new InMemorySequenceStore();
    private final Set<Capability> lacking;
    private volatile boolean started;

    PartialStore(Set<Capability> lacking) {
        this.lacking = requireNonNull(lacking, "lacking");
    }

    @Override
    public Set<StoreCapability> capabilities() {
        Set<StoreCapability> offered = EnumSet.allOf(StoreCapability.class);
        lacking.forEach(capability -> offered.remove(capability.spi()));
        return offered;
    }

    @Override
    public Phase phase() {
        return Phase.STORAGE;
    }

    @Override
    public void start() {
        STARTS.incrementAndGet();
        started = true;
    }

    @Override
    public void stop() {
        STOPS.incrementAndGet();
        started = false;
    }

    @Override
    public CheckResult checkAndAdvance(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
        require(policy.strict() ? null : Capability.WINDOW_MODE);
        return delegate.checkAndAdvance(agent, received, policy, now);
    }

    @Override
    public boolean reset(AgentGuid guid) {
        require(Capability.RESET);
        return delegate.reset(guid);
    }

    @Override
    public Optional<AgentInfo> agentInfo(AgentGuid guid, Instant errorsSince) {
        require(Capability.AGENT_INFO);
        return delegate.agentInfo(guid, errorsSince);
    }

    @Override
    public boolean recordError(SequenceError error, int maxPerHour) {
        require(Capability.ERROR_TABLE);
        return delegate.recordError(error, maxPerHour);
    }

    @Override
    public long purgeErrorsBefore(Instant cutoff) {
        require(Capability.PURGE);
        return delegate.purgeErrorsBefore(cutoff);
    }

    @Override
    public List<ErrorRow> findErrors(ErrorQuery query) {
        require(Capability.ERROR_QUERY);
        return delegate.findErrors(query);
    }

    @Override
    public List<Suspect> findSuspects(Instant since, int limit) {
        require(Capability.SUSPECTS);
        return delegate.findSuspects(since, limit);
    }

    @Override
    public boolean isReachable() {
        return started;
    }

    private void require(Capability capability) {
        if (!started) {
            throw new StorageException(StorageException.Kind.TRANSIENT, "not started");
        }
        if (capability != null && lacking.contains(capability)) {
            throw StorageException.unsupported(capability.name());
        }
    }
}
