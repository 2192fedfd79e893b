package io.seqguard.storage.tck;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.SequenceError;
import java.time.Instant;

/** Sequence errors for storage tests. Stateless and thread safe. */
public final class TestErrors {
    private TestErrors() {
    }

    /** An enforced error of {@code agent} at {@code time}: received 1 while 2 was stored. */
    public static SequenceError error(AgentIdentity agent, Instant time) {
        return new SequenceError(agent, time, 1, 2, true);
    }

    /** An enforced error of a GUID-only identity at {@code time}. */
    public static SequenceError error(AgentGuid guid, Instant time) {
        return error(AgentIdentity.of(guid), time);
    }

    /** An error with every field given. */
    public static SequenceError error(AgentIdentity agent, Instant time, long received, long last, boolean enforced) {
        return new SequenceError(agent, time, received, last, enforced);
    }
}
