package io.seqguard.transport.jetty;

import static io.seqguard.transport.jetty.TestServer.checkIn;
import static io.seqguard.transport.jetty.TestServer.raw;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.multibindings.OptionalBinder;
import io.seqguard.spi.AgentRequest;
import io.seqguard.spi.AgentRequestHandler;
import io.seqguard.spi.AgentResponse;
import io.seqguard.spi.AuthenticationException;
import io.seqguard.spi.NodeName;
import io.seqguard.spi.RequestAuthenticator;
import io.seqguard.spi.StorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every status of the agent listener, through Jetty's LocalConnector with raw HTTP. */
class AgentEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64;

    @TempDir
    static Path home;

    private static final SwitchableStore STORE = new SwitchableStore();
    private static final AtomicReference<AgentRequest> LAST_HANDLED = new AtomicReference<>();
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder(home)
                .store(STORE)
                .config("seqguard.http.agent.max-body", MAX_BODY)
                .module(binder -> {
                    OptionalBinder.newOptionalBinder(binder, AgentRequestHandler.class).setBinding().toInstance(AgentEndpointTest::handle);
                    OptionalBinder.newOptionalBinder(binder, RequestAuthenticator.class).setBinding().toInstance(AgentEndpointTest::authenticate);
                })
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // Echoes the request; "boom" as payload makes it fail, as an integrator's bug would.
    private static AgentResponse handle(AgentRequest request) {
        LAST_HANDLED.set(request);
        String payload = new String(request.payload(), StandardCharsets.UTF_8);
        if (payload.equals("boom")) {
            throw new IllegalStateException("integrator bug");
        }
        if (!payload.isEmpty()) {
            return new AgentResponse(202, "text/plain; charset=utf-8", ("echo:" + payload).getBytes(StandardCharsets.UTF_8));
        }
        return AgentResponse.json("{\"agentGuid\":\"" + request.agent().guid() + "\",\"sequence\":" + request.sequence() + "}");
    }

    private static void authenticate(AgentRequest request) throws AuthenticationException {
        if (request.agent().nodeName() != null && request.agent().nodeName().value().equals("intruder")) {
            throw new AuthenticationException("node intruder is not allowed");
        }
        if (request.agent().nodeName() != null && request.agent().nodeName().value().equals("unsigned")) {
            throw new AuthenticationException("the payload carries no signature", "Signature realm=\"fleet\", error=\"missing\"");
        }
    }

    private static String newGuid() {
        return "{" + UUID.randomUUID().toString().toUpperCase() + "}";
    }

    private static JsonNode problem(HttpTester.Response response, int status, String type) throws Exception {
        assertThat(response.getStatus()).as(response.getContent()).isEqualTo(status);
        assertThat(response.get("Content-Type")).isEqualTo("application/problem+json");
        JsonNode json = JSON.readTree(response.getContent());
        assertThat(json.path("type").asText()).isEqualTo(ProblemType.URI_PREFIX + type);
        assertThat(json.path("status").asInt()).isEqualTo(status);
        assertThat(json.path("title").asText()).isNotBlank();
        assertThat(response.getContent()).doesNotContain("Exception").doesNotContain("at io.seqguard");
        return json;
    }

    @Test
    void acceptedCheckInAnswersTheHandlersJson() throws Exception {
        UUID uuid = UUID.randomUUID();
        HttpTester.Response response = server.agent(checkIn(uuid.toString(), 5, "Agent-Node-Name: pc-1", "Agent-Mac-Address: 00:11:22:aa:bb:cc"));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.get("Content-Type")).isEqualTo("application/json");
        assertThat(response.getLongField("Content-Length")).isEqualTo(response.getContentBytes().length);
        assertThat(response.get("Server")).isNull();
        String canonical = "{" + uuid.toString().toUpperCase() + "}";
        assertThat(response.getContent()).isEqualTo("{\"agentGuid\":\"" + canonical + "\",\"sequence\":5}");
        AgentRequest handled = LAST_HANDLED.get();
        assertThat(handled.agent().nodeName().value()).isEqualTo("pc-1");
        assertThat(handled.agent().macAddress().value()).isEqualTo("001122AABBCC");
        assertThat(handled.payload()).isEmpty();
    }

    @Test
    void payloadAndContentTypeReachTheHandler() throws Exception {
        HttpTester.Response response = server.agent(TestServer.rawWithBody("POST", AgentHandler.PATH, "hello",
                "Agent-Guid: " + newGuid(), "Agent-Sequence: 1", "Content-Type: application/octet-stream"));

        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(response.get("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(response.getContent()).isEqualTo("echo:hello");
        assertThat(LAST_HANDLED.get().contentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void staleSequenceIs409WithItsMembers() throws Exception {
        String guid = newGuid();
        assertThat(server.agent(checkIn(guid, 10)).getStatus()).isEqualTo(200);

        JsonNode replay = problem(server.agent(checkIn(guid, 10)), 409, "stale-sequence");
        assertThat(replay.path("agentGuid").asText()).isEqualTo(guid);
        assertThat(replay.path("received").asLong()).isEqualTo(10);
        assertThat(replay.path("last").asLong()).isEqualTo(10);
        assertThat(replay.path("detail").asText()).isEqualTo("Agent with GUID " + guid + " sequence number invalid, expected 10 > 10");

        JsonNode older = problem(server.agent(checkIn(guid, 3)), 409, "stale-sequence");
        assertThat(older.path("received").asLong()).isEqualTo(3);
        assertThat(older.path("last").asLong()).isEqualTo(10);
        assertThat(server.agent(checkIn(guid, 11)).getStatus()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "missing guid          | Agent-Sequence: 1                                                             | Agent-Guid",
        "empty guid            | Agent-Guid: ~Agent-Sequence: 1                                                | Agent-Guid",
        "unbalanced brace      | Agent-Guid: {91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A~Agent-Sequence: 1          | Agent-Guid",
        "guid too long         | Agent-Guid: 91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6AA~Agent-Sequence: 1          | Agent-Guid",
        "sql in guid           | Agent-Guid: ' OR 1=1; DROP TABLE x; --~Agent-Sequence: 1                      | Agent-Guid",
        "sql in sequence       | Agent-Guid: 91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A~Agent-Sequence: 1 OR 1=1       | Agent-Sequence",
        "missing sequence      | Agent-Guid: 91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A                              | Agent-Sequence",
        "negative sequence     | Agent-Guid: 91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A~Agent-Sequence: -1           | Agent-Sequence",
        "signed sequence       | Agent-Guid: 91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A~Agent-Sequence: +1           | Agent-Sequence",
        "overflowing sequence  | Agent-Guid: 91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A~Agent-Sequence: 9223372036854775808 | Agent-Sequence",
        "decimal sequence      | Agent-Guid: 91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A~Agent-Sequence: 1.5          | Agent-Sequence",
        "non-digit sequence    | Agent-Guid: 91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A~Agent-Sequence: 12a          | Agent-Sequence",
        "two sequences         | Agent-Guid: 91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A~Agent-Sequence: 1~Agent-Sequence: 2 | Agent-Sequence",
        "bad mac               | Agent-Guid: 91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A~Agent-Sequence: 1~Agent-Mac-Address: 00:11:22:33:44 | Agent-Mac-Address",
        "mixed mac separators  | Agent-Guid: 91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A~Agent-Sequence: 1~Agent-Mac-Address: 00:11-22:33:44:55 | Agent-Mac-Address",
        "empty node name       | Agent-Guid: 91EEA947-D3FB-4CC2-AEC7-05D15CDB5C6A~Agent-Sequence: 1~Agent-Node-Name: | Agent-Node-Name",
    })
    void malformedHeaderIs400NamingIt(String description, String headers, String field) throws Exception {
        JsonNode json = problem(server.agent(raw("POST", AgentHandler.PATH, headers.split("~"))), 400, "invalid-value");

        assertThat(json.path("field").asText()).isEqualTo(field);
        assertThat(json.path("detail").asText()).startsWith(field + " ");
    }

    @Test
    void overLongAndControlCharacterNodeNamesAre400() throws Exception {
        String guid = newGuid();
        JsonNode tooLong = problem(server.agent(checkIn(guid, 1, "Agent-Node-Name: " + "n".repeat(256))), 400, "invalid-value");
        assertThat(tooLong.path("field").asText()).isEqualTo("Agent-Node-Name");
        JsonNode tab = problem(server.agent(checkIn(guid, 1, "Agent-Node-Name: pc\tevil")), 400, "invalid-value");
        assertThat(tab.path("field").asText()).isEqualTo("Agent-Node-Name");
        JsonNode nextLine = problem(server.agent(checkIn(guid, 1, "Agent-Node-Name: pc\u0085evil")), 400, "invalid-value");
        assertThat(nextLine.path("field").asText()).isEqualTo("Agent-Node-Name");
        // Controls that HTTP itself forbids in a header never reach the handler: Jetty refuses the message.
        problem(server.agent(checkIn(guid, 1, "Agent-Node-Name: pc\u0001evil")), 400, "bad-request");
        // Nothing was registered: the first valid request for the GUID still registers it.
        assertThat(server.agent(checkIn(guid, 1)).getStatus()).isEqualTo(200);
        assertThat(server.agent(checkIn(guid, 1)).getStatus()).isEqualTo(409);
    }

    @Test
    void nodeNamesSentAsUtf8AreKeptAsSent() throws Exception {
        for (String name : new String[] {"東京-PC01", "café", "PC-Ünïcode", "é".repeat(NodeName.MAX_LENGTH), "🖥️-pc"}) {
            HttpTester.Response response = server.agent(utf8Bytes(checkIn(newGuid(), 1, "Agent-Node-Name: " + name)));
            assertThat(response.getStatus()).as("%s: %s", name, response.getContent()).isEqualTo(200);
            assertThat(LAST_HANDLED.get().agent().nodeName().value()).isEqualTo(name);
        }
        // Bytes that are not UTF-8 keep their ISO-8859-1 reading: 0xE9 alone is é.
        assertThat(server.agent(checkIn(newGuid(), 1, "Agent-Node-Name: caf\u00e9")).getStatus()).isEqualTo(200);
        assertThat(LAST_HANDLED.get().agent().nodeName().value()).isEqualTo("café");
        // The length rule counts characters, not bytes; a control character is refused however it is sent.
        JsonNode tooLong = problem(server.agent(utf8Bytes(checkIn(newGuid(), 1, "Agent-Node-Name: " + "é".repeat(256)))), 400, "invalid-value");
        assertThat(tooLong.path("detail").asText()).contains("too long");
        JsonNode control = problem(server.agent(utf8Bytes(checkIn(newGuid(), 1, "Agent-Node-Name: pc\u0085evil"))), 400, "invalid-value");
        assertThat(control.path("field").asText()).isEqualTo("Agent-Node-Name");
    }

    /** {@code raw} as its UTF-8 bytes, one character per byte (the local connector sends each character as one byte). */
    private static String utf8Bytes(String raw) {
        return new String(raw.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    @Test
    void bodyOverTheLimitByContentLengthIs413() throws Exception {
        String body = "x".repeat(MAX_BODY + 1);
        JsonNode json = problem(server.agent(TestServer.rawWithBody("POST", AgentHandler.PATH, body, "Agent-Guid: " + newGuid(),
                "Agent-Sequence: 1")), 413, "payload-too-large");
        assertThat(json.path("limit").asInt()).isEqualTo(MAX_BODY);
    }

    @Test
    void chunkedBodyOverTheLimitIs413AndConsumesNothing() throws Exception {
        String guid = newGuid();
        String chunk = "y".repeat(40);
        String request = "POST " + AgentHandler.PATH + " HTTP/1.1\r\nHost: test\r\nAgent-Guid: " + guid + "\r\nAgent-Sequence: 7\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n";

        problem(server.agent(request), 413, "payload-too-large");
        assertThat(server.agent(checkIn(guid, 7)).getStatus()).isEqualTo(200);
    }

    @Test
    void chunkedBodyWithinTheLimitIsRead() throws Exception {
        String request = "POST " + AgentHandler.PATH + " HTTP/1.1\r\nHost: test\r\nAgent-Guid: " + newGuid() + "\r\nAgent-Sequence: 7\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";

        HttpTester.Response response = server.agent(request);
        assertThat(response.getStatus()).isEqualTo(202);
        assertThat(response.getContent()).isEqualTo("echo:abcde");
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpTester.Response response = server.agent(raw("GET", AgentHandler.PATH));
        problem(response, 405, "method-not-allowed");
        assertThat(response.get("Allow")).isEqualTo("POST");
        assertThat(server.agent(raw("PUT", AgentHandler.PATH)).getStatus()).isEqualTo(405);
    }

    @Test
    void unknownPathsAndAdminRoutesAre404OnTheAgentListener() throws Exception {
        problem(server.agent(raw("GET", "/nothing-here")), 404, "not-found");
        problem(server.agent(raw("POST", "/agent/v1/requests/extra")), 404, "not-found");
        problem(server.agent(TestServer.adminCall("POST", AdminHandler.PURGE)), 404, "not-found");
        problem(server.agent(TestServer.adminCall("GET", AdminHandler.ERRORS)), 404, "not-found");
        problem(server.agent(TestServer.adminCall("GET", AdminHandler.METRICS)), 404, "not-found");
    }

    @Test
    void storeFailureIs503AndNothingIsAccepted() throws Exception {
        String guid = newGuid();
        for (StorageException.Kind kind : StorageException.Kind.values()) {
            STORE.fail(kind);
            try {
                HttpTester.Response response = server.agent(checkIn(guid, 1));
                problem(response, 503, "store-unavailable");
                assertThat(response.get("Retry-After")).isNotBlank();
            } finally {
                STORE.fail(null);
            }
        }
        // The GUID was never registered: its first request now registers it, the same number again is stale.
        assertThat(server.agent(checkIn(guid, 1)).getStatus()).isEqualTo(200);
        assertThat(server.agent(checkIn(guid, 1)).getStatus()).isEqualTo(409);
    }

    @Test
    void handlerFailureIs500AndTheNumberStaysConsumed() throws Exception {
        String guid = newGuid();
        HttpTester.Response response = server.agent(TestServer.rawWithBody("POST", AgentHandler.PATH, "boom", "Agent-Guid: " + guid,
                "Agent-Sequence: 4"));
        JsonNode json = problem(response, 500, "handler-failed");
        assertThat(json.toString()).doesNotContain("integrator bug");
        problem(server.agent(checkIn(guid, 4)), 409, "stale-sequence");
    }

    @Test
    void refusedByTheAuthenticatorIs401AndConsumesNothing() throws Exception {
        String guid = newGuid();
        HttpTester.Response refused = server.agent(checkIn(guid, 9, "Agent-Node-Name: intruder"));
        JsonNode json = problem(refused, 401, "unauthenticated");
        assertThat(json.path("detail").asText()).isEqualTo("node intruder is not allowed");
        // RFC 9110: a 401 carries a challenge; without the authenticator's own, seqguard's.
        assertThat(refused.get("WWW-Authenticate")).isEqualTo("Agent realm=\"seqguard\"");
        HttpTester.Response unsigned = server.agent(checkIn(guid, 9, "Agent-Node-Name: unsigned"));
        problem(unsigned, 401, "unauthenticated");
        assertThat(unsigned.get("WWW-Authenticate")).isEqualTo("Signature realm=\"fleet\", error=\"missing\"");
        assertThat(server.agent(checkIn(guid, 9)).getStatus()).isEqualTo(200);
    }

    @Test
    void probesAnswerOnTheAgentListener() throws Exception {
        HttpTester.Response health = server.agent(raw("GET", "/healthz"));
        assertThat(health.getStatus()).isEqualTo(200);
        assertThat(health.getContent()).isEqualTo("{\"status\":\"up\"}");
        assertThat(server.agent(raw("GET", "/readyz")).getStatus()).isEqualTo(200);
        assertThat(server.agent(raw("POST", "/healthz")).getStatus()).isEqualTo(405);

        STORE.fail(StorageException.Kind.TRANSIENT);
        try {
            problem(server.agent(raw("GET", "/readyz")), 503, "not-ready");
            assertThat(server.agent(raw("GET", "/healthz")).getStatus()).isEqualTo(200);
        } finally {
            STORE.fail(null);
        }
    }

    @Test
    void unparsableRequestIsAProblemToo() throws Exception {
        HttpTester.Response response = HttpTester.parseResponse(server.agent.getResponse(
                "POST " + AgentHandler.PATH + " HTTP/1.1\r\nHost: test\r\nBad Header\r\n\r\n"));
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.get("Content-Type")).isEqualTo("application/problem+json");
        assertThat(response.getContent()).doesNotContain("<html");
    }
}
