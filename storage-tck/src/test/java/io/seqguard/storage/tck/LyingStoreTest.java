package io.seqguard.storage.tck;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.core.memory.InMemorySequenceStore;
import io.seqguard.spi.SequenceStore;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Tests the kit itself: declaring a capability unsupported that the store does offer fails. */
class LyingStoreTest {
    @Test
    void declaringAWorkingCapabilityUnsupportedFails() {
        StoreFixture fixture = new StoreFixture() {
            private final SequenceStore store = new InMemorySequenceStore();

            @Override
            public SequenceStore store() {
                return store;
            }

            @Override
            public boolean lacks(Capability capability) {
                return EnumSet.of(Capability.PURGE).contains(capability);
            }

            @Override
            public int rounds() {
                return 1;
            }
        };

        assertThatThrownBy(() -> fixture.assertUnsupported(Capability.PURGE)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> fixture.supports(Capability.PURGE)).isInstanceOf(AssertionError.class);
    }
}
