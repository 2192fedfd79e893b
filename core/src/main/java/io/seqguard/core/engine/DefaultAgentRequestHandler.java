package io.seqguard.core.engine;

import io.seqguard.spi.AgentRequest;
import io.seqguard.spi.AgentRequestHandler;
import io.seqguard.spi.AgentResponse;

/**
 * The handler used when the integrator binds none: answers JSON with the canonical GUID and the
 * accepted sequence number, {@code {"agentGuid":"{...}","sequence":42}}. Stateless, thread safe.
 */
public final class DefaultAgentRequestHandler implements AgentRequestHandler {
    @Override
    public AgentResponse handle(AgentRequest request) {
        // The canonical GUID holds only hex digits, hyphens and braces, so it needs no JSON escaping.
        return AgentResponse.json("{\"agentGuid\":\"" + request.agent().guid() + "\",\"sequence\":" + request.sequence() + "}");
    }

    /** Builds a short string and nothing else, so it runs on the committing thread. */
    @Override
    public boolean isBlocking() {
        return false;
    }
}
