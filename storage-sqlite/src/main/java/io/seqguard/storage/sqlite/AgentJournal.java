package io.seqguard.storage.sqlite;

import io.seqguard.spi.AgentGuid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
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
 * been appended, the agents with rows so far are frozen into a fold, sorted by GUID (on a thread of
 * its own), and every later group that writes anyway folds the next few of them, in GUID order, so
 * that the pages of the agents table are each written once for many check-ins; then it deletes the
 * folded rows from the journal's head. Both happen in the group's own transaction, so a crash
 * leaves the file consistent at a commit, and the rows not deleted yet are still in the journal.
 *
 * <p>The current state of an agent is its newest journal row when it has one (a row with
 * {@code last} null is a reset), else its agents row. {@link #mark} tells which row that is; it
 * looks at the agents since the current fold began first, then at those of the fold, so it
 * always finds the newest one. A fold writes each agent's row as of the fold's start, possibly
 * older than a row appended since; that is safe because the newer row shadows it until the next
 * fold.
 *
 * <p>Thread safe for readers: {@link #mark} may be called from any thread and sees only committed
 * rows (marks are published after the commit). Everything else is called by the writer, which
 * holds the write lock; changes of a group are staged and published by {@link #committed()} or
 * dropped by {@link #rolledBack()}.
 */
final class AgentJournal implements AutoCloseable {
    /**
     * An agent's newest journal row. The writer overwrites it in place, so a check-in allocates
     * nothing that the old generation would keep referencing (see {@link AgentStateCache}).
     */
    static final class Mark {
        private volatile long seq;
        /**
         * The agent's first_seen (epoch ms) while its registration is not folded yet, carried into
         * its next rows; {@link #NONE} for a plain check-in, {@link #RESET} for a reset; writer only.
         */
        private long firstSeen = NONE;
        /** The row of the registration whose first_seen {@link #firstSeen} is; once deleted, it is folded and no longer carried. */
        private long registeredSeq;

        long seq() {
            return seq;
        }
    }

    /** What a fold does with an agent's newest row. */
    enum Kind {
        /** A check-in of a registered agent: update its agents row, keeping first_seen. */
        ADVANCE,
        /** A registration not folded yet: replace the agents row, first_seen included. */
        REGISTRATION,
        /** A reset: delete the agents row. */
        RESET
    }

    /** The newest rows of a fold's agents, in GUID order (the agents table's key order), and what each is. */
    record FoldOrder(long[] seqs, Kind[] kinds) {
        int size() {
            return seqs.length;
        }
    }

    /** A row appended by the group in progress, published to {@link #live} at its commit. */
    private record Appended(AgentGuid guid, long seq, long firstSeen, long registeredSeq) {
    }

    /** A row to append: its {@code seq}, and the first_seen it carries (null for a plain check-in or a reset). */
    record Row(long seq, Instant firstSeen) {
    }

    private static final long NONE = Long.MIN_VALUE;
    private static final long RESET = Long.MIN_VALUE + 1;

    private static final int SORT_INLINE_MAX = 1024;

    private static final Logger log = LoggerFactory.getLogger(AgentJournal.class);

    private final int size;
    private final Executor sorter;
    private final ExecutorService ownSorter;
    private volatile boolean broken;
    /** Agents with rows appended since the current fold began (or since start-up). */
    private volatile Map<AgentGuid, Mark> live = new ConcurrentHashMap<>();
    /** The current fold's agents, frozen at its start; null between folds. */
    private volatile Map<AgentGuid, Mark> folding;
    private CompletableFuture<FoldOrder> order;

    private final List<Appended> appended = new ArrayList<>();
    private long nextSeq = 1;
    private long stagedNextSeq = 1;
    /** Rows appended since the current fold began; a new fold begins when this reaches {@link #size}. */
    private long rowsSinceFold;
    /** The fold deletes the journal up to this row once every agent in it is folded. */
    private long foldThrough;
    private long deletedThrough;
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

    /** The agent's newest committed journal row, or null when all its rows are folded. Any thread. */
    Mark mark(AgentGuid guid) {
        // live before folding: a fold begins by publishing folding, then replacing live.
        Mark m = live.get(guid);
        if (m != null) {
            return m;
        }
        Map<AgentGuid, Mark> f = folding;
        return f == null ? null : f.get(guid);
    }

    /**
     * Entries of the index: agents whose newest state is in the journal rather than the agents
     * table (one that checked in again during a fold counts twice).
     */
    int unfoldedAgents() {
        Map<AgentGuid, Mark> f = folding;
        return live.size() + (f == null ? 0 : f.size());
    }

    // ---- writer only ----

    /** Start-up: the journal's rows in order of {@code seq}, one call per row. */
    void recover(AgentGuid guid, long seq, boolean reset, Instant firstSeen) {
        Mark m = live.computeIfAbsent(guid, g -> new Mark());
        long value = firstSeen(reset, firstSeen);
        if (value == NONE || value == RESET) {
            m.registeredSeq = 0;
        } else if (m.firstSeen != value || m.registeredSeq == 0) {
            // The first row carrying this first_seen: the registration's, or the oldest left of its carriers.
            m.registeredSeq = seq;
        }
        m.seq = seq;
        m.firstSeen = value;
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
            Mark m = mark(guid);
            // Deleted means folded: the fold that deleted the registration's row gave the agents row its first_seen.
            if (m != null && m.registeredSeq > deletedThrough) {
                firstSeen = m.firstSeen;
                registeredSeq = m.registeredSeq;
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
            // The sorting thread failed (out of memory, say): sort here rather than never fold again.
            log.warn("sorting the fold of {} agents failed on its thread; sorting it on the writer's", folding.size());
            o = CompletableFuture.completedFuture(sort(folding));
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
            Mark m = live.get(a.guid());
            if (m == null) {
                m = new Mark();
                m.firstSeen = a.firstSeen();
                m.registeredSeq = a.registeredSeq();
                m.seq = a.seq();
                live.put(a.guid(), m);
            } else {
                m.firstSeen = a.firstSeen();
                m.registeredSeq = a.registeredSeq();
                m.seq = a.seq();
            }
        }
        rowsSinceFold += appended.size();
        appended.clear();
        nextSeq = stagedNextSeq;
        foldedCount = stagedFoldedCount;
        deletedThrough = stagedDeletedThrough;
        FoldOrder o = readyOrder();
        if (o != null && foldedCount == o.size() && deletedThrough >= foldThrough) {
            folding = null;
            order = null;
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
     * Freezes the agents with rows so far into a fold and sorts them, on the sorting thread unless
     * {@code now}. Returns false when a fold is in progress or there is nothing to fold.
     */
    boolean beginFold(boolean now) {
        if (order != null || live.isEmpty()) {
            return false;
        }
        Map<AgentGuid, Mark> frozen = live;
        Map<AgentGuid, Mark> next = new ConcurrentHashMap<>();
        // The order first: should it fail, nothing has changed (frozen is not written until live is replaced).
        CompletableFuture<FoldOrder> sorted;
        if (now || frozen.size() <= SORT_INLINE_MAX) {
            // A small fold sorts in a fraction of a millisecond; a large one (100,000 agents: tens of ms) not on the leader's time.
            sorted = CompletableFuture.completedFuture(sort(frozen));
        } else {
            try {
                sorted = CompletableFuture.supplyAsync(() -> sort(frozen), sorter);
            } catch (RejectedExecutionException e) {
                sorted = CompletableFuture.completedFuture(sort(frozen));
            }
        }
        folding = frozen;
        live = next;
        foldThrough = nextSeq - 1;
        rowsSinceFold = 0;
        foldedCount = 0;
        stagedFoldedCount = 0;
        order = sorted;
        return true;
    }

    private static FoldOrder sort(Map<AgentGuid, Mark> frozen) {
        record Item(String guid, long seq, Kind kind) {
        }
        Item[] items = new Item[frozen.size()];
        int i = 0;
        for (Map.Entry<AgentGuid, Mark> e : frozen.entrySet()) {
            Mark m = e.getValue();
            Kind kind = m.firstSeen == RESET ? Kind.RESET : m.firstSeen == NONE ? Kind.ADVANCE : Kind.REGISTRATION;
            items[i++] = new Item(e.getKey().toString(), m.seq, kind);
        }
        // The agents table's key is the GUID text under SQLite's BINARY collation: String order for ASCII.
        Arrays.sort(items, 0, i, Comparator.comparing(Item::guid));
        long[] seqs = new long[i];
        Kind[] kinds = new Kind[i];
        for (int k = 0; k < i; k++) {
            seqs[k] = items[k].seq();
            kinds[k] = items[k].kind();
        }
        return new FoldOrder(seqs, kinds);
    }

    @Override
    public void close() {
        if (ownSorter != null) {
            ownSorter.shutdownNow();
        }
    }
}
