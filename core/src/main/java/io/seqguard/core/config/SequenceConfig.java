package io.seqguard.core.config;

import io.seqguard.spi.Enforcement;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.config.ConfigReader;

/** PLACEHOLDER until the config branch lands: {@code seqguard.sequence}. */
public record SequenceConfig(int window, Enforcement enforcement) {
    public static SequenceConfig read(ConfigReader root) {
        ConfigReader r = root.at("seqguard.sequence");
        return new SequenceConfig(r.intBetween("window", 0, SequencePolicy.MAX_WINDOW), r.oneOf("enforcement", Enforcement.class));
    }

    public SequencePolicy policy() {
        return new SequencePolicy(window, enforcement);
    }
}
