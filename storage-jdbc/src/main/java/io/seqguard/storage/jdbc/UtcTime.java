package io.seqguard.storage.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.jdbi.v3.core.argument.Argument;

/**
 * Moves instants in and out of the UTC wall-clock timestamp columns. Binding a
 * {@link LocalDateTime} with {@code setObject} sends the fields as they are on both drivers,
 * whereas {@code java.sql.Timestamp} would pass through the JVM's default time zone (and its
 * daylight-saving gaps). Stateless and thread safe.
 */
final class UtcTime {
    private UtcTime() {
    }

    /** The UTC wall-clock value of {@code instant}, truncated to milliseconds as the columns store it. */
    static LocalDateTime of(Instant instant) {
        return LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MILLIS), ZoneOffset.UTC);
    }

    /**
     * The UTC wall-clock value of the first whole millisecond at or after {@code instant}. Rows hold
     * whole milliseconds, so "row at or after t" and "row before t" both hold exactly when they
     * hold for this value.
     */
    static LocalDateTime ceil(Instant instant) {
        Instant down = instant.truncatedTo(ChronoUnit.MILLIS);
        return of(down.equals(instant) ? down : down.plusMillis(1));
    }

    static Argument argument(Instant instant) {
        return argument(of(instant));
    }

    static Argument argument(LocalDateTime value) {
        return (position, statement, ctx) -> statement.setObject(position, value);
    }

    /** Reads a non-null timestamp column as an instant. */
    static Instant read(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }
}
