package io.seqguard.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution on the shared JDBC store: {@code bin/seqguard run} with
 * {@code seqguard.storage=jdbc} against a fresh database on the machine's real PostgreSQL, driven
 * over HTTP with many requests in flight at once. This is the path where the agent's response is
 * written by the store's batch writer thread after the batch committed (asynchronous check-in).
 * Skipped with a message when PostgreSQL is absent, a failure under {@code CI=true}.
 */
class JdbcDistributionIT {
    private static final String ADMIN_URL = System.getenv().getOrDefault("SEQGUARD_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
    private static final String USER = "postgres";

    @TempDir
    Path temp;

    private Installation installation;
    private String database;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void freshDatabaseAndInstallation() throws Exception {
        database = "seqguard_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            String message = "PostgreSQL is not reachable at " + ADMIN_URL + " (" + e.getMessage() + ")";
            database = null;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(message + "; CI=true requires it", e);
            }
            Assumptions.abort(message + "; skipping (start PostgreSQL, or set CI=true to make this fail)");
        }
        installation = Installation.copy(temp);
    }

    @AfterEach
    void stopAndDrop() throws Exception {
        if (installation != null) {
            installation.close();
        }
        if (database != null) {
            try (Connection c = admin(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    @Test
    void concurrentCheckInsOverHttpAreDecidedExactlyOnceAndDurablyInPostgres() throws Exception {
        installation.start("-Dseqguard.storage=jdbc", "-Dseqguard.jdbc.url=" + ADMIN_URL + database, "-Dseqguard.jdbc.user=" + USER,
                "-Dseqguard.jdbc.pool-size=4");

        // 32 identical requests in flight together: exactly one is accepted.
        String racer = guid();
        List<Integer> race = statuses(sendAll(java.util.Collections.nCopies(32, racer), 1));
        assertThat(race).filteredOn(status -> status == 200).hasSize(1);
        assertThat(race).filteredOn(status -> status == 409).hasSize(31);

        // 200 agents with one request in flight each, three waves of rising numbers: all accepted.
        List<String> agents = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            agents.add(guid());
        }
        for (long wave = 1; wave <= 3; wave++) {
            List<HttpResponse<String>> answers = sendAll(agents, wave);
            assertThat(statuses(answers)).as("wave %d", wave).containsOnly(200);
            long number = wave;
            assertThat(answers).allSatisfy(a -> assertThat(a.body()).contains("\"sequence\":" + number));
        }

        // What the agents were told is what PostgreSQL holds.
        Map<String, Long> lasts = query("SELECT guid, last FROM seqguard_agents", rs -> Map.entry(rs.getString(1), rs.getLong(2)))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(lasts).hasSize(201).containsEntry(racer, 1L);
        assertThat(agents).allSatisfy(guid -> assertThat(lasts).containsEntry(guid, 3L));
        assertThat(query("SELECT COUNT(*) FROM EPOAgentSequenceErrorLog WHERE AgentGUID = '" + racer + "'", rs -> rs.getLong(1)))
                .containsExactly(31L);

        assertThat(installation.stop()).isEqualTo(DistributionIT.EXIT_ON_SIGTERM);
    }

    private static String guid() {
        return "{" + UUID.randomUUID().toString().toUpperCase(Locale.ROOT) + "}";
    }

    /** One check-in per entry of {@code guids}, all in flight at once, answers in the same order. */
    private List<HttpResponse<String>> sendAll(List<String> guids, long sequence) {
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (String guid : guids) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + installation.agentPort() + "/agent/v1/requests"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Agent-Guid", guid)
                    .header("Agent-Sequence", Long.toString(sequence))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build();
            inFlight.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        return inFlight.stream().map(CompletableFuture::join).toList();
    }

    private static List<Integer> statuses(List<HttpResponse<String>> answers) {
        return answers.stream().map(HttpResponse::statusCode).toList();
    }

    private <T> List<T> query(String sql, SqlRow<T> row) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        List<T> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(ADMIN_URL + database, p); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(row.map(rs));
            }
        }
        return out;
    }

    /** Maps the current row. */
    private interface SqlRow<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private static Connection admin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("connectTimeout", "2");
        return DriverManager.getConnection(ADMIN_URL + "test", p);
    }
}
