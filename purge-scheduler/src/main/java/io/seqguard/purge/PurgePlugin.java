package io.seqguard.purge;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.seqguard.spi.Managed;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.config.ConfigReader;

/**
 * The {@code purge} service plugin, selected by {@code seqguard.services = [purge]} (the
 * default). It has no configuration namespace of its own: the interval
 * ({@code seqguard.purge.interval}) and the history ({@code seqguard.errors.table.history-days})
 * belong to the core, which also uses them for the admin API's purge-now.
 *
 * <p>An embedder may replace the {@link PeriodicScheduler} through
 * {@code OptionalBinder.newOptionalBinder(binder, PeriodicScheduler.class).setBinding()}.
 * Stateless and thread safe.
 */
public final class PurgePlugin implements Plugin {
    /** The id that selects this plugin. */
    public static final String ID = "purge";

    @Override
    public PluginKind kind() {
        return PluginKind.SERVICE;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String configPath() {
        return null;
    }

    @Override
    public String description() {
        return "deletes sequence error rows older than history-days, at start-up and every purge.interval";
    }

    @Override
    public Module module(ConfigReader config) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                OptionalBinder.newOptionalBinder(binder(), PeriodicScheduler.class).setDefault().to(ExecutorPeriodicScheduler.class);
                bind(ExecutorPeriodicScheduler.class).in(Scopes.SINGLETON);
                bind(PurgeScheduler.class).in(Scopes.SINGLETON);
                Multibinder.newSetBinder(binder(), Managed.class).addBinding().to(PurgeScheduler.class);
            }
        };
    }
}
