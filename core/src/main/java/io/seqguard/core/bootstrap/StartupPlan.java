package io.seqguard.core.bootstrap;

import static java.util.Objects.requireNonNull;

import com.google.inject.Module;
import com.typesafe.config.Config;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Everything start-up decides before anything starts: the plugins found, the effective
 * configuration, every configuration problem, and the Guice modules of the selected plugins.
 * {@link SeqguardServer.Builder#start()} builds the injector from a plan without problems; the
 * command line's {@code config} command shows a plan's problems without starting anything, so
 * both apply exactly the same rules.
 *
 * <p>Preparing a plan reads files and instantiates plugin classes (which do no work), but starts
 * nothing and writes nothing. Not thread safe. {@link #close()} releases the plugin class loaders
 * of a plan that is not started.
 */
public final class StartupPlan implements AutoCloseable {
    private final Path home;
    private final LoadedConfig loaded;
    private final PluginRegistry registry;
    private final CoreConfig core;
    private final List<Module> modules;
    private final List<String> warnings;
    private final List<ConfigProblem> problems;

    private StartupPlan(Path home, LoadedConfig loaded, PluginRegistry registry, CoreConfig core, List<Module> modules,
            List<ConfigProblem> problems, List<String> warnings) {
        this.home = home;
        this.loaded = loaded;
        this.registry = registry;
        this.core = core;
        this.modules = List.copyOf(modules);
        this.problems = List.copyOf(problems);
        this.warnings = List.copyOf(warnings);
    }

    static StartupPlan prepare(Path home, Path configFile, Map<String, Object> overrides, Properties systemProperties,
            List<Plugin> codePlugins, boolean discover) {
        requireNonNull(home, "home");
        ClassLoader serverLoader = StartupPlan.class.getClassLoader();
        PluginRegistry registry = new PluginRegistry();
        codePlugins.forEach(p -> registry.add(p, "code"));
        if (discover) {
            registry.discoverClassPath(serverLoader);
            // The plugins folder is itself configurable: read it from the server's own configuration first.
            LoadedConfig preliminary = ConfigLoader.load(sources(home, configFile, overrides, systemProperties, List.of(serverLoader)));
            Path pluginsDir = ConfigReader.of(preliminary.config(), home).at(ConfigLoader.ROOT).path("plugins.dir");
            registry.discoverFolder(pluginsDir, serverLoader);
        }
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(serverLoader);
        loaders.addAll(registry.folderLoaders());
        LoadedConfig loaded = ConfigLoader.load(sources(home, configFile, overrides, systemProperties, loaders));

        ConfigReader reader = loaded.reader();
        registry.problems().forEach(p -> reader.problem(new ConfigProblem("seqguard.plugins.dir", "plugin discovery", null, p)));
        CoreConfig core = CoreConfig.read(reader);
        SequenceConfig sequence = SequenceConfig.read(reader);
        ErrorTableConfig errors = ErrorTableConfig.read(reader);
        PurgeConfig purge = PurgeConfig.read(reader);

        List<Module> modules = new ArrayList<>();
        modules.add(new CoreModule(loaded.config(), home, core, sequence, errors, purge));
        List<Plugin> selected = select(registry, reader, core, errors);
        List<String> warnings = new ArrayList<>(loaded.warnings());
        warnings.addAll(unselectedPluginProblems(registry, selected, loaded, home));
        for (Plugin plugin : selected) {
            try {
                modules.add(requireNonNull(plugin.module(reader), "module of plugin " + plugin.id()));
            } catch (RuntimeException e) {
                reader.problem(new ConfigProblem(plugin.kind().selectionKey(), "plugin " + plugin.id(), plugin.id(),
                        "the plugin failed to read its configuration: " + e));
            }
        }
        return new StartupPlan(home, loaded, registry, core, modules, reader.problems(), warnings);
    }

    /**
     * What the plugins that are installed but not selected would say of the values an operator set
     * for them (a jdbc.pool-size of "abc" with SQLite chosen): warnings, since those values are not
     * used, but said, since they will be once the plugin is selected. Defaults are not reported.
     */
    private static List<String> unselectedPluginProblems(PluginRegistry registry, List<Plugin> selected, LoadedConfig loaded, Path home) {
        Config config = loaded.config();
        List<String> out = new ArrayList<>();
        for (Plugin plugin : registry.all()) {
            if (selected.contains(plugin) || plugin.configPath() == null || !config.hasPath(plugin.configPath())
                    || !changed(loaded, plugin.configPath())) {
                continue;
            }
            ConfigReader scratch = ConfigReader.of(config, home);
            try {
                plugin.module(scratch);
            } catch (RuntimeException e) {
                continue; // its own reading broke: the plugin's business once it is selected
            }
            for (ConfigProblem problem : scratch.problems()) {
                if (problem.key().startsWith(plugin.configPath() + ".") && changed(loaded, problem.key())) {
                    out.add(problem.key() + " = " + problem.value() + " (" + problem.origin() + "): " + problem.problem()
                            + " — not used now: the " + plugin.kind().name().toLowerCase(Locale.ROOT) + " plugin '" + plugin.id()
                            + "' is not selected");
                }
            }
        }
        return out;
    }

    /** Whether the value at {@code key} is not its plugin's default: set by the operator (or removed, set to null). */
    private static boolean changed(LoadedConfig loaded, String key) {
        Config config = loaded.config();
        Config reference = loaded.reference();
        return !config.hasPath(key) || !reference.hasPath(key) || !config.getValue(key).equals(reference.getValue(key));
    }

    private static ConfigSources sources(Path home, Path configFile, Map<String, Object> overrides, Properties systemProperties,
            List<ClassLoader> loaders) {
        ConfigSources.Builder sources = ConfigSources.builder().home(home).overrides(overrides).systemProperties(systemProperties)
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
            if (!isBuiltInSink(id)) {
                pick(registry, reader, PluginKind.SINK, id).ifPresent(selected::add);
            }
        }
        return selected;
    }

    private static boolean isBuiltInSink(String id) {
        return id.equals(ServerLogSink.ID) || id.equals(TableSink.ID);
    }

    private static Optional<Plugin> pick(PluginRegistry registry, ConfigReader reader, PluginKind kind, String id) {
        Optional<Plugin> plugin = registry.find(kind, id);
        if (plugin.isEmpty()) {
            List<String> available = new ArrayList<>(registry.ids(kind));
            if (kind == PluginKind.SINK) {
                available.add(0, TableSink.ID);
                available.add(0, ServerLogSink.ID);
            }
            reader.problem(new ConfigProblem(kind.selectionKey(), reader.originOf(kind.selectionKey()), "\"" + id + "\"",
                    "no " + kind.name().toLowerCase(Locale.ROOT) + " plugin has this id; available: "
                            + (available.isEmpty() ? "none" : String.join(", ", available))));
        }
        return plugin;
    }

    /** The installation's home, absolute. */
    public Path home() {
        return home;
    }

    /** The effective configuration and where it came from. */
    public LoadedConfig config() {
        return loaded;
    }

    /** The core namespace as read. */
    public CoreConfig core() {
        return core;
    }

    /** Every problem, in the order start-up reports them; empty when the server would start. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    /** Warnings that do not stop start-up, e.g. ignored Server.ini sections. */
    public List<String> warnings() {
        return warnings;
    }

    List<Module> modules() {
        return modules;
    }

    PluginRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        registry.close();
    }
}
