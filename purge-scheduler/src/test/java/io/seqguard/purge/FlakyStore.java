package io.seqguard.purge;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A real store whose purges fail on demand and are recorded. */
final class FlakyStore implements SequenceStore {
    private final SequenceStore delegate;
    final List<Instant> cutoffs = new ArrayList<>();
    boolean failPurges;

    FlakyStore(SequenceStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public long purgeErrorsBefore(Instant cutoff) {
        cutoffs.add(cutoff);
        if (failPurges) {
            throw new StorageException(StorageException.Kind.TRANSIENT, "database is locked (test)");
        }
        return delegate.purgeErrorsBefore(cutoff);
    }

    @Override
    public CheckResult checkAndAdvance(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
        return delegate.checkAndAdvance(agent, received, policy, now);
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
