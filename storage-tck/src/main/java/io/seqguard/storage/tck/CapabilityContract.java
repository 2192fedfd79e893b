package io.seqguard.storage.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** Readiness, and the capabilities a backend declares it lacks. */
public interface CapabilityContract extends StoreFixture {
    @Test
    default void startedStoreIsReachable() {
        assertThat(store().isReachable()).isTrue();
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
