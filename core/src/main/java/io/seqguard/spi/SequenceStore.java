package io.seqguard.spi;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where per-agent sequence state and the error table live. One instance serves the whole server;
 * several server nodes may share the same underlying database.
 *
 * <p><b>Thread safety:</b> every method may be called concurrently from many threads, and, for a
 * shared backend, concurrently with other nodes. <b>Nulls:</b> no argument may be null unless its
 * documentation says so; results are never null. <b>Failures:</b> every method throws only
 * {@link StorageException}; a {@link StorageException.Kind#TRANSIENT} failure means nothing was
 * acknowledged and the caller may retry later. A store must not cause a change it reports as
 * failed (e.g. by committing a request whose caller gave up waiting); only in the rare case that
 * the database committed but its answer was lost (the connection died after the commit) can the
 * change have happened, so a check-in's number may then be consumed and a retry can get a stale
 * verdict (409).
 *
 * <p>A store that needs threads or connections also implements {@link Managed} (phase
 * {@link Phase#STORAGE}); no method other than {@code start} (and {@link #capabilities()}) is
 * called before {@code start} returned, and none after {@code stop} began.
 *
 * <p>Backends prove their conformance by passing {@code io.seqguard.storage.tck.SequenceStoreContract}.
 */
public interface SequenceStore {
    /**
     * What this store offers beyond the strict check and readiness; every call of a capability not
     * in the set throws {@link StorageException} of kind {@link StorageException.Kind#UNSUPPORTED}.
     * A constant: start-up asks before {@code start}, to refuse a configuration that needs more.
     * All by default.
     */
    default Set<StoreCapability> capabilities() {
        return EnumSet.allOf(StoreCapability.class);
    }

    /**
     * Checks {@code received} against the agent's stored state with {@link SequenceCheck} and, when
     * it is accepted, stores the new state together with the agent's last identity and last-seen
     * time — atomically per GUID: of any number of concurrent calls carrying the same (GUID,
     * number), across threads and nodes, exactly one is accepted.
     *
     * <p>Returns only once an acceptance is durable (committed). A stale number changes nothing.
     * An unknown GUID is registered with {@code last = received} and {@code firstSeen = now}.
     *
     * @param agent who sent the request; its node name, MAC and IP are kept as "last seen"
     * @param received the request's sequence number, at least 0
     * @param policy strict or window mode; enforcement is the engine's business and is ignored here
     * @param now the server time of the request, UTC
     * @return the verdict and the previously stored {@code last}
     * @throws StorageException when the store cannot answer; nothing was acknowledged then (see
     *     the class documentation for the one case where the number may still be consumed)
     */
    CheckResult checkAndAdvance(AgentIdentity agent, long received, SequencePolicy policy, Instant now);

    /**
     * {@link #checkAndAdvance} without holding the caller's thread while the store waits for its
     * commit: the returned stage completes with the same result once the acceptance is durable, or
     * exceptionally with a {@link StorageException} (nothing acknowledged, as above). Semantics,
     * atomicity and durability are exactly those of {@link #checkAndAdvance}; transports use this
     * method so that a request in flight does not cost a parked thread.
     *
     * <p>The stage may complete on the caller's thread (before this method returns), on a thread
     * of the store, or on another caller's thread. Whoever completes it is not holding any of the
     * store's locks, so dependent stages may call the store again, but they delay the completion of
     * other requests and must be short; hand slow work to an executor.
     *
     * <p>The default runs {@link #checkAndAdvance} on the caller's thread. A store that batches
     * commits overrides it.
     *
     * @throws IllegalArgumentException or {@link NullPointerException} for arguments that break the
     *     rules of {@link #checkAndAdvance}; every storage failure is reported through the stage
     */
    default CompletionStage<CheckResult> checkAndAdvanceAsync(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
        try {
            return CompletableFuture.completedFuture(checkAndAdvance(agent, received, policy, now));
        } catch (StorageException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Forgets the GUID's stored state, so that its next request is accepted whatever its number.
     * Its error rows are kept. Idempotent.
     *
     * @return true when the GUID was known
     */
    boolean reset(AgentGuid guid);

    /**
     * What the store knows of one agent.
     *
     * @param errorsSince the start of the period whose error rows are counted in
     *     {@link AgentInfo#recentErrors()}
     * @return empty when the GUID is unknown (never registered, or reset)
     */
    Optional<AgentInfo> agentInfo(AgentGuid guid, Instant errorsSince);

    /**
     * Inserts one row into the error table unless the clock hour (UTC) of {@code error.time()}
     * already holds {@code maxPerHour} rows. The limit is exact across threads and nodes: never
     * more than {@code maxPerHour} rows for one hour, and never fewer while errors keep coming.
     * Once an hour is full, further calls for it should cost no database write.
     *
     * @param maxPerHour the hourly limit, at least 0; 0 writes nothing
     * @return true when the row was written, false when the limit dropped it
     */
    boolean recordError(SequenceError error, int maxPerHour);

    /**
     * Deletes error rows whose time is strictly before {@code cutoff}. Safe to run concurrently
     * on several nodes; each row is counted by exactly one of them.
     *
     * @return the number of rows this call deleted
     */
    long purgeErrorsBefore(Instant cutoff);

    /** Error rows matching {@code query}, newest first (time, then {@code AutoID}, descending). */
    List<ErrorRow> findErrors(ErrorQuery query);

    /**
     * The suspects report (SPEC §5): every GUID with at least one error row at or after
     * {@code since}, classified by {@link Suspect#classify} over the machines in those rows plus
     * the agent's last accepted identity; ordered by error count descending, then GUID.
     *
     * @param limit the most rows to return, at least 1
     */
    List<Suspect> findSuspects(Instant since, int limit);

    /**
     * Whether the store can answer right now; used by readiness probes. Must return within a
     * bounded time and never throw.
     */
    boolean isReachable();
}
