package io.seqguard.storage.sqlite;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import io.seqguard.spi.Managed;
import io.seqguard.spi.SequenceStore;

/**
 * Binds the SQLite store as the {@link SequenceStore} and registers it as a {@link Managed}
 * component. Only binds; the file is opened by {@link SqliteSequenceStore#start()}.
 */
public final class SqliteModule extends AbstractModule {
    private final SqliteConfig config;

    public SqliteModule(SqliteConfig config) {
        this.config = requireNonNull(config, "config");
    }

    @Override
    protected void configure() {
        bind(SqliteConfig.class).toInstance(config);
        bind(SqliteSequenceStore.class).in(Singleton.class);
        bind(SequenceStore.class).to(SqliteSequenceStore.class);
        Multibinder.newSetBinder(binder(), Managed.class).addBinding().to(SqliteSequenceStore.class);
    }
}
