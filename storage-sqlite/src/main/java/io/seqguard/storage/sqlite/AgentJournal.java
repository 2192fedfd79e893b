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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
        /** The agent's first_seen (epoch ms) while its registration is not folded yet, carried into its next rows, else {@link #NONE}; writer only. */
        private long firstSeen = NONE;

        long seq() {
            return seq;
        }
    }

    /** The newest rows of a fold's agents, in GUID order (the agents table's key order). */
    record FoldOrder(long[] seqs) {
        int size() {
            return seqs.length;
        }
    }

    /** A row appended by the group in progress, published to {@link #live} at its commit. */
    private record Appended(AgentGuid guid, long seq, long firstSeen) {
    }

    private static final long NONE = Long.MIN_VALUE;

    private static final int SORT_INLINE_MAX = 1024;

    private final int size;
    private final ExecutorService sorter;
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
        this.size = size;
        this.sorter = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "seqguard-sqlite-fold-sort");
            t.setDaemon(true);
            return t;
        });
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

    /** Agents whose newest state is in the journal rather than the agents table. */
    int unfoldedAgents() {
        Map<AgentGuid, Mark> f = folding;
        return live.size() + (f == null ? 0 : f.size());
    }

    // ---- writer only ----

    /** Start-up: the journal's rows in order of {@code seq}, one call per row. */
    void recover(AgentGuid guid, long seq, Instant firstSeen) {
        Mark m = live.computeIfAbsent(guid, g -> new Mark());
        m.seq = seq;
        m.firstSeen = firstSeen == null ? NONE : firstSeen.toEpochMilli();
        if (deletedThrough == 0 && rowsSinceFold == 0) {
            deletedThrough = seq - 1;
            stagedDeletedThrough = deletedThrough;
        }
        nextSeq = seq + 1;
        stagedNextSeq = nextSeq;
        rowsSinceFold++;
    }

    /** The first_seen to carry into the agent's next row, when its registration is not folded yet, else null. */
    Instant carriedFirstSeen(AgentGuid guid) {
        Mark m = mark(guid);
        return m == null || m.firstSeen == NONE ? null : Instant.ofEpochMilli(m.firstSeen);
    }

    /** Stages a row of the group in progress (its first_seen, or null) and returns its {@code seq}. */
    long append(AgentGuid guid, Instant firstSeen) {
        long seq = stagedNextSeq++;
        appended.add(new Appended(guid, seq, firstSeen == null ? NONE : firstSeen.toEpochMilli()));
        return seq;
    }

    /** The current fold's order, or null when there is no fold or it is still being sorted. */
    FoldOrder readyOrder() {
        CompletableFuture<FoldOrder> o = order;
        return o != null && o.isDone() ? o.join() : null;
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
        for (Appended a : appended) {
            Mark m = live.get(a.guid());
            if (m == null) {
                m = new Mark();
                m.firstSeen = a.firstSeen();
                m.seq = a.seq();
                live.put(a.guid(), m);
            } else {
                m.firstSeen = a.firstSeen();
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
        folding = frozen;
        live = new ConcurrentHashMap<>();
        foldThrough = nextSeq - 1;
        rowsSinceFold = 0;
        foldedCount = 0;
        stagedFoldedCount = 0;
        // A small fold sorts in a fraction of a millisecond; a large one (100,000 agents: tens of ms) not on the leader's time.
        order = now || frozen.size() <= SORT_INLINE_MAX ? CompletableFuture.completedFuture(sort(frozen))
                : CompletableFuture.supplyAsync(() -> sort(frozen), sorter);
        return true;
    }

    private static FoldOrder sort(Map<AgentGuid, Mark> frozen) {
        record Item(String guid, long seq) {
        }
        Item[] items = new Item[frozen.size()];
        int i = 0;
        for (Map.Entry<AgentGuid, Mark> e : frozen.entrySet()) {
            items[i++] = new Item(e.getKey().toString(), e.getValue().seq);
        }
        // The agents table's key is the GUID text under SQLite's BINARY collation: String order for ASCII.
        Arrays.sort(items, 0, i, Comparator.comparing(Item::guid));
        long[] seqs = new long[i];
        for (int k = 0; k < i; k++) {
            seqs[k] = items[k].seq();
        }
        return new FoldOrder(seqs);
    }

    @Override
    public void close() {
        sorter.shutdownNow();
    }
}
