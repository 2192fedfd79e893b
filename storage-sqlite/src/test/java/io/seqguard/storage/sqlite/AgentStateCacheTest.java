package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.SequenceCheck;
import io.seqguard.spi.SequenceState;
import io.seqguard.storage.tck.TestAgents;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The writer's cache of committed states: publication of a group, resets, its bound and its eviction, its table against a map. */
class AgentStateCacheTest {
    private static final AgentGuid A = TestAgents.guid(1);
    private static final AgentGuid B = TestAgents.guid(2);

    private static SequenceState state(long last) {
        return SequenceState.restore(last, null);
    }

    @Test
    void aPublishedGroupReplacesStatesAndAResetRemovesOne() {
        AgentStateCache cache = new AgentStateCache(10);
        cache.put(A, state(1));
        cache.put(B, state(1));
        Map<AgentGuid, SequenceState> group = new LinkedHashMap<>();
        group.put(A, state(2));
        group.put(B, null);

        cache.publish(group, s -> s);

        assertThat(cache.get(A)).isEqualTo(state(2));
        assertThat(cache.get(B)).as("reset").isNull();
    }

    @Test
    void aPublicationThatFailsHalfWayDropsEverything() {
        AgentStateCache cache = new AgentStateCache(10);
        cache.put(B, state(5));
        Map<AgentGuid, Long> changes = new LinkedHashMap<>();
        changes.put(A, 1L);
        changes.put(TestAgents.guid(3), -1L);

        assertThatThrownBy(() -> cache.publish(changes, last -> {
            if (last < 0) {
                throw new OutOfMemoryError("say");
            }
            return state(last);
        })).isInstanceOf(OutOfMemoryError.class);

        assertThat(cache.size()).as("no entry may be older than the file").isZero();
    }

