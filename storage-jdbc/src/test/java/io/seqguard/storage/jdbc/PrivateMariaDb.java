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
    private final Path socket;
    private final int port;

    /** Ends the server if the test JVM exits without closing it (a test timeout, say). */
    private final Thread shutdownHook;

    private PrivateMariaDb(Process process, Path folder, Path socket, int port) {
        this.process = process;
        this.folder = folder;
        this.socket = socket;
        this.port = port;
        this.shutdownHook = new Thread(process::destroyForcibly, "private-mariadbd-killer");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
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
        boolean installed = installer.waitFor(START_SECONDS, TimeUnit.SECONDS);
        if (!installed) {
            // A shell script: its bootstrap mariadbd is a child that must end too.
            kill(installer);
        }
        if (!installed || installer.exitValue() != 0) {
            throw new AssertionError("mariadb-install-db failed: " + Files.readString(installLog, StandardCharsets.UTF_8));
        }

        // A unix socket path may not exceed about 107 bytes, which a deep temporary folder can.
        Path socket = Files.createTempFile("seqguard-mariadb-", ".sock");
        Files.delete(socket);
        AssertionError failure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            // The port is free when asked, but another process may take it before mariadbd binds: retry.
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(server.toString(), "--no-defaults", "--datadir=" + data,
                    "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + socket,
                    "--pid-file=" + folder.resolve("pid"), "--log-error=" + folder.resolve("error.log"),
                    "--innodb-buffer-pool-size=32M", "--skip-name-resolve"));
            if (root) {
                command.add("--user=root");
            }
            command.addAll(List.of(options));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(folder.resolve("console.log").toFile()).start();
            PrivateMariaDb db = new PrivateMariaDb(process, folder, socket, port);
            try {
                db.awaitReady();
                return db;
            } catch (AssertionError e) {
                db.close();
                failure = e;
            } catch (IOException | InterruptedException | RuntimeException | Error e) {
                db.close();
                throw e;
            }
        }
        throw failure;
    }

    /** Ends a process and everything it started, and waits for them. */
    private static void kill(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
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
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook ends the server
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                // Before the test's folder is deleted under it.
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket); // left behind when the server was killed
        } catch (IOException e) {
            // only a stale file in the temporary folder
        }
    }
}
