package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One stale request: rejected (enforced) or, in audit mode, tolerated. Every sink receives the
 * same instances.
 *
 * @param agent who sent it, never null
 * @param time when the server saw it, UTC, truncated to milliseconds; never null
 * @param received the sequence number the request carried
 * @param last the highest number stored for the GUID at the time
 * @param enforced true when the request was rejected, false in audit mode
 */
public record SequenceError(AgentIdentity agent, Instant time, long received, long last, boolean enforced) {
    public SequenceError {
        requireNonNull(agent, "agent");
        requireNonNull(time, "time");
    }

    public AgentGuid guid() {
        return agent.guid();
    }
}