    @Test
    void aCacheOfSizeZeroKeepsNothing() {
        AgentStateCache cache = new AgentStateCache(0);
        cache.put(A, state(3));
        cache.publish(Map.of(B, state(4)), s -> s);
        assertThat(cache.get(A)).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void aFullCacheDropsAnAgentNotUsedSinceTheClockHandPassed() {
        AgentStateCache cache = new AgentStateCache(4);
        List<AgentGuid> first = List.of(A, B, TestAgents.guid(3), TestAgents.guid(4));
        for (AgentGuid g : first) {
            cache.put(g, state(1));
        }
        // Every agent is used: the hand clears them all, then drops the first it meets again.
        cache.put(TestAgents.guid(5), state(5));
        List<AgentGuid> kept = first.stream().filter(g -> cache.peek(g) != null).toList();
        assertThat(kept).hasSize(3);
        // Use all the kept agents but one: that one is now the only agent not used since the hand passed.
        AgentGuid idle = kept.get(1);
        kept.stream().filter(g -> !g.equals(idle)).forEach(cache::get);

        cache.put(TestAgents.guid(6), state(6));

        assertThat(cache.peek(idle)).as("the one agent not used since the hand passed").isNull();
        assertThat(kept.stream().filter(g -> !g.equals(idle)).map(cache::peek)).containsOnly(state(1));
        assertThat(cache.peek(TestAgents.guid(5))).isEqualTo(state(5));
        assertThat(cache.peek(TestAgents.guid(6))).isEqualTo(state(6));
        assertThat(cache.size()).isEqualTo(4);
    }

    @Test
    void agentsReadAtStartUpAreEvictedBeforeOnesUsedSince() {
        // Both ways round, so that where the two agents sit in the table does not decide it.
        for (List<AgentGuid> pair : List.of(List.of(A, B), List.of(B, A))) {
            AgentStateCache cache = new AgentStateCache(2);
            assertThat(cache.load(pair.get(0).mostSignificantBits(), pair.get(0).leastSignificantBits(), state(1))).isTrue();
            cache.put(pair.get(1), state(2));

            cache.put(TestAgents.guid(3), state(3));

            assertThat(cache.peek(pair.get(0))).as("read at start-up, never used").isNull();
            assertThat(cache.peek(pair.get(1))).isEqualTo(state(2));
        }
    }

    @Test
    void aCacheLargeEnoughForEveryAgentMatchesAMapThroughGrowthAndRemovals() {
        // Neighbouring GUIDs, windowed and strict states, removals that shift runs of slots back,
        // and a table that doubles from 16 slots: the cache must hold exactly what a map holds.
        checkAgainstAMap(new AgentStateCache(5_000), 3_000, true);
    }

    @Test
    void removingFromARunThatWrapsPastTheTablesEndKeepsTheRestOfTheRun() {
        // Three agents whose probes all start in the last of 16 slots: they sit in slots 15, 0 and 1.
        List<AgentGuid> last = new ArrayList<>();
        for (int n = 1; last.size() < 3; n++) {
            AgentGuid g = TestAgents.guid(n);
            if (AgentStateCache.home(g.mostSignificantBits(), g.leastSignificantBits(), 16) == 15) {
                last.add(g);
            }
        }
        AgentStateCache cache = new AgentStateCache(12);
        for (int i = 0; i < 3; i++) {
            cache.put(last.get(i), state(i + 1));
        }

        cache.remove(last.get(0));

        assertThat(cache.peek(last.get(0))).isNull();
        assertThat(cache.peek(last.get(1))).as("moved back from slot 0 to 15").isEqualTo(state(2));
        assertThat(cache.peek(last.get(2))).as("moved back from slot 1 to 0").isEqualTo(state(3));
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void aNearlyFullSmallTableMatchesAMapWhereRunsWrapAround() {
        // 12 agents in 16 slots: runs of slots often wrap past the table's end, where removal must
        // still move back every entry that could not sit in its home slot.
        checkAgainstAMap(new AgentStateCache(12), 12, true);
    }

    @Test
    void aCacheSmallerThanTheFleetNeverAnswersWithAnOldState() {
        // With evictions, an agent may be missing, but whatever the cache answers is the latest state put.
        checkAgainstAMap(new AgentStateCache(300), 3_000, false);
    }

    private static void checkAgainstAMap(AgentStateCache cache, int agents, boolean holdsAll) {
        Random random = new Random(42);
        Map<AgentGuid, SequenceState> model = new HashMap<>();
        AgentGuid[] guids = new AgentGuid[agents];
        for (int i = 0; i < agents; i++) {
            guids[i] = i == 0 ? AgentGuid.of(new UUID(0, 0)) : TestAgents.guid(i);
        }
        for (int op = 0; op < 60_000; op++) {
            AgentGuid g = guids[random.nextInt(agents)];
            int what = random.nextInt(10);
            if (what < 6) {
                long last = op + 1;
                SequenceState s = what == 0 ? SequenceCheck.advance(SequenceCheck.register(last + 100, 64), last + 90, 64) : state(last);
                cache.put(g, s);
                model.put(g, s);
            } else if (what < 8) {
                cache.remove(g);
                model.remove(g);
            } else {
                SequenceState got = cache.get(g);
                if (holdsAll || got != null) {
                    assertThat(got).as("agent %s after %d operations", g, op).isEqualTo(model.get(g));
                }
            }
        }
        assertThat(cache.size()).isLessThanOrEqualTo(holdsAll ? agents : 300);
        int held = 0;
        int windowed = 0;
        for (AgentGuid g : guids) {
            SequenceState got = cache.peek(g);
            if (got != null) {
                held++;
                windowed += got.hasRing() ? 1 : 0;
                assertThat(got).as("agent %s", g).isEqualTo(model.get(g));
            } else if (holdsAll) {
                assertThat(model).as("agent %s is missing", g).doesNotContainKey(g);
            }
        }
        assertThat(held).isEqualTo(cache.size());
        assertThat(windowed).as("window-mode states counted").isEqualTo(cache.windowedCount()).isPositive();
        if (holdsAll) {
            assertThat(held).isEqualTo(model.size());
        } else {
            assertThat(held).as("a full cache").isEqualTo(300);
        }
    }

    @Test
    void windowModeStatesAreKeptUpToTheirOwnBoundAndAnAgentPastItLeavesNoOlderState() {
        AgentStateCache cache = new AgentStateCache(AgentStateCache.MAX_WINDOWED + 10);
        for (int n = 1; n <= AgentStateCache.MAX_WINDOWED; n++) {
            cache.put(TestAgents.guid(n), windowed(n));
        }
        AgentGuid late = TestAgents.guid(AgentStateCache.MAX_WINDOWED + 1);
        cache.put(late, state(5));
        assertThat(cache.windowedCount()).isEqualTo(AgentStateCache.MAX_WINDOWED);

        cache.put(late, windowed(7));
        assertThat(cache.peek(late)).as("no room for its ring, and its strict state is older").isNull();
        assertThat(cache.windowedCount()).isEqualTo(AgentStateCache.MAX_WINDOWED);
        cache.put(TestAgents.guid(1), windowed(20));
        assertThat(cache.peek(TestAgents.guid(1))).as("an agent already kept in window mode moves on").isEqualTo(windowed(20));

        // One agent back in strict mode makes room for one ring.
        cache.put(TestAgents.guid(2), state(30));
        assertThat(cache.windowedCount()).isEqualTo(AgentStateCache.MAX_WINDOWED - 1);
        cache.put(late, windowed(8));
        assertThat(cache.peek(late)).isEqualTo(windowed(8));
        cache.remove(TestAgents.guid(3));
        assertThat(cache.windowedCount()).isEqualTo(AgentStateCache.MAX_WINDOWED - 1);
    }

    private static SequenceState windowed(long last) {
        return SequenceCheck.advance(SequenceCheck.register(last + 10, 64), last + 7, 64);
    }

    @Test
    void aNegativeCapacityIsRefused() {
        assertThatThrownBy(() -> new AgentStateCache(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAgentSwitchingBetweenStrictAndWindowModeGetsTheStateLastPut() {
        AgentStateCache cache = new AgentStateCache(10);
        SequenceState windowed = SequenceCheck.advance(SequenceCheck.register(10, 64), 8, 64);
        cache.put(A, state(5));

        cache.put(A, windowed);
        assertThat(cache.get(A)).isEqualTo(windowed);
        assertThat(cache.get(A).hasRing()).isTrue();

        cache.put(A, state(12));
        assertThat(cache.get(A)).isEqualTo(state(12));
        assertThat(cache.get(A).hasRing()).as("no ring left over from window mode").isFalse();

        cache.publish(Map.of(A, state(13)), s -> s);
        assertThat(cache.get(A)).isEqualTo(state(13));
    }

    @Test
    void aStateHandedOutIsNotChangedByALaterPut() {
        AgentStateCache cache = new AgentStateCache(10);
        cache.put(A, state(1));
        SequenceState before = cache.get(A);

        cache.put(A, state(2));

        assertThat(before).isEqualTo(state(1));
        assertThat(cache.get(A)).isEqualTo(state(2));
    }
}
