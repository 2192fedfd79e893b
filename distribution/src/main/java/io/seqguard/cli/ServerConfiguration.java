package io.seqguard.cli;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.seqguard.core.bootstrap.SeqguardServer;
import io.seqguard.core.bootstrap.StartupPlan;
import io.seqguard.core.config.LoadedConfig;
import io.seqguard.spi.config.ConfigProblem;
import java.nio.file.Path;
import java.util.List;
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
    private final StartupPlan plan;

    private ServerConfiguration(StartupPlan plan) {
        this.plan = plan;
    }

    /**
     * Loads the configuration exactly as {@code run} would, through {@link SeqguardServer.Builder#plan()};
     * problems are kept, not thrown (see {@link #validate()}). Nothing is started.
     *
     * @param configFile an explicit application.conf, or null for {@code <home>/conf/application.conf}
     */
    static ServerConfiguration load(Path home, Path configFile, Properties systemProperties) {
        requireNonNull(home, "home");
        SeqguardServer.Builder builder = SeqguardServer.builder().home(home).systemProperties(systemProperties);
        if (configFile != null) {
            builder.configFile(configFile);
        }
        StartupPlan plan = builder.plan();
        // Only the configuration is needed from here on; the plugin class loaders can go.
        plan.close();
        return new ServerConfiguration(plan);
    }

    /** The effective configuration (the reference alone when the sources could not be merged). */
    Config config() {
        return plan.config().config();
    }

    LoadedConfig loaded() {
        return plan.config();
    }

    Path home() {
        return plan.home();
    }

    /**
     * Everything start-up checks before it builds the injector: the sources, the core records,
     * that every selected plugin exists, and each selected plugin's own configuration.
     *
     * @return the problems, in the order start-up would report them; empty when the server would start
     */
    List<ConfigProblem> validate() {
        return plan.problems();
    }

    /** Warnings that do not stop start-up, e.g. ignored Server.ini sections. */
    List<String> warnings() {
        return plan.warnings();
    }
}
