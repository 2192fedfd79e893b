package io.seqguard.core.config;

import io.seqguard.spi.config.ConfigReader;
import java.util.List;

/**
 * Where sequence errors go and how the error table is bounded: {@code seqguard.errors.sinks},
 * {@code seqguard.errors.table.max-per-hour} and {@code seqguard.errors.table.history-days}.
 *
 * <p>Immutable and thread safe; no component is null.
 *
 * @param maxPerHour the most table rows per clock hour (UTC), 0 to {@value #MAX_PER_HOUR};
 *     0 disables table logging
 * @param sinks the ids of the error sinks, distinct, possibly empty
 * @param historyDays days of error history kept, 1 to {@value #MAX_HISTORY_DAYS}
 */
public record ErrorTableConfig(int maxPerHour, List<String> sinks, int historyDays) {
    /**
     * The largest hourly limit: about 280 rows a second, more than any operator can read; a
     * larger number is more likely a typo than a wish.
     */
    public static final int MAX_PER_HOUR = 1_000_000;

    /** The longest history: ten years. */
    public static final int MAX_HISTORY_DAYS = 3650;

    public ErrorTableConfig {
        sinks = List.copyOf(sinks);
        if (maxPerHour < 0 || maxPerHour > MAX_PER_HOUR) {
            throw new IllegalArgumentException("maxPerHour must be between 0 and " + MAX_PER_HOUR + ": " + maxPerHour);
        }
        if (historyDays < 1 || historyDays > MAX_HISTORY_DAYS) {
            throw new IllegalArgumentException("historyDays must be between 1 and " + MAX_HISTORY_DAYS + ": " + historyDays);
        }
    }

    /** Reads {@code seqguard.errors.*}; problems go to {@code root}, which reads from the top. */
    public static ErrorTableConfig read(ConfigReader root) {
        ConfigReader errors = root.at(ConfigLoader.ROOT + ".errors");
        ConfigReader table = errors.at("table");
        List<String> sinks = PluginIds.ids(errors, "sinks");
        int maxPerHour = table.intBetween("max-per-hour", 0, MAX_PER_HOUR);
        int historyDays = table.intBetween("history-days", 1, MAX_HISTORY_DAYS);
        return new ErrorTableConfig(maxPerHour, sinks, historyDays);
    }

    /** Whether rows are written to the table at all. */
    public boolean tableEnabled() {
        return maxPerHour > 0;
    }
}
