package io.seqguard.storage.jdbc;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A MariaDB server of a test's own, for settings the machine's shared server must not be given
 * (a binary log, say): {@code mariadb-install-db} into a fresh folder, then {@code mariadbd} on a
 * free loopback port with the test's options, stopped (and its process ended) by {@link #close()}.
 * Takes about a second on the build VM.
 *
 * <p>Needs the server's binaries ({@code mariadbd}, {@code mariadb-install-db}), which come with the
 * machine's MariaDB; {@code SEQGUARD_TEST_MARIADBD} names another {@code mariadbd}. Without them the
 * test is skipped with a message, unless {@code CI=true}, where that is a failure.
 */
final class PrivateMariaDb implements AutoCloseable {
    private static final long START_SECONDS = 60;

    private final Process process;
    private final Path folder;
    private final int port;

    private PrivateMariaDb(Process process, Path folder, int port) {
        this.process = process;
        this.folder = folder;
        this.port = port;
    }

    /** Installs and starts a server in {@code folder} with {@code options} added to its command line. */
    static PrivateMariaDb start(Path folder, String... options) throws IOException, InterruptedException {
        Path server = binary(System.getenv("SEQGUARD_TEST_MARIADBD"), "/usr/sbin/mariadbd", "/usr/bin/mariadbd", "/usr/local/bin/mariadbd");
        Path install = binary(null, server.resolveSibling("mariadb-install-db").toString(), "/usr/bin/mariadb-install-db",
                "/usr/local/bin/mariadb-install-db", "/usr/bin/mysql_install_db");
        boolean root = "root".equals(System.getProperty("user.name"));
        Path data = folder.resolve("data");

        List<String> installCommand = new ArrayList<>(List.of(install.toString(), "--no-defaults", "--datadir=" + data,
                "--auth-root-authentication-method=normal", "--skip-test-db"));
        if (root) {
            installCommand.add("--user=root");
        }
        Path installLog = folder.resolve("install.log");
        Process installer = new ProcessBuilder(installCommand).redirectErrorStream(true).redirectOutput(installLog.toFile()).start();
        if (!installer.waitFor(START_SECONDS, TimeUnit.SECONDS) || installer.exitValue() != 0) {
            installer.destroyForcibly();
            throw new AssertionError("mariadb-install-db failed: " + Files.readString(installLog, StandardCharsets.UTF_8));
        }

        int port = freePort();
        List<String> command = new ArrayList<>(List.of(server.toString(), "--no-defaults", "--datadir=" + data,
                "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + folder.resolve("sock"),
                "--pid-file=" + folder.resolve("pid"), "--log-error=" + folder.resolve("error.log"),
                "--innodb-buffer-pool-size=32M", "--skip-name-resolve"));
        if (root) {
            command.add("--user=root");
        }
        command.addAll(List.of(options));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(folder.resolve("console.log").toFile()).start();
        PrivateMariaDb db = new PrivateMariaDb(process, folder, port);
        try {
            db.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            db.close();
            throw e;
        }
        return db;
    }

    private static Path binary(String chosen, String... candidates) {
        if (chosen != null && !chosen.isBlank()) {
            return Path.of(chosen);
        }
        for (String candidate : candidates) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        String message = "no MariaDB server binary at " + String.join(", ", candidates);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + "; CI=true requires it");
        }
        Assumptions.abort(message + "; skipping (install mariadb-server, or set CI=true to make this fail)");
        throw new IllegalStateException("unreachable");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("mariadbd exited with " + process.exitValue() + ": " + errorLog());
            }
            try (Connection c = connect("")) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("mariadbd did not accept connections within " + START_SECONDS + " s (" + last + "): " + errorLog());
    }

    private String errorLog() throws IOException {
        Path log = folder.resolve("error.log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no error log)";
    }

    /** {@code jdbc:mariadb://127.0.0.1:PORT/} followed by {@code database}. */
    String url(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    /** A connection as root to {@code database} (empty: none). */
    Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "root");
        p.setProperty("connectTimeout", "2000");
        return DriverManager.getConnection(url(database), p);
    }

    /** Runs statements as root, outside any database. */
    void execute(String... statements) throws SQLException {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /**
     * Shuts the server down (SIGTERM, a clean shutdown), killing it if that takes over 30 s or the
     * calling thread is interrupted (its interrupt flag is kept).
     */
    @Override
    public void close() {
        process.destroy();
        try {
            if (process.waitFor(30, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
