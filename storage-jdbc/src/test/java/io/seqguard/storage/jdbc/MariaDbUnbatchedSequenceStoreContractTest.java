package io.seqguard.storage.jdbc;

/**
 * The whole storage kit against MariaDB with {@code batch-size = 1}: every strict check-in is
 * its own conditional upsert on the caller's thread, the path the batched kit run never takes.
 */
class MariaDbUnbatchedSequenceStoreContractTest extends JdbcStoreContractTest {
    @Override
    TestDatabase.Server server() {
        return TestDatabase.Server.MARIADB;
    }

    @Override
    int batchSize() {
        return 1;
    }
}
