package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.seqguard.spi.AgentGuid;
import io.seqguard.storage.tck.TestAgents;
import io.seqguard.storage.tck.TestTimes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** The journal's index on its own: marks, staging and rollback, and how a fold is ordered and sorted. */
class AgentJournalTest {
    /** More agents than are sorted inline, so that the sorting executor is used. */
    private static final int LARGE = 3_000;

    @Test
    void aLargeFoldIsSortedByGuidTextOnTheSorterWithEachRowsKind() {
        List<Runnable> tasks = new ArrayList<>();
        AgentJournal journal = new AgentJournal(10, tasks::add);
        // Numbers whose GUIDs' text order differs from the order they were appended in.
        for (int n = 0; n < LARGE; n++) {
            long k = (n * 7919L) % LARGE;
            recover(journal, TestAgents.guid(k), n + 1, k == 5, k == 7 ? TestTimes.T0 : null);
        }
        assertThat(journal.beginFold(false)).isTrue();
        assertThat(journal.readyOrder()).as("not sorted until the sorter ran").isNull();
        assertThat(journal.newestRow(TestAgents.guid(5))).as("a frozen agent is still found").isPositive();
        assertThat(tasks).hasSize(1);
        tasks.get(0).run();

        AgentJournal.FoldOrder order = journal.readyOrder();
        assertThat(order.size()).isEqualTo(LARGE);
        List<String> guids = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            long seq = order.seq(i);
            long k = ((seq - 1) * 7919L) % LARGE;
            guids.add(TestAgents.guid(k).toString());
            assertThat(order.kind(i)).as("kind of agent %d", k).isEqualTo(
                    k == 5 ? AgentJournal.Kind.RESET : k == 7 ? AgentJournal.Kind.REGISTRATION : AgentJournal.Kind.ADVANCE);
        }
        assertThat(guids).isSorted();
    }

    @Test
    void aFoldIsInTheGuidsTextOrderWhateverTheirTopBits() {
        AgentJournal journal = new AgentJournal(10);
        List<AgentGuid> guids = List.of(
                AgentGuid.parse("{FFFFFFFF-0000-4000-8000-000000000000}"),
                AgentGuid.parse("{80000000-0000-4000-8000-000000000000}"),
                AgentGuid.parse("{7FFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF}"),
                AgentGuid.parse("{00000000-0000-4000-0000-000000000001}"),
                AgentGuid.parse("{00000000-0000-4000-F000-000000000000}"),
                AgentGuid.parse("{00000000-0000-4000-9000-000000000000}"),
                AgentGuid.parse("{0000000A-0000-4000-8000-000000000000}"),
                AgentGuid.parse("{00000009-0000-4000-8000-000000000000}"));
        for (int i = 0; i < guids.size(); i++) {
            recover(journal, guids.get(i), i + 1, false, null);
        }
        assertThat(journal.beginFold(true)).isTrue();
        AgentJournal.FoldOrder order = journal.readyOrder();
        List<String> folded = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            folded.add(guids.get((int) order.seq(i) - 1).toString());
        }
        assertThat(folded).hasSize(guids.size()).isSorted();
        journal.close();
    }

    @Test
    void aSorterThatRefusesTheFoldLeavesItSortedInline() {
        AgentJournal journal = new AgentJournal(10, task -> {
            throw new RejectedExecutionException("shut down");
        });
        for (int n = 0; n < LARGE; n++) {
            recover(journal, TestAgents.guid(n), n + 1, false, null);
        }
        assertThat(journal.beginFold(false)).isTrue();
        assertThat(journal.readyOrder()).isNotNull().satisfies(o -> assertThat(o.size()).isEqualTo(LARGE));
    }

    @Test
    void aRolledBackGroupLeavesNoMarkAndItsRowNumbersAreReused() {
        AgentJournal journal = new AgentJournal(100, Runnable::run);
        AgentGuid kept = TestAgents.guid(1);
        AgentGuid dropped = TestAgents.guid(2);
        assertThat(journal.append(kept, false, TestTimes.T0)).isEqualTo(new AgentJournal.Row(1, TestTimes.T0));
        journal.committed();
        assertThat(journal.newestRow(kept)).isEqualTo(1);

        assertThat(journal.append(dropped, false, null).seq()).isEqualTo(2);
        journal.rolledBack();
        assertThat(journal.newestRow(dropped)).isZero();
        assertThat(journal.append(kept, false, null)).as("the failed group's number again, carrying the registration")
                .isEqualTo(new AgentJournal.Row(2, TestTimes.T0));
        journal.committed();
        assertThat(journal.newestRow(kept)).isEqualTo(2);
        assertThat(journal.append(kept, true, null)).as("a reset carries nothing").isEqualTo(new AgentJournal.Row(3, null));
        journal.committed();
        assertThat(journal.append(kept, false, null)).as("nor does a check-in after it").isEqualTo(new AgentJournal.Row(4, null));
    }

    @Test
    void aRegistrationsFirstSeenIsCarriedUntilTheFoldDeletedItsRow() {
        AgentJournal journal = new AgentJournal(2, Runnable::run);
        AgentGuid agent = TestAgents.guid(1);
        journal.append(agent, false, TestTimes.T0);
        journal.append(TestAgents.guid(2), false, null);
        journal.committed();
        assertThat(journal.readyOrder()).as("a fold of rows 1 and 2 began").isNotNull();
        assertThat(journal.append(agent, false, null).firstSeen()).as("folding, not yet deleted").isEqualTo(TestTimes.T0);
        journal.stageFolded(2);
        journal.stageDeleted(2);
        journal.committed();
        assertThat(journal.append(agent, false, null).firstSeen()).as("row 1 deleted: the agents row has it").isNull();
    }

    @Test
    void aFoldBeginsOnceEnoughRowsWereCommittedAndEndsWhenFoldedAndDeleted() {
        AgentJournal journal = new AgentJournal(3, Runnable::run);
        for (int n = 0; n < 3; n++) {
            journal.append(TestAgents.guid(n), false, null);
        }
        journal.committed();
        AgentJournal.FoldOrder order = journal.readyOrder();
        assertThat(order).as("the third row began a fold").isNotNull();
        assertThat(order.size()).isEqualTo(3);
        assertThat(journal.foldThrough()).isEqualTo(3);
        assertThat(journal.indexedAgents()).isEqualTo(3);

        journal.stageFolded(3);
        journal.stageDeleted(3);
        journal.committed();
        assertThat(journal.readyOrder()).as("fold done").isNull();
        assertThat(journal.newestRow(TestAgents.guid(0))).as("folded and deleted: a dormant mark, the agents row is current")
                .isLessThanOrEqualTo(journal.deletedThrough());
        assertThat(journal.indexedAgents()).as("kept for the agents' next check-ins").isEqualTo(3);
        journal.append(TestAgents.guid(0), false, null);
        journal.committed();
        assertThat(journal.newestRow(TestAgents.guid(0))).as("the dormant mark overwritten").isEqualTo(4);
    }

    @Test
    void dormantMarksGoWhenTheIndexOutgrowsTwiceTheJournal() {
        AgentJournal journal = new AgentJournal(1, Runnable::run);
        for (int n = 0; n < LARGE; n++) {
            recover(journal, TestAgents.guid(n), n + 1, false, null);
        }
        assertThat(journal.beginFold(true)).isTrue();
        journal.stageFolded(journal.readyOrder().size());
        journal.stageDeleted(LARGE);
        journal.committed();
        assertThat(journal.indexedAgents()).as("%d entries > 2 * 1024: swept", LARGE).isZero();
        assertThat(journal.newestRow(TestAgents.guid(0))).isZero();
    }

    private static void recover(AgentJournal journal, AgentGuid guid, long seq, boolean reset, Instant firstSeen) {
        journal.recover(guid.mostSignificantBits(), guid.leastSignificantBits(), seq, reset, firstSeen);
    }
}
