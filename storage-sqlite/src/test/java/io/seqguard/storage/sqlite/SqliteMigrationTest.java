package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
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
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written by earlier schema versions are upgraded in place, keeping their agents and error rows. */
class SqliteMigrationTest {
    /** Letters throughout, so that its lower-case form differs from the canonical one. */
    private static final AgentGuid AGENT_3 = AgentGuid.parse("{0A1B2C3D-4E5F-4A6B-8C7D-9E0FA1B2C3D4}");

    @TempDir
    Path folder;

    @Test
    void schemaVersionConstantMatchesTheShippedScripts() {
        var latest = Flyway.configure(SqliteDatabase.class.getClassLoader())
                .dataSource("jdbc:sqlite:" + folder.resolve("info.db"), null, null)
                .locations(SqliteDatabase.MIGRATIONS)
                .javaMigrations(SqliteDatabase.JAVA_MIGRATIONS)
                .table(SqliteDatabase.HISTORY_TABLE)
                .load()
                .info()
                .all();
        assertThat(Integer.parseInt(latest[latest.length - 1].getVersion().getVersion())).isEqualTo(SqliteDatabase.SCHEMA_VERSION);
    }

    @Test
    void versionOneFileIsMigratedAndKeepsItsData() throws Exception {
        Path file = folder.resolve("v1.db");
        // Exactly what a version-1 seqguard left behind: its schema and Flyway history, then data.
        String url = fileAtVersion(file, "1");
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

    /** A new file migrated by the shipped scripts up to {@code version} only, as that seqguard left it; its JDBC URL. */
    private static String fileAtVersion(Path file, String version) {
        String url = "jdbc:sqlite:" + file;
        Flyway.configure(SqliteDatabase.class.getClassLoader())
                .dataSource(url, null, null)
                .locations(SqliteDatabase.MIGRATIONS)
                .table(SqliteDatabase.HISTORY_TABLE)
                .target(version)
                .load()
                .migrate();
        return url;
    }

    /** A version-3 file: its schema and history as that seqguard left them, with agents and journal rows as text. */
    private String versionThreeFile(String name) throws Exception {
        String url = fileAtVersion(folder.resolve(name), "3");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // Agent 1 folded; agent 2 folded, then checked in again (its journal row is newer); agent 3 only in the
            // journal, registered, in lower case without braces as the sqlite3 shell might leave it; agent 4 reset.
            s.execute("INSERT INTO agents VALUES ('" + TestAgents.guid(1) + "', 10, NULL, '2024-03-01 09:00:00.000', "
                    + "'2024-03-01 09:30:00.250', 'pc-1', NULL, '10.0.0.1')");
            s.execute("INSERT INTO agents VALUES ('" + TestAgents.guid(2) + "', 20, NULL, '2024-03-01 08:00:00.000', "
                    + "'2024-03-01 08:10:00.000', 'pc-2', NULL, NULL)");
            s.execute("INSERT INTO agents VALUES ('" + TestAgents.guid(4) + "', 40, NULL, '2024-03-01 07:00:00.000', "
                    + "'2024-03-01 07:00:00.000', 'pc-4', NULL, NULL)");
            s.execute("INSERT INTO agent_journal VALUES (1, '" + TestAgents.guid(2) + "', 21, NULL, NULL, '2024-03-01 09:40:00.500', "
                    + "'pc-2b', '001122334455', '10.0.0.2')");
            s.execute("INSERT INTO agent_journal VALUES (2, '" + AGENT_3.toString().substring(1, 37).toLowerCase(Locale.ROOT)
                    + "', 30, NULL, '2024-03-01 09:45:00.000', '2024-03-01 09:45:00.000', 'pc-3', NULL, NULL)");
            s.execute("INSERT INTO agent_journal VALUES (3, '" + TestAgents.guid(4) + "', NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
        }
        return url;
    }

    @Test
    void versionThreeFileIsMigratedToCompactRowsKeepingEveryAgentsState() throws Exception {
        String url = versionThreeFile("v3.db");
        SqliteSequenceStore store = new SqliteSequenceStore(SqliteConfig.defaults(folder.resolve("v3.db")));
        store.start();
        try {
            assertThat(store.agentInfo(TestAgents.guid(1), TestTimes.T0)).get().satisfies(info -> {
                assertThat(info.last()).isEqualTo(10);
                assertThat(info.firstSeen()).isEqualTo(Instant.parse("2024-03-01T09:00:00Z"));
                assertThat(info.lastSeen()).isEqualTo(Instant.parse("2024-03-01T09:30:00.250Z"));
                assertThat(info.lastIpAddress().value()).isEqualTo("10.0.0.1");
            });
            assertThat(store.agentInfo(TestAgents.guid(2), TestTimes.T0)).get().satisfies(info -> {
                assertThat(info.last()).as("the journal's newer row").isEqualTo(21);
                assertThat(info.firstSeen()).as("the agents row's").isEqualTo(Instant.parse("2024-03-01T08:00:00Z"));
                assertThat(info.lastSeen()).isEqualTo(Instant.parse("2024-03-01T09:40:00.500Z"));
                assertThat(info.lastNodeName().value()).isEqualTo("pc-2b");
            });
            assertThat(store.agentInfo(AGENT_3, TestTimes.T0)).get().satisfies(info -> {
                assertThat(info.last()).isEqualTo(30);
                assertThat(info.firstSeen()).isEqualTo(Instant.parse("2024-03-01T09:45:00Z"));
            });
            assertThat(store.agentInfo(TestAgents.guid(4), TestTimes.T0)).as("reset").isEmpty();
            for (int n = 1; n <= 3; n++) {
                long last = n == 2 ? 21 : 10L * n;
                AgentIdentity agent = TestAgents.agent(n == 3 ? AGENT_3 : TestAgents.guid(n));
                assertThat(store.checkAndAdvance(agent, last, SequencePolicy.STRICT, TestTimes.T0).verdict()).as("agent %d", n)
                        .isEqualTo(Verdict.STALE);
                assertThat(store.checkAndAdvance(agent, last + 1, SequencePolicy.STRICT, TestTimes.T0).verdict()).as("agent %d", n)
                        .isEqualTo(Verdict.ACCEPTED);
            }
            assertThat(store.checkAndAdvance(TestAgents.agent(TestAgents.guid(4)), 1, SequencePolicy.STRICT, TestTimes.T0).verdict())
                    .isEqualTo(Verdict.REGISTERED);
        } finally {
            store.stop();
        }
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT typeof(guid), length(guid), typeof(first_seen), typeof(last_seen) FROM agents "
                    + "UNION SELECT typeof(guid), length(guid), typeof(COALESCE(first_seen, last_seen)), typeof(last_seen) FROM agent_journal "
                    + "WHERE last IS NOT NULL")) {
                assertThat(rs.next()).isTrue();
                assertThat(List.of(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4)))
                        .isEqualTo(List.of("blob", 16, "integer", "integer"));
                assertThat(rs.next()).as("one kind of row in both tables").isFalse();
            }
            try (ResultSet rs = s.executeQuery("SELECT guid, last, first_seen, last_seen FROM agents_now WHERE guid = '"
                    + TestAgents.guid(2) + "'")) {
                assertThat(rs.next()).as("the view shows the GUID as text").isTrue();
                assertThat(List.of(rs.getLong(2), rs.getString(3), rs.getString(4)))
                        .isEqualTo(List.of(22L, "2024-03-01 08:00:00.000", SqliteTime.format(TestTimes.T0)));
            }
            // Agent 1's last_seen as migrated (not changed since: its check-in of 11 has a journal row of its own).
            try (ResultSet rs = s.executeQuery("SELECT strftime('%Y-%m-%d %H:%M:%f', last_seen / 1000.0, 'unixepoch'), last_seen % 1000 "
                    + "FROM agents WHERE guid = X'" + TestAgents.guid(1).toString().replaceAll("[{}-]", "") + "'")) {
                assertThat(rs.next()).isTrue();
                assertThat(List.of(rs.getString(1), rs.getLong(2))).as("milliseconds kept").isEqualTo(List.of("2024-03-01 09:30:00.250", 250L));
            }
        }
    }

    @Test
    void twoVersionThreeRowsOfOneGuidStopTheMigrationHalfWayAndItRollsBack() throws Exception {
        String url = versionThreeFile("twice.db");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            // Agent 1 again, written by hand without braces: another key as text, the same 16 bytes.
            s.execute("INSERT INTO agents VALUES ('" + TestAgents.guid(1).toString().substring(1, 37) + "', 11, NULL, "
                    + "'2024-03-01 09:00:00.000', '2024-03-01 09:30:00.250', 'pc-1', NULL, NULL)");
        }
        SqliteSequenceStore store = new SqliteSequenceStore(SqliteConfig.defaults(folder.resolve("twice.db")));
        // Found only by the INSERT, after the tables were renamed: the transaction takes all of it back.
        assertThatThrownBy(store::start).hasMessageContaining("agents.guid: one GUID in several rows")
                .hasMessageContaining(TestAgents.guid(1).toString()).hasMessageContaining(TestAgents.guid(1).toString().substring(1, 37) + ",");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT MAX(CAST(version AS INTEGER)) FROM " + SqliteDatabase.HISTORY_TABLE + " WHERE success = 1")) {
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
            try (ResultSet rs = s.executeQuery("SELECT (SELECT COUNT(*) FROM agents WHERE typeof(guid) = 'text'), "
                    + "(SELECT COUNT(*) FROM agent_journal WHERE typeof(guid) = 'text'), "
                    + "(SELECT COUNT(*) FROM sqlite_master WHERE name IN ('agents_v3', 'agent_journal_v3', 'agents_now'))")) {
                assertThat(List.of(rs.getInt(1), rs.getInt(2), rs.getInt(3))).as("tables, rows and view as they were")
                        .isEqualTo(List.of(4, 3, 1));
            }
        }
    }

    @Test
    void aVersionThreeRowTheMigrationCannotReadStopsItNamingTheColumnAndLeavesTheFileAsItWas() throws Exception {
        String url = versionThreeFile("bad.db");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("UPDATE agents SET last_seen = 'yesterday' WHERE last = 20");
        }
        SqliteSequenceStore store = new SqliteSequenceStore(SqliteConfig.defaults(folder.resolve("bad.db")));
        assertThatThrownBy(store::start).hasMessageContaining("schema migration failed")
                .hasMessageContaining("agents.last_seen").hasMessageContaining("'yesterday'").hasMessageContaining(TestAgents.guid(2).toString());
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT MAX(CAST(version AS INTEGER)) FROM " + SqliteDatabase.HISTORY_TABLE + " WHERE success = 1")) {
                assertThat(rs.getInt(1)).isEqualTo(3);
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(typeof(guid) = 'text') FROM agents")) {
                assertThat(List.of(rs.getInt(1), rs.getInt(2))).as("the rows as they were").isEqualTo(List.of(3, 3));
            }
            s.execute("UPDATE agents SET last_seen = '2024-03-01 08:10:00.000' WHERE last = 20");
        }
        // Repaired, it migrates.
        SqliteSequenceStore repaired = new SqliteSequenceStore(SqliteConfig.defaults(folder.resolve("bad.db")));
        repaired.start();
        try {
            assertThat(repaired.agentInfo(TestAgents.guid(2), TestTimes.T0)).get().satisfies(info -> assertThat(info.last()).isEqualTo(21));
        } finally {
            repaired.stop();
        }
    }
}
