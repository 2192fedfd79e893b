package io.seqguard.storage.sqlite;

/**
 * The committed number of error rows of one clock hour, published by the writer so that callers
 * can drop errors of a full hour without queueing: once an hour is full it stays full (only a
 * purge lowers a count, and a purge withdraws the tally first).
 *
 * @param hour the clock hour, as hours since the epoch (UTC)
 * @param count the committed rows of that hour
 */
record HourTally(long hour, int count) {
    static final long MILLIS_PER_HOUR = 3_600_000L;

    static long hourOf(java.time.Instant time) {
        return Math.floorDiv(time.toEpochMilli(), MILLIS_PER_HOUR);
    }
}
