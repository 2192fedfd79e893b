package io.seqguard.transport.jetty;

import io.seqguard.core.memory.InMemorySequenceStore;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.StorageException;
import io.seqguard.spi.Suspect;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The in-memory store, with a switch that makes every call fail the way an unreachable database
 * does (a transient {@link StorageException}, readiness false). Thread safe.
 */
final class SwitchableStore implements SequenceStore {
    private final InMemorySequenceStore delegate = new InMemorySequenceStore();
    private volatile StorageException.Kind failure;

    /** Makes every call fail with {@code kind}, or work again with null. */
    void fail(StorageException.Kind kind) {
        this.failure = kind;
    }

    private void check() {
        StorageException.Kind kind = failure;
        if (kind != null) {
            throw new StorageException(kind, "test store switched to failure " + kind);
        }
    }

    @Override
    public CheckResult checkAndAdvance(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
        check();
        return delegate.checkAndAdvance(agent, received, policy, now);
    }

    @Override
    public boolean reset(AgentGuid guid) {
        check();
        return delegate.reset(guid);
    }

    @Override
    public Optional<AgentInfo> agentInfo(AgentGuid guid, Instant errorsSince) {
        check();
        return delegate.agentInfo(guid, errorsSince);
    }

    @Override
    public boolean recordError(SequenceError error, int maxPerHour) {
        check();
        return delegate.recordError(error, maxPerHour);
    }

    @Override
    public long purgeErrorsBefore(Instant cutoff) {
        check();
        return delegate.purgeErrorsBefore(cutoff);
    }

    @Override
    public List<ErrorRow> findErrors(ErrorQuery query) {
        check();
        return delegate.findErrors(query);
    }

    @Override
    public List<Suspect> findSuspects(Instant since, int limit) {
        check();
        return delegate.findSuspects(since, limit);
    }

    @Override
    public boolean isReachable() {
        return failure == null;
    }
}
