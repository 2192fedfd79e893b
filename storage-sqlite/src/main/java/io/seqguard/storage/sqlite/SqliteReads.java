package io.seqguard.storage.sqlite;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.IpAddress;
import io.seqguard.spi.MacAddress;
import io.seqguard.spi.Machine;
import io.seqguard.spi.NodeName;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.StorageException;
import io.seqguard.spi.StorageException.Kind;
import io.seqguard.spi.Suspect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The store's queries, on their own small pool of {@code query_only} connections: in WAL mode they
 * read the last committed state and never block the writer or each other.
 *
 * <p>Thread safe: each call borrows a connection for its duration.
 */
final class SqliteReads implements AutoCloseable {
    private static final String ERROR_COLUMNS =
            "AutoID, AgentGUID, NodeName, IPAddress, MACAddress, TheTimestamp, Received, Last, Enforced";

    private final Path path;
    private final Duration busyTimeout;
    private final BlockingQueue<Connection> pool;
    private final List<Connection> all = new ArrayList<>();
    private final AgentJournal journal;

    SqliteReads(SqliteDatabase database, SqliteConfig config, AgentJournal journal) {
        this.path = config.path();
        this.journal = journal;
        this.busyTimeout = config.busyTimeout();
        this.pool = new ArrayBlockingQueue<>(config.readConnections());
        try {
            for (int i = 0; i < config.readConnections(); i++) {
                Connection c = database.connect(true);
                all.add(c);
                pool.add(c);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @FunctionalInterface
    private interface Query<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T withConnection(String action, Duration wait, Query<T> query) {
        Connection c;
        try {
            c = pool.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(Kind.TRANSIENT, "SQLite store " + path + ": interrupted while waiting for a connection", e);
        }
        if (c == null) {
            throw new StorageException(Kind.TRANSIENT, "SQLite store " + path + ": no query connection free within " + wait);
        }
        try {
            return query.run(c);
        } catch (SQLException e) {
            throw SqliteErrors.translate(path, action, e);
        } finally {
            pool.add(c);
        }
    }

    /**
     * The row {@code seq} in the check-in journal (an agent's {@link AgentJournal#newestRow}), or
     * null when it is 0 (no mark) or the row is gone. Read the mark before the transaction whose
     * snapshot reads the row: a row that is gone in that snapshot was folded, so the agents row in
     * the same snapshot is at least as new.
     */
    private static JournalRow journalRow(Connection c, long seq) throws SQLException {
        if (seq == 0) {
            return null;
        }
        try (PreparedStatement s = c.prepareStatement("SELECT last, first_seen, last_seen, node_name, mac_address, ip_address "
                + "FROM agent_journal WHERE seq = ?")) {
            s.setLong(1, seq);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long last = rs.getLong(1);
                Long known = rs.wasNull() ? null : last;
                return new JournalRow(known, time(rs, 2), time(rs, 3), rs.getString(4), rs.getString(5), rs.getString(6));
            }
        }
    }

    /** An agent's state in the journal; {@code last == null} is a reset, {@code firstSeen} null defers to the agents row. */
    private record JournalRow(Long last, Instant firstSeen, Instant lastSeen, String nodeName, String mac, String ip) {
    }

    /** An agent's time in {@code column} ({@link SqliteTime#millis}), or null. */
    private static Instant time(ResultSet rs, int column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : SqliteTime.ofMillis(millis);
    }

    /**
     * Runs {@code query} in one read transaction, so that its statements see one snapshot (in WAL
     * mode the snapshot is taken by the first read).
     */
    private static <T> T inOneSnapshot(Connection c, Query<T> query) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN");
        }
        boolean done = false;
        try {
            T result = query.run(c);
            done = true;
            return result;
        } finally {
            try (Statement s = c.createStatement()) {
                s.execute(done ? "COMMIT" : "ROLLBACK");
            }
        }
    }

