package io.seqguard.transport.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.multibindings.OptionalBinder;
import io.seqguard.spi.AgentRequest;
import io.seqguard.spi.AgentRequestHandler;
import io.seqguard.spi.AgentResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping lets in-flight requests finish and refuses new ones. */
class GracefulShutdownTest {
    @TempDir
    Path home;

    @Test
    void inFlightRequestFinishesWhileNewConnectionsAreRefused() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AgentRequestHandler slow = request -> {
            entered.countDown();
            release.await();
            return AgentResponse.json("{\"done\":true}");
        };
        TestServer server = TestServer.builder(home)
                // Long enough that the stop below can only end because the request finished.
                .config("seqguard.http.shutdown-grace", "60s")
                .module(binder -> OptionalBinder.newOptionalBinder(binder, AgentRequestHandler.class).setBinding().toInstance(slow))
                .start();
        CompletableFuture<Void> stopped = null;
        try {
            URI agent = server.agentUri();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(agent.resolve(AgentHandler.PATH))
                    .header("Agent-Guid", UUID.randomUUID().toString()).header("Agent-Sequence", "1")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

            stopped = CompletableFuture.runAsync(server::close);
            awaitRefused(agent);
            assertThat(stopped).isNotDone();

            release.countDown();
            HttpResponse<String> response = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"done\":true}");
            stopped.get(30, TimeUnit.SECONDS);
            assertThat(server.transport.endpoints()).isEmpty();
        } finally {
            release.countDown();
            if (stopped == null) {
                server.close();
            }
        }
    }

    // Waits (bounded) for the listener to stop accepting: that is the state under test, not a timing.
    private static void awaitRefused(URI endpoint) throws Exception {
        for (int attempt = 0; attempt < 300; attempt++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 1000);
            } catch (ConnectException refused) {
                return;
            } catch (IOException other) {
                // e.g. a reset while closing: try again
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the agent listener still accepts connections while stopping");
    }
}
