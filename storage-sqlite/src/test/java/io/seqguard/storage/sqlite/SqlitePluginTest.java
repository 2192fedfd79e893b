package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import com.typesafe.config.ConfigFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqguard.spi.Managed;
import io.seqguard.spi.Phase;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.Verdict;
import io.seqguard.spi.config.ConfigReader;
import io.seqguard.storage.tck.TestAgents;
import io.seqguard.storage.tck.TestTimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqlitePluginTest {
    @TempDir
    Path home;

    @Test
    void serviceLoaderFindsTheSqlitePlugin() {
        List<Plugin> sqlite = ServiceLoader.load(Plugin.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(plugin -> plugin.id().equals("sqlite"))
                .toList();
        assertThat(sqlite).singleElement().isInstanceOf(SqlitePlugin.class);
        assertThat(sqlite.get(0).kind()).isEqualTo(PluginKind.STORAGE);
        assertThat(sqlite.get(0).configPath()).isEqualTo("seqguard.sqlite");
    }

    @Test
    void bootsFromReferenceConfUnderTheHomeAndStopsCleanlyTwice() throws Exception {
        ConfigReader config = ConfigReader.of(ConfigFactory.load(), home);
        Injector injector = Guice.createInjector(Stage.PRODUCTION, new AbstractModule() {
            @Override
            protected void configure() {
                binder().requireExplicitBindings();
                binder().requireAtInjectOnConstructors();
                // The server's CoreModule binds it (a Prometheus registry with the HTTP transport).
                bind(MeterRegistry.class).toInstance(new SimpleMeterRegistry());
                install(new SqlitePlugin().module(config));
            }
        });
        config.throwIfProblems();

        SequenceStore store = injector.getInstance(SequenceStore.class);
        Set<Managed> managed = injector.getInstance(Key.get(new TypeLiteral<Set<Managed>>() { }));
        assertThat(managed).singleElement().isSameAs(store);
        Managed component = managed.iterator().next();
        assertThat(component.phase()).isEqualTo(Phase.STORAGE);
        component.start();
        try {
            assertThat(store.checkAndAdvance(TestAgents.agent(TestAgents.guid(1)), 1, SequencePolicy.STRICT, TestTimes.T0).verdict())
                    .isEqualTo(Verdict.REGISTERED);
            assertThat(store.isReachable()).isTrue();
            assertThat(Files.exists(home.resolve("data/seqguard.db"))).as("default path resolved against the home").isTrue();
        } finally {
            component.stop();
            component.stop();
        }
        assertThat(store.isReachable()).isFalse();
    }
}
