package io.seqguard.transport.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Check-ins whose bodies arrive slowly, on real sockets: they hold no pool thread while their
 * bytes are awaited, and a stop gives them its grace rather than Jetty's one second.
 */
class SlowBodyTest {
    private static final int THREADS = 16;

    @TempDir
    Path home;

    @Test
    void slowUploadsOnTheAgentListenerLeaveTheAdminApiAndOtherAgentsServed() throws Exception {
        try (TestServer server = TestServer.builder(home)
                .config("seqguard.http.threads.min", 4)
                .config("seqguard.http.threads.max", THREADS)
                // Far longer than the test's own bounds: only a freed thread can answer in time.
                .config("seqguard.http.idle-timeout", "120s")
                .start()) {
            MeterRegistry meters = server.server.instance(PrometheusMeterRegistry.class);
            List<Socket> slow = new ArrayList<>();
            try {
                // As many as the pool has threads: each declares 100 bytes and sends 2.
                for (int i = 0; i < THREADS; i++) {
                    slow.add(startCheckIn(server.agentUri(), UUID.randomUUID().toString(), 100, "{\""));
                }
                for (int attempt = 0; uploadsInProgress(meters) < THREADS; attempt++) {
                    assertThat(attempt).as("every slow upload reached the handler").isLessThan(300);
                    Thread.sleep(100);
                }
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

                HttpResponse<String> health = client.send(HttpRequest.newBuilder(server.adminUri().resolve("/healthz"))
                        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                HttpResponse<String> checkIn = client.send(HttpRequest.newBuilder(server.agentUri().resolve(AgentHandler.PATH))
                        .timeout(Duration.ofSeconds(20)).header("Agent-Guid", UUID.randomUUID().toString()).header("Agent-Sequence", "1")
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(checkIn.statusCode()).isEqualTo(200);

                // One more upload would hold memory past threads.max bodies: refused at once, not queued.
                try (Socket refused = startCheckIn(server.agentUri(), UUID.randomUUID().toString(), 100, "{\"")) {
                    assertThat(statusLine(refused)).isEqualTo("HTTP/1.1 503 Service Unavailable");
                }
                assertThat(meters.get("seqguard.http.uploads.refused").functionCounter().count()).isEqualTo(1);
                // A check-in whose whole body came with it, or that has none (no Content-Length either), waits for nothing: served.
                try (Socket whole = startCheckIn(server.agentUri(), UUID.randomUUID().toString(), 9, "{\"a\":\"b\"}")) {
                    assertThat(statusLine(whole)).isEqualTo("HTTP/1.1 200 OK");
                }
                try (Socket none = new Socket(server.agentUri().getHost(), server.agentUri().getPort())) {
                    none.setSoTimeout(30_000);
                    send(none, "POST " + AgentHandler.PATH + " HTTP/1.1\r\nHost: test\r\nAgent-Guid: " + UUID.randomUUID()
                            + "\r\nAgent-Sequence: 1\r\nConnection: close\r\n\r\n");
                    assertThat(statusLine(none)).isEqualTo("HTTP/1.1 200 OK");
                }
                assertThat(meters.get("seqguard.http.uploads.refused").functionCounter().count()).isEqualTo(1);

                // And the slow ones are still served once their bytes arrive.
                Socket first = slow.get(0);
                send(first, "a\":\"" + "x".repeat(92) + "\"}");
                assertThat(statusLine(first)).isEqualTo("HTTP/1.1 200 OK");
                for (int attempt = 0; uploadsInProgress(meters) != THREADS - 1; attempt++) {
                    assertThat(attempt).as("the finished upload's place is given back").isLessThan(300);
                    Thread.sleep(100);
                }
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    private static double uploadsInProgress(MeterRegistry meters) {
        return meters.get("seqguard.http.uploads.in.progress").gauge().value();
    }

    @Test
    void aBodyStillArrivingWhenTheServerStopsIsAnsweredRetryLaterAndTheStopIsPrompt() throws Exception {
        // A long grace: the stop must not wait for the body, nor for an idle keep-alive connection, that long.
        TestServer server = TestServer.builder(home).config("seqguard.http.shutdown-grace", "60s").start();
        CompletableFuture<Void> stopped = null;
        try (Socket slow = startCheckIn(server.agentUri(), UUID.randomUUID().toString(), 10, "{\"a\":");
                Socket idle = new Socket(server.agentUri().getHost(), server.agentUri().getPort())) {
            idle.setSoTimeout(30_000);
            send(idle, "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n");
            assertThat(statusLine(idle)).isEqualTo("HTTP/1.1 200 OK");
            // The stop waits for requests the handler has taken: the slow one must have got that far.
            for (int attempt = 0; server.transport.requestsInFlight() == 0; attempt++) {
                assertThat(attempt).as("the check-in reached the handler").isLessThan(300);
                Thread.sleep(100);
            }

            stopped = CompletableFuture.runAsync(server::close);

            // Jetty gives connections one second once a stop begins; the body never came: retry elsewhere, not "malformed".
            assertThat(statusLine(slow)).isEqualTo("HTTP/1.1 503 Service Unavailable");
            assertThat(new String(slow.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("urn:seqguard:problem:shutting-down");
            stopped.get(20, TimeUnit.SECONDS);
        } finally {
            if (stopped == null) {
                server.close();
            }
        }
    }

    /** Opens a connection and sends a check-in's headers declaring {@code length} bytes, then the first part of the body. */
    private static Socket startCheckIn(URI agent, String guid, int length, String firstPart) throws IOException {
        Socket socket = new Socket(agent.getHost(), agent.getPort());
        socket.setSoTimeout(30_000);
        send(socket, "POST " + AgentHandler.PATH + " HTTP/1.1\r\nHost: test\r\nAgent-Guid: " + guid + "\r\nAgent-Sequence: 1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + length + "\r\nConnection: close\r\n\r\n" + firstPart);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String statusLine(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != -1 && b != '\r'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString();
    }
}
