package io.seqguard.spi;

import com.google.inject.Module;
import io.seqguard.spi.config.ConfigReader;

/**
 * A plugin's entry point, found with {@link java.util.ServiceLoader}: a jar names its one
 * implementation in {@code META-INF/services/io.seqguard.spi.Plugin}. Each jar directly in
 * {@code plugins/} and each folder under it gets its own class loader, which shares only the SPI,
 * Guice (with Guava and aopalliance), {@code jakarta.inject}, Typesafe Config, SLF4J and
 * Micrometer with the server ({@code PluginClassLoader.SHARED_PACKAGES}, docs/PLUGINS.md).
 *
 * <p>The constructor must be public, take no arguments and do no work. Start-up reads every
 * selected plugin's configuration through {@link #module(ConfigReader)} before anything starts,
 * reports all problems at once, and only then builds the injector.
 */
public interface Plugin {
    /** What this plugin contributes. */
    PluginKind kind();

    /** The id configuration uses to select it, e.g. {@code sqlite}; lower-case kebab-case, unique per kind. */
    String id();

    /**
     * The configuration namespace this plugin owns, e.g. {@code seqguard.sqlite}, whose defaults
     * come from the plugin's own {@code reference.conf}; null when it has none.
     */
    String configPath();

    /** One line for listings such as "available storage plugins". */
    default String description() {
        return kind().name().toLowerCase(java.util.Locale.ROOT) + " plugin " + id();
    }

    /**
     * Reads this plugin's configuration and returns the Guice module that binds its components.
     * Problems are reported through {@code config}; when there are any the module is not used, so
     * the plugin may return a module built from placeholder values. The returned module's
     * {@code configure()} only binds: no I/O, no threads.
     *
     * <p>A {@link PluginKind#STORAGE} plugin binds {@link SequenceStore}; a transport binds a
     * {@link Transport} into the {@link Managed} set; a sink adds to the {@link ErrorSink} set; a
     * service adds to the {@link Managed} set.
     *
     * @param config a reader positioned at the root; never null
     */
    Module module(ConfigReader config);
}
