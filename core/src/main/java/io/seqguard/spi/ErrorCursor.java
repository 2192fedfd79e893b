package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A place in the error table's order (newest first: by time, then by {@code AutoID}), for paging:
 * a query with {@code before} set to the cursor of the last row of a page returns the rows after
 * it in that order, so that paging neither skips nor repeats rows that share a millisecond, as
 * paging by {@code until} would. Its text, {@code <epoch milliseconds>_<AutoID>}, is safe in a URL.
 *
 * @param time the row's time, at millisecond precision
 * @param autoId the row's {@code AutoID}
 */
public record ErrorCursor(Instant time, long autoId) {
    /** Rows are stored to the millisecond; so is a cursor, whatever it was made from, so that every store reads it alike. */
    public ErrorCursor {
        time = requireNonNull(time, "time").truncatedTo(ChronoUnit.MILLIS);
    }

    /** The place of {@code row}: a query before it returns the rows after it, newest first. */
    public static ErrorCursor of(ErrorRow row) {
        return new ErrorCursor(row.error().time(), row.autoId());
    }

    /**
     * Reads the text {@link #toString()} writes.
     *
     * @throws InvalidValueException naming {@code field} when the text is not a cursor
     */
    public static ErrorCursor parse(String field, String text) {
        int sep = text.indexOf('_');
        // A time before 1970 (a clock gone wrong) is negative: it must page as well as any other.
        int timeStart = text.startsWith("-") ? 1 : 0;
        if (sep > timeStart && sep < text.length() - 1 && digits(text, timeStart, sep) && digits(text, sep + 1, text.length())
                && sep - timeStart <= 15 && text.length() - sep - 1 <= 19) {
            try {
                return new ErrorCursor(Instant.ofEpochMilli(Long.parseLong(text, 0, sep, 10)), Long.parseLong(text, sep + 1, text.length(), 10));
            } catch (NumberFormatException | DateTimeException e) {
                // out of range: refused below
            }
        }
        throw new InvalidValueException(field, "must be a cursor as the previous page's \"next\" gave it, e.g. 1709287200123_17");
    }

    private static boolean digits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code row} comes after this place, newest first: older, or as old with a lower {@code AutoID}. */
    public boolean precedes(ErrorRow row) {
        Instant t = row.error().time();
        return t.isBefore(time) || (t.equals(time) && row.autoId() < autoId);
    }

    @Override
    public String toString() {
        return time.toEpochMilli() + "_" + autoId;
    }
}
