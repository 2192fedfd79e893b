package io.seqguard.transport.jetty;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.multibindings.OptionalBinder;
import io.seqguard.spi.AgentRequest;
import io.seqguard.spi.AgentRequestHandler;
import io.seqguard.spi.AgentResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bodies larger than what {@link RequestBody} allocates before their bytes arrive, over a real
 * socket and in pieces with pauses between them, reach the handler byte for byte.
 */
class LargeBodyTest {
    private static final int MAX_BODY = 1 << 20;

    @TempDir
    static Path home;

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.builder(home)
                .config("seqguard.http.agent.max-body", MAX_BODY)
                .module(binder -> OptionalBinder.newOptionalBinder(binder, AgentRequestHandler.class).setBinding()
                        .toInstance(LargeBodyTest::digest))
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    // Answers the payload's length and SHA-256, so the test sees exactly what the handler got.
    private static AgentResponse digest(AgentRequest request) {
        return new AgentResponse(200, "text/plain", (request.payload().length + " " + sha256(request.payload())).getBytes(ISO_8859_1));
    }

    @ParameterizedTest
    @ValueSource(ints = {RequestBody.UP_FRONT - 1, RequestBody.UP_FRONT, RequestBody.UP_FRONT + 1, 300_001, MAX_BODY})
    void aDeclaredBodySentInPiecesArrivesWhole(int size) throws Exception {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        String head = "POST " + AgentHandler.PATH + " HTTP/1.1\r\nHost: test\r\nAgent-Guid: " + UUID.randomUUID() + "\r\nAgent-Sequence: 1\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: " + size + "\r\nConnection: close\r\n\r\n";
        URI agent = server.agentUri();
        try (Socket socket = new Socket(agent.getHost(), agent.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(ISO_8859_1));
            out.flush();
            int piece = size / 7 + 1;
            for (int offset = 0; offset < size; offset += piece) {
                out.write(body, offset, Math.min(piece, size - offset));
                out.flush();
                Thread.sleep(5); // several reads on the server, each finding only part of the body
            }
            HttpTester.Response response = HttpTester.parseResponse(readAll(socket.getInputStream()));
            assertThat(response.getStatus()).as(response.getContent()).isEqualTo(200);
            assertThat(response.getContent()).isEqualTo(size + " " + sha256(body));
        }
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(ISO_8859_1);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
