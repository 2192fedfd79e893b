package io.seqguard.transport.jetty;

import com.google.inject.Module;
import io.seqguard.core.bootstrap.SeqguardServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;

/**
 * A whole seqguard server for tests: the real bootstrap with the {@code http} plugin found by
 * ServiceLoader, both listeners on free ports, and an in-memory connector per listener for raw
 * HTTP. Stops everything on {@link #close()}.
 */
final class TestServer implements AutoCloseable {
    static final String TOKEN = "test-admin-token-0123456789abcdef";

    final SeqguardServer server;
    final JettyTransport transport;
    final LocalConnector agent;
    final LocalConnector admin;

    private TestServer(SeqguardServer server) throws Exception {
        this.server = server;
        this.transport = server.instance(JettyTransport.class);
        this.agent = transport.addLocalConnector(ListenerRouter.AGENT);
        this.admin = transport.addLocalConnector(ListenerRouter.ADMIN);
    }

    static Builder builder(Path home) {
        return new Builder(home);
    }

    URI agentUri() {
        return transport.endpoints().get(0);
    }

    URI adminUri() {
        return transport.endpoints().get(1);
    }

    /** Sends one raw request to the agent listener and parses the answer. */
    HttpTester.Response agent(String raw) throws Exception {
        return HttpTester.parseResponse(agent.getResponse(raw, 10, TimeUnit.SECONDS));
    }

    /** Sends one raw request to the admin listener and parses the answer. */
    HttpTester.Response admin(String raw) throws Exception {
        return HttpTester.parseResponse(admin.getResponse(raw, 10, TimeUnit.SECONDS));
    }

    /** A raw HTTP/1.1 request that closes its connection; {@code headers} are "Name: value" lines. */
    static String raw(String method, String path, String... headers) {
        return rawWithBody(method, path, null, headers);
    }

    /** Like {@link #raw} with a body (Content-Length is added). */
    static String rawWithBody(String method, String path, String body, String... headers) {
        StringBuilder out = new StringBuilder().append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: test\r\n");
        for (String header : headers) {
            out.append(header).append("\r\n");
        }
        if (body != null) {
            out.append("Content-Length: ").append(body.length()).append("\r\n");
        } else if (method.equals("POST")) {
            out.append("Content-Length: 0\r\n");
        }
        out.append("Connection: close\r\n\r\n");
        if (body != null) {
            out.append(body);
        }
        return out.toString();
    }

    /** A check-in with the two required headers plus {@code extra}. */
    static String checkIn(String guid, long sequence, String... extra) {
        List<String> headers = new ArrayList<>();
        headers.add("Agent-Guid: " + guid);
        headers.add("Agent-Sequence: " + sequence);
        headers.addAll(List.of(extra));
        return raw("POST", AgentHandler.PATH, headers.toArray(String[]::new));
    }

    /** An admin request with the test token. */
    static String adminCall(String method, String path, String... extra) {
        List<String> headers = new ArrayList<>();
        headers.add("Authorization: Bearer " + TOKEN);
        headers.addAll(List.of(extra));
        return raw(method, path, headers.toArray(String[]::new));
    }

    @Override
    public void close() {
        server.stop();
    }

    static final class Builder {
        private final SeqguardServer.Builder builder;
        private final Map<String, Object> config = new LinkedHashMap<>();

        private Builder(Path home) {
            builder = SeqguardServer.builder().home(home).systemProperties(new Properties()).discoverPlugins(true);
            config.put("seqguard.storage", "memory");
            config.put("seqguard.services", List.of());
            config.put("seqguard.http.agent.host", "127.0.0.1");
            config.put("seqguard.http.agent.port", 0);
            config.put("seqguard.http.admin.port", 0);
            config.put("seqguard.http.admin.token", TOKEN);
            config.put("seqguard.http.shutdown-grace", "5s");
        }

        Builder config(String key, Object value) {
            config.put(key, value);
            return this;
        }

        Builder generatedToken() {
            config.remove("seqguard.http.admin.token");
            return this;
        }

        Builder store(SwitchableStore store) {
            builder.plugin(new SwitchableStorePlugin(store));
            config.put("seqguard.storage", SwitchableStorePlugin.ID);
            return this;
        }

        Builder module(Module module) {
            builder.module(module);
            return this;
        }

        TestServer start() throws Exception {
            config.forEach(builder::config);
            SeqguardServer server = builder.start();
            try {
                return new TestServer(server);
            } catch (Exception | Error e) {
                server.stop();
                throw e;
            }
        }
    }
}
