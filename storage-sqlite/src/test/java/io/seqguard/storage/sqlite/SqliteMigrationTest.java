package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.Verdict;
import io.seqguard.storage.tck.TestAgents;
import io.seqguard.storage.tck.TestErrors;
import io.seqguard.storage.tck.TestTimes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file written by schema version 1 is upgraded in place, keeping its agents and error rows. */
class SqliteMigrationTest {
    @TempDir
    Path folder;

    @Test
    void schemaVersionConstantMatchesTheShippedScripts() {
        var latest = Flyway.configure(SqliteDatabase.class.getClassLoader())
                .dataSource("jdbc:sqlite:" + folder.resolve("info.db"), null, null)
                .locations(SqliteDatabase.MIGRATIONS)
                .table(SqliteDatabase.HISTORY_TABLE)
                .load()
                .info()
                .all();
        assertThat(Integer.parseInt(latest[latest.length - 1].getVersion().getVersion())).isEqualTo(SqliteDatabase.SCHEMA_VERSION);
    }

    @Test
    void versionOneFileIsMigratedAndKeepsItsData() throws Exception {
        Path file = folder.resolve("v1.db");
        String url = "jdbc:sqlite:" + file;
        // Exactly what a version-1 seqguard left behind: its schema and Flyway history, then data.
        Flyway.configure(SqliteDatabase.class.getClassLoader())
                .dataSource(url, null, null)
                .locations(SqliteDatabase.MIGRATIONS)
                .table(SqliteDatabase.HISTORY_TABLE)
                .target("1")
                .load()
                .migrate();
        String guid = TestAgents.guid(7).toString();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO agents (guid, last, ring, first_seen, last_seen, node_name, mac_address, ip_address) "
                    + "VALUES ('" + guid + "', 41, NULL, '2024-03-01 09:00:00.000', '2024-03-01 09:30:00.250', 'pc-7', '001122AABBCC', '10.1.2.3')");
            s.execute("INSERT INTO EPOAgentSequenceErrorLog (AgentGUID, NodeName, IPAddress, MACAddress, TheTimestamp) "
                    + "VALUES ('" + guid + "', 'pc-7', '10.1.2.3', '001122AABBCC', '2024-03-01 09:45:00.125')");
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pragma_table_info('EPOAgentSequenceErrorLog') WHERE name = 'Received'")) {
                assertThat(rs.getInt(1)).as("version 1 has no Received column").isZero();
            }
        }

        SqliteSequenceStore store = new SqliteSequenceStore(SqliteConfig.defaults(file));
        store.start();
        try {
            assertThat(store.agentInfo(TestAgents.guid(7), TestTimes.hour(-2))).get().satisfies(info -> {
                assertThat(info.last()).isEqualTo(41);
                assertThat(info.lastNodeName().value()).isEqualTo("pc-7");
                assertThat(info.lastSeen()).isEqualTo(TestTimes.at("PT-30M").plusMillis(250));
                assertThat(info.recentErrors()).isEqualTo(1);
            });
            List<ErrorRow> rows = store.findErrors(ErrorQuery.latest(10));
            assertThat(rows).singleElement().satisfies(row -> {
                assertThat(row.error().time()).isEqualTo(TestTimes.at("PT-15M").plusMillis(125));
                assertThat(row.error().received()).as("not recorded by version 1").isEqualTo(-1);
                assertThat(row.error().enforced()).isTrue();
            });
            assertThat(store.checkAndAdvance(TestAgents.agent(TestAgents.guid(7)), 41, SequencePolicy.STRICT, TestTimes.T0).verdict())
                    .isEqualTo(Verdict.STALE);
            assertThat(store.recordError(TestErrors.error(TestAgents.agent(TestAgents.guid(7)), TestTimes.T0, 41, 41, true), 10)).isTrue();
        } finally {
            store.stop();
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT MAX(CAST(version AS INTEGER)) FROM " + SqliteDatabase.HISTORY_TABLE + " WHERE success = 1")) {
            assertThat(rs.getInt(1)).isEqualTo(SqliteDatabase.SCHEMA_VERSION);
        }
    }
}
