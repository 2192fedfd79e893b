package io.seqguard.storage.jdbc;

/**
 * The whole storage kit against PostgreSQL with {@code batch-size = 1}: every strict check-in is
 * its own conditional upsert on the caller's thread, the path the batched kit run never takes.
 */
class PostgresUnbatchedSequenceStoreContractTest extends JdbcStoreContractTest {
    @Override
    TestDatabase.Server server() {
        return TestDatabase.Server.POSTGRESQL;
    }

    @Override
    int batchSize() {
        return 1;
    }
}
