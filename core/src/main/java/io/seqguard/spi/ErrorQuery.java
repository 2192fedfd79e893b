package io.seqguard.spi;

import java.time.Instant;

/**
 * A filter over the error table. Results are newest first (by time, then by {@code AutoID}).
 *
 * @param guid only this agent's rows, or null for all
 * @param since only rows at or after this time (inclusive), or null
 * @param until only rows before this time (exclusive), or null
 * @param before only rows after this place in the order, newest first (the previous page's last
 *     row, {@link ErrorCursor#of}), or null for the first page
 * @param limit the most rows to return, 1 to {@value #MAX_LIMIT}
 */
public record ErrorQuery(AgentGuid guid, Instant since, Instant until, ErrorCursor before, int limit) {
    /** The largest accepted limit. */
    public static final int MAX_LIMIT = 10_000;
    /** The limit used when a caller gives none. */
    public static final int DEFAULT_LIMIT = 100;

    public ErrorQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidValueException("limit", "must be between 1 and " + MAX_LIMIT);
        }
        if (since != null && until != null && until.isBefore(since)) {
            throw new InvalidValueException("until", "must not be before since");
        }
    }

    /** The first page: no cursor. */
    public ErrorQuery(AgentGuid guid, Instant since, Instant until, int limit) {
        this(guid, since, until, null, limit);
    }

    /** The same filter, for the page after {@code cursor}. */
    public ErrorQuery after(ErrorCursor cursor) {
        return new ErrorQuery(guid, since, until, cursor, limit);
    }

    /** All rows, newest first, up to {@code limit}. */
    public static ErrorQuery latest(int limit) {
        return new ErrorQuery(null, null, null, limit);
    }

    /** Whether {@code row} passes this filter (ignoring the limit); for stores that filter in memory. */
    public boolean matches(ErrorRow row) {
        SequenceError e = row.error();
        return (guid == null || guid.equals(e.guid()))
                && (since == null || !e.time().isBefore(since))
                && (until == null || e.time().isBefore(until))
                && (before == null || before.precedes(row));
    }
}
