package io.seqguard.storage.sqlite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The check-in journal's index (see {@link AgentJournal}): for each agent with rows in the
 * journal, or a dormant entry kept for its next check-in, the agent's newest row as
 * {@code seq << 2 | kind} (its <em>state</em>), and, for the writer, two more numbers that
 * {@link AgentJournal} keeps per agent.
 *
 * <p>An open-addressing table of primitive arrays keyed by the GUID's two halves, like the agent
 * cache: 40 bytes a slot, no object per agent. Overwriting an agent's row thus leaves nothing for
 * the young collector to scan or copy, and even a fleet whose marks are dropped and made again at
 * every fold (one larger than twice {@code journal-size}) allocates nothing per check-in; the map
 * of objects it replaces cost about 200 bytes and three objects per agent (docs/PERFORMANCE.md,
 * item 26).
 *
 * <p>One writer, any number of readers, no lock. The writer fills a new slot's key before it
 * publishes the slot's state with a release store; a reader that sees the state (an acquire load)
 * sees the key with it. A slot's key never changes and no slot is emptied in place: the table grows,
 * and sheds entries, by building a new table that a volatile field publishes, after which the old
 * one is no longer written. A reader still walking the old table finds every agent it held, with
 * the states it had when the writer left it: never a missing agent, at worst the state of a moment
 * earlier.
 *
 * <p>Linear probing, at most three quarters full. The writer methods ({@link #put},
 * {@link #retainAbove}, {@link #reserve}, {@link #fit}, {@link #slotOf} and the per-slot reads) must be called by one thread at a
 * time; {@link #state}, {@link #forEach} and {@link #size} by any thread.
 */
final class JournalIndex {
    /** What {@link #state} returns for an agent without an entry; no real state is 0, rows being numbered from 1. */
    static final long ABSENT = 0;

    private static final VarHandle STATES = MethodHandles.arrayElementVarHandle(long[].class);
    private static final float MAX_LOAD = 0.75f;
    private static final int MIN_SLOTS = 16;

    /** The arrays, replaced only all together. */
    private static final class Table {
        final long[] msb;
        final long[] lsb;
        /** 0 marks an empty slot; written with release, read with acquire by readers. */
        final long[] state;
        final long[] first;
        final long[] second;

        Table(int slots) {
            msb = new long[slots];
            lsb = new long[slots];
            state = new long[slots];
            first = new long[slots];
            second = new long[slots];
        }

        int slots() {
            return state.length;
        }
    }

    /** What {@link #forEach} hands each entry to. */
    interface EntryVisitor {
        void accept(long msb, long lsb, long state);
    }

    private volatile Table table = new Table(MIN_SLOTS);
    private volatile int size;

    /** Any thread: the agent's state, or {@link #ABSENT}. */
    long state(long msb, long lsb) {
        Table t = table;
        int mask = t.slots() - 1;
        for (int i = AgentStateCache.home(msb, lsb, t.slots()); ; i = (i + 1) & mask) {
            long s = (long) STATES.getAcquire(t.state, i);
            if (s == ABSENT) {
                return ABSENT;
            }
            if (t.msb[i] == msb && t.lsb[i] == lsb) {
                return s;
            }
        }
    }

    /** Entries, dormant ones included. Any thread. */
    int size() {
        return size;
    }

    /**
     * Any thread: every entry of the table as it is now. Entries the writer adds meanwhile may be
     * left out; an entry that is there throughout is visited once, with its state then or later.
     */
    void forEach(EntryVisitor visitor) {
        Table t = table;
        for (int i = 0; i < t.slots(); i++) {
            long s = (long) STATES.getAcquire(t.state, i);
            if (s != ABSENT) {
                visitor.accept(t.msb[i], t.lsb[i], s);
            }
        }
    }

    // ---- writer only ----

    /** The agent's slot in the current table, or -1. Valid until the next {@link #put} or {@link #retainAbove}. */
    int slotOf(long msb, long lsb) {
        Table t = table;
        int mask = t.slots() - 1;
        for (int i = AgentStateCache.home(msb, lsb, t.slots()); ; i = (i + 1) & mask) {
            if (t.state[i] == ABSENT) {
                return -1;
            }
            if (t.msb[i] == msb && t.lsb[i] == lsb) {
                return i;
            }
        }
    }

    /** The first of the two numbers kept with the entry in {@code slot} (from {@link #slotOf}). */
    long firstAt(int slot) {
        return table.first[slot];
    }

    /** The second of the two numbers kept with the entry in {@code slot}. */
    long secondAt(int slot) {
        return table.second[slot];
    }

    /**
     * Sets the agent's entry, adding it when it has none; {@code state} must not be {@link #ABSENT}.
     * Should the table have to grow and there be no memory for it, nothing changes.
     */
    void put(long msb, long lsb, long state, long first, long second) {
        if (state == ABSENT) {
            throw new IllegalArgumentException("a state must not be " + ABSENT);
        }
        int slot = slotOf(msb, lsb);
        Table t = table;
        if (slot < 0) {
            if (size + 1 > t.slots() * MAX_LOAD) {
                if (t.slots() >= 1 << 30) {
                    throw new IllegalStateException("too many agents in the journal's index: " + size);
                }
                t = rebuilt(t, t.slots() * 2, Long.MIN_VALUE);
                table = t;
            }
            slot = freeSlot(t, msb, lsb);
            t.msb[slot] = msb;
            t.lsb[slot] = lsb;
            size++;
        }
        t.first[slot] = first;
        t.second[slot] = second;
        STATES.setRelease(t.state, slot, state);
    }

    /**
     * Makes room for {@code entries} entries in all, so that adding up to that many grows the table
     * no more (start-up, which knows how many rows it will read: each doubling on the way copies
     * the table). Does nothing when the table is large enough already. Should there be no memory
     * for the larger table, nothing changes.
     */
    void reserve(int entries) {
        Table t = table;
        int slots = slotsFor(Math.max(entries, size));
        if (slots > t.slots()) {
            table = rebuilt(t, slots, Long.MIN_VALUE);
        }
    }

    /**
     * Shrinks the table to the smallest that holds its entries, when that is smaller (after a
     * {@link #reserve} for more entries than came). Should there be no memory for the new table,
     * nothing changes.
     */
    void fit() {
        Table t = table;
        int slots = slotsFor(size);
        if (slots < t.slots()) {
            table = rebuilt(t, slots, Long.MIN_VALUE);
        }
    }

    /** Slots in the current table (tests and sizing). */
    int slots() {
        return table.slots();
    }

    /**
     * Drops every entry whose row is at or below {@code throughSeq} ({@code state >>> 2}), by
     * publishing a new table of the others, sized for them but at least half as large as the old
     * one: the index of a fleet that sheds most of its entries at every fold grows back to about
     * the same size, and each doubling on the way copies the table. Should there be no memory for
     * the new table, nothing changes.
     */
    void retainAbove(long throughSeq) {
        Table t = table;
        int kept = 0;
        for (int i = 0; i < t.slots(); i++) {
            if (t.state[i] != ABSENT && t.state[i] >>> 2 > throughSeq) {
                kept++;
            }
        }
        Table next = rebuilt(t, Math.max(slotsFor(kept), t.slots() / 2), throughSeq);
        table = next;
        size = kept;
    }

    /** A new table of {@code slots} slots with the entries of {@code from} whose row is above {@code throughSeq}. */
    private static Table rebuilt(Table from, int slots, long throughSeq) {
        Table next = new Table(slots);
        for (int i = 0; i < from.slots(); i++) {
            long s = from.state[i];
            if (s != ABSENT && s >>> 2 > throughSeq) {
                int slot = freeSlot(next, from.msb[i], from.lsb[i]);
                next.msb[slot] = from.msb[i];
                next.lsb[slot] = from.lsb[i];
                next.first[slot] = from.first[i];
                next.second[slot] = from.second[i];
                next.state[slot] = s;
            }
        }
        return next;
    }

    private static int freeSlot(Table t, long msb, long lsb) {
        int mask = t.slots() - 1;
        int i = AgentStateCache.home(msb, lsb, t.slots());
        while (t.state[i] != ABSENT) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** The power of two whose three quarters hold {@code entries}. */
    private static int slotsFor(int entries) {
        long needed = Math.max(MIN_SLOTS, (long) Math.ceil(entries / (double) MAX_LOAD) + 1);
        long slots = Long.highestOneBit(needed - 1) << 1;
        if (slots > 1 << 30) {
            throw new IllegalStateException("too many agents in the journal's index: " + entries);
        }
        return (int) slots;
    }
}
