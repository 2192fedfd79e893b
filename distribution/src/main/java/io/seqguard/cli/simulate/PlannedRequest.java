package io.seqguard.cli.simulate;

import static java.util.Objects.requireNonNull;

/**
 * One request of a simulated GUID: which of its machines sends it, with which sequence number.
 *
 * @param machine never null
 * @param sequence at least 0
 */
public record PlannedRequest(SimulatedMachine machine, long sequence) {
    public PlannedRequest {
        requireNonNull(machine, "machine");
    }
}
