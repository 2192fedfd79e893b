package io.seqguard.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.core.bootstrap.SeqguardServer;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.Suspect;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.SuspectKind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The simulator against the real engine and in-memory store, in process (no HTTP). */
class SimulationTest {
    private static final FleetSpec SPEC = new FleetSpec(5, 2, 3, 2, 2, 12, 42);

    @TempDir
    Path home;

    private SeqguardServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private SeqguardServer start(String enforcement, int window) {
        server = SeqguardServer.builder().home(home).systemProperties(new Properties())
                .config("seqguard.storage", "memory")
                .config("seqguard.transports", List.of())
                .config("seqguard.services", List.of())
                .config("seqguard.sequence.enforcement", enforcement)
                .config("seqguard.sequence.window", window)
                .start();
        return server;
    }

    @Test
    void everyFaultProducesAnErrorAndHonestAgentsNone() {
        for (int requests = FleetSpec.MIN_REQUESTS; requests <= 20; requests++) {
            List<SimulatedGuid> fleet = FleetPlan.build(new FleetSpec(1, 1, 2, 1, 1, requests, requests));
            for (SimulatedGuid guid : fleet) {
                long stale = guid.plan().stream().filter(r -> !guid.predictAndAdvance(r.sequence(), 0)).count();
                assertThat(stale > 0).as("%s with %d requests has a stale request", guid.fault(), requests)
                        .isEqualTo(guid.fault() != Fault.HONEST);
            }
        }
    }

    @Test
    void theSamePlanForTheSameSeed() {
        assertThat(FleetPlan.build(SPEC).get(7).plan()).isEqualTo(FleetPlan.build(SPEC).get(7).plan());
        assertThat(FleetPlan.build(SPEC).get(0).guid()).isEqualTo(FleetPlan.build(SPEC).get(0).guid());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 64})
    void aCorrectServerPassesEveryInvariant(int window) throws InterruptedException {
        start("enforce", window);
        List<SimulatedGuid> fleet = FleetPlan.build(SPEC);
        Simulation simulation = new Simulation(fleet, new EngineEndpoint(server.guard()), 4, 0, Duration.ofMinutes(5), window, false);

        Tally tally = simulation.run();

        assertThat(tally.requests()).isEqualTo(SPEC.totalRequests());
        assertThat(tally.rejectedExpected()).isPositive();
        assertThat(tally.accepted()).isPositive();
        assertThat(tally.replaysAccepted()).isZero();
        assertThat(tally.rejectedUnexpected()).isZero();
        assertThat(tally.honestRejected()).isZero();
        assertThat(tally.otherAnswers() + tally.failures()).isZero();
        assertThat(tally.latencyNanos(0.5)).isPositive().isLessThanOrEqualTo(tally.latencyNanos(0.99));
        assertThat(simulation.timedOut()).isFalse();

        // The store's suspects report classifies every injected fault as the simulator expects.
        List<Suspect> suspects = server.instance(SequenceStore.class).findSuspects(Instant.now().minus(Duration.ofHours(1)), 1000);
        Map<AgentGuid, SuspectKind> reported = new HashMap<>();
        suspects.forEach(s -> reported.put(s.guid(), s.kind()));
        List<SuspectComparison.Line> lines = SuspectComparison.compare(fleet, reported);
        assertThat(lines).hasSize(SPEC.clonedImages() + SPEC.snapshotRestores() + SPEC.frozenMachines())
                .allMatch(SuspectComparison.Line::matches);
    }

    @Test
    void aServerThatLetsReplaysThroughFailsTheInvariant() throws InterruptedException {
        // An audit-mode server accepts stale numbers; told the server enforces, the simulator must notice.
        start("audit", 0);
        Simulation simulation = new Simulation(FleetPlan.build(SPEC), new EngineEndpoint(server.guard()), 4, 0, Duration.ofMinutes(5), 0, false);

        Tally tally = simulation.run();

        assertThat(tally.replaysAccepted()).isPositive();
        assertThat(tally.honestRejected()).isZero();
    }

    @Test
    void aServerThatRejectsHonestAgentsFailsTheInvariant() throws InterruptedException {
        start("enforce", 0);
        List<SimulatedGuid> fleet = FleetPlan.build(new FleetSpec(3, 0, 2, 0, 0, 6, 7));
        // The server already saw much higher numbers for these GUIDs (as if a clone had been there first).
        for (SimulatedGuid guid : fleet) {
            new EngineEndpoint(server.guard()).send(guid.guid(), guid.machines().get(0), 1_000_000);
        }
        Simulation simulation = new Simulation(fleet, new EngineEndpoint(server.guard()), 2, 0, Duration.ofMinutes(5), 0, false);

        Tally tally = simulation.run();

        assertThat(tally.honestRejected()).isEqualTo(18);
        assertThat(tally.rejectedUnexpected()).isEqualTo(18);
    }

    @Test
    void theRateLimitAndTheDeadlineBoundTheRun() throws InterruptedException {
        start("enforce", 0);
        // 1 request per second for at most 1.5 seconds: the slots at 0 s and 1 s fit, the one at 2 s does not.
        Simulation simulation = new Simulation(FleetPlan.build(SPEC), new EngineEndpoint(server.guard()), 2, 1, Duration.ofMillis(1500), 0, false);

        Tally tally = simulation.run();

        assertThat(simulation.timedOut()).isTrue();
        assertThat(tally.requests()).isBetween(1L, 2L);
    }
}
