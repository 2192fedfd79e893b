package io.seqguard.storage.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh database {@code seqguard_test_<random>} on one of the machine's real servers, dropped by
 * {@link #close()}. When the server is not reachable the calling test is skipped with a message,
 * unless the environment has {@code CI=true}, where that is a failure.
 *
 * <p>Servers: PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and MariaDB at 127.0.0.1:3306
 * (user root, no password); {@code SEQGUARD_TEST_PG_URL} / {@code SEQGUARD_TEST_MARIADB_URL}
 * (an admin URL without database) point elsewhere.
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
        return new JdbcConfig(url, user(), "", poolSize, connectionTimeout, Duration.ofSeconds(5), Duration.ofMinutes(30), true, batchSize, Map.of());
    }

    /** Runs one statement in this database, outside any store. */
    void execute(String sql) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", server.user);
        try (Connection c = DriverManager.getConnection(url(), p); Statement s = c.createStatement()) {
            s.execute(sql);
        }
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
