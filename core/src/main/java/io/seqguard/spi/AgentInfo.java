package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What a store knows of one agent.
 *
 * @param guid the agent, never null
 * @param last the highest accepted sequence number
 * @param firstSeen when the GUID was registered, never null
 * @param lastSeen when the last request was accepted, never null
 * @param lastNodeName node name of the last accepted request, or null
 * @param lastMacAddress MAC address of the last accepted request, or null
 * @param lastIpAddress IP address of the last accepted request, or null
 * @param recentErrors error-table rows for the GUID since the time the caller asked about
 */
public record AgentInfo(
        AgentGuid guid,
        long last,
        Instant firstSeen,
        Instant lastSeen,
        NodeName lastNodeName,
        MacAddress lastMacAddress,
        IpAddress lastIpAddress,
        long recentErrors) {
    public AgentInfo {
        requireNonNull(guid, "guid");
        requireNonNull(firstSeen, "firstSeen");
        requireNonNull(lastSeen, "lastSeen");
    }
}
