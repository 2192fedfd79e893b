package io.seqguard.transport.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.seqguard.core.bootstrap.SeqguardServer;
import io.seqguard.spi.Plugin;
import io.seqguard.spi.PluginKind;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpTransportPluginTest {
    @TempDir
    Path home;

    @Test
    void serviceLoaderFindsTheHttpPlugin() {
        List<Plugin> http = ServiceLoader.load(Plugin.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(plugin -> plugin.kind() == PluginKind.TRANSPORT && plugin.id().equals("http"))
                .toList();

        assertThat(http).singleElement().isInstanceOf(HttpTransportPlugin.class);
        assertThat(http.get(0).configPath()).isEqualTo("seqguard.http");
        assertThat(http.get(0).description()).isNotBlank();
    }

    @Test
    void bootsFromReferenceConfAndStopsCleanlyTwice() throws Exception {
        // reference.conf as shipped, but for free ports (8080/8081 may be taken on a build machine)
        // and a store that needs no files.
        SeqguardServer server = SeqguardServer.builder().home(home).systemProperties(new Properties())
                .config("seqguard.storage", "memory")
                .config("seqguard.services", List.of())
                .config("seqguard.http.agent.port", 0)
                .config("seqguard.http.admin.port", 0)
                .start();
        JettyTransport transport = server.instance(JettyTransport.class);
        List<URI> endpoints = transport.endpoints();
        try {
            assertThat(server.instance(MeterRegistry.class)).isSameAs(server.instance(PrometheusMeterRegistry.class));
            assertThat(endpoints).hasSize(2);
            HttpClient client = HttpClient.newHttpClient();
            for (URI endpoint : endpoints) {
                HttpResponse<String> health = client.send(HttpRequest.newBuilder(endpoint.resolve("/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
            }
            assertThat(endpoints.get(1).getHost()).isEqualTo("127.0.0.1");
            assertThat(home.resolve("data/admin.token")).isRegularFile();
        } finally {
            server.stop();
            server.stop();
        }
        transport.stop();
        assertThat(transport.endpoints()).isEmpty();
        for (URI endpoint : endpoints) {
            try (java.net.Socket socket = new java.net.Socket(endpoint.getHost(), endpoint.getPort())) {
                throw new AssertionError("still listening on " + endpoint);
            } catch (ConnectException expected) {
                // closed, as it should be
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent", "admin"})
    void aPortInUseIsReportedWithTheListenersKeysAndTheOtherPortIsReleased(String taken) throws Exception {
        try (ServerSocket occupied = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int other = probe.getLocalPort();
            probe.close();
            String free = taken.equals("agent") ? "admin" : "agent";
            SeqguardServer.Builder builder = SeqguardServer.builder().home(home).systemProperties(new Properties())
                    .config("seqguard.storage", "memory")
                    .config("seqguard.services", List.of())
                    .config("seqguard.http." + taken + ".host", "127.0.0.1")
                    .config("seqguard.http." + taken + ".port", occupied.getLocalPort())
                    .config("seqguard.http." + free + ".host", "127.0.0.1")
                    .config("seqguard.http." + free + ".port", other);

            assertThatThrownBy(builder::start)
                    .hasStackTraceContaining("the " + taken + " listener cannot listen on 127.0.0.1:" + occupied.getLocalPort()
                            + " (seqguard.http." + taken + ".host and ." + taken + ".port): ");
            // Whichever listener was bound before the failure is closed again.
            try (ServerSocket again = new ServerSocket(other, 50, InetAddress.getLoopbackAddress())) {
                assertThat(again.getLocalPort()).isEqualTo(other);
            }
        }
    }

    @Test
    void stopWithoutStartIsHarmless() throws Exception {
        SeqguardServer server = SeqguardServer.builder().home(home).systemProperties(new Properties())
                .config("seqguard.storage", "memory")
                .config("seqguard.services", List.of())
                .config("seqguard.http.agent.port", 0)
                .config("seqguard.http.admin.port", 0)
                .config("seqguard.http.admin.token", TestServer.TOKEN)
                .start();
        try {
            JettyTransport fresh = new JettyTransport(server.instance(HttpConfig.class), server.guard(),
                    server.instance(io.seqguard.spi.SequenceStore.class), server.instance(io.seqguard.core.engine.ErrorPurge.class),
                    server.instance(PrometheusMeterRegistry.class), java.time.Clock.systemUTC());
            fresh.stop();
            fresh.stop();
            assertThat(fresh.endpoints()).isEmpty();
        } finally {
            server.stop();
        }
    }
}
