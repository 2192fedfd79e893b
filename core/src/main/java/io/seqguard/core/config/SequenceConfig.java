package io.seqguard.core.config;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.Enforcement;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.config.ConfigReader;

/**
 * How sequence numbers are checked: {@code seqguard.sequence.window} and
 * {@code seqguard.sequence.enforcement}.
 *
 * <p>Immutable and thread safe.
 *
 * @param window 0 for strict mode, 1 to {@value SequencePolicy#MAX_WINDOW} for window mode
 * @param enforcement enforce or audit, never null
 */
public record SequenceConfig(int window, Enforcement enforcement) {
    public SequenceConfig {
        requireNonNull(enforcement, "enforcement");
        if (window < 0 || window > SequencePolicy.MAX_WINDOW) {
            throw new IllegalArgumentException("window must be between 0 and " + SequencePolicy.MAX_WINDOW + ": " + window);
        }
    }

    /** Reads {@code seqguard.sequence.*}; problems go to {@code root}, which reads from the top. */
    public static SequenceConfig read(ConfigReader root) {
        ConfigReader reader = root.at(ConfigLoader.ROOT + ".sequence");
        return new SequenceConfig(reader.intBetween("window", 0, SequencePolicy.MAX_WINDOW), reader.oneOf("enforcement", Enforcement.class));
    }

    /** The policy the engine applies. */
    public SequencePolicy policy() {
        return new SequencePolicy(window, enforcement);
    }
}
