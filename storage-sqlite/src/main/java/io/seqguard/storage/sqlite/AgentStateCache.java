package io.seqguard.storage.sqlite;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.SequenceState;
import java.util.LinkedHashMap;
import java.util.Map;

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

    int size() {
        return map.size();
    }
}
