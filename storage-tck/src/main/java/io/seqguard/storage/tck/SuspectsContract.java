package io.seqguard.storage.tck;

import static io.seqguard.storage.tck.Capability.ERROR_TABLE;
import static io.seqguard.storage.tck.Capability.SUSPECTS;
import static io.seqguard.storage.tck.TestAgents.agent;
import static io.seqguard.storage.tck.TestAgents.guid;
import static io.seqguard.storage.tck.TestAgents.machine;
import static io.seqguard.storage.tck.TestErrors.error;
import static io.seqguard.storage.tck.TestTimes.T0;
import static io.seqguard.storage.tck.TestTimes.hour;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.Suspect;
import io.seqguard.spi.SuspectKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The suspects report (SPEC §5): GUIDs with errors in the look-back, a duplicate GUID when the
 * errors and the last accepted request show two or more MAC addresses or node names, otherwise
 * a rollback.
 */
public interface SuspectsContract extends StoreFixture {
    String MAC_1 = "001122334455";
    String MAC_2 = "66778899AABB";

    @Test
    default void noErrorsNoSuspects() {
        if (!supports(SUSPECTS)) {
            return;
        }
        check(guid(1), 100);

        assertThat(store().findSuspects(T0, 10)).isEmpty();
    }

    @Test
    default void oneMachineIsARollback() {
        if (!supports(ERROR_TABLE, SUSPECTS)) {
            return;
        }
        AgentGuid a = guid(1);
        accept(agent(a, "PC-1", MAC_1, "10.0.0.1"), 100, T0);
        // The IP address is not part of a machine: DHCP moves it.
        recordError(agent(a, "PC-1", MAC_1, "10.0.0.2"), hour(1));
        recordError(agent(a, "PC-1", MAC_1, "10.0.0.3"), hour(2));
        recordError(agent(a, "PC-1", MAC_1, "10.0.0.1"), hour(3));

        assertThat(store().findSuspects(T0, 10)).containsExactly(
                new Suspect(a, SuspectKind.ROLLBACK, List.of(machine("PC-1", MAC_1)), 3, hour(1), hour(3)));
    }

    @Test
    default void twoMacAddressesAreADuplicateGuid() {
        if (!supports(ERROR_TABLE, SUSPECTS)) {
            return;
        }
        AgentGuid a = guid(1);
        accept(agent(a, "PC-1", MAC_1, "10.0.0.1"), 100, T0);
        recordError(agent(a, "PC-1", MAC_2, "10.0.0.2"), hour(1));
        recordError(agent(a, "PC-1", MAC_2, "10.0.0.2"), hour(2));

        assertThat(store().findSuspects(T0, 10)).containsExactly(new Suspect(a, SuspectKind.DUPLICATE_GUID,
                List.of(machine("PC-1", MAC_1), machine("PC-1", MAC_2)), 2, hour(1), hour(2)));
    }

    @Test
    default void twoNodeNamesAreADuplicateGuid() {
        if (!supports(ERROR_TABLE, SUSPECTS)) {
            return;
        }
        AgentGuid a = guid(1);
        accept(agent(a, "PC-1", MAC_1, null), 100, T0);
        recordError(agent(a, "PC-1", MAC_1, null), hour(1));
        recordError(agent(a, "PC-2", MAC_1, null), hour(2));

        assertThat(store().findSuspects(T0, 10)).containsExactly(new Suspect(a, SuspectKind.DUPLICATE_GUID,
                List.of(machine("PC-1", MAC_1), machine("PC-2", MAC_1)), 2, hour(1), hour(2)));
    }

