package io.seqguard.storage.tck;

import io.seqguard.core.memory.InMemorySequenceStore;
import io.seqguard.spi.ForwardingSequenceStore;
import io.seqguard.spi.SequenceStore;

/**
 * Tests the kit itself: a peer that shares the first store's state, as a second node on one
 * database does, passes the multi-node area (and the rest of the kit).
 */
class SharedMemoryPeerContractTest extends SequenceStoreContract {
    @Override
    protected SequenceStore createStore() {
        return new InMemorySequenceStore();
    }

    @Override
    protected SequenceStore createPeerStore(SequenceStore first) {
        return new ForwardingSequenceStore(first) { };
    }

    @Override
    protected int concurrencyRounds() {
        return 20;
    }
}
