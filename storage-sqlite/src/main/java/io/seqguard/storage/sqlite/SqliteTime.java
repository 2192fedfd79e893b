package io.seqguard.storage.sqlite;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The store's two time representations. The error table's is UTC text {@code YYYY-MM-DD
 * HH:MM:SS.SSS}: fixed width, so text order is time order (indexes and range predicates work on
 * it), and the {@code sqlite3} shell's {@code datetime()}, {@code strftime()} and {@code
 * julianday()} read it as is. The agents' own rows (schema version 4) hold integer milliseconds
 * since 1970-01-01 UTC, a third of the bytes ({@link #millis}); the {@code agents_now} view shows
 * them as text. Times outside the years 0000–9999 are clamped to that range in both forms, which
 * keeps the text's width fixed and the view's rendering valid.
 *
 * <p>Stateless and thread safe.
 */
final class SqliteTime {
    private static final Instant MIN = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999Z");

    private SqliteTime() {
    }

    /** The stored form of an agent's time: milliseconds since 1970-01-01 UTC. */
    static long millis(Instant instant) {
        return clamp(instant).toEpochMilli();
    }

    /** An agent's time as {@link #millis} stored it. */
    static Instant ofMillis(long millis) {
        return Instant.ofEpochMilli(millis);
    }

    private static Instant clamp(Instant instant) {
        return instant.isBefore(MIN) ? MIN : instant.isAfter(MAX) ? MAX : instant;
    }

    static String format(Instant instant) {
        Instant t = clamp(instant);
        LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
        char[] out = new char[23];
        put(out, 0, d.getYear(), 4);
        out[4] = '-';
        put(out, 5, d.getMonthValue(), 2);
        out[7] = '-';
        put(out, 8, d.getDayOfMonth(), 2);
        out[10] = ' ';
        put(out, 11, d.getHour(), 2);
        out[13] = ':';
        put(out, 14, d.getMinute(), 2);
        out[16] = ':';
        put(out, 17, d.getSecond(), 2);
        out[19] = '.';
        put(out, 20, d.getNano() / 1_000_000, 3);
        return new String(out);
    }

    /**
     * Parses the stored form; also accepts text without milliseconds or with a {@code T}, which an
     * operator's hand-written row may carry.
     *
     * @throws IllegalArgumentException when the text is in neither form
     */
    static Instant parse(String text) {
        if (text == null || text.length() < 19 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(13) != ':') {
            throw new IllegalArgumentException("not a stored timestamp: " + text);
        }
        int millis = 0;
        if (text.length() >= 23 && text.charAt(19) == '.') {
            millis = digits(text, 20, 3);
        }
        LocalDateTime d = LocalDateTime.of(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2),
                digits(text, 11, 2), digits(text, 14, 2), digits(text, 17, 2), millis * 1_000_000);
        return d.toInstant(ZoneOffset.UTC);
    }

    private static void put(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private static int digits(String text, int at, int width) {
        int value = 0;
        for (int i = at; i < at + width; i++) {
            int d = text.charAt(i) - '0';
            if (d < 0 || d > 9) {
                throw new IllegalArgumentException("not a stored timestamp: " + text);
            }
            value = value * 10 + d;
        }
        return value;
    }
}
