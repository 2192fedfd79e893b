package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of {@link SequenceStore#checkAndAdvance}.
 *
 * @param verdict what was decided, never null
 * @param last the highest accepted number stored for the GUID before this request; for
 *     {@link Verdict#REGISTERED} it is -1
 */
public record CheckResult(Verdict verdict, long last) {
    private static final CheckResult REGISTERED = new CheckResult(Verdict.REGISTERED, -1);

    public CheckResult {
        requireNonNull(verdict, "verdict");
    }

    public static CheckResult registered() {
        return REGISTERED;
    }

    public static CheckResult accepted(long previousLast) {
        return new CheckResult(Verdict.ACCEPTED, previousLast);
    }

    public static CheckResult stale(long last) {
        return new CheckResult(Verdict.STALE, last);
    }
}
