package io.seqguard.cli.simulate;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.SuspectKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server's suspects report next to the faults the simulator injected, GUID by GUID. A fault
 * that caused at least one rejection should be reported with its kind; an honest GUID should not
 * be reported at all. Stateless.
 */
public final class SuspectComparison {
    /**
     * One GUID's line.
     *
     * @param guid never null
     * @param injected what the simulator did, never null
     * @param expected the kind the server should report, or null when it should not report the GUID
     * @param reported the kind the server reported, or null when it did not
     */
    public record Line(AgentGuid guid, Fault injected, SuspectKind expected, SuspectKind reported) {
        public boolean matches() {
            return expected == reported;
        }
    }

    private SuspectComparison() {
    }

    /**
     * @param reported the server's report, by GUID (other GUIDs in it are ignored)
     */
    public static List<Line> compare(List<SimulatedGuid> fleet, Map<AgentGuid, SuspectKind> reported) {
        List<Line> lines = new ArrayList<>();
        for (SimulatedGuid guid : fleet) {
            SuspectKind expected = guid.rejections() > 0 ? guid.fault().expectedSuspect() : null;
            SuspectKind got = reported.get(guid.guid());
            if (expected != null || got != null) {
                lines.add(new Line(guid.guid(), guid.fault(), expected, got));
            }
        }
        return lines;
    }
}
