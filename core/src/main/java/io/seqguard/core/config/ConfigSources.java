package io.seqguard.core.config;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Where the configuration comes from: the installation's home, an optional explicit
 * application.conf, overrides from an integrator's code, the system properties and the class
 * loaders whose {@code reference.conf} resources hold the defaults. {@link ConfigLoader} turns
 * it into a {@link LoadedConfig}.
 *
 * <p>Immutable and thread safe; the builder is not. No accessor returns null. System properties
 * are copied when {@link Builder#build()} runs, so later changes to them are not seen.
 */
public final class ConfigSources {
    private final Path home;
    private final Optional<Path> applicationConf;
    private final List<Object> overrides;
    private final Map<String, String> systemProperties;
    private final List<ClassLoader> referenceLoaders;

    private ConfigSources(Builder builder) {
        this.home = builder.home.toAbsolutePath().normalize();
        this.applicationConf = Optional.ofNullable(builder.applicationConf).map(path -> home.resolve(path).normalize());
        this.overrides = List.copyOf(builder.overrides);
        this.systemProperties = seqguardProperties(builder.systemProperties);
        this.referenceLoaders = List.copyOf(builder.referenceLoaders);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The installation's home folder, absolute; relative paths resolve against it. */
    public Path home() {
        return home;
    }

    /**
     * The application.conf named explicitly (e.g. by {@code --config}), absolute; empty when none
     * was named and {@code <home>/conf/application.conf} is read if it exists.
     */
    public Optional<Path> applicationConf() {
        return applicationConf;
    }

    /** The default location of application.conf: {@code <home>/conf/application.conf}. */
    public Path defaultApplicationConf() {
        return home.resolve("conf").resolve("application.conf");
    }

    /**
     * The overrides from code, in the order they were given (a later one wins). Each element is a
     * {@link Config} or a {@code Map<String, Object>} whose keys are paths; maps are parsed by the
     * loader, so a map holding unsupported value types becomes a configuration problem.
     */
    List<Object> overrides() {
        return overrides;
    }

    /** The system properties under {@code seqguard.}, in key order. */
    public Map<String, String> systemProperties() {
        return systemProperties;
    }

    /** The class loaders whose {@code reference.conf} resources are merged, in order. */
    public List<ClassLoader> referenceLoaders() {
        return referenceLoaders;
    }

    /** The system property naming the installation's home; never read as configuration. */
    public static final String HOME_PROPERTY = ConfigLoader.ROOT + ".home";

    private static Map<String, String> seqguardProperties(Properties properties) {
        // Sorted, so that a parent key is applied before its children and results are repeatable.
        Map<String, String> selected = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            // seqguard.home is the launcher's way to name the installation (bin/seqguard sets it and
            // SeqguardServer falls back to it), not a configuration key.
            if (name.startsWith(ConfigLoader.ROOT + ".") && !name.equals(HOME_PROPERTY)) {
                selected.put(name, properties.getProperty(name));
            }
        }
        return Collections.unmodifiableMap(selected);
    }

    /** Builds {@link ConfigSources}. Not thread safe. */
    public static final class Builder {
        private Path home = Path.of("");
        private Path applicationConf;
        private final List<Object> overrides = new ArrayList<>();
        private Properties systemProperties = System.getProperties();
        private List<ClassLoader> referenceLoaders = List.of(ConfigSources.class.getClassLoader());

        private Builder() {}

        /** The installation's home folder; default the working directory. */
        public Builder home(Path home) {
            this.home = requireNonNull(home, "home");
            return this;
        }

        /**
         * An explicit application.conf (relative to the home when relative). It must exist: a
         * missing explicit file is reported as a problem, unlike the optional default one.
         */
        public Builder applicationConf(Path applicationConf) {
            this.applicationConf = requireNonNull(applicationConf, "applicationConf");
            return this;
        }

        /**
         * Overrides from code, keyed by path ({@code "seqguard.sequence.window" -> 64}); applied
         * over application.conf, under Server.ini and system properties.
         */
        public Builder overrides(Map<String, ?> overrides) {
            this.overrides.add(new LinkedHashMap<String, Object>(requireNonNull(overrides, "overrides")));
            return this;
        }

        /** Overrides from code as a parsed configuration; same precedence as the map form. */
        public Builder overrides(Config overrides) {
            this.overrides.add(requireNonNull(overrides, "overrides"));
            return this;
        }

        /** The system properties to read; default {@link System#getProperties()}. */
        public Builder systemProperties(Properties systemProperties) {
            this.systemProperties = requireNonNull(systemProperties, "systemProperties");
            return this;
        }

        /**
         * The class loaders whose {@code reference.conf} resources are merged: the server's and
         * each plugin folder's. Default: the loader of this class.
         */
        public Builder referenceLoaders(List<ClassLoader> referenceLoaders) {
            this.referenceLoaders = List.copyOf(requireNonNull(referenceLoaders, "referenceLoaders"));
            return this;
        }

        public ConfigSources build() {
            return new ConfigSources(this);
        }
    }
}
