package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.TestAgents.agent;
import static io.seqguard.storage.tck.TestTimes.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.StorageException;
import java.util.Optional;

/**
 * What every area of the kit needs from the test that runs it. {@link SequenceStoreContract}
 * implements it; backend authors do not implement it themselves.
 */
public interface StoreFixture {
    /** The store under test, started, fresh and empty for each test method. */
    SequenceStore store();

    /**
     * A second store on the same database, started, as a second server node sees it; empty for a
     * backend one node owns alone. The default: empty.
     */
    default Optional<SequenceStore> peer() {
        return Optional.empty();
    }

    /** Whether the backend declared {@code capability} unsupported. */
    boolean lacks(Capability capability);

    /** How many rounds each concurrency test runs. */
    int rounds();

    /**
     * Whether every capability in {@code needed} is supported. For the first one that is not, it
     * first asserts that using it fails with {@link StorageException.Kind#UNSUPPORTED}, so a test
     * that needs a missing capability still checks something instead of being skipped:
     * {@code if (!supports(PURGE)) return;}.
     */
    default boolean supports(Capability... needed) {
        for (Capability capability : needed) {
            if (lacks(capability)) {
                assertUnsupported(capability);
                return false;
            }
        }
        return true;
    }

    /** Asserts that using {@code capability} fails with {@link StorageException.Kind#UNSUPPORTED}. */
    default void assertUnsupported(Capability capability) {
        assertThatThrownBy(() -> capability.exercise(store()))
                .as("%s is declared unsupported, so using it must fail with StorageException(UNSUPPORTED)", capability)
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.UNSUPPORTED));
    }

    /** Checks {@code received} for a GUID-only identity in strict mode at {@link TestTimes#T0}. */
    default CheckResult check(AgentGuid guid, long received) {
        return check(guid, received, 0);
    }

    /** Checks {@code received} for a GUID-only identity with {@code window} at {@link TestTimes#T0}. */
    default CheckResult check(AgentGuid guid, long received, int window) {
        return store().checkAndAdvance(agent(guid), received, SequencePolicy.window(window), T0);
    }
}
