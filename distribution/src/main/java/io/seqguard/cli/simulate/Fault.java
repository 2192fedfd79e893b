package io.seqguard.cli.simulate;

import io.seqguard.spi.SuspectKind;

/** What a simulated GUID does to its sequence numbers, and what the server should report for it. */
public enum Fault {
    /** One machine whose counter only grows: every request must be accepted. */
    HONEST("honest", null),
    /** Several machines cloned from one image: one GUID, the same starting counter, each its own counter since. */
    CLONED_IMAGE("cloned image", SuspectKind.DUPLICATE_GUID),
    /** One machine restored from a VM snapshot: its counter goes back to the snapshot's value once. */
    SNAPSHOT_RESTORE("snapshot restore", SuspectKind.ROLLBACK),
    /** A frozen machine (Deep Freeze style): its counter goes back to the same value on every boot. */
    FROZEN_MACHINE("frozen machine", SuspectKind.ROLLBACK);

    private final String label;
    private final SuspectKind expectedSuspect;

    Fault(String label, SuspectKind expectedSuspect) {
        this.label = label;
        this.expectedSuspect = expectedSuspect;
    }

    /** For people. */
    public String label() {
        return label;
    }

    /** How the server's suspects report should classify the GUID once it had errors; null for honest agents. */
    public SuspectKind expectedSuspect() {
        return expectedSuspect;
    }
}
