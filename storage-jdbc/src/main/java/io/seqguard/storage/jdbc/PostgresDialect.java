package io.seqguard.storage.jdbc;

import io.seqguard.spi.CheckResult;
import java.time.LocalDateTime;
import java.util.Properties;
import org.jdbi.v3.core.Handle;

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

    @Override
    CheckResult strictUpsert(Handle h, AgentRow row) {
        return row.bindTo(h.createQuery(STRICT_UPSERT))
                .map((rs, ctx) -> rs.getLong(1))
                .findOne()
                .map(prev -> prev < 0 ? CheckResult.registered() : CheckResult.accepted(prev))
                .orElse(null);
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
