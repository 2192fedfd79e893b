package io.seqguard.core.memory;

import static java.util.Comparator.comparing;
import static java.util.Objects.requireNonNull;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.Machine;
import io.seqguard.spi.SequenceCheck;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.SequenceState;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.Suspect;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A {@link SequenceStore} that keeps everything in the heap; nothing survives a restart. It is the
 * fixture for engine tests, the store for embedding and demos, and the reference a storage plugin
 * author reads first: every rule of the SPI is applied here in the plainest way.
 *
 * <ul>
 *   <li>Check-and-advance is atomic per GUID because {@link ConcurrentHashMap#compute} runs the
 *       whole read-check-write for one key under that key's lock; the math is
 *       {@link SequenceCheck}'s, as in every backend.
 *   <li>The hourly cap is exact because each clock hour has one counter that is only ever raised
 *       by a compare-and-set below the cap, before the row is added.
 *   <li>"Durable" here means visible to every thread once the method returns.
 * </ul>
 *
 * <p>Thread safe; every method may be called from any thread. Queries scan all error rows, which
 * is fine for the sizes this store is meant for. Not {@link io.seqguard.spi.Managed}: it holds
 * no threads or connections.
 */
public final class InMemorySequenceStore implements SequenceStore {
    private static final Comparator<ErrorRow> NEWEST_FIRST =
            comparing((ErrorRow row) -> row.error().time()).thenComparingLong(ErrorRow::autoId).reversed();

    private final ConcurrentMap<AgentGuid, AgentRecord> agents = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, ErrorRow> errorsById = new ConcurrentSkipListMap<>();
    private final ConcurrentMap<Long, AtomicInteger> rowsPerHour = new ConcurrentHashMap<>();
    private final AtomicLong nextAutoId = new AtomicLong(1);

    @Inject
    public InMemorySequenceStore() {
    }

    @Override
    public CheckResult checkAndAdvance(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
        requireNonNull(agent, "agent");
        requireNonNull(policy, "policy");
        requireNonNull(now, "now");
        // compute() cannot return a second value, so the verdict leaves the lambda through this slot.
        CheckResult[] result = new CheckResult[1];
        agents.compute(agent.guid(), (guid, current) -> {
            if (current == null) {
                result[0] = CheckResult.registered();
                return new AgentRecord(SequenceCheck.register(received, policy.window()), now, now, agent);
            }
            SequenceState next = SequenceCheck.advance(current.state(), received, policy.window());
            if (next == null) {
                result[0] = CheckResult.stale(current.state().last());
                return current;
            }
            result[0] = CheckResult.accepted(current.state().last());
            return new AgentRecord(next, current.firstSeen(), now, agent);
        });
        return result[0];
    }

    @Override
    public boolean reset(AgentGuid guid) {
        requireNonNull(guid, "guid");
        return agents.remove(guid) != null;
    }

    @Override
    public Optional<AgentInfo> agentInfo(AgentGuid guid, Instant errorsSince) {
        requireNonNull(guid, "guid");
        requireNonNull(errorsSince, "errorsSince");
        AgentRecord agent = agents.get(guid);
        if (agent == null) {
            return Optional.empty();
        }
        ErrorQuery recent = new ErrorQuery(guid, errorsSince, null, ErrorQuery.MAX_LIMIT);
        long recentErrors = errorsById.values().stream().filter(recent::matches).count();
        AgentIdentity last = agent.lastIdentity();
        return Optional.of(new AgentInfo(guid, agent.state().last(), agent.firstSeen(), agent.lastSeen(),
                last.nodeName(), last.macAddress(), last.ipAddress(), recentErrors));
    }

    @Override
    public boolean recordError(SequenceError error, int maxPerHour) {
        requireNonNull(error, "error");
        if (maxPerHour < 0) {
            throw new IllegalArgumentException("maxPerHour must not be negative: " + maxPerHour);
        }
        if (maxPerHour == 0) {
            return false;
        }
        AtomicInteger written = rowsPerHour.computeIfAbsent(hourOf(error.time()), hour -> new AtomicInteger());
        int before = written.getAndUpdate(count -> count < maxPerHour ? count + 1 : count);
        if (before >= maxPerHour) {
            return false;
        }
        long autoId = nextAutoId.getAndIncrement();
        errorsById.put(autoId, new ErrorRow(autoId, error));
        return true;
    }

    @Override
    public long purgeErrorsBefore(Instant cutoff) {
        requireNonNull(cutoff, "cutoff");
        long deleted = 0;
        for (ErrorRow row : errorsById.values()) {
            // remove(key, value) succeeds for exactly one of several concurrent purges.
            if (row.error().time().isBefore(cutoff) && errorsById.remove(row.autoId(), row)) {
                deleted++;
            }
        }
        // Counters of hours that ended by the cutoff can go too, so the map does not grow forever;
        // errors arrive with the current time, never for an hour that old.
        long cutoffHour = hourOf(cutoff);
        rowsPerHour.keySet().removeIf(hour -> hour < cutoffHour);
        return deleted;
    }

    @Override
    public List<ErrorRow> findErrors(ErrorQuery query) {
        requireNonNull(query, "query");
        return errorsById.values().stream()
                .filter(query::matches)
                .sorted(NEWEST_FIRST)
                .limit(query.limit())
                .toList();
    }

    @Override
    public List<Suspect> findSuspects(Instant since, int limit) {
        requireNonNull(since, "since");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        Map<AgentGuid, List<SequenceError>> errorsByGuid = errorsById.values().stream()
                .map(ErrorRow::error)
                .filter(error -> !error.time().isBefore(since))
                .collect(Collectors.groupingBy(SequenceError::guid));
        List<Suspect> suspects = new ArrayList<>();
        errorsByGuid.forEach((guid, errors) -> suspects.add(suspect(guid, errors)));
        return suspects.stream()
                .sorted(comparing(Suspect::errorCount).reversed().thenComparing(Suspect::guid))
                .limit(limit)
                .toList();
    }

    @Override
    public boolean isReachable() {
        return true;
    }

    private Suspect suspect(AgentGuid guid, List<SequenceError> errors) {
        List<Machine> machines = new ArrayList<>();
        Instant first = Instant.MAX;
        Instant last = Instant.MIN;
        for (SequenceError error : errors) {
            machines.add(Machine.of(error.agent()));
            first = error.time().isBefore(first) ? error.time() : first;
            last = error.time().isAfter(last) ? error.time() : last;
        }
        AgentRecord agent = agents.get(guid);
        if (agent != null) {
            machines.add(Machine.of(agent.lastIdentity()));
        }
        return Suspect.classify(guid, machines, errors.size(), first, last);
    }

    private static long hourOf(Instant time) {
        return SequenceError.clockHour(time);
    }

    /** What the store keeps per GUID; replaced as a whole, never changed in place. */
    private record AgentRecord(SequenceState state, Instant firstSeen, Instant lastSeen, AgentIdentity lastIdentity) {
    }
}
