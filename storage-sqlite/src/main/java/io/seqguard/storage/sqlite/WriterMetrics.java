package io.seqguard.storage.sqlite;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What the group-commit writer does, per group: how many requests a group that wrote held, and how
 * long applying and committing each group took ({@code COMMIT} with its sync included). Recorded
 * once per group, never per request. Exported as {@code seqguard_sqlite_group_size} and
 * {@code seqguard_sqlite_group_commit_seconds{outcome="committed"|"nothing-written"|"failed"}}; see
 * docs/SQLITE.md ("Watching the writer") for how to read them.
 *
 * <p>A group that changed no row (stale check-ins, errors over the hour's cap) commits without
 * writing or syncing: it is timed as {@code nothing-written} and left out of the size, so that the
 * size's count stays the number of commits that wrote, i.e. of syncs.
 *
 * <p>With the check-in journal on, {@code seqguard_sqlite_journal_rows} tells how many rows wait in
 * the journal for the fold (up to about twice {@code journal-size} in a steady state; docs/SQLITE.md,
 * "The journal").
 */
final class WriterMetrics {
    private final MeterRegistry registry;
    private final DistributionSummary groupSize;
    private final Timer committed;
    private final Timer nothingWritten;
    private final Timer failed;
    /** The meters bound to one run's objects (journal, transaction), removed when that run stops. */
    private final List<Meter> watched = new CopyOnWriteArrayList<>();

    WriterMetrics(MeterRegistry registry) {
        this.registry = requireNonNull(registry, "registry");
        this.groupSize = DistributionSummary.builder("seqguard.sqlite.group.size")
                .description("Requests (check-ins, error rows, resets, purges) applied in one transaction of the SQLite writer that wrote")
                .register(registry);
        this.committed = commitTimer(registry, "committed");
        this.nothingWritten = commitTimer(registry, "nothing-written");
        this.failed = commitTimer(registry, "failed");
    }

    private static Timer commitTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("seqguard.sqlite.group.commit")
                .description("Time the SQLite writer spent applying, writing and committing one group, its sync included")
                .tag("outcome", outcome)
                .register(registry);
    }

    /** Exports the journal's backlog as {@code seqguard_sqlite_journal_rows}. */
    void watch(AgentJournal journal) {
        watched.add(Gauge.builder("seqguard.sqlite.journal.rows", journal, AgentJournal::rows)
                .description("Rows in the check-in journal, appended and not yet folded into the agents table and deleted")
                .register(registry));
    }

    /**
     * Exports the agent cache as {@code seqguard_sqlite_agent_cache_agents} and
     * {@code seqguard_sqlite_agent_cache_misses_total}: a fleet larger than {@code agent-cache-size}
     * shows as misses that keep rising with the check-ins.
     */
    void watch(GroupTransaction transaction) {
        watched.add(Gauge.builder("seqguard.sqlite.agent.cache.agents", transaction, GroupTransaction::cachedAgents)
                .description("Agents whose state the SQLite writer keeps in memory (agent-cache-size at most)")
                .register(registry));
        watched.add(FunctionCounter.builder("seqguard.sqlite.agent.cache.misses", transaction, GroupTransaction::cacheMisses)
                .description("Lookups of an agent's state that the agent cache could not answer and the file did (a new agent's first included)")
                .register(registry));
    }

    /**
     * Removes the meters {@link #watch} bound to a run's objects. A registry returns the meter it
     * has for a name and tags rather than register another, so without this a store started again
     * in the same registry would go on exporting its first run's values (or none, once those objects
     * are collected).
     */
    void unwatch() {
        for (Meter meter : watched) {
            registry.remove(meter);
        }
        watched.clear();
    }

    void committed(int size, boolean wrote, long nanos) {
        if (wrote) {
            groupSize.record(size);
            committed.record(nanos, TimeUnit.NANOSECONDS);
        } else {
            nothingWritten.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void failed(long nanos) {
        failed.record(nanos, TimeUnit.NANOSECONDS);
    }
}
