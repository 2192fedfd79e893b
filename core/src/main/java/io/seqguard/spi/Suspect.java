package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One line of the suspects report (SPEC §5).
 *
 * @param guid the agent GUID, never null
 * @param kind duplicate GUID or rollback, never null
 * @param machines the distinct machines seen in its errors and its last accepted request,
 *     sorted, never null
 * @param errorCount error-table rows in the look-back period
 * @param firstError the oldest of those rows, never null
 * @param lastError the newest of those rows, never null
 */
public record Suspect(AgentGuid guid, SuspectKind kind, List<Machine> machines, long errorCount, Instant firstError, Instant lastError) {
    /** The longest look-back of a suspects report, in hours: a leap year (the admin API's {@code hours}, SPEC §8). */
    public static final int MAX_LOOK_BACK_HOURS = 24 * 366;

    private static final Comparator<Machine> MACHINE_ORDER = Comparator
            .comparing((Machine m) -> m.nodeName() == null ? "" : m.nodeName().value())
            .thenComparing(m -> m.macAddress() == null ? "" : m.macAddress().value());

    public Suspect {
        requireNonNull(guid, "guid");
        requireNonNull(kind, "kind");
        machines = List.copyOf(machines);
        requireNonNull(firstError, "firstError");
        requireNonNull(lastError, "lastError");
    }

    /** The remedy for this suspect's kind. */
    public String remedy() {
        return kind.remedy();
    }

    /**
     * Classifies a GUID that had errors in the look-back period. It is a duplicate when its
     * machines (from the errors and the last accepted request) show two or more distinct MAC
     * addresses or two or more distinct node names; otherwise a rollback. Every backend uses this
     * rule so the report is the same everywhere.
     *
     * @param machines the machines seen in the errors and the last accepted request; may hold
     *     duplicates, never null
     */
    public static Suspect classify(AgentGuid guid, Iterable<Machine> machines, long errorCount, Instant firstError, Instant lastError) {
        Set<Machine> distinct = new HashSet<>();
        Set<MacAddress> macs = new HashSet<>();
        Set<NodeName> names = new HashSet<>();
        for (Machine m : machines) {
            distinct.add(m);
            if (m.macAddress() != null) {
                macs.add(m.macAddress());
            }
            if (m.nodeName() != null) {
                names.add(m.nodeName());
            }
        }
        SuspectKind kind = macs.size() >= 2 || names.size() >= 2 ? SuspectKind.DUPLICATE_GUID : SuspectKind.ROLLBACK;
        List<Machine> sorted = distinct.stream().filter(Objects::nonNull).sorted(MACHINE_ORDER).toList();
        return new Suspect(guid, kind, sorted, errorCount, firstError, lastError);
    }
}
