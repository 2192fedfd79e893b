package io.seqguard.transport.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The client address behind a trusted proxy (the test client on 127.0.0.1 plays the proxy). */
class ForwardedForTest {
    @TempDir
    static Path home;

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder(home).config("seqguard.http.trusted-proxies", List.of("127.0.0.1", "10.0.0.2")).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "X-Forwarded-For: {0}")
    @CsvSource(delimiter = '|', value = {
        "203.0.113.9                          | 203.0.113.9",
        "198.51.100.7, 203.0.113.9            | 203.0.113.9",
        "198.51.100.7, 203.0.113.9, 10.0.0.2  | 203.0.113.9",
        "2001:db8::1                          | 2001:db8::1",
        "10.0.0.2                             | 10.0.0.2",
        "203.0.113.9, not-an-address          | 127.0.0.1",
        "not-an-address, 10.0.0.2             | 10.0.0.2",
    })
    void rightMostUntrustedEntryIsTheClient(String forwardedFor, String expected) throws Exception {
        String guid = "{" + UUID.randomUUID().toString().toUpperCase() + "}";
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> checkIn = client.send(HttpRequest.newBuilder(server.agentUri().resolve(AgentHandler.PATH))
                .header("Agent-Guid", guid).header("Agent-Sequence", "1").header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(checkIn.statusCode()).isEqualTo(200);

        HttpResponse<String> info = client.send(HttpRequest.newBuilder(server.adminUri().resolve(AdminHandler.AGENTS
                + URLEncoder.encode(guid, StandardCharsets.UTF_8))).header("Authorization", "Bearer " + TestServer.TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(new ObjectMapper().readTree(info.body()).path("lastIpAddress").asText()).isEqualTo(expected);
    }
}
