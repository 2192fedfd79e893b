package io.seqguard.cli.simulate;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.AgentGuid;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Sends check-ins to {@code POST /agent/v1/requests} with the JDK's HTTP client (HTTP/1.1,
 * keep-alive). Thread safe.
 */
public final class HttpAgentEndpoint implements AgentEndpoint {
    private static final byte[] PAYLOAD = "{\"simulated\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final URI uri;
    private final HttpClient client;
    private final Duration timeout;

    /** @param executor runs the client's internal work; the caller shuts it down */
    public HttpAgentEndpoint(URI uri, Duration timeout, Executor executor) {
        this.uri = requireNonNull(uri, "uri");
        this.timeout = requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).executor(executor).build();
    }

    public URI uri() {
        return uri;
    }

    @Override
    public int send(AgentGuid guid, SimulatedMachine machine, long sequence) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Agent-Guid", guid.toString())
                .header("Agent-Sequence", Long.toString(sequence))
                .header("Agent-Node-Name", machine.nodeName())
                .header("Agent-Mac-Address", machine.macAddress())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(PAYLOAD))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
