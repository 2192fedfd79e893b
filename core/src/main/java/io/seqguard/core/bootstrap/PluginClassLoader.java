package io.seqguard.core.bootstrap;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one {@code plugins/<name>/} folder: child-first, so a plugin brings its own
 * versions of its libraries, except for the packages the server shares with every plugin (the
 * SPI, Guice, {@code jakarta.inject}, Typesafe Config, SLF4J, Micrometer and the JDK), which always
 * come from the server so that types match across the boundary: a plugin that injects the
 * server's {@code MeterRegistry} registers its meters where {@code /metrics} reads them.
 */
public final class PluginClassLoader extends URLClassLoader {
    /** Package prefixes always loaded from the server. */
    public static final List<String> SHARED_PACKAGES = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.sun.",
            "io.seqguard.spi.",
            "com.google.inject.", "com.google.common.", "jakarta.inject.", "org.aopalliance.",
            "com.typesafe.config.",
            "org.slf4j.",
            "io.micrometer.");

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final String pluginName;

    public PluginClassLoader(String pluginName, List<URL> jars, ClassLoader server) {
        super("plugin-" + pluginName, jars.toArray(URL[]::new), server);
        this.pluginName = pluginName;
    }

    /** The folder name under {@code plugins/}. */
    public String pluginName() {
        return pluginName;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isShared(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                try {
                    loaded = findClass(name);
                } catch (ClassNotFoundException e) {
                    loaded = getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : super.getResource(name);
    }

    /** Resources from this plugin's own jars only (e.g. its {@code reference.conf}). */
    public Enumeration<URL> ownResources(String name) throws IOException {
        Enumeration<URL> own = findResources(name);
        return own == null ? Collections.emptyEnumeration() : own;
    }

    private static boolean isShared(String className) {
        for (String prefix : SHARED_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
