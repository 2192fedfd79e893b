package io.seqguard.core.config;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.seqguard.spi.config.ConfigException;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of {@link ConfigLoader#load(ConfigSources)}.
 *
 * <p>Immutable and thread safe; no component is null.
 *
 * @param config the resolved, effective configuration (every source merged by precedence); when
 *     the sources could not be merged or resolved, the merged reference alone, and
 *     {@code problems} says why
 * @param reference the merged {@code reference.conf} of every reference loader, resolved
 * @param home the installation's home folder, absolute
 * @param problems what is wrong with the sources: syntax errors, a missing explicit file,
 *     bad Server.ini values, unknown keys; empty when the sources are sound. Records read
 *     through {@link #reader()} add their own problems.
 * @param warnings things an operator should know that do not stop start-up (ignored Server.ini
 *     sections and keys)
 */
public record LoadedConfig(Config config, Config reference, Path home, List<ConfigProblem> problems, List<String> warnings) {
    public LoadedConfig {
        requireNonNull(config, "config");
        requireNonNull(reference, "reference");
        requireNonNull(home, "home");
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }

    /**
     * A fresh reader over {@link #config()} that already holds {@link #problems()}, so that after
     * the records are read one {@link ConfigReader#throwIfProblems()} reports everything at once.
     */
    public ConfigReader reader() {
        ConfigReader reader = ConfigReader.of(config, home);
        problems.forEach(reader::problem);
        return reader;
    }

    /** Throws one {@link ConfigException} listing {@link #problems()}, if there are any. */
    public void throwIfProblems() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
