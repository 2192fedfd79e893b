package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

/**
 * A check-in: an agent request whose identity and sequence number were parsed by a transport.
 *
 * @param agent who sent it, never null
 * @param sequence the request's sequence number, at least 0
 * @param contentType the payload's media type, or null when none was given
 * @param payload the opaque body, never null (empty when there was none); not copied, do not modify
 */
public record AgentRequest(AgentIdentity agent, long sequence, String contentType, byte[] payload) {
    private static final byte[] EMPTY = new byte[0];

    public AgentRequest {
        requireNonNull(agent, "agent");
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence must not be negative: " + sequence);
        }
        payload = payload == null ? EMPTY : payload;
    }

    /** A request without payload. */
    public static AgentRequest of(AgentIdentity agent, long sequence) {
        return new AgentRequest(agent, sequence, null, EMPTY);
    }
}
