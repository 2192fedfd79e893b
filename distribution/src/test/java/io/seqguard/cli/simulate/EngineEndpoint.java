package io.seqguard.cli.simulate;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentRequest;
import io.seqguard.spi.CheckInOutcome;
import io.seqguard.spi.IpAddress;
import io.seqguard.spi.MacAddress;
import io.seqguard.spi.NodeName;
import io.seqguard.spi.SequenceGuard;

/** The real engine, in process, answering as the HTTP transport would (200 or 409). */
final class EngineEndpoint implements AgentEndpoint {
    private final SequenceGuard guard;

    EngineEndpoint(SequenceGuard guard) {
        this.guard = guard;
    }

    @Override
    public int send(AgentGuid guid, SimulatedMachine machine, long sequence) {
        AgentIdentity agent = new AgentIdentity(guid, NodeName.parse(machine.nodeName()), MacAddress.parse(machine.macAddress()),
                IpAddress.parse("ip", "127.0.0.1"));
        CheckInOutcome outcome = guard.checkIn(AgentRequest.of(agent, sequence));
        return switch (outcome.status()) {
            case ACCEPTED -> 200;
            case STALE -> 409;
            case UNAUTHENTICATED -> 401;
        };
    }
}
