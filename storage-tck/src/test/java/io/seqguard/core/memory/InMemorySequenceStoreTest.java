package io.seqguard.core.memory;

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
}
