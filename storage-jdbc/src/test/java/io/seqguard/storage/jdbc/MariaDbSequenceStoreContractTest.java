package io.seqguard.storage.jdbc;

/** The whole storage kit against the real MariaDB server. */
class MariaDbSequenceStoreContractTest extends JdbcStoreContractTest {
    @Override
    TestDatabase.Server server() {
        return TestDatabase.Server.MARIADB;
    }
}
