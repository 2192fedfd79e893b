package io.seqguard.storage.jdbc;

/** The whole storage kit against the real PostgreSQL server. */
class PostgresSequenceStoreContractTest extends JdbcStoreContractTest {
    @Override
    TestDatabase.Server server() {
        return TestDatabase.Server.POSTGRESQL;
    }
}
