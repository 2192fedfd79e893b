package io.seqguard.cli.simulate;

import io.seqguard.spi.AgentGuid;
import java.io.IOException;

/**
 * Where the simulator sends check-ins. Implementations are thread safe.
 */
public interface AgentEndpoint {
    /**
     * Sends one check-in and waits for the answer.
     *
     * @return the HTTP status: 200 accepted, 409 stale, anything else unexpected
     * @throws IOException when no answer came
     */
    int send(AgentGuid guid, SimulatedMachine machine, long sequence) throws IOException, InterruptedException;
}
