package io.seqguard.benchmarks;

import io.seqguard.spi.AgentGuid;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The baseline the SQLite store is measured against: the same group commit as the store
 * (leader/follower: the caller that gets the write lock commits everything queued in one
 * transaction, the others park until answered) written directly against sqlite-jdbc, with the
 * check as one conditional upsert per request
 * ({@code ... ON CONFLICT DO UPDATE ... WHERE excluded.last > agents.last}). Strict mode only; no
 * window, no cache, no error table: the least work that still gives a durable, exact answer.
 *
 * <p>Thread safe for {@link #checkIn}.
 */
final class RawSqliteGroupCommit implements AutoCloseable {

    private static final class Request {
        final byte[] key;
        final long seq;
        final String node;
        final String ip;
        final Instant now;
        final Thread owner = Thread.currentThread();
        volatile Object outcome;

        Request(String guid, long seq, String node, String ip, Instant now) {
            // Parsed on the caller's thread, as the store's transport parses the GUID; stored as 16 bytes, as the store does.
            AgentGuid parsed = AgentGuid.parse(guid);
            this.key = ByteBuffer.allocate(16).putLong(parsed.mostSignificantBits()).putLong(parsed.leastSignificantBits()).array();
            this.seq = seq;
            this.node = node;
            this.ip = ip;
            this.now = now;
        }

        void answer(Object value) {
            outcome = value;
            LockSupport.unpark(owner);
        }
    }

    private final Connection connection;
    private final Statement control;
    private final PreparedStatement upsert;
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final List<Request> group;
    private final List<Boolean> results;
    private final int maxGroup;

    RawSqliteGroupCommit(Path file, int maxGroup) throws SQLException {
        this.maxGroup = maxGroup;
        this.group = new ArrayList<>(maxGroup);
        this.results = new ArrayList<>(maxGroup);
        connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        control = connection.createStatement();
        control.execute("PRAGMA journal_mode=WAL");
        control.execute("PRAGMA synchronous=FULL");
        control.execute("PRAGMA cache_size=-16384");
        upsert = connection.prepareStatement("INSERT INTO agents (guid, last, ring, first_seen, last_seen, node_name, mac_address, ip_address) "
                + "VALUES (?, ?, NULL, ?, ?, ?, NULL, ?) ON CONFLICT (guid) DO UPDATE SET last = excluded.last, last_seen = excluded.last_seen, "
                + "node_name = excluded.node_name, ip_address = excluded.ip_address WHERE excluded.last > agents.last");
    }

    /** True when accepted (durably), false when stale. */
    boolean checkIn(String guid, long seq, String node, String ip, Instant now) throws Exception {
        Request r = new Request(guid, seq, node, ip, now);
        queue.add(r);
        while (r.outcome == null) {
            if (writeLock.tryLock()) {
                try {
                    while (r.outcome == null && !queue.isEmpty()) {
                        commitGroup();
                    }
                } finally {
                    writeLock.unlock();
                }
                Request next = queue.peek();
                if (next != null) {
                    LockSupport.unpark(next.owner);
                }
                break;
            }
            LockSupport.parkNanos(this, 10_000_000L);
        }
        if (r.outcome instanceof SQLException e) {
            throw e;
        }
        return (Boolean) r.outcome;
    }

    private void commitGroup() {
        for (Request r = queue.poll(); r != null; r = group.size() < maxGroup ? queue.poll() : null) {
            group.add(r);
        }
        try {
            control.execute("BEGIN IMMEDIATE");
            for (Request r : group) {
                long now = r.now.toEpochMilli();
                upsert.setBytes(1, r.key);
                upsert.setLong(2, r.seq);
                upsert.setLong(3, now);
                upsert.setLong(4, now);
                upsert.setString(5, r.node);
                upsert.setString(6, r.ip);
                results.add(upsert.executeUpdate() == 1);
            }
            control.execute("COMMIT");
            for (int i = 0; i < group.size(); i++) {
                group.get(i).answer(results.get(i));
            }
        } catch (SQLException e) {
            try {
                control.execute("ROLLBACK");
            } catch (SQLException ignored) {
                // already rolled back
            }
            group.forEach(r -> r.answer(e));
        } finally {
            group.clear();
            results.clear();
        }
    }

    @Override
    public void close() throws SQLException {
        writeLock.lock();
        try {
            connection.close();
        } finally {
            writeLock.unlock();
        }
    }
}
