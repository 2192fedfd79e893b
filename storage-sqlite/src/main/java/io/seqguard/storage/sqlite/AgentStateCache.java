package io.seqguard.storage.sqlite;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.SequenceState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The writer's bounded memory of committed agent states, least recently used dropped first. It
 * only ever holds states that are committed, so dropping or clearing an entry is always safe: the
 * state is read back from the file. Bounded so that a million registered agents do not have to
 * fit in the heap (about 200 bytes per entry).
 *
 * <p>A strict-mode state is kept as a number in a slot that a later commit overwrites in place,
 * not as the {@link SequenceState} the check produced: the cache lives in the old generation, and
 * a new state object per accepted check-in, referenced from there until the agent's next check-in,
 * made every young collection scan the whole cache and copy the states (about 3 of the 7 ms of
 * each pause at 20,000 check-ins per second; docs/PERFORMANCE.md). {@link #get} builds the state
 * it returns, which dies young. A window-mode state, which carries its ring, is kept as it is.
 *
 * <p>Not thread safe: owned by the writer thread.
 */
final class AgentStateCache {
    /** One agent's committed state: {@code last} alone in strict mode, else the whole state. */
    private static final class Slot {
        long last;
        SequenceState windowed;

        Slot(SequenceState state) {
            set(state);
        }

        void set(SequenceState state) {
            if (state.hasRing()) {
                windowed = state;
            } else {
                windowed = null;
                last = state.last();
            }
        }

        SequenceState state() {
            return windowed != null ? windowed : SequenceState.strict(last);
        }
    }

    private final int capacity;
    private final LinkedHashMap<AgentGuid, Slot> map;

    AgentStateCache(int capacity) {
        this.capacity = capacity;
        this.map = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<AgentGuid, Slot> eldest) {
                return size() > AgentStateCache.this.capacity;
            }
        };
    }

    /** The committed state, or null when not cached. */
    SequenceState get(AgentGuid guid) {
        if (capacity == 0) {
            return null;
        }
        Slot slot = map.get(guid);
        return slot == null ? null : slot.state();
    }

    void put(AgentGuid guid, SequenceState state) {
        if (capacity == 0) {
            return;
        }
        Slot slot = map.get(guid);
        if (slot == null) {
            map.put(guid, new Slot(state));
        } else {
            slot.set(state);
        }
    }

    void remove(AgentGuid guid) {
        map.remove(guid);
    }

    /**
     * Publishes a committed group's changes: each agent's new state, or its removal where
     * {@code state} gives null (a reset). Should it fail half-way (an {@link Error} such as
     * {@link OutOfMemoryError}), the whole cache is dropped, so that no entry older than the file
     * survives to accept a number the file has already seen.
     */
    <V> void publish(Map<AgentGuid, V> changes, Function<V, SequenceState> state) {
        try {
            for (Map.Entry<AgentGuid, V> e : changes.entrySet()) {
                SequenceState s = state.apply(e.getValue());
                if (s == null) {
                    map.remove(e.getKey());
                } else {
                    put(e.getKey(), s);
                }
            }
        } catch (RuntimeException | Error e) {
            map.clear();
            throw e;
        }
    }

    int size() {
        return map.size();
    }
}
