package io.seqguard.spi;

/**
 * One machine as seen by the server: the node name and MAC address a request carried. Either
 * part may be null when the agent did not send it.
 */
public record Machine(NodeName nodeName, MacAddress macAddress) {
    /** The machine an identity describes. */
    public static Machine of(AgentIdentity identity) {
        return new Machine(identity.nodeName(), identity.macAddress());
    }
}
