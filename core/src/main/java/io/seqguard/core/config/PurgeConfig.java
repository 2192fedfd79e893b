package io.seqguard.core.config;

import io.seqguard.spi.config.ConfigReader;
import java.time.Duration;

/** PLACEHOLDER until the config branch lands: {@code seqguard.purge}. */
public record PurgeConfig(Duration interval) {
    public static PurgeConfig read(ConfigReader root) {
        return new PurgeConfig(root.at("seqguard.purge").duration("interval", Duration.ofMinutes(1), Duration.ofDays(365)));
    }
}
