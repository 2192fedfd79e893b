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
 * <p>Not thread safe: owned by the writer thread.
 */
final class AgentStateCache {
    private final int capacity;
    private final LinkedHashMap<AgentGuid, SequenceState> map;

    AgentStateCache(int capacity) {
        this.capacity = capacity;
        this.map = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<AgentGuid, SequenceState> eldest) {
                return size() > AgentStateCache.this.capacity;
            }
        };
    }

    /** The committed state, or null when not cached. */
    SequenceState get(AgentGuid guid) {
        return capacity == 0 ? null : map.get(guid);
    }

    void put(AgentGuid guid, SequenceState state) {
        if (capacity > 0) {
            map.put(guid, state);
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
