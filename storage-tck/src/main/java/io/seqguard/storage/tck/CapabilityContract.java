package io.seqguard.storage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.seqguard.spi.StoreCapability;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Readiness, and the capabilities a backend declares it lacks. */
public interface CapabilityContract extends StoreFixture {
    @Test
    default void startedStoreIsReachable() {
        assertThat(store().isReachable()).isTrue();
    }

    @Test
    default void theStoreDeclaresWhatItOffersAsTheKitWasTold() {
        // Start-up refuses a configuration that needs what capabilities() leaves out: it must tell the truth.
        Set<StoreCapability> expected = EnumSet.allOf(StoreCapability.class);
        for (Capability capability : Capability.values()) {
            if (lacks(capability)) {
                expected.remove(capability.spi());
            }
        }
        assertThat(store().capabilities()).as("SequenceStore.capabilities() against unsupportedCapabilities()")
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    default void everyDeclaredUnsupportedCapabilityFailsAsUnsupported() {
        for (Capability capability : Capability.values()) {
            if (lacks(capability)) {
                assertUnsupported(capability);
            }
        }
    }

    @Test
    default void everyOtherCapabilityWorks() {
        for (Capability capability : Capability.values()) {
            if (!lacks(capability)) {
                assertThatCode(() -> capability.exercise(store()))
                        .as("%s is not declared unsupported, so it must work", capability)
                        .doesNotThrowAnyException();
            }
        }
    }
}
