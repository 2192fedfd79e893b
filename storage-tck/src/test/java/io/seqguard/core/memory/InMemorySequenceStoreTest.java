package io.seqguard.core.memory;

import io.seqguard.spi.ForwardingSequenceStore;
import io.seqguard.spi.SequenceStore;
import io.seqguard.storage.tck.SequenceStoreContract;

/**
 * The in-memory store against the whole contract kit. It lives in the kit's module because core
 * cannot depend on the kit (the kit depends on core, and Maven forbids the cycle).
 */
class InMemorySequenceStoreTest extends SequenceStoreContract {
    @Override
    protected SequenceStore createStore() {
        return new InMemorySequenceStore();
    }

    /**
     * Its "database" is the instance: a second handle to it is a second node on the same data, so
     * the kit's multi-node area runs too, and shows that it passes a store whose nodes share state.
     */
    @Override
    protected SequenceStore createPeerStore(SequenceStore first) {
        return new ForwardingSequenceStore(first) { };
    }
}
