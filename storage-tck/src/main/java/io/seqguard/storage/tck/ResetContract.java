package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.Capability.AGENT_INFO;
import static io.seqguard.storage.tck.Capability.ERROR_QUERY;
import static io.seqguard.storage.tck.Capability.ERROR_TABLE;
import static io.seqguard.storage.tck.Capability.RESET;
import static io.seqguard.storage.tck.Capability.WINDOW_MODE;
import static io.seqguard.storage.tck.TestAgents.guid;
import static io.seqguard.storage.tck.TestErrors.error;
import static io.seqguard.storage.tck.TestTimes.T0;
import static io.seqguard.storage.tck.TestTimes.hour;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.SequencePolicy;
import org.junit.jupiter.api.Test;

/** Resetting a GUID (SPEC §5): its state is forgotten, its error rows are kept. */
public interface ResetContract extends StoreFixture {
    @Test
    default void resetForgetsTheGuidSoItsNextRequestRegisters() {
        if (!supports(RESET)) {
            return;
        }
        AgentGuid a = guid(1);
        check(a, 100);

        assertThat(store().reset(a)).isTrue();
        assertThat(check(a, 5)).isEqualTo(CheckResult.registered());
        assertThat(check(a, 5)).isEqualTo(CheckResult.stale(5));
        assertThat(check(a, 6)).isEqualTo(CheckResult.accepted(5));
    }

    @Test
    default void resetOfAnUnknownGuidReturnsFalseAndResetIsIdempotent() {
        if (!supports(RESET)) {
            return;
        }
        AgentGuid a = guid(1);

        assertThat(store().reset(a)).isFalse();
        check(a, 100);
        assertThat(store().reset(a)).isTrue();
        assertThat(store().reset(a)).isFalse();
    }

    @Test
    default void resetLeavesOtherAgentsAlone() {
        if (!supports(RESET)) {
            return;
        }
        AgentGuid a = guid(1);
        AgentGuid b = guid(2);
        check(a, 100);
        check(b, 100);

        store().reset(a);

        assertThat(check(b, 100)).isEqualTo(CheckResult.stale(100));
        assertThat(check(a, 100)).isEqualTo(CheckResult.registered());
    }

    @Test
    default void resetInWindowModeForgetsTheWindow() {
        if (!supports(RESET, WINDOW_MODE)) {
            return;
        }
        AgentGuid a = guid(1);
        check(a, 100, 64);
        check(a, 90, 64);

        store().reset(a);

        assertThat(check(a, 90, 64)).isEqualTo(CheckResult.registered());
        assertThat(check(a, 100, 64)).isEqualTo(CheckResult.accepted(90));
        assertThat(check(a, 90, 64)).isEqualTo(CheckResult.stale(100));
    }

    @Test
    default void resetKeepsTheErrorRows() {
        if (!supports(RESET, ERROR_TABLE, ERROR_QUERY)) {
            return;
        }
        AgentGuid a = guid(1);
        check(a, 100);
        store().recordError(error(a, hour(1)), 10);
        store().recordError(error(a, hour(2)), 10);

        store().reset(a);

        assertThat(store().findErrors(new ErrorQuery(a, null, null, 10))).hasSize(2);
    }

    @Test
    default void anAgentRegisteredAgainAfterAResetIsNewlySeen() {
        if (!supports(RESET, AGENT_INFO)) {
            return;
        }
        AgentGuid a = guid(1);
        store().checkAndAdvance(TestAgents.agent(a), 100, SequencePolicy.STRICT, T0);
        store().checkAndAdvance(TestAgents.agent(a), 101, SequencePolicy.STRICT, hour(1));

        store().reset(a);
        assertThat(store().checkAndAdvance(TestAgents.agent(a), 7, SequencePolicy.STRICT, hour(3))).isEqualTo(CheckResult.registered());

        AgentInfo info = store().agentInfo(a, T0).orElseThrow();
        assertThat(info.last()).isEqualTo(7);
        assertThat(info.firstSeen()).as("registered anew at the check-in after the reset").isEqualTo(hour(3));
        assertThat(info.lastSeen()).isEqualTo(hour(3));
    }

    @Test
    default void resetAgentHasNoInfo() {
        if (!supports(RESET, AGENT_INFO)) {
            return;
        }
        AgentGuid a = guid(1);
        check(a, 100);

        store().reset(a);

        assertThat(store().agentInfo(a, T0)).isEmpty();
    }
}
