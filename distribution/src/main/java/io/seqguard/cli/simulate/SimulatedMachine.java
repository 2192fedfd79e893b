package io.seqguard.cli.simulate;

import static java.util.Objects.requireNonNull;

/**
 * One simulated computer: what it sends as {@code Agent-Node-Name} and {@code Agent-Mac-Address}.
 *
 * @param nodeName never null
 * @param macAddress 12 upper-case hex digits, never null
 */
public record SimulatedMachine(String nodeName, String macAddress) {
    public SimulatedMachine {
        requireNonNull(nodeName, "nodeName");
        requireNonNull(macAddress, "macAddress");
    }
}
