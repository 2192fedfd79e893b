package io.seqguard.storage.sqlite;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.SequenceState;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;

/**
 * The writer's bounded memory of committed agent states. It only ever holds states that are
 * committed, so dropping or clearing an entry is always safe: the state is read back from the
 * file. Once the store is started, it is filled from the agents table (see {@link
 * GroupCommitWriter#startCacheFill}), so that a fleet that fits is answered without reading the file.
 *
 * <p>An open-addressing table of primitive arrays: an agent's GUID as two longs and its
 * strict-mode {@code last}, about 50 bytes per agent (a million agents: 50 MiB at most), and no
 * object per entry. That keeps a million agents within the heap, and keeps the table out of the
 * young collector's way: the arrays hold no references, so a check-in that overwrites a number in
 * them leaves nothing for a young collection to scan or copy (the first cache, a map of objects,
 * cost about 200 bytes and a few old-generation references per agent; docs/PERFORMANCE.md). A
 * window-mode state, which carries its ring, is kept as an object beside its slot.
 *
 * <p>At most {@link #MAX_WINDOWED} window-mode states are kept, so that a fleet in window mode
 * cannot fill the heap with rings. Past them, an agent whose state is not kept in window mode
 * already is not kept at all (its strict-mode entry, if any, is dropped) and is read from the
 * file on each check-in while in window mode.
 *
 * <p>Linear probing, at most three quarters full; the table doubles as agents arrive, up to what
 * {@code capacity} agents need. Once {@code capacity} agents are held, a new one evicts another,
 * chosen by a clock hand: a slot read or written since the hand last passed is spared once.
 * Removal shifts the following run of slots back, so no tombstones accumulate.
 *
 * <p>Not thread safe: owned by the writer thread.
 */
final class AgentStateCache {
    private static final float MAX_LOAD = 0.75f;
    private static final int MIN_SLOTS = 16;
    private static final byte EMPTY = 0;
    private static final byte HELD = 1;
    /** Held and read or written since the clock hand passed. */
    private static final byte USED = 2;
    /**
     * At most this many window-mode states are kept (each carries its ring, an object of 40 to 560
     * bytes with the window); a window-mode agent beyond them is read from the file on each check-in.
     */
    static final int MAX_WINDOWED = 100_000;

    private final int capacity;
    private final int maxSlots;
    private long[] msb;
    private long[] lsb;
    private long[] last;
    private byte[] status;
    /** Window-mode states by slot, created with the first one; null entries for strict-mode slots. */
    private SequenceState[] windowed;
    private int windowedCount;
    private int size;
    private int hand;

