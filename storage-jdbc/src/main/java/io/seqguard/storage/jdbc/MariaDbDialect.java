package io.seqguard.storage.jdbc;

import io.seqguard.spi.CheckResult;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.Properties;
import org.jdbi.v3.core.Handle;

/**
 * MariaDB 10.5+ and MySQL 8 through the MariaDB driver. Stateless and thread safe.
 *
 * <p>The driver runs with {@code useAffectedRows=true}, so an upsert reports 1 for an insert, 2
 * for an update that changed the row and 0 for one that changed nothing; the strict upsert relies
 * on that.
 */
final class MariaDbDialect extends Dialect {
    /*
     * The conditional upsert. ON DUPLICATE KEY UPDATE assigns left to right and later assignments
     * see earlier ones, so every column is decided on the old "last" and "last" itself comes last.
     * LAST_INSERT_ID(last) returns the old value unchanged and makes the server send it back in the
     * OK packet as the insert id: the previous value arrives with the affected-rows count, in the
     * same round trip, whether the number was accepted (2 rows) or stale (0 rows). The upsert locks
     * the index record, so concurrent callers serialize per GUID.
     */
    private static final String STRICT_UPSERT = """
            INSERT INTO seqguard_agents
                (guid, last, prev_last, ring, ver, first_seen, last_seen, last_node_name, last_mac, last_ip)
            VALUES (:guid, :last, -1, NULL, :ver, :now, :now, :node, :mac, :ip)
            ON DUPLICATE KEY UPDATE
                ring = IF(last < VALUES(last), NULL, ring),
                ver = IF(last < VALUES(last), ver + 1, ver),
                last_seen = IF(last < VALUES(last), VALUES(last_seen), last_seen),
                last_node_name = IF(last < VALUES(last), VALUES(last_node_name), last_node_name),
                last_mac = IF(last < VALUES(last), VALUES(last_mac), last_mac),
                last_ip = IF(last < VALUES(last), VALUES(last_ip), last_ip),
                prev_last = IF(last < VALUES(last), last, prev_last),
                last = IF(LAST_INSERT_ID(last) < VALUES(last), VALUES(last), last)""";

    private static final String INSERT_AGENT = """
            INSERT INTO seqguard_agents
                (guid, last, prev_last, ring, ver, first_seen, last_seen, last_node_name, last_mac, last_ip)
            VALUES (:guid, :last, -1, :ring, :ver, :now, :now, :node, :mac, :ip)
            ON DUPLICATE KEY UPDATE guid = guid""";

    @Override
    String name() {
        return "mariadb";
    }

    @Override
    String driverUrl(String url) {
        // We ship the MariaDB driver, which serves MySQL too but only under its own scheme.
        return url.toLowerCase(Locale.ROOT).startsWith("jdbc:mysql:") ? "jdbc:mariadb:" + url.substring("jdbc:mysql:".length()) : url;
    }

    @Override
    void driverProperties(JdbcConfig config, Properties out) {
        out.setProperty("connectTimeout", String.valueOf(config.connectionTimeout().toMillis()));
        out.setProperty("socketTimeout", String.valueOf(config.queryTimeout().toMillis()));
        out.setProperty("tcpKeepAlive", "true");
        out.setProperty("useAffectedRows", "true");
    }

    @Override
    CheckResult strictUpsert(Handle h, AgentRow row) {
        var update = row.bindTo(h.createUpdate(STRICT_UPSERT));
        update.getContext().setReturningGeneratedKeys(true);
        return update.execute((supplier, ctx) -> {
            PreparedStatement statement = supplier.get();
            int rows = statement.getUpdateCount();
            if (rows == 1) {
                return CheckResult.registered();
            }
            long previous = 0;
            try (ResultSet keys = statement.getGeneratedKeys()) {
                // An insert id of 0 comes back as no key at all.
                if (keys.next()) {
                    previous = keys.getLong(1);
                }
            }
            return rows == 2 ? CheckResult.accepted(previous) : CheckResult.stale(previous);
        });
    }

    @Override
    boolean insertAgentIfAbsent(Handle h, AgentRow row) {
        return row.bindTo(h.createUpdate(INSERT_AGENT)).bind("ring", row.ring()).execute() == 1;
    }

    @Override
    boolean insertHourIfAbsent(Handle h, LocalDateTime hour) {
        return h.createUpdate("INSERT INTO seqguard_error_hours (hour_start, row_count) VALUES (:hour, 0) ON DUPLICATE KEY UPDATE hour_start = hour_start")
                .bind("hour", UtcTime.argument(hour))
                .execute() == 1;
    }

    @Override
    int deleteErrorsBefore(Handle h, LocalDateTime cutoff, int chunk) {
        return h.createUpdate("DELETE FROM EPOAgentSequenceErrorLog WHERE TheTimestamp < :cutoff ORDER BY AutoID LIMIT :chunk")
                .bind("cutoff", UtcTime.argument(cutoff))
                .bind("chunk", chunk)
                .execute();
    }

    @Override
    String binaryCollation() {
        return ""; // the GUID columns are ascii_bin already
    }
}
