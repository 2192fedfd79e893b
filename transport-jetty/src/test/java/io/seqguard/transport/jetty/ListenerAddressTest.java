package io.seqguard.transport.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A listener on every interface is reached, and shown, through loopback. */
class ListenerAddressTest {
    @TempDir
    Path home;

    @ParameterizedTest
    @CsvSource({"0.0.0.0, 127.0.0.1", "'::', '[::1]'"})
    void aListenerOnEveryInterfaceIsShownAsLoopback(String host, String loopback) throws Exception {
        assumeTrue(canListenOn(host), "this machine cannot listen on " + host);
        try (TestServer server = TestServer.builder(home).config("seqguard.http.agent.host", host).start()) {
            assertThat(server.agentUri().getHost()).isEqualTo(loopback);
            assertThat(server.server.endpoints()).as("what an integrator asks the server for").containsExactly(server.agentUri(), server.adminUri());
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.agentUri().resolve("/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    private static boolean canListenOn(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
