package io.seqguard.benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The baseline the SQLite store is measured against: the same group commit (one writer thread,
 * a queue, one transaction and one commit per group, callers wait for their commit) written
 * directly against sqlite-jdbc, with the check as one conditional upsert per request
 * ({@code ... ON CONFLICT DO UPDATE ... WHERE excluded.last > agents.last}). Strict mode only; no
 * window, no cache, no error table: the least work that still gives a durable, exact answer.
 *
 * <p>Thread safe for {@link #checkIn}.
 */
final class RawSqliteGroupCommit implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private record Request(String guid, long seq, String node, String ip, Instant now, CompletableFuture<Boolean> done) {
    }

    private final Connection connection;
    private final PreparedStatement upsert;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final int maxGroup;
    private volatile boolean stopping;

    RawSqliteGroupCommit(Path file, int maxGroup) throws SQLException {
        this.maxGroup = maxGroup;
        connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=FULL");
            s.execute("PRAGMA cache_size=-16384");
        }
        upsert = connection.prepareStatement("INSERT INTO agents (guid, last, ring, first_seen, last_seen, node_name, mac_address, ip_address) "
                + "VALUES (?, ?, NULL, ?, ?, ?, NULL, ?) ON CONFLICT (guid) DO UPDATE SET last = excluded.last, last_seen = excluded.last_seen, "
                + "node_name = excluded.node_name, ip_address = excluded.ip_address WHERE excluded.last > agents.last");
        writer = new Thread(this::run, "raw-sqlite-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** True when accepted (durably), false when stale. */
    boolean checkIn(String guid, long seq, String node, String ip, Instant now) throws Exception {
        Request r = new Request(guid, seq, node, ip, now, new CompletableFuture<>());
        queue.add(r);
        return r.done().get(30, TimeUnit.SECONDS);
    }

    private void run() {
        List<Request> group = new ArrayList<>(maxGroup);
        List<Boolean> results = new ArrayList<>(maxGroup);
        try (Statement control = connection.createStatement()) {
            while (!stopping) {
                Request first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, maxGroup - 1);
                try {
                    control.execute("BEGIN IMMEDIATE");
                    for (Request r : group) {
                        String now = TIME.format(r.now());
                        upsert.setString(1, r.guid());
                        upsert.setLong(2, r.seq());
                        upsert.setString(3, now);
                        upsert.setString(4, now);
                        upsert.setString(5, r.node());
                        upsert.setString(6, r.ip());
                        results.add(upsert.executeUpdate() == 1);
                    }
                    control.execute("COMMIT");
                    for (int i = 0; i < group.size(); i++) {
                        group.get(i).done().complete(results.get(i));
                    }
                } catch (SQLException e) {
                    try {
                        control.execute("ROLLBACK");
                    } catch (SQLException ignored) {
                        // already rolled back
                    }
                    group.forEach(r -> r.done().completeExceptionally(e));
                }
                group.clear();
                results.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        stopping = true;
        writer.join();
        connection.close();
    }
}
