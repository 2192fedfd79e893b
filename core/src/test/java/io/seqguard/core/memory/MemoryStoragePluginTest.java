package io.seqguard.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import com.typesafe.config.ConfigFactory;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.Verdict;
import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.ServiceLoader;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MemoryStoragePluginTest {
    @Test
    void serviceLoaderFindsTheMemoryPlugin() {
        List<Plugin> memory = ServiceLoader.load(Plugin.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(plugin -> plugin.id().equals("memory"))
                .toList();

        assertThat(memory).singleElement().isInstanceOf(MemoryStoragePlugin.class);
        Plugin plugin = memory.get(0);
        assertThat(plugin.kind()).isEqualTo(PluginKind.STORAGE);
        assertThat(plugin.configPath()).isNull();
        assertThat(plugin.description()).isNotBlank();
    }

    @Test
    void moduleBindsOneStoreWithExplicitBindingsInProductionStage() {
        ConfigReader config = ConfigReader.of(ConfigFactory.load(), Path.of("."));
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new AbstractModule() {
            @Override
            protected void configure() {
                binder().requireExplicitBindings();
                binder().requireAtInjectOnConstructors();
                install(new MemoryStoragePlugin().module(config));
            }
        });
        config.throwIfProblems();

        SequenceStore store = injector.getInstance(SequenceStore.class);
        assertThat(store).isInstanceOf(InMemorySequenceStore.class)
                .isSameAs(injector.getInstance(SequenceStore.class))
                .isSameAs(injector.getInstance(InMemorySequenceStore.class));
        AgentIdentity agent = AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
        Instant now = Instant.parse("2024-03-01T10:00:00Z");
        assertThat(store.checkAndAdvance(agent, 1, SequencePolicy.STRICT, now).verdict()).isEqualTo(Verdict.REGISTERED);
        assertThat(store.checkAndAdvance(agent, 1, SequencePolicy.STRICT, now).verdict()).isEqualTo(Verdict.STALE);
        assertThat(store.isReachable()).isTrue();
    }
}
