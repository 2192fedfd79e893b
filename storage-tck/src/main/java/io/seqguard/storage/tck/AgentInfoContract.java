package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.Capability.AGENT_INFO;
import static io.seqguard.storage.tck.Capability.ERROR_TABLE;
import static io.seqguard.storage.tck.Capability.WINDOW_MODE;
import static io.seqguard.storage.tck.TestAgents.agent;
import static io.seqguard.storage.tck.TestAgents.guid;
import static io.seqguard.storage.tck.TestErrors.error;
import static io.seqguard.storage.tck.TestTimes.T0;
import static io.seqguard.storage.tck.TestTimes.at;
import static io.seqguard.storage.tck.TestTimes.hour;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.SequencePolicy;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What a store reports of one agent: first and last seen, last identity, recent errors. */
public interface AgentInfoContract extends StoreFixture {
    @Test
    default void unknownGuidHasNoInfo() {
        if (!supports(AGENT_INFO)) {
            return;
        }
        check(guid(2), 1);

        assertThat(store().agentInfo(guid(1), T0)).isEmpty();
    }

    @Test
    default void infoTracksFirstAndLastSeenAndTheLastAcceptedIdentity() {
        if (!supports(AGENT_INFO)) {
            return;
        }
        AgentGuid a = guid(1);
        AgentIdentity first = agent(a, "PC-1", "00:11:22:33:44:55", "10.0.0.1");
        AgentIdentity second = agent(a, "PC-2", "aa-bb-cc-dd-ee-ff", "2001:db8::1");
        AgentIdentity stale = agent(a, "PC-3", "001122AABBCC", "10.0.0.3");
        Instant registered = at("PT1M2.345S");
        Instant accepted = at("PT5M0.678S");

        store().checkAndAdvance(first, 10, SequencePolicy.STRICT, registered);
        store().checkAndAdvance(second, 11, SequencePolicy.STRICT, accepted);
        // A stale request changes nothing, not even "last seen".
        store().checkAndAdvance(stale, 5, SequencePolicy.STRICT, at("PT10M"));

        assertThat(store().agentInfo(a, T0)).contains(new AgentInfo(a, 11, registered, accepted,
                second.nodeName(), second.macAddress(), second.ipAddress(), 0));
    }

    @Test
    default void infoOfAnAgentThatSentOnlyItsGuidHasNoMachineParts() {
        if (!supports(AGENT_INFO)) {
            return;
        }
        AgentGuid a = guid(1);
        store().checkAndAdvance(agent(a, "PC-1", "001122334455", "10.0.0.1"), 1, SequencePolicy.STRICT, T0);
        store().checkAndAdvance(agent(a), 2, SequencePolicy.STRICT, hour(1));

        assertThat(store().agentInfo(a, T0)).contains(new AgentInfo(a, 2, T0, hour(1), null, null, null, 0));
    }

    @Test
    default void acceptanceInsideTheWindowUpdatesLastSeenButNotLast() {
        if (!supports(AGENT_INFO, WINDOW_MODE)) {
            return;
        }
        AgentGuid a = guid(1);
        AgentIdentity late = agent(a, "PC-1", "001122334455", "10.0.0.9");
        store().checkAndAdvance(agent(a), 100, SequencePolicy.window(64), T0);
        store().checkAndAdvance(late, 90, SequencePolicy.window(64), hour(1));

        assertThat(store().agentInfo(a, T0)).contains(new AgentInfo(a, 100, T0, hour(1),
                late.nodeName(), late.macAddress(), late.ipAddress(), 0));
    }

    @Test
    default void recentErrorsCountsThisAgentsRowsSinceTheGivenTime() {
        if (!supports(AGENT_INFO, ERROR_TABLE)) {
            return;
        }
        AgentGuid a = guid(1);
        check(a, 100);
        store().recordError(error(a, hour(1)), 100);
        store().recordError(error(a, hour(2)), 100);
        store().recordError(error(a, hour(3)), 100);
        store().recordError(error(guid(2), hour(2)), 100);

        assertThat(store().agentInfo(a, T0)).get().extracting(AgentInfo::recentErrors).isEqualTo(3L);
        assertThat(store().agentInfo(a, hour(2))).as("since is inclusive").get().extracting(AgentInfo::recentErrors).isEqualTo(2L);
        assertThat(store().agentInfo(a, hour(3).plusMillis(1))).get().extracting(AgentInfo::recentErrors).isEqualTo(0L);
    }
}
