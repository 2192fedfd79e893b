package io.seqguard.core.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import io.seqguard.core.memory.InMemorySequenceStore;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentRequest;
import io.seqguard.spi.AgentRequestHandler;
import io.seqguard.spi.AgentResponse;
import io.seqguard.spi.CheckInOutcome.Status;
import io.seqguard.spi.ForwardingSequenceStore;
import io.seqguard.spi.Managed;
import io.seqguard.spi.Phase;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.StoreCapability;
import io.seqguard.spi.config.ConfigException;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeqguardServerTest {
    @TempDir
    Path home;

    @BeforeEach
    void clear() {
        RecordingTransportPlugin.EVENTS.clear();
    }

    private SeqguardServer.Builder builder(boolean failingTransport) {
        return SeqguardServer.builder()
                .home(home)
                .systemProperties(new Properties())
                .config("seqguard.storage", "memory")
                .config("seqguard.transports", List.of("recording"))
                .config("seqguard.services", List.of())
                .plugin(new RecordingTransportPlugin(failingTransport));
    }

    @Test
    void theStartLineSaysHowNumbersAreCheckedAndAuditModeIsAWarning() {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(SeqguardServer.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try {
            builder(false).start().stop();
            builder(false).config("seqguard.sequence.enforcement", "audit").config("seqguard.sequence.window", 64).start().stop();
        } finally {
            log.detachAppender(lines);
        }
        List<String> started = lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage())
                .filter(l -> l.contains(" seqguard started:") || l.contains(" enforcement is audit")).toList();
        assertThat(started).hasSize(3);
        assertThat(started.get(0)).startsWith("INFO seqguard started:").endsWith("enforcement enforce, strict (no window)");
        assertThat(started.get(1)).startsWith("INFO seqguard started:").endsWith("enforcement audit, window 64");
        assertThat(started.get(2)).startsWith("WARN enforcement is audit: stale sequence numbers are recorded but accepted");
    }

    @Test
    void aStoreWithoutWhatTheConfigurationNeedsIsRefusedNamingTheKeys() {
        Plugin strictOnly = new Plugin() {
            @Override
            public PluginKind kind() {
                return PluginKind.STORAGE;
            }

            @Override
            public String id() {
                return "strict-only";
            }

            @Override
            public String configPath() {
                return null;
            }

            @Override
            public com.google.inject.Module module(ConfigReader config) {
                return binder -> binder.bind(SequenceStore.class).toInstance(new ForwardingSequenceStore(new InMemorySequenceStore()) {
                    @Override
                    public Set<StoreCapability> capabilities() {
                        return EnumSet.of(StoreCapability.RESET, StoreCapability.AGENT_INFO);
                    }
                });
            }
        };

        Plugin purgeService = new Plugin() {
            @Override
            public PluginKind kind() {
                return PluginKind.SERVICE;
            }

            @Override
            public String id() {
                return "purge";
            }

            @Override
            public String configPath() {
                return null;
            }

            @Override
            public com.google.inject.Module module(ConfigReader config) {
                return binder -> { };
            }
        };

        assertThatThrownBy(() -> builder(false).plugin(strictOnly).plugin(purgeService).config("seqguard.storage", "strict-only")
                .config("seqguard.sequence.window", 64).config("seqguard.services", List.of("purge")).start())
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::key, ConfigProblem::problem)
                        .containsExactly(
                                tuple("seqguard.sequence.window", "needs window mode, which the storage plugin 'strict-only' does not offer; set 0 (strict)"),
                                tuple("seqguard.errors.sinks", "names the 'table' sink, but the storage plugin 'strict-only' has no error table; leave it out"),
                                tuple("seqguard.services", "names the 'purge' service, but the storage plugin 'strict-only' cannot purge error rows; leave it out")));
        assertThat(RecordingTransportPlugin.EVENTS).as("nothing started").isEmpty();

        // Asked for nothing it lacks, the same store runs.
        SeqguardServer server = builder(false).plugin(strictOnly).config("seqguard.storage", "strict-only")
                .config("seqguard.errors.sinks", List.of("server-log")).start();
        server.stop();
    }

    @Test
    void valuesSetInCodeMayBePathsAndDurationsAndAnythingElseIsRefusedNamingTheKey() {
        SeqguardServer server = builder(false).config("seqguard.plugins.dir", home.resolve("no-plugins"))
                .config("seqguard.purge.interval", java.time.Duration.ofMinutes(5).plusNanos(500))
                // A section and a key inside it: key by key, the later one wins where they meet.
                .config("seqguard.errors.table", java.util.Map.of("max-per-hour", 7, "history-days", 3))
                .config("seqguard.errors.table.history-days", 4)
                .config("seqguard.errors.sinks", java.util.Set.of("server-log")).start();
        try {
            assertThat(server.config().config().getString("seqguard.plugins.dir")).isEqualTo(home.resolve("no-plugins").toString());
            assertThat(server.config().config().getDuration("seqguard.purge.interval")).isEqualTo(java.time.Duration.ofMinutes(5).plusNanos(500));
            assertThat(server.config().config().getInt("seqguard.errors.table.max-per-hour")).isEqualTo(7);
            assertThat(server.config().config().getInt("seqguard.errors.table.history-days")).isEqualTo(4);
            assertThat(server.endpoints()).as("the recording transport's").isNotEmpty();
        } finally {
            server.stop();
        }
        assertThat(server.endpoints()).as("once stopped").isEmpty();
        assertThatThrownBy(() -> builder(false).config("storage", "memory"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("start with seqguard.: storage");
        assertThatThrownBy(() -> builder(false).config("seqguard.sqlite.path", new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("seqguard.sqlite.path: a java.lang.Object is not");
    }

    @Test
    void bootsChecksInAndStopsCleanlyTwice() {
        for (int run = 0; run < 2; run++) {
            SeqguardServer server = builder(false).start();
            AgentGuid guid = AgentGuid.of(UUID.randomUUID());
            var transport = server.instance(RecordingTransportPlugin.RecordingTransport.class);

            assertThat(transport.guard().checkIn(AgentRequest.of(AgentIdentity.of(guid), 1)).status()).isEqualTo(Status.ACCEPTED);
            assertThat(transport.guard().checkIn(AgentRequest.of(AgentIdentity.of(guid), 1)).status()).isEqualTo(Status.STALE);
            assertThat(server.instance(SequenceStore.class).agentInfo(guid, java.time.Instant.EPOCH)).isPresent();

            server.stop();
            server.stop();
        }
        assertThat(RecordingTransportPlugin.EVENTS).containsExactly("transport started", "transport stopped", "transport started",
                "transport stopped");
    }

    @Test
    void startsByPhaseAndStopsInReverseAlsoAfterAFailedStart() {
        class Probe implements Managed {
            private final Phase phase;

            Probe(Phase phase) {
                this.phase = phase;
            }

            @Override
            public Phase phase() {
                return phase;
            }

            @Override
            public void start() {
                RecordingTransportPlugin.EVENTS.add(phase + " started");
            }

            @Override
            public void stop() {
                RecordingTransportPlugin.EVENTS.add(phase + " stopped");
            }
        }
        AbstractModule probes = new AbstractModule() {
            @Override
            protected void configure() {
                Multibinder<Managed> managed = Multibinder.newSetBinder(binder(), Managed.class);
                managed.addBinding().toInstance(new Probe(Phase.SERVICE));
                managed.addBinding().toInstance(new Probe(Phase.STORAGE));
            }
        };

        assertThatThrownBy(() -> builder(true).module(probes).start())
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("port in use");
        // The transport whose start failed is stopped first: it may hold what it opened before it failed.
        assertThat(RecordingTransportPlugin.EVENTS).containsExactly("STORAGE started", "SERVICE started", "transport stopped",
                "SERVICE stopped", "STORAGE stopped");
    }

    @Test
    void anIntegratorBindsItsOwnHandlerInCode() {
        AgentRequestHandler handler = request -> AgentResponse.json("{\"mine\":" + request.sequence() + "}");
        try (SeqguardServer server = builder(false)
                .module(binder -> OptionalBinder.newOptionalBinder(binder, AgentRequestHandler.class).setBinding().toInstance(handler))
                .start()) {
            AgentResponse response = server.guard().checkIn(AgentRequest.of(AgentIdentity.of(AgentGuid.of(UUID.randomUUID())), 5))
                    .response();
            assertThat(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"mine\":5}");
        }
    }

    @Test
    void aMissingSelectionNamesTheAvailableIdsAndStartsNothing() {
        assertThatThrownBy(() -> builder(false).config("seqguard.storage", "cassandra").config("seqguard.transports", List.of("carrier-pigeon"))
                .start())
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(2);
                    assertThat(e.getMessage())
                            .contains("1) seqguard.storage = \"cassandra\"")
                            .contains("no storage plugin has this id; available: memory")
                            .contains("2) seqguard.transports = \"carrier-pigeon\"")
                            .contains("available: recording");
                });
        assertThat(RecordingTransportPlugin.EVENTS).isEmpty();
    }
}
