package io.seqguard.storage.jdbc;

import io.seqguard.spi.AgentIdentity;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh database {@code seqguard_test_<random>} on one of the machine's real servers, dropped by
 * {@link #close()}. When the server is not reachable the calling test is skipped with a message,
 * unless the environment has {@code CI=true}, where that is a failure.
 *
 * <p>Servers: PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and MariaDB at 127.0.0.1:3306
 * (user root, no password); {@code SEQGUARD_TEST_PG_URL} / {@code SEQGUARD_TEST_MARIADB_URL}
 * (an admin URL without database) point elsewhere.
 *
 * <p>Tests that hold the store's requests on row locks use {@link #lockRow} and
 * {@link #awaitLockWait}. Every MariaDB session of a test and of its stores waits for a lock as
 * long as the server's default does ({@link #MARIADB_LOCK_WAIT}), whatever this server's global
 * setting is (0 would refuse at once).
 */
final class TestDatabase implements AutoCloseable {
    enum Server {
        POSTGRESQL("PostgreSQL", "SEQGUARD_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/", "test", "postgres"),
        MARIADB("MariaDB", "SEQGUARD_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/", "", "root");

        final String label;
        final String base;
        final String adminDatabase;
        final String user;

        Server(String label, String env, String base, String adminDatabase, String user) {
            this.label = label;
            this.base = System.getenv().getOrDefault(env, base);
            this.adminDatabase = adminDatabase;
            this.user = user;
        }
    }

    static final String MARIADB_LOCK_WAIT = "innodb_lock_wait_timeout=50";
    /** Longer than the 0.1 s InnoDB waits, after the last read of INNODB_TRX, before refreshing it. */
    private static final long TRX_CACHE_IDLE_MILLIS = 150;
    /** Only a guard against a hang; no wait takes this long when it works. */
    private static final long GUARD_SECONDS = 30;

    private final Server server;
    private final String name;

    private TestDatabase(Server server, String name) {
        this.server = server;
        this.name = name;
    }

    /** Creates a fresh database, or skips (fails under CI=true) when the server is absent. */
    static TestDatabase create(Server server) {
        String name = "seqguard_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = admin(server); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            String message = server.label + " is not reachable at " + server.base + " (" + e.getMessage() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message + "; CI=true requires it", e);
            }
            Assumptions.abort(message + "; skipping " + server.label + " tests (start the server, or set CI=true to make this fail)");
        }
        return new TestDatabase(server, name);
    }

    private static Connection admin(Server server) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", server.user);
        p.setProperty("connectTimeout", server == Server.POSTGRESQL ? "2" : "2000");
        return DriverManager.getConnection(server.base + server.adminDatabase, p);
    }

    Server server() {
        return server;
    }

    String name() {
        return name;
    }

    String url() {
        return server.base + name;
    }

    String user() {
        return server.user;
    }

    /** A store configuration for this database. */
    JdbcConfig config(int poolSize) {
        return config(url(), poolSize, Duration.ofMillis(500));
    }

    /** A store configuration for this database reached through {@code url} (e.g. a proxy). */
    JdbcConfig config(String url, int poolSize, Duration connectionTimeout) {
        return config(url, poolSize, connectionTimeout, 64);
    }

    /** As above, with a strict-mode batch size (1: every check-in alone). */
    JdbcConfig config(String url, int poolSize, Duration connectionTimeout, int batchSize) {
        return config(url, poolSize, connectionTimeout, batchSize, Duration.ofSeconds(5));
    }

    /** As above, with a {@code query-timeout}. */
    JdbcConfig config(String url, int poolSize, Duration connectionTimeout, int batchSize, Duration queryTimeout) {
        Map<String, String> properties = server == Server.MARIADB ? Map.of("sessionVariables", MARIADB_LOCK_WAIT) : Map.of();
        return new JdbcConfig(url, user(), "", poolSize, connectionTimeout, queryTimeout, Duration.ofMinutes(30), true, batchSize, properties);
    }

    /** A new session on this database, outside any store. */
    Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", server.user);
        if (server == Server.MARIADB) {
            p.setProperty("sessionVariables", MARIADB_LOCK_WAIT);
        }
        return DriverManager.getConnection(url(), p);
    }

    /** Runs one statement in this database, outside any store. */
    void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** A session holding the agent's row locked until it rolls back (or is closed). */
    Connection lockRow(AgentIdentity agent) throws SQLException {
        return lockRow(connect(), agent);
    }

    /** {@code c}, a new session on a database of either server, holding the agent's row locked until it rolls back (or is closed). */
    static Connection lockRow(Connection c, AgentIdentity agent) throws SQLException {
        try {
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("SELECT guid FROM seqguard_agents WHERE guid = ? FOR UPDATE")) {
                s.setString(1, agent.guid().toString());
                s.executeQuery().close();
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * Waits until a session of this database waits for a row lock, failing at once if
     * {@code waiter} (the request that should be held) finishes instead, and with what the server
     * shows if the wait never starts.
     */
    void awaitLockWait(CompletableFuture<?> waiter) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
        try (Connection monitor = connect()) {
            while (true) {
                if (server == Server.MARIADB) {
                    // InnoDB refreshes what INNODB_TRX shows only once no one has read it for 0.1 s:
                    // polling faster freezes it (a lock wait that starts after the first read is never
                    // seen; that made a test fail in CI), and reading right after an earlier wait
                    // would see that wait's snapshot. PROCESSLIST is live: the session must still be
                    // running a statement.
                    Thread.sleep(TRX_CACHE_IDLE_MILLIS);
                } else {
                    Thread.sleep(1);
                }
                try (PreparedStatement s = monitor.prepareStatement(server == Server.MARIADB ? """
                        SELECT COUNT(*) FROM information_schema.INNODB_TRX t
                        JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
                        WHERE t.trx_state = 'LOCK WAIT' AND p.DB = ? AND p.COMMAND = 'Query'""" :
                        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = ? AND wait_event_type = 'Lock'")) {
                    s.setString(1, name);
                    try (ResultSet rs = s.executeQuery()) {
                        rs.next();
                        if (rs.getInt(1) > 0) {
                            return;
                        }
                    }
                }
                if (waiter.isDone()) {
                    throw new AssertionError("the request that should wait for the row lock finished instead: " + outcome(waiter) + serverState(monitor));
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no session of " + name + " waited for a row lock within " + GUARD_SECONDS + " s" + serverState(monitor));
                }
            }
        }
    }

    private static String outcome(CompletableFuture<?> stage) {
        try {
            return String.valueOf(stage.join());
        } catch (RuntimeException e) {
            return e.getCause() == null ? e.toString() : e.getCause().toString();
        }
    }

    /** The server's lock settings and this database's sessions and transactions, for a failure message. */
    private String serverState(Connection monitor) throws SQLException {
        String[] queries = server == Server.MARIADB ? new String[] {
                "SELECT @@GLOBAL.innodb_lock_wait_timeout, @@GLOBAL.tx_isolation, @@GLOBAL.autocommit, @@log_bin, @@GLOBAL.binlog_format",
                "SELECT p.ID, p.COMMAND, p.STATE, p.INFO, t.trx_state FROM information_schema.PROCESSLIST p"
                        + " LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID WHERE p.DB = '" + name + "'"}
                : new String[] {"SELECT pid, state, wait_event_type, wait_event, query FROM pg_stat_activity WHERE datname = '" + name + "'"};
        StringBuilder out = new StringBuilder();
        for (String sql : queries) {
            try (Statement s = monitor.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    out.append("\n  ");
                    for (int i = 1; i <= columns; i++) {
                        out.append(rs.getMetaData().getColumnLabel(i)).append('=').append(rs.getString(i)).append(i < columns ? ", " : "");
                    }
                }
            }
        }
        return out.toString();
    }

    /** Empties the store's tables (they exist once a store has started on this database). */
    void emptyTables() throws SQLException {
        if (server == Server.POSTGRESQL) {
            execute("TRUNCATE seqguard_agents, EPOAgentSequenceErrorLog, seqguard_error_hours RESTART IDENTITY");
        } else {
            for (String table : new String[] {"seqguard_agents", "EPOAgentSequenceErrorLog", "seqguard_error_hours"}) {
                execute("TRUNCATE TABLE " + table);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = admin(server); Statement s = c.createStatement()) {
            s.execute(server == Server.POSTGRESQL ? "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)" : "DROP DATABASE IF EXISTS " + name);
        }
    }
}
