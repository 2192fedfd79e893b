package io.seqguard.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** PLACEHOLDER until the config branch lands. */
public final class ConfigSources {
    final Path home;
    final Path applicationConf;
    final Config overrides;
    final Properties systemProperties;
    final List<ClassLoader> referenceLoaders;

    private ConfigSources(Builder b) {
        home = b.home;
        applicationConf = b.applicationConf;
        overrides = b.overrides;
        systemProperties = b.systemProperties;
        referenceLoaders = b.referenceLoaders;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Path home = Path.of(".");
        private Path applicationConf;
        private Config overrides = ConfigFactory.empty();
        private Properties systemProperties = System.getProperties();
        private List<ClassLoader> referenceLoaders = List.of(ConfigSources.class.getClassLoader());

        public Builder home(Path home) {
            this.home = home;
            return this;
        }

        public Builder applicationConf(Path file) {
            this.applicationConf = file;
            return this;
        }

        public Builder overrides(Map<String, ?> values) {
            return overrides(ConfigFactory.parseMap(values, "code"));
        }

        public Builder overrides(Config config) {
            this.overrides = config.withFallback(this.overrides);
            return this;
        }

        public Builder systemProperties(Properties properties) {
            this.systemProperties = properties;
            return this;
        }

        public Builder referenceLoaders(List<ClassLoader> loaders) {
            this.referenceLoaders = List.copyOf(loaders);
            return this;
        }

        public ConfigSources build() {
            return new ConfigSources(this);
        }
    }
}
