package io.seqguard.transport.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole server over real sockets on free ports, with the embedded SQLite store and the JDK
 * HTTP client, as an agent and an operator would use it.
 */
class EndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 1024;
    private static final String VALID_GUID = "91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A";

    @TempDir
    static Path home;

    private static TestServer server;
    private static HttpClient client;
    private static URI agent;
    private static URI admin;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder(home)
                .config("seqguard.storage", "sqlite")
                .config("seqguard.sqlite.path", home.resolve("data/e2e.db").toString())
                .config("seqguard.http.agent.max-body", MAX_BODY)
                .start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        agent = server.agentUri();
        admin = server.adminUri();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String newGuid() {
        return "{" + UUID.randomUUID().toString().toUpperCase() + "}";
    }

    private static HttpRequest.Builder checkIn(String guid, long sequence) {
        return HttpRequest.newBuilder(agent.resolve(AgentHandler.PATH))
                .header("Agent-Guid", guid)
                .header("Agent-Sequence", Long.toString(sequence))
                .POST(HttpRequest.BodyPublishers.noBody());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder adminGet(String pathAndQuery) {
        return HttpRequest.newBuilder(admin.resolve(pathAndQuery)).header("Authorization", "Bearer " + TestServer.TOKEN);
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static long errorRows() throws Exception {
        return json(send(adminGet(AdminHandler.ERRORS + "?limit=10000")), 200).path("count").asLong();
    }

    @Test
    void acceptedThenStaleWithItsMembers() throws Exception {
        String guid = newGuid();
        HttpResponse<String> accepted = send(checkIn(guid.toLowerCase(), 41).header("Agent-Node-Name", "pc-e2e")
                .header("Agent-Mac-Address", "00:11:22:33:44:55"));
        assertThat(json(accepted, 200).path("agentGuid").asText()).isEqualTo(guid);
        assertThat(accepted.headers().firstValue("Content-Type")).hasValue("application/json");

        HttpResponse<String> stale = send(checkIn(guid, 40));
        assertThat(stale.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json(stale, 409);
        assertThat(problem.path("type").asText()).isEqualTo("urn:seqguard:problem:stale-sequence");
        assertThat(problem.path("agentGuid").asText()).isEqualTo(guid);
        assertThat(problem.path("received").asLong()).isEqualTo(40);
        assertThat(problem.path("last").asLong()).isEqualTo(41);
        assertThat(problem.path("detail").asText()).contains("sequence number invalid, expected 40 > 41");

        JsonNode info = json(send(adminGet(AdminHandler.AGENTS + encoded(guid))), 200);
        assertThat(info.path("last").asLong()).isEqualTo(41);
        assertThat(info.path("lastNodeName").asText()).isEqualTo("pc-e2e");
        assertThat(info.path("lastMacAddress").asText()).isEqualTo("001122334455");
        assertThat(info.path("lastIpAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(info.path("recentErrors").asLong()).isEqualTo(1);
    }

    @Test
    void aNodeNameSentAsUtf8IsStoredAndShownAsSent() throws Exception {
        String guid = newGuid();
        String name = "東京-PC01";
        // HttpClient sends a header value's characters beyond ASCII as '?': a raw request on a socket.
        assertThat(rawStatusLine(guid, 1, name)).isEqualTo("HTTP/1.1 200 OK");
        assertThat(rawStatusLine(guid, 1, name)).isEqualTo("HTTP/1.1 409 Conflict");

        JsonNode info = json(send(adminGet(AdminHandler.AGENTS + encoded(guid))), 200);
        assertThat(info.path("lastNodeName").asText()).isEqualTo(name);
        JsonNode errors = json(send(adminGet(AdminHandler.ERRORS + "?agentGuid=" + encoded(guid))), 200);
        assertThat(errors.path("errors").get(0).path("nodeName").asText()).isEqualTo(name);
    }

    /** Sends one check-in with {@code nodeName} in UTF-8 on a socket of its own; the answer's status line. */
    private static String rawStatusLine(String guid, long sequence, String nodeName) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(agent.getHost(), agent.getPort())) {
            socket.setSoTimeout(10_000);
            String request = "POST " + AgentHandler.PATH + " HTTP/1.1\r\nHost: test\r\nAgent-Guid: " + guid + "\r\nAgent-Sequence: " + sequence
                    + "\r\nAgent-Node-Name: " + nodeName + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            return in.readLine();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "missing guid           | NULL                                    | 1                    | NULL            | NULL              | Agent-Guid",
        "empty guid             | ''                                      | 1                    | NULL            | NULL              | Agent-Guid",
        "unbalanced braces      | {" + VALID_GUID + "                     | 1                    | NULL            | NULL              | Agent-Guid",
        "guid too long          | " + VALID_GUID + "0                     | 1                    | NULL            | NULL              | Agent-Guid",
        "sql in guid            | 1' OR '1'='1                            | 1                    | NULL            | NULL              | Agent-Guid",
        "missing sequence       | GUID                                    | NULL                 | NULL            | NULL              | Agent-Sequence",
        "empty sequence         | GUID                                    | ''                   | NULL            | NULL              | Agent-Sequence",
        "negative sequence      | GUID                                    | -5                   | NULL            | NULL              | Agent-Sequence",
        "signed sequence        | GUID                                    | +5                   | NULL            | NULL              | Agent-Sequence",
        "overflowing sequence   | GUID                                    | 9223372036854775808  | NULL            | NULL              | Agent-Sequence",
        "padded overflow        | GUID                                    | 09223372036854775808 | NULL            | NULL              | Agent-Sequence",
        "non-digit sequence     | GUID                                    | 0x10                 | NULL            | NULL              | Agent-Sequence",
        "decimal sequence       | GUID                                    | 10.0                 | NULL            | NULL              | Agent-Sequence",
        "sql in sequence        | GUID                                    | 1; DROP TABLE agents | NULL            | NULL              | Agent-Sequence",
        "bad mac                | GUID                                    | 1                    | NULL            | 00:11:22:33:44:GG | Agent-Mac-Address",
        "short mac              | GUID                                    | 1                    | NULL            | 0011223344        | Agent-Mac-Address",
        "sql in mac             | GUID                                    | 1                    | NULL            | 0A OR 1=1; --     | Agent-Mac-Address",
        "over-long node name    | GUID                                    | 1                    | LONG            | NULL              | Agent-Node-Name",
        "control in node name   | GUID                                    | 1                    | TAB             | NULL              | Agent-Node-Name",
    })
    void malformedInputIs400NamingTheHeaderAndRegistersNothing(String description, String guid, String sequence, String nodeName,
            String mac, String field) throws Exception {
        String agentGuid = newGuid();
        long rowsBefore = errorRows();
        HttpRequest.Builder request = HttpRequest.newBuilder(agent.resolve(AgentHandler.PATH)).POST(HttpRequest.BodyPublishers.noBody());
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (guid != null) {
            headers.put("Agent-Guid", guid.equals("GUID") ? agentGuid : guid);
        }
        if (sequence != null) {
            headers.put("Agent-Sequence", sequence);
        }
        if (nodeName != null) {
            headers.put("Agent-Node-Name", nodeName.equals("LONG") ? "n".repeat(256) : "pc\tone");
        }
        if (mac != null) {
            headers.put("Agent-Mac-Address", mac);
        }
        headers.forEach(request::header);

        JsonNode problem = json(send(request), 400);

        assertThat(problem.path("type").asText()).isEqualTo("urn:seqguard:problem:invalid-value");
        assertThat(problem.path("field").asText()).isEqualTo(field);
        assertThat(problem.path("detail").asText()).startsWith(field + " ").contains("must");
        assertThat(json(send(adminGet(AdminHandler.AGENTS + encoded(agentGuid))), 404).path("type").asText())
                .isEqualTo("urn:seqguard:problem:not-found");
        assertThat(errorRows()).isEqualTo(rowsBefore);
    }

    @Test
    void payloadOverTheLimitIs413() throws Exception {
        String guid = newGuid();
        JsonNode problem = json(send(checkIn(guid, 1).POST(HttpRequest.BodyPublishers.ofString("z".repeat(MAX_BODY + 1)))), 413);
        assertThat(problem.path("type").asText()).isEqualTo("urn:seqguard:problem:payload-too-large");
        json(send(adminGet(AdminHandler.AGENTS + encoded(guid))), 404);
        assertThat(send(checkIn(guid, 1).POST(HttpRequest.BodyPublishers.ofString("z".repeat(MAX_BODY)))).statusCode()).isEqualTo(200);
    }

    @Test
    void metricsShowTheSqliteWritersGroups() throws Exception {
        String guid = newGuid();
        assertThat(send(checkIn(guid, 1).POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(200);
        assertThat(send(checkIn(guid, 2).POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(200);

        String metrics = send(HttpRequest.newBuilder(admin.resolve(AdminHandler.METRICS))).body();

        // At least the two check-ins above went through the writer, each in some group.
        assertThat(sample(metrics, "seqguard_sqlite_group_size_sum")).isGreaterThanOrEqualTo(2);
        assertThat(sample(metrics, "seqguard_sqlite_group_commit_seconds_count{outcome=\"committed\"}"))
                .isEqualTo(sample(metrics, "seqguard_sqlite_group_size_count"));
    }

    private static double sample(String prometheusText, String name) {
        return prometheusText.lines()
                .filter(line -> line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(name.length() + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not exported:\n" + prometheusText));
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(agent.resolve(AgentHandler.PATH)).GET());
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void adminNeedsTheTokenAndIsNotOnTheAgentPort() throws Exception {
        HttpResponse<String> anonymous = send(HttpRequest.newBuilder(admin.resolve(AdminHandler.ERRORS)));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(send(adminGet(AdminHandler.ERRORS)).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(agent.resolve(AdminHandler.ERRORS)).header("Authorization", "Bearer " + TestServer.TOKEN))
                .statusCode()).isEqualTo(404);
        assertThat(send(adminGet(AdminHandler.AGENTS + encoded(newGuid()))).statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(admin.resolve(AdminHandler.METRICS))).body()).contains("seqguard_checkins_total");
    }

    @Test
    void resetLetsARolledBackAgentIn() throws Exception {
        String guid = newGuid();
        assertThat(send(checkIn(guid, 500)).statusCode()).isEqualTo(200);
        assertThat(send(checkIn(guid, 20)).statusCode()).isEqualTo(409);

        HttpResponse<String> reset = send(adminGet(AdminHandler.AGENTS + encoded(guid) + AdminHandler.RESET_SUFFIX)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(json(reset, 200).path("reset").asBoolean()).isTrue();

        assertThat(send(checkIn(guid, 20)).statusCode()).isEqualTo(200);
        assertThat(json(send(adminGet(AdminHandler.AGENTS + encoded(guid))), 200).path("last").asLong()).isEqualTo(20);
    }

    @Test
    void suspectsAndCsvExport() throws Exception {
        String guid = newGuid();
        assertThat(send(checkIn(guid, 10).header("Agent-Node-Name", "clone-1").header("Agent-Mac-Address", "0A0000000001")).statusCode())
                .isEqualTo(200);
        assertThat(send(checkIn(guid, 10).header("Agent-Node-Name", "clone-2").header("Agent-Mac-Address", "0A0000000002")).statusCode())
                .isEqualTo(409);

        JsonNode report = json(send(adminGet(AdminHandler.SUSPECTS + "?hours=24")), 200);
        JsonNode suspect = null;
        for (JsonNode s : report.path("suspects")) {
            if (s.path("agentGuid").asText().equals(guid)) {
                suspect = s;
            }
        }
        assertThat(suspect).as(report.toString()).isNotNull();
        assertThat(suspect.path("kind").asText()).isEqualTo("duplicate-guid");

        HttpResponse<String> csv = send(adminGet(AdminHandler.ERRORS + "?agentGuid=" + encoded(guid)).header("Accept", "text/csv"));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo(ErrorCsv.HEADER);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains("," + guid + ",clone-2,127.0.0.1,0A0000000002,").endsWith(",10,10,true");
    }

    @Test
    void ofThirtyTwoConcurrentIdenticalRequestsExactlyOneIsAccepted() throws Exception {
        String guid = newGuid();
        HttpClient many = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            responses.add(many.sendAsync(checkIn(guid, 7).build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            statuses.add(response.get().statusCode());
        }

        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(31);
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        String guid = newGuid();
        assertThat(send(checkIn(guid, 1).header("X-Forwarded-For", "203.0.113.9")).statusCode()).isEqualTo(200);
        assertThat(json(send(adminGet(AdminHandler.AGENTS + encoded(guid))), 200).path("lastIpAddress").asText()).isEqualTo("127.0.0.1");
    }
}
