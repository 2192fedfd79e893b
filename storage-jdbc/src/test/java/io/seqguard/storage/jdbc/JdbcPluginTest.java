package io.seqguard.storage.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.Managed;
import io.seqguard.spi.Phase;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.Verdict;
import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JdbcPluginTest {
    @Test
    void serviceLoaderFindsThePlugin() {
        assertThat(ServiceLoader.load(Plugin.class).stream().map(ServiceLoader.Provider::get))
                .filteredOn(p -> p instanceof JdbcPlugin)
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.kind()).isEqualTo(PluginKind.STORAGE);
                    assertThat(p.id()).isEqualTo("jdbc");
                    assertThat(p.configPath()).isEqualTo("seqguard.jdbc");
                });
    }

    /**
     * Boots the plugin's module from reference.conf with only the connection overridden, uses the
     * store, and stops it twice; twice over, as a restarted server would. PostgreSQL's trust
     * authentication ignores the password, which lets the test check that no log line, at any
     * level, carries it.
     */
    @Test
    void bootsFromReferenceConfAndStopsCleanlyTwiceWithoutLoggingThePassword() throws Exception {
        String password = "pw-" + UUID.randomUUID();
        ListAppender<ILoggingEvent> logs = captureAllLogs();
        try (TestDatabase db = TestDatabase.create(TestDatabase.Server.POSTGRESQL)) {
            Config config = ConfigFactory.parseMap(java.util.Map.of(
                            "seqguard.jdbc.url", db.url(),
                            "seqguard.jdbc.user", db.user(),
                            "seqguard.jdbc.password", password,
                            "seqguard.jdbc.pool-size", 2))
                    .withFallback(ConfigFactory.defaultReference())
                    .resolve();
            for (int boot = 0; boot < 2; boot++) {
                ConfigReader reader = ConfigReader.of(config, Path.of("."));
                var module = new JdbcPlugin().module(reader);
                reader.throwIfProblems();
                Injector injector = Guice.createInjector(Stage.PRODUCTION, module);
                Set<Managed> managed = injector.getInstance(Key.get(new TypeLiteral<Set<Managed>>() { }));
                SequenceStore store = injector.getInstance(SequenceStore.class);
                assertThat(managed).singleElement().isSameAs(store);
                assertThat(managed.iterator().next().phase()).isEqualTo(Phase.STORAGE);
                assertThat(store.isReachable()).isFalse();

                managed.iterator().next().start();
                assertThat(store.isReachable()).isTrue();
                AgentIdentity agent = AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
                assertThat(store.checkAndAdvance(agent, 1, SequencePolicy.STRICT, Instant.now()).verdict()).isEqualTo(Verdict.REGISTERED);
                assertThat(injector.getInstance(JdbcConfig.class).toString()).doesNotContain(password);

                managed.iterator().next().stop();
                managed.iterator().next().stop();
                assertThat(store.isReachable()).isFalse();
            }
        } finally {
            stopCapturing(logs);
        }
        assertThat(logs.list).isNotEmpty();
        assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(password));
    }

    private static ListAppender<ILoggingEvent> captureAllLogs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);
        root.setLevel(Level.ALL);
        context.getLogger("io.seqguard").setLevel(Level.ALL);
        return appender;
    }

    private static void stopCapturing(ListAppender<ILoggingEvent> appender) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(appender);
        root.setLevel(Level.WARN);
        context.getLogger("io.seqguard").setLevel(Level.INFO);
    }
}
