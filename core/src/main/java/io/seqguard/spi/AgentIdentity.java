package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

/**
 * Who sent a request: the GUID it claims, and what the server could tell about the machine.
 *
 * @param guid the agent GUID, never null
 * @param nodeName the reported node name, or null when the agent sent none
 * @param macAddress the reported MAC address, or null when the agent sent none
 * @param ipAddress the client address, or null when unknown (e.g. an in-process call)
 */
public record AgentIdentity(AgentGuid guid, NodeName nodeName, MacAddress macAddress, IpAddress ipAddress) {
    public AgentIdentity {
        requireNonNull(guid, "guid");
    }

    /** An identity that carries only a GUID. */
    public static AgentIdentity of(AgentGuid guid) {
        return new AgentIdentity(guid, null, null, null);
    }
}
