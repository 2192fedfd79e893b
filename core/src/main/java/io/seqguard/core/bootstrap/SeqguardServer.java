package io.seqguard.core.bootstrap;

import static java.util.Objects.requireNonNull;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import io.seqguard.core.config.ConfigLoader;
import io.seqguard.core.config.ConfigSources;
import io.seqguard.core.config.CoreConfig;
import io.seqguard.core.config.ErrorTableConfig;
import io.seqguard.core.config.LoadedConfig;
import io.seqguard.core.config.SequenceConfig;
import io.seqguard.spi.Enforcement;
import io.seqguard.spi.Managed;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.SequenceGuard;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.Transport;
import io.seqguard.spi.config.ConfigException;
import io.seqguard.spi.config.ConfigProblem;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seqguard server: discovers plugins, reads and validates the whole configuration before
 * anything starts, installs only the selected plugins, builds the injector (production stage,
 * explicit bindings) and runs the {@link Managed} lifecycle.
 *
 * <pre>{@code
 * try (SeqguardServer server = SeqguardServer.builder()
 *         .home(Path.of("/opt/seqguard"))
 *         .config("seqguard.storage", "memory")
 *         .module(binder -> OptionalBinder.newOptionalBinder(binder, AgentRequestHandler.class)
 *                 .setBinding().toInstance(myHandler))
 *         .start()) {
 *     server.guard().checkIn(request);
 * }
 * }</pre>
 *
 * <p>{@link #stop()} may be called from any thread, any number of times.
 */
public final class SeqguardServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SeqguardServer.class);

    private final Injector injector;
    private final Lifecycle lifecycle;
    private final PluginRegistry registry;
    private final LoadedConfig loaded;
    private boolean stopped;

    private SeqguardServer(Injector injector, Lifecycle lifecycle, PluginRegistry registry, LoadedConfig loaded) {
        this.injector = injector;
        this.lifecycle = lifecycle;
        this.registry = registry;
        this.loaded = loaded;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The engine, for in-process check-ins. */
    public SequenceGuard guard() {
        return injector.getInstance(SequenceGuard.class);
    }

    /** Any bound component. */
    public <T> T instance(Class<T> type) {
        return injector.getInstance(type);
    }

    public Injector injector() {
        return injector;
    }

    /**
     * Where the running transports listen, in start order (the HTTP transport: its agent URI, then
     * its admin URI, with the ports actually bound, so port 0 can be asked for); empty without
     * transports or once stopped.
     */
    public synchronized List<URI> endpoints() {
        if (stopped) {
            return List.of();
        }
        return lifecycle.components().stream().filter(Transport.class::isInstance).map(Transport.class::cast)
                .flatMap(transport -> transport.endpoints().stream()).toList();
    }

    /** The effective configuration and where it came from. */
    public LoadedConfig config() {
        return loaded;
    }

    /** Stops every component in reverse start order; idempotent. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        LOG.info("seqguard stopping");
        try {
            lifecycle.stop();
        } finally {
            registry.close();
        }
        LOG.info("seqguard stopped");
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Everything a server is started from. Not thread safe.
     */
    public static final class Builder {
        private Path home;
        private Path configFile;
        private final Map<String, Object> overrides = new LinkedHashMap<>();
        private Properties systemProperties = System.getProperties();
        private final List<Plugin> plugins = new ArrayList<>();
        private final List<Module> modules = new ArrayList<>();
        private boolean discover = true;

        private Builder() {
        }

        /** The installation's home; relative paths resolve against it. Default: {@code seqguard.home} or the working directory. */
        public Builder home(Path home) {
            this.home = requireNonNull(home, "home");
            return this;
        }

        /**
         * Another application.conf instead of {@code <home>/conf/application.conf}; it must exist. A
         * relative path is taken from the home folder.
         */
        public Builder configFile(Path file) {
            this.configFile = requireNonNull(file, "file");
            return this;
        }

        /**
         * Sets a configuration key from code, at the precedence of application.conf.
         *
         * @param key a key under {@code seqguard.}, e.g. {@code seqguard.storage}
         * @param value a String, Number, Boolean or Duration, a Path, URI or File (taken as its text),
         *     or a collection or Map of those, never null (nor any element)
         * @throws IllegalArgumentException for a key outside {@code seqguard.} (it would be ignored) or
         *     a value of another type
         */
        public Builder config(String key, Object value) {
            requireNonNull(key, "key");
            if (!key.startsWith(ConfigLoader.ROOT + ".")) {
                throw new IllegalArgumentException("configuration keys set in code start with " + ConfigLoader.ROOT + ".: " + key);
            }
            overrides.put(key, configValue(key, requireNonNull(value, "value")));
            return this;
        }

        /** The value as Typesafe Config takes it; a Path, say, would otherwise recurse into itself. */
        private static Object configValue(String key, Object value) {
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                return value;
            }
            if (value instanceof Duration duration) {
                // With its unit: Typesafe would keep whole milliseconds only.
                try {
                    return duration.toNanos() + "ns";
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException(key + ": " + duration + " is longer than a configuration duration can be", e);
                }
            }
            if (value instanceof Path || value instanceof URI || value instanceof File) {
                return value.toString();
            }
            if (value instanceof Iterable<?> elements) {
                List<Object> list = new ArrayList<>();
                elements.forEach(element -> list.add(configValue(key, requireNonNull(element, key + ": a list element"))));
                return list;
            }
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((k, v) -> out.put(String.valueOf(k), configValue(key, requireNonNull(v, key + ": a map value"))));
                return out;
            }
            throw new IllegalArgumentException(key + ": a " + value.getClass().getName() + " is not a configuration value;"
                    + " give a String, Number, Boolean, Duration, Path or URI, or a List or Map of those");
        }

        /** The system properties to read {@code seqguard.*} overrides from (default: the JVM's). */
        public Builder systemProperties(Properties properties) {
            this.systemProperties = requireNonNull(properties, "properties");
            return this;
        }

        /** Makes a plugin available for selection, as if it had been discovered. */
        public Builder plugin(Plugin plugin) {
            plugins.add(requireNonNull(plugin, "plugin"));
            return this;
        }

        /** Installs an extra Guice module, e.g. the integrator's handler binding. */
        public Builder module(Module module) {
            modules.add(requireNonNull(module, "module"));
            return this;
        }

        /** Whether to look for plugins on the class path and in the plugins folder (default true). */
        public Builder discoverPlugins(boolean discover) {
            this.discover = discover;
            return this;
        }

        /**
         * Discovers plugins and reads and checks the whole configuration without starting
         * anything, as {@link #start()} does first. The command line's {@code config} command uses
         * it; close the plan when it is not started.
         */
        public StartupPlan plan() {
            Path root = (home != null ? home : Path.of(systemProperties.getProperty(ConfigSources.HOME_PROPERTY, ".")))
                    .toAbsolutePath().normalize();
            return StartupPlan.prepare(root, configFile, overrides, systemProperties, plugins, discover);
        }

        /**
         * Validates everything, then starts the server.
         *
         * @throws io.seqguard.spi.config.ConfigException listing every configuration problem; nothing was started
         * @throws StartupException when a component failed to start; what had started was stopped
         */
        public SeqguardServer start() {
            StartupPlan plan = plan();
            plan.warnings().forEach(w -> LOG.warn("{}", w));
            if (!plan.problems().isEmpty()) {
                plan.close();
                throw new ConfigException(plan.problems());
            }
            List<Module> all = new ArrayList<>(plan.modules());
            all.addAll(modules);
            Injector injector;
            Lifecycle lifecycle;
            try {
                injector = Guice.createInjector(Stage.PRODUCTION, all);
                Set<Managed> managed = injector.getInstance(Key.get(new TypeLiteral<Set<Managed>>() { }));
                lifecycle = new Lifecycle(List.copyOf(managed));
            } catch (CreationException | ProvisionException e) {
                plan.close();
                throw new StartupException("cannot wire the server: " + e.getMessage(), e);
            }
            CoreConfig core = plan.core();
            SequenceConfig sequence = injector.getInstance(SequenceConfig.class);
            List<ConfigProblem> unmet = StoreCapabilities.missing(injector.getInstance(SequenceStore.class), plan.config().config(), core,
                    sequence, injector.getInstance(ErrorTableConfig.class));
            if (!unmet.isEmpty()) {
                plan.close();
                throw new ConfigException(unmet);
            }
            try {
                lifecycle.start();
            } catch (RuntimeException | Error e) {
                plan.close();
                throw e;
            }
            LOG.info("seqguard started: home {}, storage {}, transports {}, services {}, enforcement {}, {}", plan.home(), core.storage(),
                    core.transports(), core.services(), sequence.enforcement().name().toLowerCase(Locale.ROOT),
                    sequence.window() == 0 ? "strict (no window)" : "window " + sequence.window());
            if (sequence.enforcement() == Enforcement.AUDIT) {
                LOG.warn("enforcement is audit: stale sequence numbers are recorded but accepted, so replayed requests get through"
                        + " (seqguard.sequence.enforcement, or ConnectionsRequireValidSequenceNumber=0 in Server.ini)");
            }
            return new SeqguardServer(injector, lifecycle, plan.registry(), plan.config());
        }
    }
}