    @Test
    default void theLastAcceptedRequestCountsAsAMachine() {
        if (!supports(ERROR_TABLE, SUSPECTS)) {
            return;
        }
        // Every error comes from one clone; only the last accepted request shows the other.
        AgentGuid a = guid(1);
        recordError(agent(a, "CLONE-A", MAC_1, null), hour(1));
        recordError(agent(a, "CLONE-A", MAC_1, null), hour(2));
        accept(agent(a, "CLONE-B", MAC_2, null), 100, hour(3));

        assertThat(store().findSuspects(T0, 10)).singleElement().satisfies(suspect -> {
            assertThat(suspect.kind()).isEqualTo(SuspectKind.DUPLICATE_GUID);
            assertThat(suspect.machines()).containsExactly(machine("CLONE-A", MAC_1), machine("CLONE-B", MAC_2));
        });
    }

    @Test
    default void anAgentWithoutStoredStateIsJudgedByItsErrors() {
        if (!supports(ERROR_TABLE, SUSPECTS)) {
            return;
        }
        // Never registered (or reset): only the error rows speak, including agents that sent no MAC.
        recordError(agent(guid(1)), hour(1));
        recordError(agent(guid(1)), hour(2));
        recordError(agent(guid(2), "PC-1", null, null), hour(1));
        recordError(agent(guid(2), "PC-2", null, null), hour(1));

        assertThat(store().findSuspects(T0, 10)).containsExactly(
                new Suspect(guid(1), SuspectKind.ROLLBACK, List.of(machine(null, null)), 2, hour(1), hour(2)),
                new Suspect(guid(2), SuspectKind.DUPLICATE_GUID, List.of(machine("PC-1", null), machine("PC-2", null)), 2, hour(1), hour(1)));
    }

    @Test
    default void theLookBackLimitsRowsCountsAndMachines() {
        if (!supports(ERROR_TABLE, SUSPECTS)) {
            return;
        }
        AgentGuid a = guid(1);
        accept(agent(a, "PC-1", MAC_1, null), 100, T0);
        // Before the look-back: another machine, which must not make it a duplicate.
        recordError(agent(a, "PC-9", MAC_2, null), hour(1));
        recordError(agent(a, "PC-1", MAC_1, null), hour(4));
        recordError(agent(a, "PC-1", MAC_1, null), hour(5));
        // A GUID whose only error is before the look-back is no suspect.
        recordError(agent(guid(2), "PC-2", MAC_2, null), hour(3).minusMillis(1));

        assertThat(store().findSuspects(hour(4), 10)).as("since is inclusive").containsExactly(
                new Suspect(a, SuspectKind.ROLLBACK, List.of(machine("PC-1", MAC_1)), 2, hour(4), hour(5)));
        assertThat(store().findSuspects(hour(4).plusMillis(1), 10)).containsExactly(
                new Suspect(a, SuspectKind.ROLLBACK, List.of(machine("PC-1", MAC_1)), 1, hour(5), hour(5)));
        assertThat(store().findSuspects(hour(6), 10)).isEmpty();
    }

    @Test
    default void suspectsAreOrderedByErrorCountThenGuidAndLimited() {
        if (!supports(ERROR_TABLE, SUSPECTS)) {
            return;
        }
        int[] errorsOf = {0, 1, 3, 3, 5, 2};
        for (int n = 1; n < errorsOf.length; n++) {
            for (int i = 0; i < errorsOf[n]; i++) {
                recordError(agent(guid(n), "PC-" + n, null, null), hour(1).plusSeconds(i));
            }
        }

        assertThat(store().findSuspects(T0, 10)).extracting(Suspect::guid, Suspect::errorCount).containsExactly(
                tuple(guid(4), 5L),
                tuple(guid(2), 3L),
                tuple(guid(3), 3L),
                tuple(guid(5), 2L),
                tuple(guid(1), 1L));
        assertThat(store().findSuspects(T0, 2)).extracting(Suspect::guid).containsExactly(guid(4), guid(2));
    }

    private void accept(AgentIdentity agent, long received, Instant time) {
        store().checkAndAdvance(agent, received, SequencePolicy.STRICT, time);
    }

    private void recordError(AgentIdentity agent, Instant time) {
        store().recordError(error(agent, time), 1_000);
    }
}
