package io.seqguard.storage.jdbc;

import io.seqguard.spi.CheckResult;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MariaDB 10.5+ and MySQL 8 through the MariaDB driver. Thread safe; its only state is whether
 * it has logged a batch refused by a statement-based binary log.
 *
 * <p>The driver runs with {@code useAffectedRows=true}, so an upsert reports 1 for an insert, 2
 * for an update that changed the row and 0 for one that changed nothing; the strict upsert relies
 * on that. A batch of strict check-ins locks and reads its existing rows in one statement, decides
 * each on the locked value and updates the advanced ones in one JDBC batch, all in one transaction
 * at READ COMMITTED ({@link #strictUpsertBatch}).
 */
final class MariaDbDialect extends Dialect {
    private static final Logger LOG = LoggerFactory.getLogger(MariaDbDialect.class);
    /** ER_BINLOG_STMT_MODE_AND_ROW_ENGINE: statement-based binary log, InnoDB at READ COMMITTED. */
    private static final int ER_BINLOG_STMT_MODE_AND_ROW_ENGINE = 1665;

    private final AtomicBoolean binlogRefusalLogged = new AtomicBoolean();

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

    /*
     * The batch: lock and read the rows that exist, in GUID order (the locking reads of different
     * batches take their locks in the same order, so they wait for each other rather than
     * deadlock), decide each row on the locked value, and update the advanced ones. READ
     * COMMITTED, so that the lookup of a GUID that does not exist yet takes no gap lock:
     * concurrent batches registering neighbouring GUIDs would otherwise deadlock on each other's
     * gaps. New GUIDs then take the single upsert, which is exact even when another node registers
     * the same GUID meanwhile. Registering after the read can still deadlock in a rare three-way
     * race (a GUID registered by a third party while this batch holds a higher row another batch
     * waits for); InnoDB then rolls one transaction back whole and the batcher retries it.
     */
    private static final String LOCK_AGENTS = "SELECT guid, last FROM seqguard_agents WHERE guid IN (<guids>) ORDER BY guid FOR UPDATE";

    /** SET assigns left to right, so prev_last takes the old last. Only for a locked row whose last is lower. */
    private static final String ADVANCE = """
            UPDATE seqguard_agents SET
                prev_last = last, last = :last, ring = NULL, ver = ver + 1,
                last_seen = :now, last_node_name = :node, last_mac = :mac, last_ip = :ip
            WHERE guid = :guid""";

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

    /**
     * Bounds each statement on the server below the socket timeout, keeping any lower bound the
     * operator set (with {@code sessionVariables}, which the driver applies first): InnoDB's row
     * lock wait and the metadata lock wait ({@code lock_wait_timeout}: a DBA's {@code ALTER TABLE}
     * or {@code LOCK TABLES}), in whole seconds, on MariaDB and MySQL alike; and, in a comment only
     * MariaDB 10.1.1+ executes ({@code /*M!}), {@code max_statement_time}, which also interrupts a
     * lock wait, to the millisecond. MySQL thus gets only the lock waits bounded, and none when
     * {@code query-timeout} is under 1.2 s.
     */
    @Override
    Optional<String> connectionInitSql(JdbcConfig config) {
        long bound = serverStatementBound(config.queryTimeout()).toMillis();
        // The user variable keeps the SET valid on MySQL when nothing else is left of it (a bound under a second).
        StringBuilder sql = new StringBuilder("SET @seqguard_statement_bound_ms = ").append(bound);
        if (bound >= 1000) {
            sql.append(", SESSION innodb_lock_wait_timeout = LEAST(@@SESSION.innodb_lock_wait_timeout, ").append(bound / 1000).append(')')
                    .append(", SESSION lock_wait_timeout = LEAST(@@SESSION.lock_wait_timeout, ").append(bound / 1000).append(')');
        }
        String seconds = BigDecimal.valueOf(bound, 3).toPlainString();
        sql.append(" /*M!100101 , SESSION max_statement_time = IF(@@SESSION.max_statement_time = 0, ").append(seconds)
                .append(", LEAST(@@SESSION.max_statement_time, ").append(seconds).append(")) */");
        return Optional.of(sql.toString());
    }

    /** Without it an upsert that changed nothing counts one row, and a replayed number would be answered "registered". */
    @Override
    Map<String, String> requiredProperties() {
        return Map.of("useAffectedRows", "true");
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

    /**
     * True unless the server writes a binary log in {@code STATEMENT} format, which refuses InnoDB
     * writes at READ COMMITTED (the level a batch runs at): there strict check-ins stay unbatched.
     */
    @Override
    boolean batchesStrictUpserts(Handle h) {
        Map.Entry<String, String> binlog = h.createQuery("SELECT @@log_bin, @@binlog_format")
                .map((rs, ctx) -> Map.entry(String.valueOf(rs.getString(1)), String.valueOf(rs.getString(2))))
                .one();
        if (statementBinlog(binlog.getKey(), binlog.getValue())) {
            LOG.warn("The server writes its binary log in STATEMENT format, which refuses writes at READ COMMITTED; "
                    + "strict check-ins are sent one by one (set binlog_format = MIXED or ROW to batch them)");
            return false;
        }
        return true;
    }

    /** Whether {@code @@log_bin} and {@code @@binlog_format} describe a statement-based binary log. */
    static boolean statementBinlog(String logBin, String format) {
        boolean on = "1".equals(logBin) || "ON".equalsIgnoreCase(logBin);
        return on && "STATEMENT".equalsIgnoreCase(format);
    }

    @Override
    Map<String, CheckResult> strictUpsertBatch(Handle h, List<AgentRow> rows) {
        try {
            return lockAndUpdate(h, rows);
        } catch (RuntimeException e) {
            if (!refusedBatch(e)) {
                throw e;
            }
            return oneByOne(h, rows);
        }
    }

    /**
     * Error 1665: binlog_format became STATEMENT after the start-up check (SET GLOBAL reaches new
     * connections), and the batch's transaction at READ COMMITTED rolled back. Logged once.
     */
    @Override
    boolean refusedBatch(RuntimeException failure) {
        if (!refusedByStatementBinlog(failure)) {
            return false;
        }
        if (binlogRefusalLogged.compareAndSet(false, true)) {
            LOG.error("The server refused a batch at READ COMMITTED because its binary log is in STATEMENT format now; "
                    + "check-ins are sent one by one until it is MIXED or ROW again");
        }
        return true;
    }

    /** Error 1665: a write at READ COMMITTED refused because the binary log is statement-based. */
    static boolean refusedByStatementBinlog(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == ER_BINLOG_STMT_MODE_AND_ROW_ENGINE) {
                return true;
            }
        }
        return false;
    }

    private Map<String, CheckResult> lockAndUpdate(Handle h, List<AgentRow> rows) {
        if (rows.size() == 1) {
            // One row: the single upsert is one round trip, the transaction below about six.
            return oneByOne(h, rows);
        }
        List<AgentRow> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(AgentRow::guid));
        return h.inTransaction(tx -> {
            beginLockingBatch(tx);
            Map<String, Long> stored = new HashMap<>();
            tx.createQuery(LOCK_AGENTS)
                    .bindList("guids", sorted.stream().map(AgentRow::guid).toList())
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                    .forEach(e -> stored.put(e.getKey(), e.getValue()));

            Map<String, CheckResult> results = new HashMap<>();
            List<AgentRow> absent = new ArrayList<>();
            PreparedBatch advance = tx.prepareBatch(ADVANCE);
            for (AgentRow row : sorted) {
                Long last = stored.get(row.guid());
                if (last == null) {
                    absent.add(row);
                } else if (last < row.last()) {
                    advance.bind("guid", row.guid()).bind("last", row.last()).bind("now", UtcTime.argument(row.now()))
                            .bind("node", row.nodeName()).bind("mac", row.mac()).bind("ip", row.ip()).add();
                    results.put(row.guid(), CheckResult.accepted(last));
                } else {
                    // Stale, on the value this transaction holds locked: exact, no read needed after.
                    results.put(row.guid(), CheckResult.stale(last));
                }
            }
            if (advance.size() > 0) {
                for (int count : advance.execute()) {
                    // The rows are locked by this transaction, so 0 is a bug (and rolls back). A bulk
                    // batch may report no counts at all.
                    if (count != 1 && count != Statement.SUCCESS_NO_INFO) {
                        throw new IllegalStateException("a locked agent row was not updated (" + count + " rows)");
                    }
                }
            }
            // One bulk insert for a fleet's first contact; a GUID another node registered meanwhile
            // is decided alone with the single upsert.
            registerAbsent(tx, absent, row -> row, row -> strictUpsert(tx, row), results);
            return results;
        });
    }

    /**
     * Each row with the single upsert, in autocommit at the session's own isolation level. Each
     * row commits on its own, so one that fails does not stop the others, and the caller learns
     * which were stored ({@link PartialBatchException}).
     */
    private Map<String, CheckResult> oneByOne(Handle h, List<AgentRow> rows) {
        // The single upsert reports the stored value of a stale row too (LAST_INSERT_ID).
        return PartialBatchException.eachAlone(rows, AgentRow::guid, row -> strictUpsert(h, row));
    }

    /**
     * READ COMMITTED for this transaction only, as its first statement (no SET SESSION and back):
     * the locking read of GUIDs not registered yet then takes no gap locks, on which concurrent
     * batches would deadlock.
     */
    @Override
    void beginLockingBatch(Handle tx) {
        tx.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    }

    @Override
    boolean insertAgentIfAbsent(Handle h, AgentRow row) {
        return row.bindTo(h.createUpdate(INSERT_AGENT)).bind("ring", row.ring()).execute() == 1;
    }

    /** One JDBC batch, which the driver sends as one bulk command. */
    @Override
    void insertAgentsIfAbsent(Handle h, List<AgentRow> rows) {
        PreparedBatch insert = h.prepareBatch(INSERT_AGENT);
        for (AgentRow row : rows) {
            row.bindTo(insert).bind("ring", row.ring()).add();
        }
        insert.execute();
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
