package io.seqguard.transport.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.core.bootstrap.StartupException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated token and the metrics token switch, on a whole server. */
class MetricsAndTokenTest {
    @TempDir
    Path home;

    @Test
    void generatedTokenGuardsTheAdminApiAndMetricsWhenRequired() throws Exception {
        try (TestServer server = TestServer.builder(home).generatedToken().config("seqguard.http.metrics.require-token", true).start()) {
            Path file = home.resolve("data/admin.token");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            String token = Files.readString(file).strip();

            assertThat(server.admin(TestServer.raw("GET", AdminHandler.METRICS)).getStatus()).isEqualTo(401);
            assertThat(server.admin(TestServer.raw("GET", AdminHandler.METRICS, "Authorization: Bearer " + token)).getStatus())
                    .isEqualTo(200);
            assertThat(server.admin(TestServer.adminCall("GET", AdminHandler.ERRORS)).getStatus()).isEqualTo(401);
            assertThat(server.admin(TestServer.raw("GET", AdminHandler.ERRORS, "Authorization: Bearer " + token)).getStatus())
                    .isEqualTo(200);
            // Probes stay open for load balancers.
            assertThat(server.admin(TestServer.raw("GET", "/readyz")).getStatus()).isEqualTo(200);
        }
        // A restart reuses the file.
        String before = Files.readString(home.resolve("data/admin.token"));
        try (TestServer again = TestServer.builder(home).generatedToken().start()) {
            assertThat(Files.readString(home.resolve("data/admin.token"))).isEqualTo(before);
            assertThat(again.admin(TestServer.raw("GET", AdminHandler.SUSPECTS, "Authorization: Bearer " + before.strip()))
                    .getStatus()).isEqualTo(200);
        }
    }

    @Test
    void aTakenPortFailsTheStartAndLeavesNothingRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> TestServer.builder(home).config("seqguard.http.agent.port", taken.getLocalPort()).start())
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("JettyTransport");
        }
        // Nothing was left half-started: a new server starts in the same home.
        try (TestServer server = TestServer.builder(home).start()) {
            assertThat(server.agent(TestServer.raw("GET", "/healthz")).getStatus()).isEqualTo(200);
        }
    }
}
