package io.seqguard.core.bootstrap;

import static java.util.Objects.requireNonNull;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import com.google.inject.CreationException;
import io.seqguard.core.config.ConfigLoader;
import io.seqguard.core.config.ConfigSources;
import io.seqguard.core.config.CoreConfig;
import io.seqguard.core.config.ErrorTableConfig;
import io.seqguard.core.config.LoadedConfig;
import io.seqguard.core.config.PurgeConfig;
import io.seqguard.core.config.SequenceConfig;
import io.seqguard.spi.Managed;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.SequenceGuard;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        lifecycle.stop();
        registry.close();
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

        /** Another application.conf instead of {@code <home>/conf/application.conf}; it must exist. */
        public Builder configFile(Path file) {
            this.configFile = requireNonNull(file, "file");
            return this;
        }

        /** Sets a configuration key from code, at the precedence of application.conf. */
        public Builder config(String key, Object value) {
            overrides.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
            return this;
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
         * Validates everything, then starts the server.
         *
         * @throws io.seqguard.spi.config.ConfigException listing every configuration problem; nothing was started
         * @throws StartupException when a component failed to start; what had started was stopped
         */
        public SeqguardServer start() {
            Path root = (home != null ? home : Path.of(systemProperties.getProperty("seqguard.home", "."))).toAbsolutePath().normalize();
            ClassLoader serverLoader = SeqguardServer.class.getClassLoader();
            PluginRegistry registry = new PluginRegistry();
            plugins.forEach(p -> registry.add(p, "code"));
            if (discover) {
                registry.discoverClassPath(serverLoader);
                // The plugins folder is itself configurable: read it from the server's own configuration first.
                LoadedConfig preliminary = ConfigLoader.load(sources(root, List.of(serverLoader)));
                ConfigReader pre = ConfigReader.of(preliminary.config(), root);
                Path pluginsDir = pre.at("seqguard").path("plugins.dir");
                registry.discoverFolder(pluginsDir, serverLoader);
            }
            List<ClassLoader> loaders = new ArrayList<>();
            loaders.add(serverLoader);
            loaders.addAll(registry.folderLoaders());
            LoadedConfig loaded = ConfigLoader.load(sources(root, loaders));
            loaded.warnings().forEach(w -> LOG.warn("{}", w));

            ConfigReader reader = ConfigReader.of(loaded.config(), root);
            loaded.problems().forEach(reader::problem);
            registry.problems().forEach(p -> reader.problem(new ConfigProblem("seqguard.plugins.dir", "plugin discovery", null, p)));
            CoreConfig core = CoreConfig.read(reader);
            SequenceConfig sequence = SequenceConfig.read(reader);
            ErrorTableConfig errors = ErrorTableConfig.read(reader);
            PurgeConfig purge = PurgeConfig.read(reader);

            List<Module> all = new ArrayList<>();
            all.add(new CoreModule(loaded.config(), root, core, sequence, errors, purge));
            for (Plugin plugin : select(registry, reader, core, errors)) {
                try {
                    all.add(requireNonNull(plugin.module(reader), "module of plugin " + plugin.id()));
                } catch (RuntimeException e) {
                    reader.problem(new ConfigProblem(plugin.kind().selectionKey(), "plugin " + plugin.id(), plugin.id(),
                            "the plugin failed to read its configuration: " + e));
                }
            }
            reader.throwIfProblems();
            all.addAll(modules);

            Injector injector;
            try {
                injector = Guice.createInjector(Stage.PRODUCTION, all);
            } catch (CreationException e) {
                throw new StartupException("cannot wire the server: " + e.getMessage(), e);
            }
            Set<Managed> managed = injector.getInstance(Key.get(new TypeLiteral<Set<Managed>>() { }));
            Lifecycle lifecycle = new Lifecycle(List.copyOf(managed));
            try {
                lifecycle.start();
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            LOG.info("seqguard started: home {}, storage {}, transports {}, services {}", root, core.storage(), core.transports(),
                    core.services());
            return new SeqguardServer(injector, lifecycle, registry, loaded);
        }

        private ConfigSources sources(Path root, List<ClassLoader> loaders) {
            ConfigSources.Builder sources = ConfigSources.builder().home(root).overrides(overrides).systemProperties(systemProperties)
                    .referenceLoaders(loaders);
            if (configFile != null) {
                sources.applicationConf(configFile);
            }
            return sources.build();
        }

        private static List<Plugin> select(PluginRegistry registry, ConfigReader reader, CoreConfig core, ErrorTableConfig errors) {
            List<Plugin> selected = new ArrayList<>();
            pick(registry, reader, PluginKind.STORAGE, core.storage()).ifPresent(selected::add);
            for (String id : core.transports()) {
                pick(registry, reader, PluginKind.TRANSPORT, id).ifPresent(selected::add);
            }
            for (String id : core.services()) {
                pick(registry, reader, PluginKind.SERVICE, id).ifPresent(selected::add);
            }
            for (String id : errors.sinks()) {
                if (!id.equals(io.seqguard.core.engine.ServerLogSink.ID) && !id.equals(io.seqguard.core.engine.TableSink.ID)) {
                    pick(registry, reader, PluginKind.SINK, id).ifPresent(selected::add);
                }
            }
            return selected;
        }

        private static Optional<Plugin> pick(PluginRegistry registry, ConfigReader reader, PluginKind kind, String id) {
            Optional<Plugin> plugin = registry.find(kind, id);
            if (plugin.isEmpty()) {
                List<String> available = new ArrayList<>(registry.ids(kind));
                if (kind == PluginKind.SINK) {
                    available.add(0, io.seqguard.core.engine.TableSink.ID);
                    available.add(0, io.seqguard.core.engine.ServerLogSink.ID);
                }
                reader.problem(new ConfigProblem(kind.selectionKey(), reader.originOf(kind.selectionKey()), "\"" + id + "\"",
                        "no " + PluginRegistry.kindName(kind) + " plugin has this id; available: "
                                + (available.isEmpty() ? "none" : String.join(", ", available))));
            }
            return plugin;
        }
    }
}
