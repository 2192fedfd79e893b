package io.seqguard.storage.jdbc;

import io.seqguard.spi.SequenceStore;
import io.seqguard.storage.tck.SequenceStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole storage kit against PostgreSQL with {@code batch-size = 1}: every strict check-in is
 * its own conditional upsert on the caller's thread, the path the batched kit run never takes.
 */
class PostgresUnbatchedSequenceStoreContractTest extends SequenceStoreContract {
    private static TestDatabase db;
    private static boolean fresh;

    @BeforeAll
    static void createDatabase() {
        db = TestDatabase.create(TestDatabase.Server.POSTGRESQL);
        fresh = true;
    }

    @Override
    protected SequenceStore createStore() throws Exception {
        if (!fresh) {
            db.emptyTables();
        }
        fresh = false;
        return new JdbcSequenceStore(db.config(db.url(), 8, Duration.ofSeconds(5), 1));
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (db != null) {
            db.close();
        }
    }
}
