package io.seqguard.core.engine;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The engine's meters. Every meter on the hot path is created once here, so recording costs a
 * field read and an atomic add. Names are dotted Micrometer names; the Prometheus registry
 * renders them as {@code seqguard_checkins_total{outcome="accepted"}} and so on.
 *
 * <p>Thread safe.
 */
@Singleton
public final class EngineMetrics {
    /** Check-ins by outcome: registered, accepted, tolerated (audit), stale, unauthenticated, unavailable. */
    public static final String CHECKINS = "seqguard.checkins";
    /** Sequence errors, tagged enforced=true|false. */
    public static final String SEQUENCE_ERRORS = "seqguard.sequence.errors";
    /** Error-table rows written. */
    public static final String TABLE_WRITTEN = "seqguard.errors.table.written";
    /** Error-table rows dropped by the hourly limit. */
    public static final String TABLE_DROPPED = "seqguard.errors.table.dropped";
    /** Error-table rows deleted by purges. */
    public static final String PURGED = "seqguard.errors.purged";
    /** Failed purges. */
    public static final String PURGE_FAILURES = "seqguard.errors.purge.failures";
    /** Sink failures, tagged by sink id. */
    public static final String SINK_FAILURES = "seqguard.sink.failures";
    /** Handler failures after an accepted sequence. */
    public static final String HANDLER_FAILURES = "seqguard.handler.failures";
    /** Latency of the store's check-and-advance. */
    public static final String STORE_LATENCY = "seqguard.store.latency";

    private final MeterRegistry registry;
    private final Counter registered;
    private final Counter accepted;
    private final Counter tolerated;
    private final Counter stale;
    private final Counter unauthenticated;
    private final Counter unavailable;
    private final Counter errorsEnforced;
    private final Counter errorsAudited;
    private final Counter tableWritten;
    private final Counter tableDropped;
    private final Counter purged;
    private final Counter purgeFailures;
    private final Counter handlerFailures;
    private final Timer storeLatency;
    private final ConcurrentMap<String, Counter> sinkFailures = new ConcurrentHashMap<>();

    @Inject
    public EngineMetrics(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry");
        registered = checkins("registered");
        accepted = checkins("accepted");
        tolerated = checkins("tolerated");
        stale = checkins("stale");
        unauthenticated = checkins("unauthenticated");
        unavailable = checkins("unavailable");
        errorsEnforced = Counter.builder(SEQUENCE_ERRORS).tag("enforced", "true").description("Sequence errors").register(registry);
        errorsAudited = Counter.builder(SEQUENCE_ERRORS).tag("enforced", "false").description("Sequence errors").register(registry);
        tableWritten = Counter.builder(TABLE_WRITTEN).description("Error-table rows written").register(registry);
        tableDropped = Counter.builder(TABLE_DROPPED).description("Error-table rows dropped by the hourly limit").register(registry);
        purged = Counter.builder(PURGED).description("Error-table rows deleted by purges").register(registry);
        purgeFailures = Counter.builder(PURGE_FAILURES).description("Purges that failed").register(registry);
        handlerFailures = Counter.builder(HANDLER_FAILURES).description("Handler failures after an accepted sequence").register(registry);
        storeLatency = Timer.builder(STORE_LATENCY).description("Latency of the store's check-and-advance")
                .publishPercentileHistogram().register(registry);
    }

    private Counter checkins(String outcome) {
        return Counter.builder(CHECKINS).tag("outcome", outcome).description("Agent check-ins by outcome").register(registry);
    }

    /** The registry these meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    void registered() {
        registered.increment();
    }

    void accepted() {
        accepted.increment();
    }

    void tolerated() {
        tolerated.increment();
    }

    void stale() {
        stale.increment();
    }

    void unauthenticated() {
        unauthenticated.increment();
    }

    void unavailable() {
        unavailable.increment();
    }

    void sequenceError(boolean enforced) {
        (enforced ? errorsEnforced : errorsAudited).increment();
    }

    void storeLatency(long nanos) {
        storeLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void handlerFailure() {
        handlerFailures.increment();
    }

    void sinkFailure(String sinkId) {
        sinkFailures.computeIfAbsent(sinkId,
                id -> Counter.builder(SINK_FAILURES).tag("sink", id).description("Error sink failures").register(registry)).increment();
    }

    /** Counts a row written to the error table. */
    public void tableWritten() {
        tableWritten.increment();
    }

    /** Counts a row the hourly limit kept out of the error table. */
    public void tableDropped() {
        tableDropped.increment();
    }

    /** Counts rows deleted by a purge. */
    public void purged(long rows) {
        purged.increment(rows);
    }

    /** Counts a failed purge. */
    public void purgeFailed() {
        purgeFailures.increment();
    }
}
