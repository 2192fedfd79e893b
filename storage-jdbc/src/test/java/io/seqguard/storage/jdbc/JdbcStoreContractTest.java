package io.seqguard.storage.jdbc;

import io.seqguard.spi.SequenceStore;
import io.seqguard.storage.tck.SequenceStoreContract;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The storage kit against a real server. One fresh database per test class run, created on first
 * use and dropped at the end; every test gets a new store (its own pool) on emptied tables.
 */
abstract class JdbcStoreContractTest extends SequenceStoreContract {
    private static final Map<TestDatabase.Server, TestDatabase> DATABASES = new EnumMap<>(TestDatabase.Server.class);

    abstract TestDatabase.Server server();

    /** The store's strict-mode batch size: the default batches, 1 takes the single-statement path. */
    int batchSize() {
        return 64;
    }

    @Override
    protected SequenceStore createStore() throws Exception {
        TestDatabase db = DATABASES.get(server());
        if (db == null) {
            db = TestDatabase.create(server());
            DATABASES.put(server(), db);
        } else {
            db.emptyTables();
        }
        // Generous waits: the kit races 32 threads on 8 connections on a small shared machine.
        return new JdbcSequenceStore(db.config(db.url(), 8, Duration.ofSeconds(5), batchSize()));
    }

    /** A second node: its own pool on the same database. */
    @Override
    protected SequenceStore createPeerStore(SequenceStore first) {
        TestDatabase db = DATABASES.get(server());
        return new JdbcSequenceStore(db.config(db.url(), 8, Duration.ofSeconds(5), batchSize()));
    }

    @AfterAll
    static void dropDatabases() throws Exception {
        for (TestDatabase db : DATABASES.values()) {
            db.close();
        }
        DATABASES.clear();
    }
}
