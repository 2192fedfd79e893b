package io.seqguard.storage.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 4: the agents' rows made compact (docs/PERFORMANCE.md, item 35). In {@code agents}
 * and {@code agent_journal} the GUID becomes its 16 bytes ({@link GuidBytes}) and {@code first_seen}
 * and {@code last_seen} integer milliseconds since 1970-01-01 UTC ({@link SqliteTime#millis}): about
 * 77 bytes of file per row instead of 127, so the folds and appends write about 40 % fewer pages. The
 * error table keeps the seed's text columns. The {@code agents_now} view shows GUIDs and times as
 * text again, for the {@code sqlite3} shell.
 *
 * <p>A Java migration rather than a script so that a value the conversion cannot read (a row edited
 * by hand) stops it with the table, column and row named, before anything changes; Flyway runs it in
 * one transaction, so a failure leaves the file at version 3. GUIDs are read as SQLite's {@code
 * unhex} reads them: hex digits in either case, braces and hyphens ignored between digit pairs —
 * every form {@link io.seqguard.spi.AgentGuid#parse} accepts and the store ever wrote.
 *
 * <p>Flyway takes the version from the class name, hence its form.
 */
final class V4__Compact_agent_rows extends BaseJavaMigration {
    private static final String BYTES = "unhex(%s, '{}-')";
    private static final String MILLIS = "CAST(round((julianday(%s) - 2440587.5) * 86400000.0) AS INTEGER)";
    private static final String TEXT_GUID = "'{' || substr(hex(%1$s), 1, 8) || '-' || substr(hex(%1$s), 9, 4) || '-' "
            + "|| substr(hex(%1$s), 13, 4) || '-' || substr(hex(%1$s), 17, 4) || '-' || substr(hex(%1$s), 21) || '}'";
    private static final String TEXT_TIME = "strftime('%%Y-%%m-%%d %%H:%%M:%%f', %s / 1000.0, 'unixepoch')";

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            for (String table : new String[] {"agents", "agent_journal"}) {
                refuse(s, table, "guid", "length(" + BYTES.formatted("guid") + ") IS NOT 16", "not a GUID");
                for (String time : new String[] {"first_seen", "last_seen"}) {
                    refuse(s, table, time, time + " IS NOT NULL AND julianday(" + time + ") IS NULL", "not a time");
                }
            }
            s.execute("DROP VIEW IF EXISTS agents_now");

            s.execute("ALTER TABLE agents RENAME TO agents_v3");
            s.execute("""
                    CREATE TABLE agents (
                        guid        BLOB    NOT NULL PRIMARY KEY,  -- 16 bytes, most significant first (GuidBytes)
                        last        INTEGER NOT NULL,              -- highest accepted sequence number
                        ring        BLOB,                          -- window-mode ring (SequenceState.ringBytes), NULL in strict mode
                        first_seen  INTEGER NOT NULL,              -- milliseconds since 1970-01-01 UTC
                        last_seen   INTEGER NOT NULL,
                        node_name   TEXT,                          -- identity of the last accepted request
                        mac_address TEXT,
                        ip_address  TEXT
                    ) WITHOUT ROWID""");
            try {
                s.execute("INSERT INTO agents SELECT " + BYTES.formatted("guid") + ", last, ring, " + MILLIS.formatted("first_seen") + ", "
                        + MILLIS.formatted("last_seen") + ", node_name, mac_address, ip_address FROM agents_v3");
            } catch (SQLException e) {
                throw duplicateOr(s, e);
            }
            s.execute("DROP TABLE agents_v3");

            s.execute("ALTER TABLE agent_journal RENAME TO agent_journal_v3");
            s.execute("""
                    CREATE TABLE agent_journal (
                        seq         INTEGER PRIMARY KEY,  -- append order, assigned by the writer
                        guid        BLOB    NOT NULL,     -- as agents.guid
                        last        INTEGER,              -- NULL: the agent was reset
                        ring        BLOB,
                        first_seen  INTEGER,              -- NULL unless the agent's registration is not folded yet
                        last_seen   INTEGER,              -- as agents.last_seen; NULL in a reset's row
                        node_name   TEXT,
                        mac_address TEXT,
                        ip_address  TEXT
                    )""");
            s.execute("INSERT INTO agent_journal SELECT seq, " + BYTES.formatted("guid") + ", last, ring, "
                    + MILLIS.formatted("first_seen") + ", " + MILLIS.formatted("last_seen")
                    + ", node_name, mac_address, ip_address FROM agent_journal_v3");
            s.execute("DROP TABLE agent_journal_v3");

            // As in version 3, with the GUID and the times as text.
            s.execute("""
                    CREATE VIEW agents_now AS
                    WITH newest AS (
                        SELECT MAX(seq) AS seq, guid, last, ring, first_seen, last_seen, node_name, mac_address, ip_address
                        FROM agent_journal GROUP BY guid
                    ), current AS (
                        SELECT n.guid, n.last, n.ring, COALESCE(n.first_seen, a.first_seen, n.last_seen) AS first_seen, n.last_seen,
                               n.node_name, n.mac_address, n.ip_address
                        FROM newest n LEFT JOIN agents a ON a.guid = n.guid
                        WHERE n.last IS NOT NULL
                        UNION ALL
                        SELECT a.guid, a.last, a.ring, a.first_seen, a.last_seen, a.node_name, a.mac_address, a.ip_address
                        FROM agents a
                        WHERE a.guid NOT IN (SELECT guid FROM agent_journal)
                    )
                    SELECT %s AS guid, last, ring, %s AS first_seen, %s AS last_seen, node_name, mac_address, ip_address
                    FROM current""".formatted(TEXT_GUID.formatted("guid"), TEXT_TIME.formatted("first_seen"),
                    TEXT_TIME.formatted("last_seen")));
        }
    }

    /**
     * Two rows of version 3's {@code agents} whose GUIDs differ only in form (one written by hand in lower
     * case, say) are one key now: names them; any other failure as it is.
     */
    private static SQLException duplicateOr(Statement s, SQLException failure) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT group_concat(guid, ', ') FROM agents_v3 GROUP BY " + BYTES.formatted("guid")
                + " HAVING COUNT(*) > 1 LIMIT 1")) {
            if (rs.next()) {
                return new SQLException("agents.guid: one GUID in several rows (" + rs.getString(1)
                        + "); delete all but the right one, then start seqguard again", failure);
            }
        }
        return failure;
    }

    /** Stops the migration, naming the column and the first row, when a row of {@code table} matches {@code bad}. */
    private static void refuse(Statement s, String table, String column, String bad, String what) throws SQLException {
        String key = table.equals("agents") ? "guid" : "seq";
        try (ResultSet rs = s.executeQuery("SELECT " + key + ", " + column + " FROM " + table + " WHERE " + bad + " LIMIT 1")) {
            if (rs.next()) {
                throw new SQLException(table + "." + column + ": " + what + ": '" + rs.getString(2) + "' (row " + key + " = "
                        + rs.getString(1) + "); correct or delete the row, then start seqguard again");
            }
        }
    }
}
