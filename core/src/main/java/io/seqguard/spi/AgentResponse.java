package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * What the integrator's handler answers to an accepted request.
 *
 * @param status an HTTP-style status code, 200 to 599
 * @param contentType the body's media type, never null
 * @param body the body, never null; not copied
 */
public record AgentResponse(int status, String contentType, byte[] body) {
    public AgentResponse {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be between 200 and 599: " + status);
        }
        requireNonNull(contentType, "contentType");
        requireNonNull(body, "body");
    }

    /** A 200 response with a JSON body. */
    public static AgentResponse json(String json) {
        return new AgentResponse(200, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }
}
