package io.seqguard.transport.jetty;

import static io.seqguard.transport.jetty.TestServer.adminCall;
import static io.seqguard.transport.jetty.TestServer.checkIn;
import static io.seqguard.transport.jetty.TestServer.raw;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.StorageException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/** Every call and status of the admin listener, through Jetty's LocalConnector with raw HTTP. */
class AdminApiTest {
    private static final String MILLIS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;

    private static final SwitchableStore STORE = new SwitchableStore();
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder(home).store(STORE).start();
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

    private static String encoded(String guid) {
        return URLEncoder.encode(guid, StandardCharsets.UTF_8);
    }

    private static JsonNode ok(HttpTester.Response response) throws Exception {
        assertThat(response.getStatus()).as(response.getContent()).isEqualTo(200);
        assertThat(response.get("Content-Type")).isEqualTo("application/json");
        return JSON.readTree(response.getContent());
    }

    private static JsonNode problem(HttpTester.Response response, int status, String type) throws Exception {
        assertThat(response.getStatus()).as(response.getContent()).isEqualTo(status);
        assertThat(response.get("Content-Type")).isEqualTo("application/problem+json");
        JsonNode json = JSON.readTree(response.getContent());
        assertThat(json.path("type").asText()).isEqualTo(ProblemType.URI_PREFIX + type);
        return json;
    }

