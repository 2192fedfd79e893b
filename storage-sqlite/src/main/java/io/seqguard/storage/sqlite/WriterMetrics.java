package io.seqguard.storage.sqlite;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * What the group-commit writer does, per group: how many requests it held and how long writing and
 * committing it took ({@code COMMIT} with its sync included). Recorded once per group, never per
 * request. Exported as {@code seqguard_sqlite_group_size} and
 * {@code seqguard_sqlite_group_commit_seconds{outcome="committed"|"failed"}}; see docs/SQLITE.md
 * ("Watching the writer") for how to read them.
 */
final class WriterMetrics {
    private final DistributionSummary groupSize;
    private final Timer committed;
    private final Timer failed;

    WriterMetrics(MeterRegistry registry) {
        requireNonNull(registry, "registry");
        this.groupSize = DistributionSummary.builder("seqguard.sqlite.group.size")
                .description("Requests (check-ins, error rows, resets, purges) applied in one transaction of the SQLite writer")
                .register(registry);
        this.committed = commitTimer(registry, "committed");
        this.failed = commitTimer(registry, "failed");
    }

    private static Timer commitTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("seqguard.sqlite.group.commit")
                .description("Time the SQLite writer spent applying, writing and committing one group, its sync included")
                .tag("outcome", outcome)
                .register(registry);
    }

    void group(int size, long nanos, boolean ok) {
        groupSize.record(size);
        (ok ? committed : failed).record(nanos, TimeUnit.NANOSECONDS);
    }
}
