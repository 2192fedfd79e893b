package io.seqguard.purge;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqguard.core.config.ErrorTableConfig;
import io.seqguard.core.engine.EngineMetrics;
import io.seqguard.core.engine.ErrorPurge;
import io.seqguard.core.memory.InMemorySequenceStore;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.SequenceError;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PurgeSchedulerTest {
    private static final Instant START = Instant.parse("2024-03-10T12:00:00Z");
    private static final Duration INTERVAL = Duration.ofHours(24);
    private static final int HISTORY_DAYS = 7;

    private final MutableClock clock = new MutableClock(START);
    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemorySequenceStore memory = new InMemorySequenceStore();
    private final FlakyStore store = new FlakyStore(memory);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private PurgeScheduler purge;

    @BeforeEach
    void setUp() {
        ErrorPurge errorPurge = new ErrorPurge(store, new ErrorTableConfig(1000, List.of("table"), HISTORY_DAYS), clock,
                new EngineMetrics(registry));
        purge = new PurgeScheduler(errorPurge, INTERVAL, scheduler);
    }

    @Test
    void startPurgesOnceAndSchedulesTheInterval() {
        error(START.minus(Duration.ofDays(8)));
        error(START.minus(Duration.ofDays(6)));

        purge.start();

        assertThat(store.cutoffs).containsExactly(START.minus(Duration.ofDays(HISTORY_DAYS)));
        assertThat(rows()).isEqualTo(1);
        assertThat(purge.succeeded()).isEqualTo(1);
        assertThat(purge.deleted()).isEqualTo(1);
        assertThat(scheduler.tasks()).singleElement().satisfies(task -> {
            assertThat(task.delay).isEqualTo(INTERVAL);
            assertThat(task.name).isEqualTo(PurgeScheduler.THREAD_NAME);
        });
        assertThat(registry.get(EngineMetrics.PURGED).counter().count()).isEqualTo(1.0);
    }

    @Test
    void eachTickPurgesWithTheConfiguredHistory() {
        purge.start();
        // Errors now and one day later: the first falls out of the history on tick 8, the second on tick 9.
        error(START);
        error(START.plus(Duration.ofDays(1)));

        for (int day = 1; day <= 9; day++) {
            clock.advance(INTERVAL);
            assertThat(scheduler.tick()).isEqualTo(1);
            assertThat(store.cutoffs.get(day)).isEqualTo(START.plus(INTERVAL.multipliedBy(day)).minus(Duration.ofDays(HISTORY_DAYS)));
            long expectedRows = day < 8 ? 2 : day == 8 ? 1 : 0;
            assertThat(rows()).as("rows after day %d", day).isEqualTo(expectedRows);
        }
        assertThat(purge.succeeded()).isEqualTo(10);
        assertThat(purge.deleted()).isEqualTo(2);
    }

    @Test
    void failedPurgeIsCountedAndRetriedAtTheNextTick() {
        error(START.minus(Duration.ofDays(30)));
        store.failPurges = true;

        purge.start(); // must not throw: a failed purge never stops the server
        assertThat(purge.failed()).isEqualTo(1);
        assertThat(rows()).isEqualTo(1);
        assertThat(registry.get(EngineMetrics.PURGE_FAILURES).counter().count()).isEqualTo(1.0);

        clock.advance(INTERVAL);
        scheduler.tick();
        assertThat(purge.failed()).isEqualTo(2);

        store.failPurges = false;
        clock.advance(INTERVAL);
        scheduler.tick();
        assertThat(purge.succeeded()).isEqualTo(1);
        assertThat(purge.deleted()).isEqualTo(1);
        assertThat(rows()).isZero();
        assertThat(store.cutoffs).hasSize(3);
    }

    @Test
    void stopCancelsTheTicksAndIsIdempotent() {
        purge.start();
        purge.stop();
        purge.stop();

        assertThat(scheduler.tick()).isZero();
        assertThat(store.cutoffs).hasSize(1);

        purge.start(); // a stopped scheduler stays stopped
        assertThat(store.cutoffs).hasSize(1);
    }

    @Test
    void stopBeforeStartDoesNothing() {
        purge.stop();
        assertThat(scheduler.tasks()).isEmpty();
        assertThat(store.cutoffs).isEmpty();
    }

    private void error(Instant time) {
        AgentIdentity agent = AgentIdentity.of(AgentGuid.of(UUID.randomUUID()));
        assertThat(memory.recordError(new SequenceError(agent, time, 1, 2, true), 1000)).isTrue();
    }

    private long rows() {
        return memory.findErrors(ErrorQuery.latest(ErrorQuery.MAX_LIMIT)).size();
    }
}
