package io.seqguard.storage.jdbc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A batch that was sent row by row (each row committing on its own) and in which some rows failed:
 * the rows already decided are stored and must get their answers, not the failure, and the batch
 * must not be sent again. Thrown by a dialect's or {@link AgentStates}' one-by-one fallback,
 * handled by the {@link StrictBatcher}.
 */
final class PartialBatchException extends RuntimeException {
    private final transient Map<String, io.seqguard.spi.CheckResult> decided;
    private final transient Map<String, RuntimeException> failed;

    PartialBatchException(Map<String, io.seqguard.spi.CheckResult> decided, Map<String, RuntimeException> failed) {
        super(failed.size() + " of " + (decided.size() + failed.size()) + " rows sent one by one failed", failed.values().iterator().next());
        this.decided = Map.copyOf(decided);
        this.failed = Map.copyOf(failed);
    }

    /** The answers of the rows that were stored or found stale, by GUID. */
    Map<String, io.seqguard.spi.CheckResult> decided() {
        return decided;
    }

    /** The failures of the other rows, by GUID. */
    Map<String, RuntimeException> failed() {
        return failed;
    }

    /**
     * Sends each item alone (each committing on its own) and returns the answers by GUID; when any
     * failed, throws this exception with the answers of the others, which must not be lost. An item
     * the database rolled back to break a deadlock is sent again, up to
     * {@link StrictBatcher#RETRIES} times, as a whole batch would be: {@code send} must then have
     * stored nothing of it.
     */
    static <T> Map<String, io.seqguard.spi.CheckResult> eachAlone(List<T> items, Function<T, String> guid,
            Function<T, io.seqguard.spi.CheckResult> send) {
        Map<String, io.seqguard.spi.CheckResult> decided = new HashMap<>();
        Map<String, RuntimeException> failed = new HashMap<>();
        for (T item : items) {
            for (int attempt = 0; ; attempt++) {
                try {
                    decided.put(guid.apply(item), send.apply(item));
                    break;
                } catch (RuntimeException e) {
                    if (attempt < StrictBatcher.RETRIES && Failures.isRollbackConflict(e)) {
                        continue;
                    }
                    failed.put(guid.apply(item), e);
                    break;
                }
            }
        }
        if (failed.isEmpty()) {
            return decided;
        }
        throw new PartialBatchException(decided, failed);
    }
}
