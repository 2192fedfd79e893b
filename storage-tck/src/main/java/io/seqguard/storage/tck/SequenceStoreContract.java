package io.seqguard.storage.tck;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.Managed;
import io.seqguard.spi.SequenceStore;
import java.util.Optional;
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
        CapabilityContract,
        MultiNodeContract {
    private SequenceStore store;
    private SequenceStore peer;
    private boolean peerAsked;

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

    /**
     * A second store on the same database as {@code first}, as a second server node opens it, not
     * yet started; the kit starts and stops it like the first. With one, the kit runs
     * {@link MultiNodeContract} across the two: one (GUID, number) accepted once whichever node
     * it reaches, no node answering from a stale copy, the hourly cap exact and purged rows
     * counted once. Null (the default) for a backend one node owns alone, whose multi-node tests
     * are then skipped with a message. Called at most once per test, only by tests that need it.
     */
    protected SequenceStore createPeerStore(SequenceStore first) throws Exception {
        return null;
    }

    /** Rounds per concurrency test, 200 by default; a backend may raise it for a soak run. */
    protected int concurrencyRounds() {
        return 200;
    }

    @BeforeEach
    final void startStore() throws Exception {
        SequenceStore created = requireNonNull(createStore(), "createStore() returned null");
        start(created);
        store = created;
    }

    /** Starts a {@link Managed} store; as the server does, one whose start failed half-way is stopped too. */
    private static void start(SequenceStore created) throws Exception {
        if (created instanceof Managed managed) {
            try {
                managed.start();
            } catch (Exception | Error e) {
                try {
                    managed.stop();
                } catch (Exception | Error stopFailure) {
                    e.addSuppressed(stopFailure);
                }
                throw e;
            }
        }
    }

    @AfterEach
    final void stopStore() throws Exception {
        SequenceStore stoppingPeer;
        SequenceStore stopping;
        synchronized (this) {
            stoppingPeer = peer;
            stopping = store;
            peer = null;
            peerAsked = false;
            store = null;
        }
        Exception first = null;
        for (SequenceStore each : new SequenceStore[] {stoppingPeer, stopping}) {
            try {
                if (each instanceof Managed managed) {
                    managed.stop();
                }
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public final synchronized Optional<SequenceStore> peer() {
        if (!peerAsked) {
            peerAsked = true;
            SequenceStore first = store();
            try {
                SequenceStore created = createPeerStore(first);
                if (created == first) {
                    throw new IllegalStateException("createPeerStore returned the first store itself; a peer is a second store on the same"
                            + " database (the kit would start and stop one store twice)");
                }
                if (created != null) {
                    start(created);
                    peer = created;
                }
            } catch (Exception e) {
                throw new IllegalStateException("createPeerStore failed", e);
            }
        }
        return Optional.ofNullable(peer);
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
