package io.seqguard.transport.jetty;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.config.ConfigReader;

/** Test storage plugin {@value #ID} serving one given {@link SwitchableStore}. */
final class SwitchableStorePlugin implements Plugin {
    static final String ID = "switchable";

    private final SwitchableStore store;

    SwitchableStorePlugin(SwitchableStore store) {
        this.store = store;
    }

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
    public Module module(ConfigReader config) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(SequenceStore.class).toInstance(store);
            }
        };
    }
}
