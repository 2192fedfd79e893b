package io.seqguard.storage.jdbc;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import io.seqguard.spi.Managed;
import io.seqguard.spi.SequenceStore;

/**
 * Binds the JDBC store: its configuration, the store as the server's {@link SequenceStore}, and the
 * same singleton as a {@link Managed} component so the server opens and closes its pool.
 * {@code configure()} only binds.
 */
public final class JdbcModule extends AbstractModule {
    private final JdbcConfig config;

    public JdbcModule(JdbcConfig config) {
        this.config = requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(JdbcConfig.class).toInstance(config);
        bind(JdbcSequenceStore.class).in(Singleton.class);
        bind(SequenceStore.class).to(JdbcSequenceStore.class);
        Multibinder.newSetBinder(binder(), Managed.class).addBinding().to(JdbcSequenceStore.class);
    }
}
