package io.seqguard.storage.jdbc;

import io.seqguard.spi.CheckResult;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.argument.Argument;

/**
 * PostgreSQL 12+ (and, on paper, PostgreSQL-compatible databases; see docs/SCALING.md). Stateless
 * and thread safe.
 */
final class PostgresDialect extends Dialect {
    /*
     * The conditional upsert: a new GUID is inserted; a known one is updated only when the number is
     * higher, and RETURNING then yields a row. prev_last carries the old value into RETURNING
     * (PostgreSQL before 18 cannot return OLD values); -1 marks a fresh insert. No row means stale.
     * ON CONFLICT takes the row lock and re-checks the WHERE on the latest version, so concurrent
     * callers under READ COMMITTED serialize per GUID and exactly one wins each number.
     */
    private static final String STRICT_UPSERT = """
            INSERT INTO seqguard_agents AS a
                (guid, last, prev_last, ring, ver, first_seen, last_seen, last_node_name, last_mac, last_ip)
            VALUES (:guid, :last, -1, NULL, :ver, :now, :now, :node, :mac, :ip)
            ON CONFLICT (guid) DO UPDATE SET
                prev_last = a.last, last = EXCLUDED.last, ring = NULL, ver = a.ver + 1,
                last_seen = EXCLUDED.last_seen, last_node_name = EXCLUDED.last_node_name,
                last_mac = EXCLUDED.last_mac, last_ip = EXCLUDED.last_ip
            WHERE a.last < EXCLUDED.last
            RETURNING prev_last""";

    /*
     * The same upsert for many GUIDs in one statement and one commit (group commit). Rows are fed in
     * GUID order so that concurrent batches lock rows in the same order and cannot deadlock each
     * other. One row comes back per GUID: prev_last for the rows that were written; for the others
     * (stale) the stored last as the statement's snapshot shows it, read only for them. The
     * snapshot predates the upsert's lock, so a number made stale by a commit after it finds an
     * older value there (lower than the number, or no row at all); those are read again after the
     * commit, as every stale row used to be.
     */
    private static final String STRICT_UPSERT_BATCH = """
            WITH u AS (
                SELECT * FROM unnest(:guids, :lasts, :vers, :ats, :nodes, :macs, :ips) AS u(guid, last, ver, at, node, mac, ip)
            ), w AS (
                INSERT INTO seqguard_agents AS a
                    (guid, last, prev_last, ring, ver, first_seen, last_seen, last_node_name, last_mac, last_ip)
                SELECT u.guid, u.last, -1, NULL, u.ver, u.at::timestamp(3), u.at::timestamp(3), u.node, u.mac, u.ip
                FROM u
                ORDER BY u.guid COLLATE "C"
                ON CONFLICT (guid) DO UPDATE SET
                    prev_last = a.last, last = EXCLUDED.last, ring = NULL, ver = a.ver + 1,
                    last_seen = EXCLUDED.last_seen, last_node_name = EXCLUDED.last_node_name,
                    last_mac = EXCLUDED.last_mac, last_ip = EXCLUDED.last_ip
                WHERE a.last < EXCLUDED.last
                RETURNING a.guid, a.prev_last
            )
            SELECT u.guid, w.prev_last,
                   CASE WHEN w.guid IS NULL THEN (SELECT s.last FROM seqguard_agents s WHERE s.guid = u.guid) END AS stored
            FROM u LEFT JOIN w ON w.guid = u.guid""";

    private static final String INSERT_AGENT = """
            INSERT INTO seqguard_agents
                (guid, last, prev_last, ring, ver, first_seen, last_seen, last_node_name, last_mac, last_ip)
            VALUES (:guid, :last, -1, :ring, :ver, :now, :now, :node, :mac, :ip)
            ON CONFLICT (guid) DO NOTHING""";

    @Override
    String name() {
        return "postgresql";
    }

