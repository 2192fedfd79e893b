package io.seqguard.storage.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.SequenceStore;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Tests the kit itself: a {@code Managed} backend that lacks window mode, purge, agent info and the suspects
 * report still passes, because the kit asserts those fail as unsupported, and the kit stops
 * every store it started.
 */
class PartialStoreContractTest extends SequenceStoreContract {
    private static final Set<Capability> LACKING = EnumSet.of(Capability.WINDOW_MODE, Capability.PURGE, Capability.SUSPECTS, Capability.AGENT_INFO);

    @BeforeAll
    static void resetCounters() {
        PartialStore.STARTS.set(0);
        PartialStore.STOPS.set(0);
    }

    @AfterAll
    static void everyStartedStoreWasStopped() {
        assertThat(PartialStore.STARTS.get()).isPositive().isEqualTo(PartialStore.STOPS.get());
    }

    @Override
    protected SequenceStore createStore() {
        return new PartialStore(LACKING);
    }

    @Override
    protected Set<Capability> unsupportedCapabilities() {
        return LACKING;
    }

    @Override
    protected int concurrencyRounds() {
        return 20;
    }
}
