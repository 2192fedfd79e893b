package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.TestAgents.agent;
import static io.seqguard.storage.tck.TestAgents.guid;
import static io.seqguard.storage.tck.TestTimes.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.Enforcement;
import io.seqguard.spi.SequencePolicy;
import org.junit.jupiter.api.Test;

/** Check semantics in strict mode (SPEC §3): accept only numbers above {@code last}. */
public interface StrictCheckContract extends StoreFixture {
    @Test
    default void unknownGuidRegistersWithTheReceivedNumber() {
        AgentGuid a = guid(1);

        assertThat(check(a, 42)).isEqualTo(CheckResult.registered());
        assertThat(check(a, 42)).isEqualTo(CheckResult.stale(42));
        assertThat(check(a, 43)).isEqualTo(CheckResult.accepted(42));
    }

    @Test
    default void higherNumberIsAcceptedAndReportsThePreviousLast() {
        AgentGuid a = guid(1);
        check(a, 10);

        assertThat(check(a, 11)).isEqualTo(CheckResult.accepted(10));
        assertThat(check(a, 1_000_000)).isEqualTo(CheckResult.accepted(11));
        assertThat(check(a, 1_000_001)).isEqualTo(CheckResult.accepted(1_000_000));
    }

    @Test
    default void equalNumberIsAReplay() {
        AgentGuid a = guid(1);
        check(a, 10);
        check(a, 11);

        assertThat(check(a, 11)).isEqualTo(CheckResult.stale(11));
        assertThat(check(a, 11)).isEqualTo(CheckResult.stale(11));
    }

    @Test
    default void lowerNumberIsStaleAndChangesNothing() {
        AgentGuid a = guid(1);
        check(a, 100);

        assertThat(check(a, 99)).isEqualTo(CheckResult.stale(100));
        assertThat(check(a, 0)).isEqualTo(CheckResult.stale(100));
        assertThat(check(a, 100)).isEqualTo(CheckResult.stale(100));
        assertThat(check(a, 101)).isEqualTo(CheckResult.accepted(100));
    }

    @Test
    default void zeroIsAValidNumber() {
        AgentGuid a = guid(1);

        assertThat(check(a, 0)).isEqualTo(CheckResult.registered());
        assertThat(check(a, 0)).isEqualTo(CheckResult.stale(0));
        assertThat(check(a, 1)).isEqualTo(CheckResult.accepted(0));
    }

    @Test
    default void longMaxValueIsAcceptedAndThenEverythingIsStale() {
        AgentGuid a = guid(1);
        check(a, 5);

        assertThat(check(a, Long.MAX_VALUE)).isEqualTo(CheckResult.accepted(5));
        assertThat(check(a, Long.MAX_VALUE)).isEqualTo(CheckResult.stale(Long.MAX_VALUE));
        assertThat(check(a, Long.MAX_VALUE - 1)).isEqualTo(CheckResult.stale(Long.MAX_VALUE));
        assertThat(check(a, 0)).isEqualTo(CheckResult.stale(Long.MAX_VALUE));
    }

    @Test
    default void registeringAtLongMaxValueKeepsTheFullValue() {
        AgentGuid a = guid(1);

        assertThat(check(a, Long.MAX_VALUE)).isEqualTo(CheckResult.registered());
        assertThat(check(a, Long.MAX_VALUE)).isEqualTo(CheckResult.stale(Long.MAX_VALUE));
        assertThat(check(a, Long.MAX_VALUE - 1)).isEqualTo(CheckResult.stale(Long.MAX_VALUE));
    }

    @Test
    default void guidsAreIndependent() {
        AgentGuid a = guid(1);
        AgentGuid b = guid(2);
        check(a, 100);

        assertThat(check(b, 5)).isEqualTo(CheckResult.registered());
        assertThat(check(a, 6)).isEqualTo(CheckResult.stale(100));
        assertThat(check(b, 6)).isEqualTo(CheckResult.accepted(5));
        assertThat(check(a, 101)).isEqualTo(CheckResult.accepted(100));
    }

    @Test
    default void enforcementIsIgnoredByTheStore() {
        // Audit mode is the engine's business: the store still says stale and never moves last back.
        SequencePolicy audit = new SequencePolicy(0, Enforcement.AUDIT);
        AgentGuid a = guid(1);

        assertThat(store().checkAndAdvance(agent(a), 100, audit, T0)).isEqualTo(CheckResult.registered());
        assertThat(store().checkAndAdvance(agent(a), 50, audit, T0)).isEqualTo(CheckResult.stale(100));
        assertThat(store().checkAndAdvance(agent(a), 100, audit, T0)).isEqualTo(CheckResult.stale(100));
        assertThat(check(a, 101)).isEqualTo(CheckResult.accepted(100));
    }
}
