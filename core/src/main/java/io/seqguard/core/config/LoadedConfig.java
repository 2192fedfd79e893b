package io.seqguard.core.config;

import com.typesafe.config.Config;
import io.seqguard.spi.config.ConfigProblem;
import java.nio.file.Path;
import java.util.List;

/** PLACEHOLDER until the config branch lands. */
public record LoadedConfig(Config config, Config reference, Path home, List<ConfigProblem> problems, List<String> warnings) {
}
