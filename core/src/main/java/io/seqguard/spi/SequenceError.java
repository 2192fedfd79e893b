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

    /**
     * The UTC clock hour this error counts against for the hourly table limit (SPEC §4.2), as
     * whole hours since the epoch: {@code 10:59:59.999} and {@code 10:00:00.000} share one hour.
     * Every store and sink uses this, so they agree on the boundary.
     */
    public long clockHour() {
        return clockHour(time);
    }

    /** The UTC clock hour of {@code time}, as whole hours since the epoch. */
    public static long clockHour(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), 3600);
    }
}
