package io.seqguard.spi;

/** Why a GUID is suspect (SPEC §5). */
public enum SuspectKind {
    /** Two or more machines use one GUID: cloned images. Give the clones new GUIDs. */
    DUPLICATE_GUID("Duplicate GUID: several machines share it (cloned image). Give each clone a new agent GUID."),
    /** One machine whose counter went back: snapshot restore or frozen disk. Reset the GUID. */
    ROLLBACK("Rollback: one machine's counter went back (snapshot restore or frozen disk). Reset the GUID's stored sequence on the server.");

    private final String remedy;

    SuspectKind(String remedy) {
        this.remedy = remedy;
    }

    /** What an operator should do, as one sentence. */
    public String remedy() {
        return remedy;
    }
}
