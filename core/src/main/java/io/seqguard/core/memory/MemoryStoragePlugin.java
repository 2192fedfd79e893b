package io.seqguard.core.memory;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.Scopes;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.config.ConfigReader;

/**
 * The {@code memory} storage plugin: selects {@link InMemorySequenceStore} with
 * {@code seqguard.storage = memory}. It has no configuration of its own.
 *
 * <p>This is the smallest complete storage plugin; a plugin author's own looks the same, plus a
 * configuration record read in {@link #module(ConfigReader)}. Stateless and thread safe.
 */
public final class MemoryStoragePlugin implements Plugin {
    /** The id that selects this plugin. */
    public static final String ID = "memory";

    @Override
    public PluginKind kind() {
        return PluginKind.STORAGE;
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
        return "in-memory store (nothing survives a restart; for tests and embedding)";
    }

    @Override
    public Module module(ConfigReader config) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(InMemorySequenceStore.class).in(Scopes.SINGLETON);
                bind(SequenceStore.class).to(InMemorySequenceStore.class);
            }
        };
    }
}
