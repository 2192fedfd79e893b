package io.seqguard.cli;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.seqguard.core.bootstrap.PluginRegistry;
import io.seqguard.core.config.ConfigLoader;
import io.seqguard.core.config.ConfigSources;
import io.seqguard.core.config.CoreConfig;
import io.seqguard.core.config.ErrorTableConfig;
import io.seqguard.core.config.LoadedConfig;
import io.seqguard.core.config.PurgeConfig;
import io.seqguard.core.config.SequenceConfig;
import io.seqguard.core.engine.ServerLogSink;
import io.seqguard.core.engine.TableSink;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The configuration a server started from the same home would use: the same sources (every
 * module's and every plugin folder's reference.conf, application.conf or {@code --config},
 * Server.ini, system properties) through the same {@link ConfigLoader}, so that {@code config}
 * shows what {@code run} would get, and the admin commands find the server that {@code run}
 * started.
 *
 * <p>Immutable after {@link #load}; not meant to be shared between threads.
 */
final class ServerConfiguration {
    private final LoadedConfig loaded;
    private final PluginRegistry registry;
    private final Path home;

    private ServerConfiguration(LoadedConfig loaded, PluginRegistry registry, Path home) {
        this.loaded = loaded;
        this.registry = registry;
        this.home = home;
    }

    /**
     * Loads the configuration; problems are kept, not thrown (see {@link #validate()}).
     *
     * @param configFile an explicit application.conf, or null for {@code <home>/conf/application.conf}
     */
    static ServerConfiguration load(Path home, Path configFile, Properties systemProperties) {
        requireNonNull(home, "home");
        ClassLoader serverLoader = ServerConfiguration.class.getClassLoader();
        PluginRegistry registry = new PluginRegistry();
        registry.discoverClassPath(serverLoader);
        LoadedConfig preliminary = ConfigLoader.load(sources(home, configFile, systemProperties, List.of(serverLoader)));
        Path pluginsDir = ConfigReader.of(preliminary.config(), home).at(ConfigLoader.ROOT).path("plugins.dir");
        registry.discoverFolder(pluginsDir, serverLoader);
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(serverLoader);
        loaders.addAll(registry.folderLoaders());
        LoadedConfig loaded = ConfigLoader.load(sources(home, configFile, systemProperties, loaders));
        return new ServerConfiguration(loaded, registry, home);
    }

    private static ConfigSources sources(Path home, Path configFile, Properties systemProperties, List<ClassLoader> loaders) {
        ConfigSources.Builder builder = ConfigSources.builder().home(home).systemProperties(systemProperties).referenceLoaders(loaders);
        if (configFile != null) {
            builder.applicationConf(configFile);
        }
        return builder.build();
    }

    /** The effective configuration (the reference alone when the sources could not be merged). */
    Config config() {
        return loaded.config();
    }

    LoadedConfig loaded() {
        return loaded;
    }

    Path home() {
        return home;
    }

    /**
     * Checks everything start-up checks before it builds the injector: the sources, the core
     * records, that every selected plugin exists, and each selected plugin's own configuration.
     * Nothing is started and no file is written.
     *
     * @return the problems, in the order start-up would report them; empty when the server would start
     */
    List<ConfigProblem> validate() {
        ConfigReader reader = loaded.reader();
        registry.problems().forEach(p -> reader.problem(new ConfigProblem("seqguard.plugins.dir", "plugin discovery", null, p)));
        CoreConfig core = CoreConfig.read(reader);
        SequenceConfig.read(reader);
        ErrorTableConfig errors = ErrorTableConfig.read(reader);
        PurgeConfig.read(reader);
        for (Plugin plugin : selected(reader, core, errors)) {
            try {
                plugin.module(reader);
            } catch (RuntimeException e) {
                reader.problem(new ConfigProblem(plugin.kind().selectionKey(), "plugin " + plugin.id(), plugin.id(),
                        "the plugin failed to read its configuration: " + e));
            }
        }
        return reader.problems();
    }

    /** Warnings that do not stop start-up, e.g. ignored Server.ini sections. */
    List<String> warnings() {
        return loaded.warnings();
    }

    // The same selection rule as SeqguardServer: one storage, the listed transports, services and plugin sinks.
    private List<Plugin> selected(ConfigReader reader, CoreConfig core, ErrorTableConfig errors) {
        List<Plugin> selected = new ArrayList<>();
        pick(reader, PluginKind.STORAGE, core.storage()).ifPresent(selected::add);
        core.transports().forEach(id -> pick(reader, PluginKind.TRANSPORT, id).ifPresent(selected::add));
        core.services().forEach(id -> pick(reader, PluginKind.SERVICE, id).ifPresent(selected::add));
        for (String id : errors.sinks()) {
            if (!id.equals(ServerLogSink.ID) && !id.equals(TableSink.ID)) {
                pick(reader, PluginKind.SINK, id).ifPresent(selected::add);
            }
        }
        return selected;
    }

    private Optional<Plugin> pick(ConfigReader reader, PluginKind kind, String id) {
        Optional<Plugin> plugin = registry.find(kind, id);
        if (plugin.isEmpty()) {
            List<String> available = new ArrayList<>(registry.ids(kind));
            if (kind == PluginKind.SINK) {
                available.add(0, TableSink.ID);
                available.add(0, ServerLogSink.ID);
            }
            reader.problem(new ConfigProblem(kind.selectionKey(), reader.originOf(kind.selectionKey()), "\"" + id + "\"",
                    "no " + kind.name().toLowerCase(java.util.Locale.ROOT) + " plugin has this id; available: "
                            + (available.isEmpty() ? "none" : String.join(", ", available))));
        }
        return plugin;
    }
}
