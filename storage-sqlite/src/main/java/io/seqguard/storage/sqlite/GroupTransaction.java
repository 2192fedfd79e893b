package io.seqguard.storage.sqlite;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.SequenceCheck;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequenceState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer connection's work for one group at a time: applies requests (check-ins, error rows,
 * resets, purges) inside one transaction, then {@linkplain #commit() commits} it or
 * {@linkplain #rollback() rolls it back}. Used only by {@link GroupCommitWriter}'s leader.
 *
 * <p>Exactness inside a group comes from applying requests one after another against an overlay
 * of the group's not-yet-committed agent states, consulted before the cache and the file; two
 * requests with the same (GUID, number) in one group therefore see each other. The overlay is
 * written once per agent at the end of the group and moves into the cache only after the commit;
 * when the commit fails, it is dropped together with the hourly counts, so nothing that was rolled
 * back survives in memory.
 *
 * <p>Not thread safe: only the thread holding the writer's lock calls it, except {@link #tally()},
 * which any thread may read.
 */
final class GroupTransaction {
    private static final Logger log = LoggerFactory.getLogger(GroupTransaction.class);
    private static final int MAX_HOURS_REMEMBERED = 16;

    private final SqliteConfig config;
    private final AgentStateCache cache;
    private final AgentJournal journal;
    private final Map<AgentGuid, Pending> overlay = new HashMap<>();
    private final Map<Long, int[]> hourCounts = new HashMap<>();
    private final Statement control;
    private final PreparedStatement selectAgent;
    private final PreparedStatement selectAgentsAfter;
    private final PreparedStatement selectJournalAfter;
    private final PreparedStatement upsertAgent;
    private final PreparedStatement deleteAgent;
    private final PreparedStatement insertError;
    private final PreparedStatement countHour;
    private final PreparedStatement purgeErrors;
    private final PreparedStatement appendJournal;
    private final PreparedStatement selectJournal;
    private final PreparedStatement deleteJournal;
    private final PreparedStatement foldAdvances;
    private final PreparedStatement foldRegistrations;
    private final PreparedStatement foldResets;

    private volatile HourTally tally;
    /** Lookups of an agent's committed state that the cache could not answer; written by the writer only. */
    private volatile long cacheMisses;
    private boolean inTransaction;
    /** Whether the open transaction changed a row, i.e. whether its {@code COMMIT} writes (and syncs). */
    private boolean changed;
    private long touchedHour = Long.MIN_VALUE;

    /** A not-yet-committed agent state of the current group; {@code state == null} marks a reset. */
    private record Pending(SequenceState state, AgentIdentity agent, Instant lastSeen, Instant firstSeen) {
    }

    GroupTransaction(SqliteConfig config, Connection connection, AgentJournal journal) throws SQLException {
        this.config = requireNonNull(config, "config");
        this.journal = requireNonNull(journal, "journal");
        this.cache = new AgentStateCache(config.agentCacheSize());
        this.control = connection.createStatement();
        this.selectAgent = connection.prepareStatement("SELECT last, ring FROM agents WHERE guid = ?");
        this.selectAgentsAfter = connection.prepareStatement("SELECT guid, last, ring FROM agents WHERE guid > ? ORDER BY guid LIMIT ?");
        this.selectJournalAfter = connection.prepareStatement("SELECT seq, guid, last, ring FROM agent_journal WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?");
        this.upsertAgent = connection.prepareStatement("INSERT INTO agents "
                + "(guid, last, ring, first_seen, last_seen, node_name, mac_address, ip_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (guid) DO UPDATE SET last = excluded.last, ring = excluded.ring, last_seen = excluded.last_seen, "
                + "node_name = excluded.node_name, mac_address = excluded.mac_address, ip_address = excluded.ip_address");
        this.deleteAgent = connection.prepareStatement("DELETE FROM agents WHERE guid = ?");
        this.insertError = connection.prepareStatement("INSERT INTO EPOAgentSequenceErrorLog "
                + "(AgentGUID, NodeName, IPAddress, MACAddress, TheTimestamp, Received, Last, Enforced) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        this.countHour = connection.prepareStatement("SELECT COUNT(*) FROM EPOAgentSequenceErrorLog WHERE TheTimestamp >= ? AND TheTimestamp < ?");
        this.purgeErrors = connection.prepareStatement("DELETE FROM EPOAgentSequenceErrorLog WHERE TheTimestamp < ?");
        this.appendJournal = connection.prepareStatement("INSERT INTO agent_journal "
                + "(seq, guid, last, ring, first_seen, last_seen, node_name, mac_address, ip_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        this.selectJournal = connection.prepareStatement("SELECT last, ring FROM agent_journal WHERE seq = ?");
        this.deleteJournal = connection.prepareStatement("DELETE FROM agent_journal WHERE seq > ? AND seq <= ?");
        // The fold: the rows whose seq the JSON array parameter lists, into the agents table, inside SQLite.
        String folded = "FROM agent_journal WHERE seq IN (SELECT value FROM json_each(?)) AND ";
        this.foldAdvances = connection.prepareStatement("INSERT INTO agents "
                + "(guid, last, ring, first_seen, last_seen, node_name, mac_address, ip_address) "
                + "SELECT guid, last, ring, last_seen, last_seen, node_name, mac_address, ip_address " + folded
                + "last IS NOT NULL AND first_seen IS NULL "
                + "ON CONFLICT (guid) DO UPDATE SET last = excluded.last, ring = excluded.ring, last_seen = excluded.last_seen, "
                + "node_name = excluded.node_name, mac_address = excluded.mac_address, ip_address = excluded.ip_address");
        // A registration not folded yet replaces whatever row the agent had before a reset, first_seen included.
        this.foldRegistrations = connection.prepareStatement("INSERT INTO agents "
                + "(guid, last, ring, first_seen, last_seen, node_name, mac_address, ip_address) "
                + "SELECT guid, last, ring, first_seen, last_seen, node_name, mac_address, ip_address " + folded
                + "last IS NOT NULL AND first_seen IS NOT NULL "
                + "ON CONFLICT (guid) DO UPDATE SET last = excluded.last, ring = excluded.ring, first_seen = excluded.first_seen, "
                + "last_seen = excluded.last_seen, node_name = excluded.node_name, mac_address = excluded.mac_address, "
                + "ip_address = excluded.ip_address");
        this.foldResets = connection.prepareStatement("DELETE FROM agents WHERE guid IN (SELECT guid " + folded + "last IS NULL)");
    }

    /**
     * How many agents a step of the cache's fill may read: at most {@code limit} and the cache's
     * room, so that the fill evicts nothing; 0 when the journal's index is broken (it may have lost
     * a mark, and a row read could then be older than the agent's newest). Refuses to run inside a
     * group, whose overlay is not committed.
     */
    private int fillRoom(int limit) {
        if (inTransaction || !overlay.isEmpty()) {
            throw new IllegalStateException("the agent cache's fill ran inside a group");
        }
        return journal.broken() ? 0 : Math.max(0, Math.min(limit, cache.room()));
    }

    /** One step of the agent cache's fill from the agents table: how many agents it kept, and the stored GUID to go on after (null: done). */
    record CacheFill(int loaded, byte[] next) {
    }

    /** One step of the agent cache's fill from the journal: how many agents it kept, and the row to go on after (-1: done). */
    record JournalFill(int loaded, long next) {
    }

    /** The journal's newest committed row, where the fill's pass over the journal stops (see {@link #fillCacheFromJournal}). */
    long journalLastRow() {
        return journal.lastRow();
    }

    /**
     * One step of filling the agent cache from the journal, before the agents table (see {@link
     * #fillCache}): reads up to {@code limit} rows after row {@code afterSeq} and up to row {@code
     * throughSeq} (the newest when the pass began: rows appended since are of agents their groups
     * put in the cache, and a pass that chased them could run for ever under load), never more than
     * the cache has room for, and keeps each agent whose newest row it is, unless that row is a
     * reset or the cache holds the agent already. An agent with a live journal row is one that
     * checked in lately, and the agents table pass leaves it out; without this pass, every such
     * agent's first check-in after a restart (a whole fleet no larger than {@code journal-size})
     * would read its row inside a group. Between groups only, under the writer's lock.
     */
    JournalFill fillCacheFromJournal(long afterSeq, long throughSeq, int limit) throws SQLException {
        int room = fillRoom(limit);
        if (room == 0) {
            return new JournalFill(0, -1);
        }
        int loaded = 0;
        int read = 0;
        long last = afterSeq;
        long deleted = journal.deletedThrough();
        selectJournalAfter.setLong(1, Math.max(afterSeq, deleted));
        selectJournalAfter.setLong(2, throughSeq);
        selectJournalAfter.setInt(3, room);
        long[] bits = new long[2];
        try (ResultSet rs = selectJournalAfter.executeQuery()) {
            while (rs.next()) {
                read++;
                last = rs.getLong(1);
                GuidBytes.read(rs.getBytes(2), "agent_journal.guid", bits);
                long number = rs.getLong(3);
                boolean reset = rs.wasNull();
                if (!reset && journal.newestRow(bits[0], bits[1]) == last && !cache.holds(bits[0], bits[1])
                        && cache.load(bits[0], bits[1], SequenceState.restore(number, rs.getBytes(4)))) {
                    loaded++;
                }
            }
        }
        return new JournalFill(loaded, read < room || last >= throughSeq ? -1 : last);
    }

    /**
     * One step of filling the agent cache from the agents table after start-up, once the journal's
     * rows are read (see {@link GroupCommitWriter#startCacheFill} and {@link
     * #fillCacheFromJournal}): reads up to {@code limit} agents after the stored GUID {@code after} in
     * the table's key order (an empty array: from the first), never more than the cache has room for,
     * so that the fill evicts nothing. Agents with a live row in the journal are left out (their
     * state is that row's, which the journal's pass kept if there was room), and so are agents the
     * cache holds already (put there by a group since start-up: the same state, and used). Between groups only, under
     * the writer's lock: the table and the journal's marks are then those of the last commit, so
     * each state read is current.
     */
    CacheFill fillCache(byte[] after, int limit) throws SQLException {
        int room = fillRoom(limit);
        if (room == 0) {
            return new CacheFill(0, null);
        }
        int loaded = 0;
        int read = 0;
        long deleted = journal.deletedThrough();
        long[] bits = new long[2];
        byte[] next = null;
        selectAgentsAfter.setBytes(1, after);
        selectAgentsAfter.setInt(2, room);
        try (ResultSet rs = selectAgentsAfter.executeQuery()) {
            while (rs.next()) {
                read++;
                byte[] key = rs.getBytes(1);
                GuidBytes.read(key, "agents.guid", bits);
                if (journal.newestRow(bits[0], bits[1]) <= deleted && !cache.holds(bits[0], bits[1])
                        && cache.load(bits[0], bits[1], SequenceState.restore(rs.getLong(2), rs.getBytes(3)))) {
                    loaded++;
                }
                if (read == room) {
                    next = key;
                }
            }
        }
        return new CacheFill(loaded, next);
    }

    /**
     * Start-up: reads the journal's rows into {@link AgentJournal}'s memory. With the journal off
     * (a file last written with it on), folds them all into the agents table now and empties it,
     * so that the agents table alone is current again.
     */
    void recoverJournal() throws SQLException {
        try (Statement s = control.getConnection().createStatement()) {
            // The rows' count: they are numbered without gaps from the head the folds delete to the newest.
            // Two subqueries, each a single MIN or MAX, are two lookups; MAX(seq) - MIN(seq) would scan the table.
            try (ResultSet rs = s.executeQuery(
                    "SELECT (SELECT MAX(seq) FROM agent_journal) - (SELECT MIN(seq) FROM agent_journal) + 1")) {
                long rows = rs.next() ? rs.getLong(1) : 0;
                if (rows > 0) {
                    journal.reserve(rows);
                }
            }
            long[] bits = new long[2];
            try (ResultSet rs = s.executeQuery("SELECT seq, guid, last IS NULL, first_seen FROM agent_journal ORDER BY seq")) {
                while (rs.next()) {
                    GuidBytes.read(rs.getBytes(2), "agent_journal.guid", bits);
                    long firstSeen = rs.getLong(4);
                    Instant registered = rs.wasNull() ? null : SqliteTime.ofMillis(firstSeen);
                    journal.recover(bits[0], bits[1], rs.getLong(1), rs.getBoolean(3), registered);
                }
            }
        }
        journal.recovered();
        if (!journal.enabled() && journal.beginFold(true)) {
            try {
                foldStep(Integer.MAX_VALUE);
                commit();
            } catch (SQLException | RuntimeException e) {
                rollback();
                throw e;
            }
            log.info("SQLite store {}: folded the journal left by a run with seqguard.sqlite.journal-size > 0", config.path());
        }
    }

    /** The committed row count of the latest hour that received errors, or null. */
    HourTally tally() {
        return tally;
    }

    /** Agents in the agent cache; any thread (for a meter: a moment old at worst). */
    int cachedAgents() {
        return cache.size();
    }

    /** Lookups the agent cache could not answer, read from the file instead (a new agent's first among them); any thread. */
    long cacheMisses() {
        return cacheMisses;
    }

    /**
     * Writes the overlay and commits the group's transaction; only then publishes the overlay to
     * the cache and the hourly count to {@link #tally()}.
     *
     * <p>Once {@code COMMIT} succeeded the group is durable and this returns normally, so that its
     * requests get their true answers: should publishing fail (an {@link OutOfMemoryError} while the
     * journal's index or the cache grows), the journal's index is marked broken, which stops every
     * later write until a restart reads the journal back, and the cache is dropped, so that no
     * older state is left to accept a number the file has already seen.
     *
     * @return whether the group changed a row: a group that only read (stale check-ins, errors over
     *     the hour's cap) commits without writing or syncing anything
     * @throws SQLException when writing or committing failed; call {@link #rollback()} then
     */
    boolean commit() throws SQLException {
        flushOverlay();
        boolean wrote = changed;
        if (inTransaction) {
            control.execute("COMMIT");
            inTransaction = false;
            changed = false;
        }
        try {
            journal.committed();
            if (!overlay.isEmpty()) {
                cache.publish(overlay, Pending::state);
            }
            if (touchedHour != Long.MIN_VALUE) {
                int[] count = hourCounts.get(touchedHour);
                if (count != null) {
                    tally = new HourTally(touchedHour, count[0]);
                }
            }
        } catch (RuntimeException | Error e) {
            cache.clear();
            log.error("SQLite store {}: a committed group could not be taken into memory; its answers stand, {}", config.path(),
                    journal.broken() ? "and nothing more is written until seqguard restarts and reads the journal back"
                            : "and the agent cache was dropped (lookups read the file until it fills again)", e);
        }
        overlay.clear();
        touchedHour = Long.MIN_VALUE;
        return wrote;
    }

    CheckResult checkIn(AgentIdentity agent, long received, int window, Instant now) throws SQLException {
        AgentGuid guid = agent.guid();
        Pending pending = overlay.get(guid);
        SequenceState current;
        Instant firstSeen = null;
        if (pending != null) {
            current = pending.state();
            firstSeen = pending.firstSeen();
        } else {
            current = committedState(guid);
        }
        if (current == null) {
            overlay.put(guid, new Pending(SequenceCheck.register(received, window), agent, now, now));
            return CheckResult.registered();
        }
        SequenceState next = SequenceCheck.advance(current, received, window);
        if (next == null) {
            return CheckResult.stale(current.last());
        }
        overlay.put(guid, new Pending(next, agent, now, firstSeen));
        return CheckResult.accepted(current.last());
    }

    /** The agent's committed state: from the cache, else its newest journal row, else its agents row; null when unknown. */
    private SequenceState committedState(AgentGuid guid) throws SQLException {
        SequenceState state = cache.get(guid);
        if (state != null) {
            return state;
        }
        cacheMisses++; // one writer: no update is lost
        long newest = journal.newestRow(guid);
        // A dormant mark (its row folded and deleted) leaves the agents row current.
        if (newest > journal.deletedThrough()) {
            begin();
            selectJournal.setLong(1, newest);
            try (ResultSet rs = selectJournal.executeQuery()) {
                if (rs.next()) {
                    long last = rs.getLong(1);
                    if (rs.wasNull()) {
                        return null;
                    }
                    state = SequenceState.restore(last, rs.getBytes(2));
                    cache.put(guid, state);
                    return state;
                }
            }
            // Not there: folded and deleted meanwhile, so the agents row is current.
        }
        return load(guid);
    }

    private SequenceState load(AgentGuid guid) throws SQLException {
        begin();
        selectAgent.setBytes(1, GuidBytes.of(guid));
        try (ResultSet rs = selectAgent.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            SequenceState state = SequenceState.restore(rs.getLong(1), rs.getBytes(2));
            cache.put(guid, state);
            return state;
        }
    }

    private void flushOverlay() throws SQLException {
        if (overlay.isEmpty()) {
            return;
        }
        if (journal.enabled()) {
            appendOverlay();
            return;
        }
        boolean any = false;
        for (Map.Entry<AgentGuid, Pending> e : overlay.entrySet()) {
            Pending p = e.getValue();
            if (p.state() == null) {
                continue;
            }
            long lastSeen = SqliteTime.millis(p.lastSeen());
            upsertAgent.setBytes(1, GuidBytes.of(e.getKey()));
            bindState(upsertAgent, 2, p.state());
            upsertAgent.setLong(4, p.firstSeen() == null ? lastSeen : SqliteTime.millis(p.firstSeen()));
            upsertAgent.setLong(5, lastSeen);
            bindIdentity(upsertAgent, 6, p.agent());
            upsertAgent.addBatch();
            any = true;
        }
        if (any) {
            begin();
            upsertAgent.executeBatch();
            changed = true;
        }
    }

    /** Appends the group's changed agents to the journal (a reset as a row without {@code last}), then folds some. */
    private void appendOverlay() throws SQLException {
        for (Map.Entry<AgentGuid, Pending> e : overlay.entrySet()) {
            AgentGuid guid = e.getKey();
            Pending p = e.getValue();
            SequenceState state = p.state();
            AgentJournal.Row row = journal.append(guid, state == null, state == null ? null : p.firstSeen());
            appendJournal.setLong(1, row.seq());
            appendJournal.setBytes(2, GuidBytes.of(guid));
            if (state == null) {
                for (int i = 3; i <= 9; i++) {
                    appendJournal.setNull(i, i == 4 ? Types.BLOB : i <= 6 ? Types.INTEGER : Types.VARCHAR);
                }
            } else {
                bindState(appendJournal, 3, state);
                if (row.firstSeen() == null) {
                    appendJournal.setNull(5, Types.INTEGER);
                } else {
                    appendJournal.setLong(5, SqliteTime.millis(row.firstSeen()));
                }
                appendJournal.setLong(6, SqliteTime.millis(p.lastSeen()));
                bindIdentity(appendJournal, 7, p.agent());
            }
            appendJournal.addBatch();
        }
        begin();
        appendJournal.executeBatch();
        changed = true;
        // Twice the group's rows: the fold outpaces the appends, so the journal stays near journal-size.
        foldStep(Math.max(16, 2 * overlay.size()));
    }

    /**
     * Folds up to {@code budget} more agents of the current fold into the agents table, in GUID
     * order; once all are, deletes up to {@code 4 * budget} folded rows from the journal's head.
     * Part of the group's transaction; the progress is published by {@link AgentJournal#committed()}.
     */
    private void foldStep(int budget) throws SQLException {
        AgentJournal.FoldOrder order = journal.readyOrder();
        if (order == null) {
            return;
        }
        int from = journal.folded();
        int to = (int) Math.min(order.size(), (long) from + budget);
        if (from < to) {
            // One statement per kind present in the chunk (most chunks hold check-ins only).
            StringBuilder[] lists = new StringBuilder[AgentJournal.Kind.values().length];
            int[] counts = new int[lists.length];
            for (int i = from; i < to; i++) {
                int kind = order.kind(i).ordinal();
                counts[kind]++;
                if (lists[kind] == null) {
                    lists[kind] = new StringBuilder(Math.min(1 << 20, 16 * (to - from) + 2)).append('[');
                } else {
                    lists[kind].append(',');
                }
                lists[kind].append(order.seq(i));
            }
            begin();
            for (AgentJournal.Kind kind : AgentJournal.Kind.values()) {
                StringBuilder list = lists[kind.ordinal()];
                if (list != null) {
                    PreparedStatement fold = switch (kind) {
                        case ADVANCE -> foldAdvances;
                        case REGISTRATION -> foldRegistrations;
                        case RESET -> foldResets;
                    };
                    fold.setString(1, list.append(']').toString());
                    int changes = fold.executeUpdate();
                    // Every check-in and registration changes its agents row (a reset may find none): a row the
                    // statement skipped would be deleted from the journal unfolded, so fail the group instead.
                    if (kind != AgentJournal.Kind.RESET && changes != counts[kind.ordinal()]) {
                        throw new SQLException("folding " + counts[kind.ordinal()] + " journal rows (" + kind + ") changed "
                                + changes + " agents rows");
                    }
                }
            }
            journal.stageFolded(to);
            changed = true;
        }
        if (to == order.size() && journal.deletedThrough() < journal.foldThrough()) {
            long through = Math.min(journal.foldThrough(), journal.deletedThrough() + 4L * budget);
            begin();
            deleteJournal.setLong(1, journal.deletedThrough());
            deleteJournal.setLong(2, through);
            deleteJournal.executeUpdate();
            journal.stageDeleted(through);
            changed = true;
        }
    }

    boolean recordError(SequenceError error, int maxPerHour) throws SQLException {
        long hour = HourTally.hourOf(error.time());
        int[] count = hourCounts.get(hour);
        if (count == null) {
            begin();
            countHour.setString(1, SqliteTime.format(Instant.ofEpochMilli(hour * HourTally.MILLIS_PER_HOUR)));
            countHour.setString(2, SqliteTime.format(Instant.ofEpochMilli((hour + 1) * HourTally.MILLIS_PER_HOUR)));
            try (ResultSet rs = countHour.executeQuery()) {
                rs.next();
                count = new int[] {(int) Math.min(Integer.MAX_VALUE, rs.getLong(1))};
            }
            if (hourCounts.size() >= MAX_HOURS_REMEMBERED) {
                hourCounts.clear();
            }
            hourCounts.put(hour, count);
        }
        touchedHour = hour;
        if (count[0] >= maxPerHour) {
            return false;
        }
        begin();
        insertError.setString(1, error.guid().toString());
        setText(insertError, 2, error.agent().nodeName() == null ? null : error.agent().nodeName().value());
        setText(insertError, 3, error.agent().ipAddress() == null ? null : error.agent().ipAddress().value());
        setText(insertError, 4, error.agent().macAddress() == null ? null : error.agent().macAddress().value());
        insertError.setString(5, SqliteTime.format(error.time()));
        insertError.setLong(6, error.received());
        insertError.setLong(7, error.last());
        insertError.setInt(8, error.enforced() ? 1 : 0);
        insertError.executeUpdate();
        changed = true;
        count[0]++;
        return true;
    }

    boolean reset(AgentGuid guid) throws SQLException {
        if (journal.enabled()) {
            // The reset is a journal row like a check-in; the fold deletes the agents row.
            Pending pending = overlay.get(guid);
            SequenceState current = pending != null ? pending.state() : committedState(guid);
            if (current == null) {
                return false;
            }
            overlay.put(guid, new Pending(null, null, null, null));
            cache.remove(guid);
            return true;
        }
        begin();
        deleteAgent.setBytes(1, GuidBytes.of(guid));
        boolean known = deleteAgent.executeUpdate() > 0;
        changed |= known;
        Pending pending = overlay.get(guid);
        known |= pending != null && pending.state() != null;
        overlay.put(guid, new Pending(null, null, null, null));
        cache.remove(guid);
        return known;
    }

    long purge(Instant cutoff) throws SQLException {
        // Withdraw the published tally first: a purge may lower the current hour's count.
        tally = null;
        hourCounts.clear();
        touchedHour = Long.MIN_VALUE;
        begin();
        purgeErrors.setString(1, SqliteTime.format(cutoff));
        int purged = purgeErrors.executeUpdate();
        changed |= purged > 0;
        return purged;
    }

    private void begin() throws SQLException {
        if (journal.broken()) {
            throw new SQLException("the writer's index of the check-in journal failed to take a committed group "
                    + "(see the earlier error); nothing more is written until seqguard restarts and reads the journal back");
        }
        if (!inTransaction) {
            // IMMEDIATE takes the write lock up front, so a group never fails half-way on a lock upgrade.
            control.execute("BEGIN IMMEDIATE");
            inTransaction = true;
        }
    }

    /** Rolls the group back and drops everything it changed in memory. */
    void rollback() {
        overlay.clear();
        hourCounts.clear();
        tally = null;
        touchedHour = Long.MIN_VALUE;
        journal.rolledBack();
        for (PreparedStatement batched : List.of(upsertAgent, appendJournal)) {
            try {
                batched.clearBatch();
            } catch (SQLException ignored) {
                // the statement is reset below with the transaction
            }
        }
        changed = false;
        if (inTransaction) {
            inTransaction = false;
            try {
                control.execute("ROLLBACK");
            } catch (SQLException e) {
                // SQLite may already have rolled back (e.g. after an I/O error); nothing else to undo.
                log.debug("rollback on {} failed: {}", config.path(), e.getMessage());
            }
        }
    }

    /** Binds {@code last} at {@code index} and the window ring (or NULL) right after it. */
    private static void bindState(PreparedStatement statement, int index, SequenceState state) throws SQLException {
        statement.setLong(index, state.last());
        byte[] ring = state.ringBytes();
        if (ring == null) {
            statement.setNull(index + 1, Types.BLOB);
        } else {
            statement.setBytes(index + 1, ring);
        }
    }

    /** Binds node name, MAC and IP address (each possibly NULL) from {@code index} on. */
    private static void bindIdentity(PreparedStatement statement, int index, AgentIdentity agent) throws SQLException {
        setText(statement, index, agent.nodeName() == null ? null : agent.nodeName().value());
        setText(statement, index + 1, agent.macAddress() == null ? null : agent.macAddress().value());
        setText(statement, index + 2, agent.ipAddress() == null ? null : agent.ipAddress().value());
    }

    private static void setText(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