    @Override
    void driverProperties(JdbcConfig config, Properties out) {
        out.setProperty("connectTimeout", String.valueOf(seconds(config.connectionTimeout())));
        out.setProperty("loginTimeout", String.valueOf(seconds(config.connectionTimeout())));
        out.setProperty("socketTimeout", String.valueOf(seconds(config.queryTimeout())));
        out.setProperty("tcpKeepAlive", "true");
        out.setProperty("ApplicationName", "seqguard");
    }

    /**
     * Bounds each statement on the server, lock waits included, below the socket timeout, keeping
     * a lower {@code statement_timeout} the operator set for the role or database. A statement
     * run on the new connection rather than a startup {@code options} parameter, which PgBouncer
     * refuses by default.
     */
    @Override
    Optional<String> connectionInitSql(JdbcConfig config) {
        long bound = serverStatementBound(config.queryTimeout()).toMillis();
        return Optional.of("SELECT set_config('statement_timeout', CASE WHEN current_setting('statement_timeout')::interval = interval '0'"
                + " OR current_setting('statement_timeout')::interval > interval '" + bound + " milliseconds' THEN '" + bound
                + "ms' ELSE current_setting('statement_timeout') END, false)");
    }

    @Override
    CheckResult strictUpsert(Handle h, AgentRow row) {
        return row.bindTo(h.createQuery(STRICT_UPSERT))
                .map((rs, ctx) -> rs.getLong(1))
                .findOne()
                .map(prev -> prev < 0 ? CheckResult.registered() : CheckResult.accepted(prev))
                .orElse(null);
    }

    @Override
    boolean batchesStrictUpserts(Handle h) {
        return true;
    }

    @Override
    Map<String, CheckResult> strictUpsertBatch(Handle h, List<AgentRow> rows) throws SQLException {
        Map<String, Long> numbers = new HashMap<>();
        for (AgentRow row : rows) {
            numbers.put(row.guid(), row.last());
        }
        Map<String, CheckResult> answers = new HashMap<>();
        bindRows(h.createQuery(STRICT_UPSERT_BATCH), h.getConnection(), rows, false)
                .map((rs, ctx) -> new BatchRow(rs.getString(1), rs.getObject(2, Long.class), rs.getObject(3, Long.class)))
                .forEach(r -> {
                    if (r.prevLast() != null) {
                        answers.put(r.guid(), r.prevLast() < 0 ? CheckResult.registered() : CheckResult.accepted(r.prevLast()));
                    } else if (r.stored() != null && r.stored() >= numbers.get(r.guid())) {
                        answers.put(r.guid(), CheckResult.stale(r.stored()));
                    }
                    // else stale, and the snapshot does not explain why: left out, read again after the commit
                });
        return answers;
    }

    /** One GUID of the batch: the previous last when written, else the stored last in the statement's snapshot (null when none). */
    private record BatchRow(String guid, Long prevLast, Long stored) {
    }

    /*
     * Registers the GUIDs that are absent and locks the rows of the others, all in GUID order in one
     * statement: "all rows will be locked when the ON CONFLICT DO UPDATE action is taken", even
     * those its WHERE leaves unchanged. Batches that lock some rows first and insert others later
     * deadlock when a third party registers a GUID they share; in one ordered pass they cannot.
     */
    private static final String INSERT_OR_LOCK_BATCH = """
            INSERT INTO seqguard_agents AS a
                (guid, last, prev_last, ring, ver, first_seen, last_seen, last_node_name, last_mac, last_ip)
            SELECT u.guid, u.last, -1, decode(u.ring, 'hex'), u.ver, u.at::timestamp(3), u.at::timestamp(3), u.node, u.mac, u.ip
            FROM unnest(:guids, :lasts, :vers, :ats, :nodes, :macs, :ips, :rings) AS u(guid, last, ver, at, node, mac, ip, ring)
            ORDER BY u.guid COLLATE "C"
            ON CONFLICT (guid) DO UPDATE SET ver = a.ver WHERE false""";

