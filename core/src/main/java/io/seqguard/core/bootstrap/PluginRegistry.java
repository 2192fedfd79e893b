package io.seqguard.core.bootstrap;

import static java.util.Objects.requireNonNull;

import io.seqguard.core.config.PluginIds;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every plugin start-up could choose from: those on the server's class path, those in
 * {@code plugins/} (a jar there, or a {@code plugins/<name>/} folder of jars; each with its own
 * {@link PluginClassLoader}), and those an integrator named in code. Discovery only instantiates plugin classes, which do no work in their
 * constructors; nothing is installed here.
 */
public final class PluginRegistry {
    /** ServiceLoader may not get past a broken provider: give up after this many in one loader. */
    private static final int MAX_BROKEN_PROVIDERS = 20;

    private final Map<String, Plugin> byKey = new LinkedHashMap<>();
    private final List<PluginClassLoader> loaders = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    /** Registers {@code plugin}; a second plugin with the same kind and id is a problem. */
    public void add(Plugin plugin, String source) {
        requireNonNull(plugin, "plugin");
        if (!PluginIds.valid(plugin.id())) {
            problems.add(plugin.getClass().getName() + " (" + source + ") has the id '" + plugin.id() + "', which no configuration can"
                    + " select: a plugin id is lower-case letters and digits in words joined by single hyphens, e.g. \"server-log\"");
            return;
        }
        String key = key(plugin.kind(), plugin.id());
        Plugin existing = byKey.putIfAbsent(key, plugin);
        if (existing != null && existing.getClass() != plugin.getClass()) {
            problems.add("two " + kindName(plugin.kind()) + " plugins have the id '" + plugin.id() + "': "
                    + existing.getClass().getName() + " and " + plugin.getClass().getName() + " (" + source + ")");
        }
    }

    /** Adds every plugin that {@link ServiceLoader} finds through {@code loader}. */
    public void discoverClassPath(ClassLoader loader) {
        each(ServiceLoader.load(Plugin.class, loader), "the class path", plugin -> add(plugin, "class path"));
    }

    /**
     * Hands every provider {@code plugins} yields to {@code found}; a provider that cannot be
     * loaded is a problem, and the rest are still found (as far as ServiceLoader can go on).
     *
     * @return how many providers were handed over
     */
    private int each(ServiceLoader<Plugin> plugins, String where, Consumer<Plugin> found) {
        Iterator<Plugin> iterator = plugins.iterator();
        int handed = 0;
        for (int failures = 0; failures < MAX_BROKEN_PROVIDERS; ) {
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                found.accept(iterator.next());
                handed++;
            } catch (ServiceConfigurationError e) {
                problems.add("cannot load a plugin from " + where + ": " + e.getMessage());
                failures++;
            }
        }
        return handed;
    }

    /**
     * Gives every plugin in {@code pluginsDir} its own class loader and adds the plugins found
     * there. A plugin is either a jar directly in the folder (SPEC §7: a jar with a
     * {@code ServiceLoader} entry), or a sub-folder holding the plugin's jar with the libraries it
     * needs. A missing folder means no plugins.
     */
    public void discoverFolder(Path pluginsDir, ClassLoader server) {
        if (!Files.isDirectory(pluginsDir)) {
            return;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(pluginsDir)) {
            children = list.filter(p -> Files.isDirectory(p) || isJar(p)).sorted().toList();
        } catch (IOException e) {
            problems.add("cannot list plugin folder " + pluginsDir + ": " + e.getMessage());
            return;
        }
        for (Path child : children) {
            List<URL> jars = new ArrayList<>();
            String name = child.getFileName().toString();
            try {
                if (Files.isDirectory(child)) {
                    try (Stream<Path> files = Files.list(child)) {
                        for (Path jar : files.filter(PluginRegistry::isJar).sorted().toList()) {
                            jars.add(jar.toUri().toURL());
                        }
                    }
                } else {
                    jars.add(child.toUri().toURL());
                    name = name.substring(0, name.length() - ".jar".length());
                }
            } catch (IOException e) {
                problems.add("cannot read plugin folder " + child + ": " + e.getMessage());
                continue;
            }
            if (!jars.isEmpty()) {
                load(child, name, jars, server);
            }
        }
    }

    private void load(Path source, String name, List<URL> jars, ClassLoader server) {
        PluginClassLoader loader = new PluginClassLoader(name, jars, server);
        loaders.add(loader);
        int[] found = {0};
        int problemsBefore = problems.size();
        each(ServiceLoader.load(Plugin.class, loader), source.toString(), plugin -> {
            // The loader also sees the server's service files; keep only the plugin's own.
            if (plugin.getClass().getClassLoader() == loader) {
                add(plugin, source.toString());
                found[0]++;
            }
        });
        if (found[0] == 0 && problems.size() == problemsBefore) {
            problems.add((Files.isDirectory(source) ? "plugin folder " + source + " holds jars but" : "plugin jar " + source + " has")
                    + " no META-INF/services/" + Plugin.class.getName() + " entry");
        }
    }

    private static boolean isJar(Path file) {
        return Files.isRegularFile(file) && file.getFileName().toString().endsWith(".jar");
    }

    /** The class loaders of the plugins in the plugin folder, in name order. */
    public List<PluginClassLoader> folderLoaders() {
        return List.copyOf(loaders);
    }

    /** Problems found during discovery (duplicate ids, unreadable folders). */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    public Optional<Plugin> find(PluginKind kind, String id) {
        return Optional.ofNullable(byKey.get(key(kind, id)));
    }

    /** The ids available for {@code kind}, sorted. */
    public List<String> ids(PluginKind kind) {
        return byKey.values().stream().filter(p -> p.kind() == kind).map(Plugin::id).sorted().collect(Collectors.toList());
    }

    public Collection<Plugin> all() {
        return List.copyOf(byKey.values());
    }

    /** Closes the folder class loaders; call after the server stopped. */
    void close() {
        for (PluginClassLoader loader : loaders) {
            try {
                loader.close();
            } catch (IOException e) {
                // Nothing useful to do: the jars stay open until the JVM exits.
            }
        }
    }

    static String kindName(PluginKind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String key(PluginKind kind, String id) {
        return kind + ":" + id;
    }
}
