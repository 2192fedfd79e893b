package io.seqguard.storage.sqlite;

import io.seqguard.spi.AgentGuid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory of the check-in journal ({@code agent_journal}): which agents have a row there that
 * is not folded into the agents table yet, and where each one's newest row is; and the fold in
 * progress.
 *
 * <p>Why a journal: in a fleet's order every check-in is for an agent far from the group's others,
 * so updating the agents table in place dirties one 4 KiB page per check-in, written to the WAL and
 * again by the checkpoint (docs/PERFORMANCE.md, item 16). Appending the group's states to the
 * journal writes a few hundred bytes per check-in on the table's last pages instead. The writer
 * folds the journal into the agents table behind the check-ins: once {@code journal-size} rows have
 * been appended, a fold begins. It takes every agent with a row not deleted yet, sorted by GUID (on
 * a thread of its own when there are many), and every later group that writes anyway folds the
 * next few of them, in GUID order, so that the pages of the agents table are each written once for
 * many check-ins; then the groups delete the rows up to the fold's start from the journal's head,
 * and the marks of agents with no newer row become dormant. Both happen in the groups' own
 * transactions, so a crash leaves the file consistent at a commit, and the rows not deleted yet are
 * still in the journal.
 *
 * <p>The current state of an agent is its newest journal row when it has one (a row with
 * {@code last} null is a reset), else its agents row. {@link #newestRow} tells which row that is. A fold
 * writes each agent's row as it was when the fold took it (at the fold's start, or a little later
 * when the sorting thread takes it), possibly older than a row appended since; that is safe because the newer row shadows it until the next fold. A mark whose row is
 * already deleted (dropped at the end of the fold) means the agents row is current.
 *
 * <p>The marks are a {@link JournalIndex}, one entry per agent of primitive numbers, overwritten in
 * place for as long as the agent has rows in the journal: a check-in allocates nothing that the old
 * generation would keep, and G1's young pauses stay short (docs/PERFORMANCE.md, items 18 and 26).
 *
 * <p>Thread safe for readers: {@link #newestRow} may be called from any thread and sees only
 * committed rows (marks are published after the commit). Everything else is called by the writer,
 * which holds the write lock; changes of a group are staged and published by {@link #committed()}
 * or dropped by {@link #rolledBack()}.
 */
final class AgentJournal implements AutoCloseable {
    /** What a fold does with an agent's newest row. */
    enum Kind {
        /** A check-in of a registered agent: update its agents row, keeping first_seen. */
        ADVANCE,
        /** A registration not folded yet: replace the agents row, first_seen included. */
        REGISTRATION,
        /** A reset: delete the agents row. */
        RESET
    }

    private static final Kind[] KINDS = Kind.values();

    /*
     * An agent's mark in the index: its newest row and that row's kind as one number,
     * {@code seq << 2 | kind}, so that a reader or the sorting thread never pairs a row with another
     * row's kind; and, for the writer, the agent's first_seen (epoch ms; NONE or RESET otherwise)
     * while a row of its registration is in the journal, with the row of that registration (once
     * deleted, it is folded and no longer carried).
     */
    private static long markState(long seq, long firstSeen) {
        Kind kind = firstSeen == RESET ? Kind.RESET : firstSeen == NONE ? Kind.ADVANCE : Kind.REGISTRATION;
        return seq << 2 | kind.ordinal();
    }

    /** The newest rows of a fold's agents, in GUID order (the agents table's key order), each with its kind. */
    record FoldOrder(long[] states) {
        int size() {
            return states.length;
        }

        long seq(int i) {
            return states[i] >>> 2;
        }

        Kind kind(int i) {
            return KINDS[(int) (states[i] & 3)];
        }
    }

    /** A row appended by the group in progress, published at its commit. */
    private record Appended(AgentGuid guid, long seq, long firstSeen, long registeredSeq) {
    }

    /** A row to append: its {@code seq}, and the first_seen it carries (null for a plain check-in or a reset). */
    record Row(long seq, Instant firstSeen) {
    }

    private static final Logger log = LoggerFactory.getLogger(AgentJournal.class);
    private static final long NONE = Long.MIN_VALUE;
    private static final long RESET = Long.MIN_VALUE + 1;
    private static final int SORT_INLINE_MAX = 1024;
    /**
     * The most entries {@link #reserve} makes room for at once: an index of 2^20 slots, 40 MiB, all
     * the default's rows need (at most about 200,000). The rows may be of fewer agents, and
     * {@link #recovered} then builds the smaller table while this one is still held; the cap keeps
     * that peak (60 MiB) at what growing to the same size always took.
     */
    private static final int MAX_RESERVED = 1 << 19;

    private final int size;
    private final Executor sorter;
    private final ExecutorService ownSorter;
    private final JournalIndex marks = new JournalIndex();
    private volatile boolean broken;
    private CompletableFuture<FoldOrder> order;

    private final List<Appended> appended = new ArrayList<>();
    private volatile long nextSeq = 1;
    private long stagedNextSeq = 1;
    /** Rows appended since the current fold began; a new fold begins when this reaches {@link #size}. */
    private long rowsSinceFold;
    /** The fold deletes the journal up to this row once every agent in it is folded. */
    private long foldThrough;
    /** Rows up to this one were deleted when the current fold began: the fold skips marks that still point there. */
    private long foldAbove;
    private volatile long deletedThrough;
    private long stagedDeletedThrough;
    private int foldedCount;
    private int stagedFoldedCount;

    /**
     * @param size rows appended before a fold begins; 0 never begins one by itself (journal off)
     */
    AgentJournal(int size) {
        this(size, null);
    }

    /** With {@code sorter} null, sorts large folds on a thread of its own; tests pass another executor. */
    AgentJournal(int size, Executor sorter) {
        this.size = size;
        this.ownSorter = sorter != null ? null : Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "seqguard-sqlite-fold-sort");
            t.setDaemon(true);
            return t;
        });
        this.sorter = sorter != null ? sorter : ownSorter;
    }

    /** Whether groups append to the journal (else they update the agents table in place). */
    boolean enabled() {
        return size > 0;
    }

    /**
     * The {@code seq} of the agent's newest committed journal row, or 0 when it has none. Any
     * thread. The row may be deleted already (folded; the mark is then dormant): the agents row is
     * then current.
     */
    long newestRow(AgentGuid guid) {
        return newestRow(guid.mostSignificantBits(), guid.leastSignificantBits());
    }

    /** {@link #newestRow(AgentGuid)} by the GUID's two halves. Any thread. */
    long newestRow(long hi, long lo) {
        return marks.state(hi, lo) >>> 2;
    }

    /** Entries of the index: agents with rows in the journal, and dormant ones whose rows were folded (see {@link #committed()}). */
    int indexedAgents() {
        return marks.size();
    }

    /**
     * Rows in the journal: appended by committed groups and not yet deleted by a fold. A failed group's numbers are
     * given again to the next group, so the rows are numbered without gaps. Any thread.
     */
    long rows() {
        // Two fields read without the writer's lock: never show a passing inconsistency as negative.
        return Math.max(0, nextSeq - 1 - deletedThrough);
    }

    // ---- writer only ----

    /** The newest committed row's {@code seq} (0 when none was ever appended). */
    long lastRow() {
        return nextSeq - 1;
    }

    /**
     * Start-up, before {@link #recover}: room in the index for the agents of {@code rows} journal
     * rows (at most that many), so that reading them back does not copy the index at each
     * doubling (docs/PERFORMANCE.md, item 31); {@link #recovered} gives back what the rows' agents
     * did not need. Without the memory for it, the index grows as the rows come.
     */
    void reserve(long rows) {
        try {
            marks.reserve((int) Math.min(rows, MAX_RESERVED));
        } catch (OutOfMemoryError e) {
            log.warn("no memory to size the check-in journal's index for {} rows at once; it grows as they are read", rows);
        }
    }

    /** Start-up, after the last {@link #recover}: the index shrunk to its agents when {@link #reserve} made room for more. */
    void recovered() {
        try {
            marks.fit();
        } catch (OutOfMemoryError e) {
            log.warn("no memory to shrink the check-in journal's index ({} entries); kept", marks.size());
        }
    }

    /** Start-up: the journal's rows in order of {@code seq}, one call per row, each agent by its GUID's two halves. */
    void recover(long hi, long lo, long seq, boolean reset, Instant firstSeen) {
        int slot = marks.slotOf(hi, lo);
        long markedFirstSeen = slot < 0 ? NONE : marks.firstAt(slot);
        long value = firstSeen(reset, firstSeen);
        long registeredSeq = slot < 0 ? 0 : marks.secondAt(slot);
        if (value == NONE || value == RESET) {
            registeredSeq = 0;
        } else if (markedFirstSeen != value || registeredSeq == 0) {
            // The first row carrying this first_seen: the registration's, or the oldest left of its carriers.
            registeredSeq = seq;
        }
        marks.put(hi, lo, markState(seq, value), value, registeredSeq);
        if (deletedThrough == 0 && rowsSinceFold == 0) {
            deletedThrough = seq - 1;
            stagedDeletedThrough = deletedThrough;
        }
        nextSeq = seq + 1;
        stagedNextSeq = nextSeq;
        rowsSinceFold++;
    }

    /**
     * Stages a row of the group in progress: a reset, a registration made in this group
     * ({@code registered}, its time), or a check-in, which carries the first_seen of a registration
     * still in the journal (so that the fold replaces the agents row, which may predate a reset).
     */
    Row append(AgentGuid guid, boolean reset, Instant registered) {
        long seq = stagedNextSeq++;
        long firstSeen = NONE;
        long registeredSeq = 0;
        if (reset) {
            firstSeen = RESET;
        } else if (registered != null) {
            firstSeen = registered.toEpochMilli();
            registeredSeq = seq;
        } else {
            int slot = marks.slotOf(guid.mostSignificantBits(), guid.leastSignificantBits());
            // Deleted means folded: the fold that deleted the registration's row gave the agents row its first_seen.
            if (slot >= 0 && marks.secondAt(slot) > deletedThrough) {
                firstSeen = marks.firstAt(slot);
                registeredSeq = marks.secondAt(slot);
            }
        }
        appended.add(new Appended(guid, seq, firstSeen, registeredSeq));
        return new Row(seq, registeredSeq == 0 ? null : Instant.ofEpochMilli(firstSeen));
    }

    private static long firstSeen(boolean reset, Instant firstSeen) {
        return reset ? RESET : firstSeen == null ? NONE : firstSeen.toEpochMilli();
    }

    /** The current fold's order, or null when there is no fold or it is still being sorted. */
    FoldOrder readyOrder() {
        CompletableFuture<FoldOrder> o = order;
        if (o == null || !o.isDone()) {
            return null;
        }
        if (o.isCompletedExceptionally()) {
            // The sorting thread failed (out of memory, say): take the fold again here rather than never fold.
            log.warn("sorting a fold of the check-in journal failed on its thread; sorting it on the writer's");
            o = CompletableFuture.completedFuture(take(foldAbove));
            order = o;
        }
        return o.join();
    }

    /**
     * Whether the index may no longer match the journal: publishing a committed group failed half
     * way. The writer then refuses every group until a restart reads the journal back.
     */
    boolean broken() {
        return broken;
    }

    /** How many of the current fold's agents are folded, the group in progress included. */
    int folded() {
        return stagedFoldedCount;
    }

    void stageFolded(int count) {
        stagedFoldedCount = count;
    }

    /** The journal is deleted up to this row, the group in progress included. */
    long deletedThrough() {
        return stagedDeletedThrough;
    }

    /** The row up to which the current fold deletes the journal. */
    long foldThrough() {
        return foldThrough;
    }

    void stageDeleted(long through) {
        stagedDeletedThrough = through;
    }

    /**
     * After the group's commit: publishes its rows, records the fold's progress, ends a fold that
     * is done and begins the next when enough rows were appended.
     */
    void committed() {
        try {
            publish();
        } catch (RuntimeException | Error e) {
            // Some of the committed rows may have no mark: a lookup would find an older state.
            broken = true;
            throw e;
        }
    }

    private void publish() {
        for (Appended a : appended) {
            marks.put(a.guid().mostSignificantBits(), a.guid().leastSignificantBits(), markState(a.seq(), a.firstSeen()),
                    a.firstSeen(), a.registeredSeq());
        }
        rowsSinceFold += appended.size();
        appended.clear();
        nextSeq = stagedNextSeq;
        foldedCount = stagedFoldedCount;
        deletedThrough = stagedDeletedThrough;
        FoldOrder o = readyOrder();
        if (o != null && foldedCount == o.size() && deletedThrough >= foldThrough) {
            order = null;
            // Marks whose row is now deleted stay, dormant, for the agent's next check-in to overwrite in place
            // (docs/PERFORMANCE.md, item 18). They go only when the index grows past twice the journal, in a new
            // table of the others.
            if (!enabled() || marks.size() > 2L * Math.max(size, SORT_INLINE_MAX)) {
                try {
                    marks.retainAbove(deletedThrough);
                } catch (OutOfMemoryError e) {
                    // The index is intact, only larger than it needs to be: not a reason to stop the writer.
                    log.warn("no memory to shed the dormant entries of the check-in journal's index ({} entries); kept",
                            marks.size());
                }
            }
        }
        if (order == null && size > 0 && rowsSinceFold >= size) {
            beginFold(false);
        }
    }

    /** Drops what the failed group staged. */
    void rolledBack() {
        appended.clear();
        stagedNextSeq = nextSeq;
        stagedFoldedCount = foldedCount;
        stagedDeletedThrough = deletedThrough;
    }

    /**
     * Begins a fold of every agent with a row not deleted yet, sorted on the sorting thread unless
     * {@code now} or the fold is small. Returns false when a fold is in progress or there is nothing
     * to fold.
     */
    boolean beginFold(boolean now) {
        if (order != null || marks.size() == 0) {
            return false;
        }
        long above = deletedThrough;
        // The order first: should it fail, nothing has changed.
        CompletableFuture<FoldOrder> taken;
        if (now || marks.size() <= SORT_INLINE_MAX) {
            // A small fold sorts in a fraction of a millisecond; a large one (100,000 agents: tens of ms) not on the leader's time.
            taken = CompletableFuture.completedFuture(take(above));
        } else {
            try {
                taken = CompletableFuture.supplyAsync(() -> take(above), sorter);
            } catch (RejectedExecutionException e) {
                taken = CompletableFuture.completedFuture(take(above));
            }
        }
        foldAbove = above;
        foldThrough = nextSeq - 1;
        rowsSinceFold = 0;
        foldedCount = 0;
        stagedFoldedCount = 0;
        order = taken;
        return true;
    }

    /**
     * The fold: every mark whose row is above {@code above}, sorted by GUID. On the sorting thread
     * this runs while the writer goes on: every agent with a row up to the fold's start is in the
     * map throughout (marks are only removed by the writer at a fold's end) and so taken; a mark the
     * writer moved on meanwhile is taken with its newer, committed row, which is as good to fold.
     */
    private FoldOrder take(long above) {
        record Item(long msb, long lsb, long state) {
        }
        List<Item> items = new ArrayList<>(marks.size() + 16);
        marks.forEach((msb, lsb, state) -> {
            if (state >>> 2 > above) {
                items.add(new Item(msb, lsb, state));
            }
        });
        Item[] sorted = items.toArray(new Item[0]);
        // The agents table's key is the GUID's 16 bytes, most significant first (GuidBytes), which SQLite compares
        // as unsigned bytes: the 128 bits' unsigned order, and the order of their canonical text too.
        Arrays.sort(sorted, (x, y) -> x.msb() != y.msb() ? Long.compareUnsigned(x.msb(), y.msb()) : Long.compareUnsigned(x.lsb(), y.lsb()));
        long[] states = new long[sorted.length];
        for (int k = 0; k < sorted.length; k++) {
            states[k] = sorted[k].state();
        }
        return new FoldOrder(states);
    }

    @Override
    public void close() {
        if (ownSorter != null) {
            ownSorter.shutdownNow();
        }
    }
}
