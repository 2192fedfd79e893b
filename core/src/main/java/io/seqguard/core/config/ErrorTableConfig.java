package io.seqguard.core.config;

import io.seqguard.spi.config.ConfigReader;
import java.util.List;

/** PLACEHOLDER until the config branch lands: {@code seqguard.errors}. */
public record ErrorTableConfig(int maxPerHour, int historyDays, List<String> sinks) {
    public static ErrorTableConfig read(ConfigReader root) {
        ConfigReader r = root.at("seqguard.errors");
        return new ErrorTableConfig(r.intBetween("table.max-per-hour", 0, 1_000_000), r.intBetween("table.history-days", 1, 3650),
                r.stringList("sinks"));
    }
}