    @Override
    boolean insertOrLockInOrder(Handle tx, List<AgentRow> rows) throws SQLException {
        bindRows(tx.createUpdate(INSERT_OR_LOCK_BATCH), tx.getConnection(), rows, true).execute();
        return true;
    }

    /** Binds the rows' columns as arrays ({@code :guids :lasts :vers :ats :nodes :macs :ips}, and {@code :rings} as hex). */
    private static <T extends org.jdbi.v3.core.statement.SqlStatement<T>> T bindRows(T statement, Connection c, List<AgentRow> rows, boolean rings)
            throws SQLException {
        int n = rows.size();
        String[] guids = new String[n];
        Long[] lasts = new Long[n];
        Long[] vers = new Long[n];
        String[] ats = new String[n];
        String[] nodes = new String[n];
        String[] macs = new String[n];
        String[] ips = new String[n];
        String[] hexRings = new String[n];
        for (int i = 0; i < n; i++) {
            AgentRow r = rows.get(i);
            guids[i] = r.guid();
            lasts[i] = r.last();
            vers[i] = r.ver();
            ats[i] = r.now().toString(); // ISO-8601 without zone, read back as timestamp
            nodes[i] = r.nodeName();
            macs[i] = r.mac();
            ips[i] = r.ip();
            hexRings[i] = r.ring() == null ? null : java.util.HexFormat.of().formatHex(r.ring());
        }
        statement.bind("guids", array(c, "varchar", guids))
                .bind("lasts", array(c, "int8", lasts))
                .bind("vers", array(c, "int8", vers))
                .bind("ats", array(c, "varchar", ats))
                .bind("nodes", array(c, "varchar", nodes))
                .bind("macs", array(c, "varchar", macs))
                .bind("ips", array(c, "varchar", ips));
        if (rings) {
            statement.bind("rings", array(c, "varchar", hexRings));
        }
        return statement;
    }

    private static Argument array(Connection c, String type, Object[] values) throws SQLException {
        Array array = c.createArrayOf(type, values);
        return (position, statement, ctx) -> statement.setArray(position, array);
    }

    /**
     * READ COMMITTED, whatever the server's default (at REPEATABLE READ every contended row would
     * fail the batch with a serialization error). And a custom plan: the IN list's statement is
     * prepared on the server after a few uses, and a generic plan made while the table was small
     * (a fresh database) keeps scanning the whole table afterwards: 60–90 ms per batch at 8,000
     * agents instead of an index lookup. Both in one round trip.
     */
    @Override
    void beginLockingBatch(Handle tx) {
        tx.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL plan_cache_mode = force_custom_plan");
    }

    @Override
    boolean insertAgentIfAbsent(Handle h, AgentRow row) {
        return row.bindTo(h.createUpdate(INSERT_AGENT)).bind("ring", row.ring()).execute() == 1;
    }

    @Override
    boolean insertHourIfAbsent(Handle h, LocalDateTime hour) {
        return h.createUpdate("INSERT INTO seqguard_error_hours (hour_start, row_count) VALUES (:hour, 0) ON CONFLICT (hour_start) DO NOTHING")
                .bind("hour", UtcTime.argument(hour))
                .execute() == 1;
    }

    @Override
    int deleteErrorsBefore(Handle h, LocalDateTime cutoff, int chunk) {
        return h.createUpdate("""
                        DELETE FROM EPOAgentSequenceErrorLog WHERE AutoID IN (
                            SELECT AutoID FROM EPOAgentSequenceErrorLog WHERE TheTimestamp < :cutoff LIMIT :chunk)""")
                .bind("cutoff", UtcTime.argument(cutoff))
                .bind("chunk", chunk)
                .execute();
    }

    @Override
    String binaryCollation() {
        return " COLLATE \"C\"";
    }
}