    Optional<AgentInfo> agentInfo(AgentGuid guid, Instant errorsSince) {
        long mark = journal.newestRow(guid);
        return withConnection("reading agent " + guid, busyTimeout, c -> inOneSnapshot(c, r -> {
            JournalRow newer = journalRow(c, mark);
            if (newer != null && newer.last() == null) {
                return Optional.empty();
            }
            try (PreparedStatement s = c.prepareStatement("SELECT a.guid IS NOT NULL, a.last, a.first_seen, a.last_seen, a.node_name, "
                    + "a.mac_address, a.ip_address, (SELECT COUNT(*) FROM EPOAgentSequenceErrorLog e WHERE e.AgentGUID = ? "
                    + "AND e.TheTimestamp >= ?) FROM (SELECT 1) LEFT JOIN agents a ON a.guid = ?")) {
                s.setString(1, guid.toString());
                s.setString(2, SqliteTime.format(errorsSince));
                s.setBytes(3, GuidBytes.of(guid));
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    boolean inTable = rs.getBoolean(1);
                    long errors = rs.getLong(8);
                    if (newer != null) {
                        Instant firstSeen = newer.firstSeen() != null ? newer.firstSeen() : inTable ? time(rs, 3) : newer.lastSeen();
                        return Optional.of(new AgentInfo(guid, newer.last(), firstSeen, newer.lastSeen(),
                                nodeName(newer.nodeName()), mac(newer.mac()), ip(newer.ip()), errors));
                    }
                    if (!inTable) {
                        return Optional.empty();
                    }
                    return Optional.of(new AgentInfo(guid, rs.getLong(2), time(rs, 3), time(rs, 4),
                            nodeName(rs.getString(5)), mac(rs.getString(6)), ip(rs.getString(7)), errors));
                }
            }
        }));
    }

    /** The machine an agent's last accepted check-in came from, or null when it is not registered (SPEC §5). */
    private static Machine currentMachine(Connection c, long mark, AgentGuid guid) throws SQLException {
        return inOneSnapshot(c, r -> {
            JournalRow newer = journalRow(c, mark);
            if (newer != null) {
                return newer.last() == null ? null : new Machine(nodeName(newer.nodeName()), mac(newer.mac()));
            }
            try (PreparedStatement s = c.prepareStatement("SELECT node_name, mac_address FROM agents WHERE guid = ?")) {
                s.setBytes(1, GuidBytes.of(guid));
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? new Machine(nodeName(rs.getString(1)), mac(rs.getString(2))) : null;
                }
            }
        });
    }

    List<ErrorRow> findErrors(ErrorQuery query) {
        StringBuilder sql = new StringBuilder("SELECT ").append(ERROR_COLUMNS).append(" FROM EPOAgentSequenceErrorLog WHERE 1 = 1");
        List<String> args = new ArrayList<>(3);
        if (query.guid() != null) {
            sql.append(" AND AgentGUID = ?");
            args.add(query.guid().toString());
        }
        if (query.since() != null) {
            sql.append(" AND TheTimestamp >= ?");
            args.add(SqliteTime.format(query.since()));
        }
        if (query.until() != null) {
            sql.append(" AND TheTimestamp < ?");
            args.add(SqliteTime.format(query.until()));
        }
        if (query.before() != null) {
            // After the previous page's last row in the order below: older, or as old with a lower AutoID.
            // The first bound alone is a range the time index can seek to; the second breaks the tie.
            sql.append(" AND TheTimestamp <= ? AND (TheTimestamp < ? OR AutoID < ?)");
            String time = SqliteTime.format(query.before().time());
            args.add(time);
            args.add(time);
            args.add(Long.toString(query.before().autoId()));
        }
        sql.append(" ORDER BY TheTimestamp DESC, AutoID DESC LIMIT ?");
        return withConnection("querying errors", busyTimeout, c -> {
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String arg : args) {
                    s.setString(i++, arg);
                }
                s.setInt(i, query.limit());
                List<ErrorRow> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        AgentIdentity agent = new AgentIdentity(AgentGuid.parse(rs.getString(2)), nodeName(rs.getString(3)),
                                mac(rs.getString(5)), ip(rs.getString(4)));
                        SequenceError error = new SequenceError(agent, SqliteTime.parse(rs.getString(6)), rs.getLong(7), rs.getLong(8),
                                rs.getInt(9) != 0);
                        rows.add(new ErrorRow(rs.getLong(1), error));
                    }
                }
                return rows;
            }
        });
    }

    List<Suspect> findSuspects(Instant since, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        return withConnection("building the suspects report", busyTimeout, c -> {
            record Group(List<Machine> machines, long[] count, Instant[] range) {
            }
            Map<String, Group> groups = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT e.AgentGUID, e.NodeName, e.MACAddress, COUNT(*), MIN(e.TheTimestamp), "
                    + "MAX(e.TheTimestamp) FROM EPOAgentSequenceErrorLog e WHERE e.TheTimestamp >= ? "
                    + "GROUP BY e.AgentGUID, e.NodeName, e.MACAddress")) {
                s.setString(1, SqliteTime.format(since));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Group g = groups.computeIfAbsent(rs.getString(1), k -> new Group(new ArrayList<>(), new long[1], new Instant[2]));
                        g.machines().add(new Machine(nodeName(rs.getString(2)), mac(rs.getString(3))));
                        g.count()[0] += rs.getLong(4);
                        Instant first = SqliteTime.parse(rs.getString(5));
                        Instant last = SqliteTime.parse(rs.getString(6));
                        g.range()[0] = g.range()[0] == null || first.isBefore(g.range()[0]) ? first : g.range()[0];
                        g.range()[1] = g.range()[1] == null || last.isAfter(g.range()[1]) ? last : g.range()[1];
                    }
                }
            }
            List<Suspect> suspects = new ArrayList<>(groups.size());
            for (Map.Entry<String, Group> e : groups.entrySet()) {
                Group g = e.getValue();
                // The agent's last accepted identity counts as one more machine (SPEC §5). Read after the errors, each
                // in a snapshot of its own taken after the agent's journal mark, so that it is never older than the mark.
                AgentGuid guid = AgentGuid.parse(e.getKey());
                Machine current = currentMachine(c, journal.newestRow(guid), guid);
                if (current != null) {
                    g.machines().add(0, current);
                }
                suspects.add(Suspect.classify(guid, g.machines(), g.count()[0], g.range()[0], g.range()[1]));
            }
            suspects.sort(Comparator.comparingLong(Suspect::errorCount).reversed().thenComparing(Suspect::guid));
            return suspects.size() > limit ? List.copyOf(suspects.subList(0, limit)) : suspects;
        });
    }

    /** Whether a query connection answers {@code SELECT 1} within a second; never throws. */
    boolean ping() {
        try {
            return withConnection("ping", Duration.ofSeconds(1), c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT 1"); ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            });
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        for (Connection c : all) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing is best effort; the file lock is released by the database
            }
        }
        all.clear();
        pool.clear();
    }

    private static NodeName nodeName(String value) {
        return value == null ? null : new NodeName(value);
    }

    private static MacAddress mac(String value) {
        return value == null ? null : new MacAddress(value);
    }

    private static IpAddress ip(String value) {
        return value == null ? null : new IpAddress(value);
    }
}
