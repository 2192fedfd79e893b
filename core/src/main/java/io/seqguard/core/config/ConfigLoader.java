package io.seqguard.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** PLACEHOLDER until the config branch lands. */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    public static LoadedConfig load(ConfigSources sources) {
        Config reference = ConfigFactory.empty();
        for (ClassLoader loader : sources.referenceLoaders) {
            reference = reference.withFallback(ConfigFactory.parseResources(loader, "reference.conf"));
        }
        Path home = sources.home.toAbsolutePath().normalize();
        Path app = sources.applicationConf != null ? sources.applicationConf : home.resolve("conf/application.conf");
        Config application = Files.exists(app) ? ConfigFactory.parseFile(app.toFile(), ConfigParseOptions.defaults()) : ConfigFactory.empty();
        Config system = ConfigFactory.parseProperties(sources.systemProperties).withOnlyPath("seqguard");
        Config config = system.withFallback(sources.overrides).withFallback(application).withFallback(reference).resolve();
        return new LoadedConfig(config, reference.resolve(), home, List.of(), List.of());
    }
}
