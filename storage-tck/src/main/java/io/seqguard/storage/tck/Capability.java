package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.TestAgents.agent;
import static io.seqguard.storage.tck.TestAgents.guid;
import static io.seqguard.storage.tck.TestErrors.error;
import static io.seqguard.storage.tck.TestTimes.T0;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.StoreCapability;

/**
 * A part of {@link SequenceStore} a backend may lack. Strict check-and-advance and
 * {@link SequenceStore#isReachable()} are not optional. A backend names what it lacks in
 * {@link SequenceStoreContract#unsupportedCapabilities()}; the kit then asserts that each call
 * of that capability fails with {@code StorageException} of kind {@code UNSUPPORTED}, and that
 * {@link SequenceStore#capabilities()} leaves exactly those out.
 */
public enum Capability {
    /** {@link SequenceStore#checkAndAdvance} with a window greater than 0. */
    WINDOW_MODE {
        @Override
        void exercise(SequenceStore store) {
            store.checkAndAdvance(agent(PROBE), 1, SequencePolicy.window(64), T0);
        }
    },
    /** {@link SequenceStore#reset}. */
    RESET {
        @Override
        void exercise(SequenceStore store) {
            store.reset(PROBE);
        }
    },
    /** {@link SequenceStore#agentInfo}. */
    AGENT_INFO {
        @Override
        void exercise(SequenceStore store) {
            store.agentInfo(PROBE, T0);
        }
    },
    /** {@link SequenceStore#recordError}, the error table. */
    ERROR_TABLE {
        @Override
        void exercise(SequenceStore store) {
            store.recordError(error(PROBE, T0), 10);
        }
    },
    /** {@link SequenceStore#purgeErrorsBefore}. */
    PURGE {
        @Override
        void exercise(SequenceStore store) {
            store.purgeErrorsBefore(T0);
        }
    },
    /** {@link SequenceStore#findErrors}. */
    ERROR_QUERY {
        @Override
        void exercise(SequenceStore store) {
            store.findErrors(ErrorQuery.latest(10));
        }
    },
    /** {@link SequenceStore#findSuspects}. */
    SUSPECTS {
        @Override
        void exercise(SequenceStore store) {
            store.findSuspects(T0, 10);
        }
    };

    /** The agent probes act for; no test uses it otherwise. */
    private static final AgentGuid PROBE = guid(0xFFFF_FFFF_FFFFL);

    /** Makes one call that needs this capability. */
    abstract void exercise(SequenceStore store);

    /** The capability as {@link SequenceStore#capabilities()} names it. */
    public StoreCapability spi() {
        return StoreCapability.valueOf(name());
    }
}
