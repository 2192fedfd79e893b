package io.seqguard.storage.tck;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.Managed;
import io.seqguard.spi.SequenceStore;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The storage contract kit: every {@link SequenceStore} backend's test extends this class and
 * supplies a fresh store. JUnit runs the tests of every area interface this class implements;
 * a backend's test class adds nothing else.
 *
 * <pre>{@code
 * class MyStoreContractTest extends SequenceStoreContract {
 *     @Override
 *     protected SequenceStore createStore() {
 *         return new MyStore(freshDatabase());
 *     }
 * }
 * }</pre>
 *
 * <p>Each test method gets its own store from {@link #createStore()}. When the store implements
 * {@link Managed} the kit starts it before the test and stops it afterwards, also when the test
 * failed, and also when its start failed (as the server does). Tests use fixed instants from
 * {@link TestTimes}, never the wall clock, and never sleep; concurrency tests race real threads.
 */
public abstract class SequenceStoreContract implements
        StrictCheckContract,
        WindowCheckContract,
        ConcurrencyContract,
        AsyncCheckContract,
        ResetContract,
        AgentInfoContract,
        ErrorRowContract,
        HourlyCapContract,
        PurgeContract,
        ErrorQueryContract,
        SuspectsContract,
        CapabilityContract {
    private SequenceStore store;

    /**
     * A new, empty store for one test method: no agents and no error rows. Not yet started;
     * the kit starts it when it is {@link Managed}.
     */
    protected abstract SequenceStore createStore() throws Exception;

    /**
     * The capabilities this backend lacks; for each of them the kit asserts that its calls fail
     * with {@code StorageException} of kind {@code UNSUPPORTED}. Empty by default.
     */
    protected Set<Capability> unsupportedCapabilities() {
        return Set.of();
    }

    /** Rounds per concurrency test, 200 by default; a backend may raise it for a soak run. */
    protected int concurrencyRounds() {
        return 200;
    }

    @BeforeEach
    final void startStore() throws Exception {
        SequenceStore created = requireNonNull(createStore(), "createStore() returned null");
        if (created instanceof Managed managed) {
            try {
                managed.start();
            } catch (Exception | Error e) {
                // As the server does: a store whose start failed half-way is stopped too.
                try {
                    managed.stop();
                } catch (Exception | Error stopFailure) {
                    e.addSuppressed(stopFailure);
                }
                throw e;
            }
        }
        store = created;
    }

    @AfterEach
    final void stopStore() throws Exception {
        SequenceStore stopping = store;
        store = null;
        if (stopping instanceof Managed managed) {
            managed.stop();
        }
    }

    @Override
    public final SequenceStore store() {
        if (store == null) {
            throw new IllegalStateException("no store: createStore() failed or the test has ended");
        }
        return store;
    }

    @Override
    public final boolean lacks(Capability capability) {
        return unsupportedCapabilities().contains(capability);
    }

    @Override
    public final int rounds() {
        return concurrencyRounds();
    }
}
