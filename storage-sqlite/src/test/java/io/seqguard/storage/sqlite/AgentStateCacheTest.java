package io.seqguard.storage.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.SequenceCheck;
import io.seqguard.spi.SequenceState;
import io.seqguard.storage.tck.TestAgents;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The writer's cache of committed states: publication of a group, resets, its bound. */
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
    void theLeastRecentlyUsedIsDroppedFirst() {
        AgentStateCache cache = new AgentStateCache(2);
        cache.put(A, state(1));
        cache.put(B, state(2));
        cache.get(A);
        cache.put(TestAgents.guid(3), state(3));
        assertThat(cache.get(B)).as("least recently used").isNull();
        assertThat(cache.get(A)).isEqualTo(state(1));
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
