package io.seqguard.storage.tck;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.IpAddress;
import io.seqguard.spi.MacAddress;
import io.seqguard.spi.Machine;
import io.seqguard.spi.NodeName;
import java.util.UUID;

/**
 * Agents for storage tests: deterministic GUIDs, so a failure names the same agent on every run,
 * and identities built from plain strings. Stateless and thread safe.
 */
public final class TestAgents {
    private TestAgents() {
    }

    /**
     * The GUID numbered {@code n}: {@code {00000000-0000-4000-8000-<n as 12 hex digits>}}. GUIDs
     * sort in the order of their numbers.
     */
    public static AgentGuid guid(long n) {
        if (n < 0 || n > 0xFFFF_FFFF_FFFFL) {
            throw new IllegalArgumentException("n must be between 0 and 2^48-1: " + n);
        }
        return AgentGuid.of(new UUID(0x0000_0000_0000_4000L, 0x8000_0000_0000_0000L | n));
    }

    /** An identity that carries only the GUID, as from an agent that sent no node name or MAC. */
    public static AgentIdentity agent(AgentGuid guid) {
        return AgentIdentity.of(guid);
    }

    /**
     * A full identity.
     *
     * @param nodeName a node name, or null
     * @param mac a MAC address in any accepted form, or null
     * @param ip an IPv4 or IPv6 literal, or null
     */
    public static AgentIdentity agent(AgentGuid guid, String nodeName, String mac, String ip) {
        return new AgentIdentity(guid, nodeName(nodeName), macAddress(mac), ipAddress(ip));
    }

    /** The machine (node name and MAC) of a node name and a MAC address, either may be null. */
    public static Machine machine(String nodeName, String mac) {
        return new Machine(nodeName(nodeName), macAddress(mac));
    }

    private static NodeName nodeName(String text) {
        return text == null ? null : NodeName.parse(text);
    }

    private static MacAddress macAddress(String text) {
        return text == null ? null : MacAddress.parse(text);
    }

    private static IpAddress ipAddress(String text) {
        return text == null ? null : IpAddress.parse(IpAddress.FIELD, text);
    }
}