    private static void stale(String guid, long last, long received, String... extra) throws Exception {
        assertThat(server.agent(checkIn(guid, last, extra)).getStatus()).isIn(200, 409);
        assertThat(server.agent(checkIn(guid, received, extra)).getStatus()).isEqualTo(409);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "GET, /admin/v1/sequence-errors",
        "GET, /admin/v1/agents/91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A",
        "POST, /admin/v1/agents/91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A/reset",
        "GET, /admin/v1/suspects",
        "POST, /admin/v1/purge",
        "GET, /admin/v1/no-such-call",
    })
    void everyAdminCallNeedsTheToken(String method, String path) throws Exception {
        HttpTester.Response missing = server.admin(raw(method, path));
        problem(missing, 401, "unauthorized");
        assertThat(missing.get("WWW-Authenticate")).isEqualTo("Bearer realm=\"seqguard-admin\"");

        HttpTester.Response wrong = server.admin(raw(method, path, "Authorization: Bearer " + TestServer.TOKEN + "x"));
        problem(wrong, 401, "unauthorized");
        assertThat(wrong.get("WWW-Authenticate")).contains("error=\"invalid_token\"");

        problem(server.admin(raw(method, path, "Authorization: Basic " + TestServer.TOKEN)), 401, "unauthorized");
        assertThat(server.admin(raw(method, path, "Authorization: bearer " + TestServer.TOKEN)).getStatus()).isNotEqualTo(401);
        // Two credentials are ambiguous, whichever comes first.
        problem(server.admin(raw(method, path, "Authorization: Bearer " + TestServer.TOKEN, "Authorization: Bearer wrong")), 401, "unauthorized");
        problem(server.admin(raw(method, path, "Authorization: Bearer wrong", "Authorization: Bearer " + TestServer.TOKEN)), 401, "unauthorized");
    }

    @Test
    void unknownPathsAre404WithTheToken() throws Exception {
        problem(server.admin(adminCall("GET", "/admin/v1/no-such-call")), 404, "not-found");
        problem(server.admin(adminCall("GET", "/admin/v1/agents/")), 404, "not-found");
        problem(server.admin(adminCall("GET", "/elsewhere")), 404, "not-found");
        problem(server.admin(adminCall("POST", AgentHandler.PATH)), 404, "not-found");
    }

    @Test
    void sequenceErrorsNewestFirstWithFilters() throws Exception {
        String guid = newGuid();
        stale(guid, 100, 5, "Agent-Node-Name: pc-a", "Agent-Mac-Address: 00-11-22-33-44-55");
        assertThat(server.agent(checkIn(guid, 6)).getStatus()).isEqualTo(409);

        JsonNode all = ok(server.admin(adminCall("GET", AdminHandler.ERRORS + "?agentGuid=" + encoded(guid))));
        assertThat(all.path("count").asInt()).isEqualTo(2);
        assertThat(all.path("limit").asInt()).isEqualTo(100);
        JsonNode newest = all.path("errors").get(0);
        assertThat(newest.path("agentGuid").asText()).isEqualTo(guid);
        assertThat(newest.path("received").asLong()).isEqualTo(6);
        assertThat(newest.path("last").asLong()).isEqualTo(100);
        assertThat(newest.path("enforced").asBoolean()).isTrue();
        assertThat(newest.path("nodeName").isNull()).isTrue();
        JsonNode older = all.path("errors").get(1);
        assertThat(older.path("received").asLong()).isEqualTo(5);
        assertThat(older.path("nodeName").asText()).isEqualTo("pc-a");
        assertThat(older.path("macAddress").asText()).isEqualTo("001122334455");
        assertThat(newest.path("autoId").asLong()).isGreaterThan(older.path("autoId").asLong());

        JsonNode limited = ok(server.admin(adminCall("GET", AdminHandler.ERRORS + "?limit=1&agentGuid=" + encoded(guid))));
        assertThat(limited.path("errors")).hasSize(1);
        assertThat(limited.path("errors").get(0).path("received").asLong()).isEqualTo(6);

        JsonNode future = ok(server.admin(adminCall("GET", AdminHandler.ERRORS + "?since=2999-01-01T00:00:00Z&agentGuid=" + encoded(guid))));
        assertThat(future.path("errors")).isEmpty();
        JsonNode past = ok(server.admin(adminCall("GET", AdminHandler.ERRORS + "?until=2000-01-01T00:00:00Z")));
        assertThat(past.path("errors")).isEmpty();
    }

    @Test
    void pagesFollowTheNextCursorAndReturnEveryRowOnce() throws Exception {
        String guid = newGuid();
        assertThat(server.agent(checkIn(guid, 1000)).getStatus()).isEqualTo(200);
        for (int i = 1; i <= 23; i++) {
            assertThat(server.agent(checkIn(guid, i)).getStatus()).isEqualTo(409);
        }
        JsonNode all = ok(server.admin(adminCall("GET", AdminHandler.ERRORS + "?agentGuid=" + encoded(guid))));
        assertThat(all.path("count").asInt()).isEqualTo(23);
        assertThat(all.path("next").isNull()).as("a page that is not full is the last").isTrue();

        List<Long> paged = new java.util.ArrayList<>();
        String next = AdminHandler.ERRORS + "?limit=5&agentGuid=" + encoded(guid);
        for (int pages = 0; next != null; pages++) {
            assertThat(pages).as("pages").isLessThan(10);
            HttpTester.Response response = server.admin(adminCall("GET", next));
            JsonNode page = ok(response);
            page.path("errors").forEach(row -> paged.add(row.path("autoId").asLong()));
            if (page.path("next").isNull()) {
                assertThat(response.get("Link")).isNull();
                next = null;
            } else {
                // Relative to the call's path, with the same filters, encoded.
                String link = response.get("Link");
                assertThat(link).startsWith("<sequence-errors?before=" + page.path("next").asText() + "&")
                        .contains("agentGuid=" + URLEncoder.encode(guid, StandardCharsets.UTF_8)).endsWith(">; rel=\"next\"");
                next = URI.create("http://admin" + AdminHandler.ERRORS).resolve(link.substring(1, link.indexOf('>'))).getRawPath()
                        + "?" + URI.create("http://admin" + AdminHandler.ERRORS).resolve(link.substring(1, link.indexOf('>'))).getRawQuery();
            }
        }
        List<Long> expected = new java.util.ArrayList<>();
        all.path("errors").forEach(row -> expected.add(row.path("autoId").asLong()));
        assertThat(paged).containsExactlyElementsOf(expected);

        HttpTester.Response csv = server.admin(adminCall("GET", AdminHandler.ERRORS + "?limit=5&agentGuid=" + encoded(guid), "Accept: text/csv"));
        assertThat(csv.get("Link")).contains("before=").endsWith("rel=\"next\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "text/csv                                  | text/csv",
        "text/csv; charset=utf-8                   | text/csv",
        "application/json, text/csv;q=0.1          | application/json",
        "text/csv;q=0, */*                         | application/json",
        "text/csv;q=0.5, application/json;q=0.4    | text/csv",
        "text/html, text/*;q=0.8, */*;q=0.1        | text/csv",
        "*/*                                       | application/json",
        "image/png                                 | application/json",
    })
    void csvOnlyWhenTheClientPrefersIt(String accept, String answered) throws Exception {
        HttpTester.Response response = server.admin(adminCall("GET", AdminHandler.ERRORS + "?limit=1", "Accept: " + accept));
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.get("Content-Type")).startsWith(answered);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "before=17, before",
        "before=abc_1, before",
        "before=, before",
        "limit=0, limit",
        "limit=10001, limit",
        "limit=ten, limit",
        "since=yesterday, since",
        "until=2024-13-01T00:00:00Z, until",
        "since=2024-03-02T00:00:00Z&until=2024-03-01T00:00:00Z, until",
        "agentGuid=not-a-guid, agentGuid",
        "agentguid=91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A, agentguid",
        "limit=1&limit=2, limit",
        "agentGuid=&limit=5, agentGuid",
        "since=, since",
        "limit=, limit",
        "limit=%2B5, limit",
        "limit=-0, limit",
        "limit=5.0, limit",
    })
    void badErrorQueryParametersAre400NamingThem(String query, String field) throws Exception {
        JsonNode json = problem(server.admin(adminCall("GET", AdminHandler.ERRORS + "?" + query)), 400, "invalid-value");
        assertThat(json.path("field").asText()).isEqualTo(field);
        if (query.startsWith(field + "=&") || query.equals(field + "=")) {
            assertThat(json.path("detail").asText()).isEqualTo(field + " is empty; leave the parameter out to mean no filter (or the default)");
        }
    }

    @Test
    void sequenceErrorsAsCsvAreEscapedAndDefusedForSpreadsheets() throws Exception {
        String guid = newGuid();
        stale(guid, 50, 1, "Agent-Node-Name: =HYPERLINK(\"http://x\",\"a,b\")");

        HttpTester.Response response = server.admin(adminCall("GET", AdminHandler.ERRORS + "?agentGuid=" + encoded(guid),
                "Accept: text/csv"));
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.get("Content-Type")).startsWith("text/csv");
        String[] lines = response.getContent().split("\r\n");
        assertThat(lines[0]).isEqualTo("AutoID,AgentGUID,NodeName,IPAddress,MACAddress,TheTimestamp,Received,Last,Enforced");
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).matches("\\d+," + java.util.regex.Pattern.quote(guid)
                + ",\"'=HYPERLINK\\(\"\"http://x\"\",\"\"a,b\"\"\\)\",[^,]*,,\\d{4}-\\d\\d-\\d\\dT[^,]+Z,1,50,true");
    }

    @Test
    void csvFieldRules() {
        assertThat(ErrorCsv.text(new StringBuilder(), "plain").toString()).isEqualTo("plain");
        assertThat(ErrorCsv.text(new StringBuilder(), "-2+3").toString()).isEqualTo("'-2+3");
        assertThat(ErrorCsv.text(new StringBuilder(), "@SUM(A1)").toString()).isEqualTo("'@SUM(A1)");
        assertThat(ErrorCsv.text(new StringBuilder(), "+1").toString()).isEqualTo("'+1");
        assertThat(ErrorCsv.text(new StringBuilder(), "a\"b").toString()).isEqualTo("\"a\"\"b\"");
        assertThat(ErrorCsv.text(new StringBuilder(), "a\nb").toString()).isEqualTo("\"a\nb\"");
        assertThat(ErrorCsv.text(new StringBuilder(), "").toString()).isEmpty();
    }

    @Test
    void timesAreShownToTheMillisecondEvenAtAWholeSecond() {
        assertThat(AdminJson.time(Instant.parse("2024-03-01T10:00:00Z"))).isEqualTo("2024-03-01T10:00:00.000Z");
        assertThat(AdminJson.time(Instant.parse("2024-03-01T10:00:09.578338760Z"))).isEqualTo("2024-03-01T10:00:09.578Z");
        ErrorRow row = new ErrorRow(7, new SequenceError(AgentIdentity.of(AgentGuid.parse(newGuid())), Instant.parse("2024-03-01T10:00:00Z"), 1, 2, true));
        assertThat(new String(ErrorCsv.render(List.of(row)), StandardCharsets.UTF_8)).contains(",2024-03-01T10:00:00.000Z,1,2,true");
    }

    @Test
    void agentInfoAnd404ForUnknownAgents() throws Exception {
        String guid = newGuid();
        assertThat(server.agent(checkIn(guid, 3, "Agent-Node-Name: pc-info", "Agent-Mac-Address: AABBCCDDEEFF")).getStatus()).isEqualTo(200);
        assertThat(server.agent(checkIn(guid, 2)).getStatus()).isEqualTo(409);

        // Braces percent-encoded, or none at all, and any letter case: all name the same agent.
        for (String form : new String[] {encoded(guid), guid.substring(1, 37).toLowerCase()}) {
            JsonNode info = ok(server.admin(adminCall("GET", AdminHandler.AGENTS + form)));
            assertThat(info.path("agentGuid").asText()).isEqualTo(guid);
            assertThat(info.path("last").asLong()).isEqualTo(3);
            assertThat(info.path("lastNodeName").asText()).isEqualTo("pc-info");
            assertThat(info.path("lastMacAddress").asText()).isEqualTo("AABBCCDDEEFF");
            assertThat(info.path("recentErrors").asLong()).isEqualTo(1);
            // Milliseconds, always three digits (SPEC §4), though the clock gives nanoseconds.
            assertThat(info.path("firstSeen").asText()).matches(MILLIS);
            assertThat(info.path("lastSeen").asText()).matches(MILLIS);
            assertThat(info.path("recentErrorsSince").asText()).matches(MILLIS);
            assertThat(info.has("lastIpAddress")).isTrue();
        }

        JsonNode missing = problem(server.admin(adminCall("GET", AdminHandler.AGENTS + encoded(newGuid()))), 404, "not-found");
        assertThat(missing.path("agentGuid").asText()).startsWith("{");
        JsonNode bad = problem(server.admin(adminCall("GET", AdminHandler.AGENTS + "nope")), 400, "invalid-value");
        assertThat(bad.path("field").asText()).isEqualTo("guid");
        assertThat(server.admin(adminCall("DELETE", AdminHandler.AGENTS + encoded(guid))).getStatus()).isEqualTo(405);
    }

    @Test
    void resetForgetsTheSequenceAndIsLoggedWithTheCaller() throws Exception {
        String guid = newGuid();
        assertThat(server.agent(checkIn(guid, 1000)).getStatus()).isEqualTo(200);
        assertThat(server.agent(checkIn(guid, 1)).getStatus()).isEqualTo(409);

        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(AdminHandler.class);
        log.start();
        logger.addAppender(log);
        try {
            JsonNode reset = ok(server.admin(adminCall("POST", AdminHandler.AGENTS + encoded(guid) + AdminHandler.RESET_SUFFIX)));
            assertThat(reset.path("agentGuid").asText()).isEqualTo(guid);
            assertThat(reset.path("reset").asBoolean()).isTrue();
        } finally {
            logger.detachAppender(log);
        }
        assertThat(log.list).singleElement().satisfies(event -> {
            assertThat(event.getFormattedMessage()).contains("reset of agent " + guid).contains("requested from ");
        });

        problem(server.admin(adminCall("GET", AdminHandler.AGENTS + encoded(guid))), 404, "not-found");
        assertThat(server.agent(checkIn(guid, 1)).getStatus()).isEqualTo(200);
        JsonNode again = ok(server.admin(adminCall("POST", AdminHandler.AGENTS + encoded(newGuid()) + AdminHandler.RESET_SUFFIX)));
        assertThat(again.path("reset").asBoolean()).isFalse();

        HttpTester.Response get = server.admin(adminCall("GET", AdminHandler.AGENTS + encoded(guid) + AdminHandler.RESET_SUFFIX));
        problem(get, 405, "method-not-allowed");
        assertThat(get.get("Allow")).isEqualTo("POST");
    }

    @Test
    void suspectsReportDuplicatesAndRollbacks() throws Exception {
        String cloned = newGuid();
        stale(cloned, 10, 4, "Agent-Node-Name: clone-a", "Agent-Mac-Address: 001122334455");
        stale(cloned, 11, 4, "Agent-Node-Name: clone-b", "Agent-Mac-Address: 001122334466");
        String restored = newGuid();
        stale(restored, 20, 3, "Agent-Node-Name: vm-1", "Agent-Mac-Address: 00AA00AA00AA");

        JsonNode report = ok(server.admin(adminCall("GET", AdminHandler.SUSPECTS + "?hours=1")));
        assertThat(report.path("hours").asInt()).isEqualTo(1);
        JsonNode duplicate = find(report, cloned);
        assertThat(duplicate.path("kind").asText()).isEqualTo("duplicate-guid");
        assertThat(duplicate.path("machines")).hasSize(2);
        assertThat(duplicate.path("errorCount").asLong()).isEqualTo(2);
        assertThat(duplicate.path("remedy").asText()).contains("new agent GUID");
        JsonNode rollback = find(report, restored);
        assertThat(rollback.path("kind").asText()).isEqualTo("rollback");
        assertThat(rollback.path("machines").get(0).path("nodeName").asText()).isEqualTo("vm-1");

        assertThat(ok(server.admin(adminCall("GET", AdminHandler.SUSPECTS))).path("hours").asInt()).isEqualTo(24);
        assertThat(problem(server.admin(adminCall("GET", AdminHandler.SUSPECTS + "?hours=0")), 400, "invalid-value")
                .path("field").asText()).isEqualTo("hours");
        assertThat(problem(server.admin(adminCall("GET", AdminHandler.SUSPECTS + "?days=1")), 400, "invalid-value")
                .path("field").asText()).isEqualTo("days");
    }

    private static JsonNode find(JsonNode report, String guid) {
        for (JsonNode suspect : report.path("suspects")) {
            if (suspect.path("agentGuid").asText().equals(guid)) {
                return suspect;
            }
        }
        throw new AssertionError(guid + " not in " + report);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "POST, /admin/v1/purge?days=0, days",
        "GET, /admin/v1/agents/91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A?verbose=1, verbose",
        "POST, /admin/v1/agents/91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A/reset?force=true, force",
    })
    void callsWithoutParametersRefuseAnyAsUnknown(String method, String pathAndQuery, String field) throws Exception {
        JsonNode json = problem(server.admin(adminCall(method, pathAndQuery)), 400, "invalid-value");
        assertThat(json.path("field").asText()).isEqualTo(field);
        assertThat(json.path("detail").asText()).isEqualTo(field + " is not a parameter of this call, which takes none");
    }

    @Test
    void purgeReturnsTheDeletedCount() throws Exception {
        JsonNode purged = ok(server.admin(adminCall("POST", AdminHandler.PURGE)));
        // Every row here is fresh, younger than the history kept.
        assertThat(purged.path("deleted").asLong()).isZero();
        assertThat(server.admin(adminCall("GET", AdminHandler.PURGE)).getStatus()).isEqualTo(405);
    }

    @Test
    void storeFailuresAre503OnTheAdminListener() throws Exception {
        STORE.fail(StorageException.Kind.TRANSIENT);
        try {
            problem(server.admin(adminCall("GET", AdminHandler.ERRORS)), 503, "store-unavailable");
            problem(server.admin(adminCall("POST", AdminHandler.PURGE)), 503, "store-unavailable");
            problem(server.admin(raw("GET", "/readyz")), 503, "not-ready");
        } finally {
            STORE.fail(null);
        }
        STORE.fail(StorageException.Kind.UNSUPPORTED);
        try {
            problem(server.admin(adminCall("GET", AdminHandler.SUSPECTS)), 501, "unsupported");
        } finally {
            STORE.fail(null);
        }
    }

    @Test
    void metricsAreOpenInPrometheusFormat() throws Exception {
        assertThat(server.agent(checkIn(newGuid(), 1)).getStatus()).isEqualTo(200);

        HttpTester.Response response = server.admin(raw("GET", AdminHandler.METRICS));
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.get("Content-Type")).startsWith("text/plain; version=0.0.4");
        assertThat(response.getContent())
                .contains("seqguard_checkins_total{outcome=\"registered\"}")
                .contains("seqguard_sequence_errors_total")
                .contains("seqguard_errors_table_dropped_total")
                .contains("seqguard_errors_purged_total")
                .contains("seqguard_store_latency_seconds_bucket")
                .contains("jvm_memory_used_bytes")
                .contains("jvm_threads_live_threads")
                .contains("system_cpu_count");
        assertThat(server.admin(raw("POST", AdminHandler.METRICS)).getStatus()).isEqualTo(405);
    }

    @Test
    void probesAnswerOnTheAdminListener() throws Exception {
        assertThat(server.admin(raw("GET", "/healthz")).getStatus()).isEqualTo(200);
        assertThat(server.admin(raw("GET", "/readyz")).getContent()).isEqualTo("{\"status\":\"ready\"}");
    }
}