    AgentStateCache(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative: " + capacity);
        }
        this.capacity = capacity;
        this.maxSlots = slotsFor(capacity);
        allocate(Math.min(MIN_SLOTS, maxSlots));
    }

    /** The power of two whose three quarters hold {@code agents}. */
    private static int slotsFor(int agents) {
        long needed = Math.max(MIN_SLOTS, (long) Math.ceil(agents / (double) MAX_LOAD));
        long slots = Long.highestOneBit(needed - 1) << 1;
        if (slots > 1 << 30) {
            throw new IllegalArgumentException("capacity too large: " + agents);
        }
        return (int) slots;
    }

    private void allocate(int slots) {
        long[] newMsb = new long[slots];
        long[] newLsb = new long[slots];
        long[] newLast = new long[slots];
        byte[] newStatus = new byte[slots];
        msb = newMsb;
        lsb = newLsb;
        last = newLast;
        status = newStatus;
        windowed = null;
        windowedCount = 0;
        size = 0;
        hand = 0;
    }

    /** The committed state, or null when not cached. */
    SequenceState get(AgentGuid guid) {
        int slot = slotOf(guid);
        if (slot < 0) {
            return null;
        }
        status[slot] = USED;
        return stateAt(slot);
    }

    /** The committed state, or null, without counting as a use (tests ask; the fill asks {@link #holds}). */
    SequenceState peek(AgentGuid guid) {
        int slot = slotOf(guid);
        return slot < 0 ? null : stateAt(slot);
    }

    /** Keeps a committed state, counted as used. */
    void put(AgentGuid guid, SequenceState state) {
        put(guid, state, USED);
    }

    /**
     * The fill after start-up: keeps a committed state read from the file, not counted as used, so
     * that eviction may take it first. Returns whether it was kept (not a window-mode state past
     * the bound).
     */
    boolean load(long hi, long lo, SequenceState state) {
        put(hi, lo, state, HELD);
        return holds(hi, lo);
    }

    /** Whether the agent is cached, without counting as a use; {@link #peek} without making a state. */
    boolean holds(long hi, long lo) {
        return capacity != 0 && find(hi, lo) >= 0;
    }

    private void put(AgentGuid guid, SequenceState state, byte use) {
        put(guid.mostSignificantBits(), guid.leastSignificantBits(), state, use);
    }

    /** Should any step fail (an {@link Error} such as {@link OutOfMemoryError}), drops everything: no entry may be left half set. */
    private void put(long hi, long lo, SequenceState state, byte use) {
        if (capacity == 0) {
            return;
        }
        try {
            int slot = find(hi, lo);
            if (state.hasRing() && (slot < 0 || windowed == null || windowed[slot] == null)) {
                if (windowedCount >= Math.min(capacity, MAX_WINDOWED)) {
                    // No room for another ring: not kept, and no older state of the agent either.
                    if (slot >= 0) {
                        delete(slot);
                    }
                    return;
                }
                if (windowed == null) {
                    windowed = new SequenceState[status.length];
                }
            }
            if (slot < 0) {
                if (size >= capacity) {
                    evictOne();
                } else if (size + 1 > status.length * MAX_LOAD && status.length < maxSlots) {
                    grow();
                }
                slot = freeSlot(hi, lo);
                msb[slot] = hi;
                lsb[slot] = lo;
                size++;
            }
            status[slot] = use;
            set(slot, state);
        } catch (RuntimeException | Error e) {
            clear();
            throw e;
        }
    }

    void remove(AgentGuid guid) {
        int slot = slotOf(guid);
        if (slot >= 0) {
            delete(slot);
        }
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
                    remove(e.getKey());
                } else {
                    put(e.getKey(), s);
                }
            }
        } catch (RuntimeException | Error e) {
            clear();
            throw e;
        }
    }

    /**
     * Drops every entry. Called after an {@link Error} too, out of memory among them: it empties
     * the table before it tries to shrink it, so that no entry survives even if that fails.
     */
    void clear() {
        Arrays.fill(status, EMPTY);
        windowed = null;
        windowedCount = 0;
        size = 0;
        hand = 0;
        try {
            allocate(Math.min(MIN_SLOTS, maxSlots));
        } catch (OutOfMemoryError e) {
            // Keeps the emptied table at its size; the arrays are only replaced all together.
        }
    }

    int size() {
        return size;
    }

    /** How many of the kept states are in window mode. */
    int windowedCount() {
        return windowedCount;
    }

    /** How many more agents it takes before a new one evicts another. */
    int room() {
        return capacity - size;
    }

    private int slotOf(AgentGuid guid) {
        return capacity == 0 ? -1 : find(guid.mostSignificantBits(), guid.leastSignificantBits());
    }

    private SequenceState stateAt(int slot) {
        SequenceState w = windowed == null ? null : windowed[slot];
        return w != null ? w : SequenceState.strict(last[slot]);
    }

    private void set(int slot, SequenceState state) {
        if (state.hasRing()) {
            if (windowed[slot] == null) {
                windowedCount++;
            }
            windowed[slot] = state;
        } else {
            if (windowed != null && windowed[slot] != null) {
                windowed[slot] = null;
                windowedCount--;
            }
            last[slot] = state.last();
        }
    }

    private int home(long hi, long lo) {
        return home(hi, lo, status.length);
    }

    /** The slot where the GUID's probe starts in a table of {@code slots} (a power of two). */
    static int home(long hi, long lo, int slots) {
        // A 64-bit finalizer (MurmurHash3's fmix64): test GUIDs that differ in a few low bits spread out too.
        long h = hi * 0x9E3779B97F4A7C15L ^ lo;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return (int) h & (slots - 1);
    }

    /** The slot holding the GUID, or -1. */
    private int find(long hi, long lo) {
        int mask = status.length - 1;
        for (int i = home(hi, lo); status[i] != EMPTY; i = (i + 1) & mask) {
            if (msb[i] == hi && lsb[i] == lo) {
                return i;
            }
        }
        return -1;
    }

    /** The first empty slot on the GUID's probe path; the table is never full. */
    private int freeSlot(long hi, long lo) {
        int mask = status.length - 1;
        int i = home(hi, lo);
        while (status[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** Drops one agent: the first the clock hand finds unused since it last passed. */
    private void evictOne() {
        int mask = status.length - 1;
        // Two turns at most: the first clears every use, the second finds a slot held.
        for (long step = 0; step <= 2L * status.length; step++) {
            int i = hand;
            hand = (hand + 1) & mask;
            if (status[i] == USED) {
                status[i] = HELD;
            } else if (status[i] == HELD) {
                delete(i);
                return;
            }
        }
        throw new IllegalStateException("no agent to evict from a full cache of " + size);
    }

    /** Empties a slot and moves back the entries after it that could not sit in their home slot. */
    private void delete(int slot) {
        if (windowed != null && windowed[slot] != null) {
            windowedCount--;
        }
        int mask = status.length - 1;
        int gap = slot;
        int i = slot;
        while (true) {
            i = (i + 1) & mask;
            if (status[i] == EMPTY) {
                break;
            }
            int home = home(msb[i], lsb[i]);
            // The entry at i may move to the gap when its home is not in (gap, i], cyclically.
            boolean movable = gap <= i ? home <= gap || home > i : home <= gap && home > i;
            if (movable) {
                moveSlot(i, gap);
                gap = i;
            }
        }
        status[gap] = EMPTY;
        if (windowed != null) {
            windowed[gap] = null;
        }
        size--;
    }

    private void moveSlot(int from, int to) {
        msb[to] = msb[from];
        lsb[to] = lsb[from];
        last[to] = last[from];
        status[to] = status[from];
        if (windowed != null) {
            windowed[to] = windowed[from];
        }
    }

    /**
     * Doubles the table. Should an allocation fail, the table is left empty but whole (the caller
     * then clears it): {@link #allocate} replaces the arrays only all together.
     */
    private void grow() {
        long[] oldMsb = msb;
        long[] oldLsb = lsb;
        long[] oldLast = last;
        byte[] oldStatus = status;
        SequenceState[] oldWindowed = windowed;
        int held = size;
        int rings = windowedCount;
        allocate(oldStatus.length * 2);
        if (oldWindowed != null) {
            windowed = new SequenceState[status.length];
        }
        for (int i = 0; i < oldStatus.length; i++) {
            if (oldStatus[i] != EMPTY) {
                int to = freeSlot(oldMsb[i], oldLsb[i]);
                msb[to] = oldMsb[i];
                lsb[to] = oldLsb[i];
                last[to] = oldLast[i];
                status[to] = oldStatus[i];
                if (oldWindowed != null) {
                    windowed[to] = oldWindowed[i];
                }
            }
        }
        size = held;
        windowedCount = rings;
    }

    @Override
    public String toString() {
        return "AgentStateCache[" + size + " of " + capacity + ", " + status.length + " slots]";
    }
}
