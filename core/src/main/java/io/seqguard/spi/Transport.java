package io.seqguard.spi;

import java.net.URI;
import java.util.List;

/**
 * A listener that turns outside requests into check-ins through {@link SequenceGuard}. Runs in
 * {@link Phase#TRANSPORT}: started last, stopped first; {@link #stop()} should let in-flight
 * requests finish and refuse new ones.
 */
public interface Transport extends Managed {
    @Override
    default Phase phase() {
        return Phase.TRANSPORT;
    }

    /** Where this transport listens, once started; empty before. */
    List<URI> endpoints();
}
