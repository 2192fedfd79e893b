package io.seqguard.storage.jdbc;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.IpAddress;
import io.seqguard.spi.MacAddress;
import io.seqguard.spi.NodeName;
import io.seqguard.spi.SequenceCheck;
import io.seqguard.spi.SequenceState;
import io.seqguard.spi.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The {@code seqguard_agents} table: the sequence check and its atomic advance, reset, and the
 * agent view. Thread safe (it holds no mutable state); methods let JDBI exceptions through and
 * {@link JdbcSequenceStore} translates them.
 *
 * <p>Strict mode is one conditional upsert (see the dialects); concurrent strict check-ins are
 * merged into batches with one commit by a {@link StrictBatcher} (group commit). Window mode needs the ring, which
 * only {@link SequenceCheck} may interpret, so it reads the row, computes the next state in Java and
 * writes it back with a compare-and-set on {@code ver}: a lost race re-reads and tries again. This
 * is correct under READ COMMITTED and REPEATABLE READ alike because the CAS condition is checked
 * on the latest committed row version by the UPDATE itself. After a few lost races on one GUID the
 * call switches to a short {@code SELECT ... FOR UPDATE} transaction, which cannot lose, so a hot
 * GUID cannot starve a caller. Asynchronous window-mode check-ins go through the batcher instead:
 * {@link #windowBatch} decides a batch of them on rows it holds locked, so it never loses a race.
 */
final class AgentStates {
    private static final int OPTIMISTIC_ATTEMPTS = 4;
    private static final int MAX_ATTEMPTS = 64;

    /** windowOnce's answer for "no row, register outside the transaction"; compared by identity. */
    private static final CheckResult ABSENT = new CheckResult(io.seqguard.spi.Verdict.REGISTERED, -2);

    private static final String SELECT_STATE = "SELECT last, ring, ver FROM seqguard_agents WHERE guid = :guid";

    private static final String CAS_UPDATE = """
            UPDATE seqguard_agents SET
                prev_last = last, last = :last, ring = :ring, ver = ver + 1, last_seen = :now,
                last_node_name = :node, last_mac = :mac, last_ip = :ip
            WHERE guid = :guid AND ver = :expected""";

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final StrictBatcher batcher;

    /**
     * @param batchSize most strict check-ins per statement; 1 sends each alone on the caller's thread
     * @param writers threads that send batches, each using one connection at a time
     * @param claimTimeout the longest a strict check-in waits for a writer before it fails unsent
     */
    AgentStates(Jdbi jdbi, Dialect dialect, int batchSize, int writers, Duration claimTimeout) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.dialect = requireNonNull(dialect, "dialect");
        this.batcher = batchSize > 1 && jdbi.withHandle(dialect::batchesStrictUpserts)
                ? new StrictBatcher(jdbi, dialect, batchSize, writers, claimTimeout, this::strictSingle, this::windowBatch)
                : null;
    }

    void start() {
        if (batcher != null) {
            batcher.start();
        }
    }

    void stop() {
        if (batcher != null) {
            batcher.stop();
        }
    }

    private record Stored(SequenceState state, long ver) {
    }

    CheckResult checkAndAdvance(AgentIdentity agent, long received, int window, Instant now) {
        return window == 0 ? strict(agent, received, now) : windowed(agent, received, window, now);
    }

    /**
     * With a batcher: queued without waiting, completed by a writer thread (window mode too).
     * Without one, the blocking call, run on this thread.
     */
    CompletableFuture<CheckResult> checkAndAdvanceAsync(AgentIdentity agent, long received, int window, Instant now) {
        if (batcher == null) {
            return CompletableFuture.completedFuture(checkAndAdvance(agent, received, window, now));
        }
        if (window != 0) {
            LocalDateTime at = UtcTime.of(now);
            return batcher.submitWindowAsync(new WindowCheckIn(agent, received, window, at, row(agent, SequenceCheck.register(received, window), at)));
        }
        return batcher.submitAsync(strictRow(agent, received, now));
    }

    private CheckResult strict(AgentIdentity agent, long received, Instant now) {
        AgentRow row = strictRow(agent, received, now);
        return batcher != null ? batcher.submit(row) : strictSingle(row);
    }

    private static AgentRow strictRow(AgentIdentity agent, long received, Instant now) {
        // The upsert's "stored last < received" is SequenceCheck.advance(state, received, 0) != null.
        return row(agent, SequenceCheck.register(received, 0), UtcTime.of(now));
    }

    private CheckResult strictSingle(AgentRow row) {
        long received = row.last();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            CheckResult result = jdbi.withHandle(h -> dialect.strictUpsert(h, row));
            if (result != null) {
                return result;
            }
            // Stale, and this dialect did not return the stored value: read it. A reset between the
            // two statements (row gone, or re-registered lower) means the number may now be fresh.
            Optional<Long> last = jdbi.withHandle(h -> h.createQuery("SELECT last FROM seqguard_agents WHERE guid = :guid")
                    .bind("guid", row.guid())
                    .mapTo(Long.class)
                    .findOne());
            if (last.isPresent() && last.get() >= received) {
                return CheckResult.stale(last.get());
            }
        }
        throw new StorageException(StorageException.Kind.CONFLICT, "gave up on " + row.guid() + " after " + MAX_ATTEMPTS + " concurrent resets");
    }

    private CheckResult windowed(AgentIdentity agent, long received, int window, Instant now) {
        // A connection per attempt: a caller backing off from a hot GUID holds none while it waits.
        return windowed(jdbi::withHandle, agent, received, window, UtcTime.of(now));
    }

    /** Runs one step of {@link #windowed} on some connection. */
    @FunctionalInterface
    private interface Connections {
        CheckResult with(HandleCallback<CheckResult, RuntimeException> step);
    }

    /** The window-mode check-in alone, each step in autocommit (or its own locking transaction), retrying lost races. */
    private CheckResult windowed(Connections connections, AgentIdentity agent, long received, int window, LocalDateTime at) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            CheckResult result = attempt < OPTIMISTIC_ATTEMPTS
                    ? connections.with(h -> windowOnce(h, agent, received, window, at, false))
                    : connections.with(h -> h.inTransaction(tx -> windowOnce(tx, agent, received, window, at, true)));
            if (result == ABSENT) {
                // Register outside the locking transaction: locking a missing key takes gap locks
                // on InnoDB, and two such transactions inserting the same key would deadlock.
                AgentRow row = row(agent, SequenceCheck.register(received, window), at);
                if (connections.with(h -> dialect.insertAgentIfAbsent(h, row) ? CheckResult.registered() : null) != null) {
                    return CheckResult.registered();
                }
                continue;
            }
            if (result != null) {
                return result;
            }
            if (attempt > 0) {
                // Lost more than once: step aside briefly so the winners' commits land.
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(50_000L * attempt));
            }
        }
        throw new StorageException(StorageException.Kind.CONFLICT, "gave up on " + agent.guid() + " after " + MAX_ATTEMPTS + " lost races");
    }

    /**
     * Window-mode check-ins of distinct GUIDs in one transaction at READ COMMITTED (a writer of the
     * {@link StrictBatcher}): the existing rows locked in GUID order with one read, each decided on
     * its locked state by {@link SequenceCheck}, the advanced ones written in one update batch;
     * unknown GUIDs inserted, or, when another node registered one meanwhile, locked and decided
     * alone. Every GUID gets its exact answer. A server that refuses the transaction
     * ({@link Dialect#refusedBatch}) gets the check-ins one by one.
     */
    private Map<String, CheckResult> windowBatch(Handle h, List<WindowCheckIn> checkIns) throws java.sql.SQLException {
        try {
            return h.inTransaction(tx -> lockedWindowBatch(tx, checkIns));
        } catch (RuntimeException e) {
            if (!dialect.refusedBatch(e)) {
                throw e;
            }
            return PartialBatchException.eachAlone(checkIns, WindowCheckIn::guid,
                    c -> windowed(step -> step.withHandle(h), c.agent(), c.received(), c.window(), c.at()));
        }
    }

    private Map<String, CheckResult> lockedWindowBatch(Handle tx, List<WindowCheckIn> checkIns) throws java.sql.SQLException {
        List<WindowCheckIn> sorted = new ArrayList<>(checkIns);
        sorted.sort(Comparator.comparing(WindowCheckIn::guid));
        dialect.beginLockingBatch(tx);
        boolean registered = dialect.insertOrLockInOrder(tx, sorted.stream().map(WindowCheckIn::registration).toList());
        Map<String, Stored> stored = new HashMap<>();
        // Locked in the same (binary) order as the GUIDs are sorted here and inserted below.
        tx.createQuery("SELECT guid, last, ring, ver FROM seqguard_agents WHERE guid IN (<guids>) ORDER BY guid"
                        + dialect.binaryCollation() + " FOR UPDATE")
                .bindList("guids", sorted.stream().map(WindowCheckIn::guid).toList())
                .map((rs, ctx) -> Map.entry(rs.getString("guid"),
                        new Stored(SequenceState.restore(rs.getLong("last"), rs.getBytes("ring")), rs.getLong("ver"))))
                .forEach(e -> stored.put(e.getKey(), e.getValue()));

        Map<String, CheckResult> results = new HashMap<>();
        List<WindowCheckIn> absent = new ArrayList<>();
        PreparedBatch updates = tx.prepareBatch(CAS_UPDATE);
        for (WindowCheckIn c : sorted) {
            Stored current = stored.get(c.guid());
            if (current == null) {
                absent.add(c);
                continue;
            }
            if (registered && current.ver() == c.registration().ver()) {
                // Its random version: this transaction inserted the row.
                results.put(c.guid(), CheckResult.registered());
                continue;
            }
            SequenceState next = SequenceCheck.advance(current.state(), c.received(), c.window());
            if (next == null) {
                results.put(c.guid(), CheckResult.stale(current.state().last()));
                continue;
            }
            AgentRow row = row(c.agent(), next, c.at());
            row.bindTo(updates).bind("ring", row.ring()).bind("expected", current.ver()).add();
            results.put(c.guid(), CheckResult.accepted(current.state().last()));
        }
        if (updates.size() > 0) {
            for (int count : updates.execute()) {
                // The rows are locked by this transaction, so 0 is a bug (and rolls back).
                if (count != 1 && count != Statement.SUCCESS_NO_INFO) {
                    throw new IllegalStateException("a locked agent row was not updated (" + count + " rows)");
                }
            }
        }
        // Registered together; one another node registered meanwhile is decided on its row.
        dialect.registerAbsent(tx, absent, WindowCheckIn::registration, c -> registerOrDecide(tx, c), results);
        return results;
    }

    /** Inside the batch's transaction: registers the GUID, or decides on the row another node registered meanwhile. */
    private CheckResult registerOrDecide(Handle tx, WindowCheckIn c) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            if (dialect.insertAgentIfAbsent(tx, c.registration())) {
                return CheckResult.registered();
            }
            CheckResult result = windowOnce(tx, c.agent(), c.received(), c.window(), c.at(), true);
            if (result != ABSENT) {
                // Under the row lock the compare-and-set cannot lose, so this is never null.
                return requireNonNull(result, "a locked compare-and-set lost");
            }
            // Deleted by a reset between the insert and the read: try to register again.
        }
        throw new StorageException(StorageException.Kind.CONFLICT, "gave up on " + c.guid() + " after " + MAX_ATTEMPTS + " concurrent resets");
    }

    /** One read-compute-write round; {@link #ABSENT} (locking only) when the GUID is unknown; null when a concurrent change won and the caller must retry. */
    private CheckResult windowOnce(Handle h, AgentIdentity agent, long received, int window, LocalDateTime at, boolean lock) {
        String guid = agent.guid().toString();
        Optional<Stored> stored = h.createQuery(lock ? SELECT_STATE + " FOR UPDATE" : SELECT_STATE)
                .bind("guid", guid)
                .map((rs, ctx) -> new Stored(SequenceState.restore(rs.getLong("last"), rs.getBytes("ring")), rs.getLong("ver")))
                .findOne();
        if (stored.isEmpty()) {
            if (lock) {
                return ABSENT;
            }
            AgentRow row = row(agent, SequenceCheck.register(received, window), at);
            return dialect.insertAgentIfAbsent(h, row) ? CheckResult.registered() : null;
        }
        SequenceState current = stored.get().state();
        SequenceState next = SequenceCheck.advance(current, received, window);
        if (next == null) {
            return CheckResult.stale(current.last());
        }
        AgentRow row = row(agent, next, at);
        int updated = row.bindTo(h.createUpdate(CAS_UPDATE))
                .bind("ring", row.ring())
                .bind("expected", stored.get().ver())
                .execute();
        return updated == 1 ? CheckResult.accepted(current.last()) : null;
    }

    boolean reset(AgentGuid guid) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM seqguard_agents WHERE guid = :guid").bind("guid", guid.toString()).execute()) > 0;
    }

    Optional<AgentInfo> agentInfo(AgentGuid guid, Instant errorsSince) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT a.last, a.first_seen, a.last_seen, a.last_node_name, a.last_mac, a.last_ip,
                            (SELECT COUNT(*) FROM EPOAgentSequenceErrorLog e
                             WHERE e.AgentGUID = a.guid AND e.TheTimestamp >= :since) AS recent_errors
                        FROM seqguard_agents a WHERE a.guid = :guid""")
                .bind("guid", guid.toString())
                .bind("since", UtcTime.argument(UtcTime.ceil(errorsSince)))
                .map((rs, ctx) -> new AgentInfo(
                        guid,
                        rs.getLong("last"),
                        UtcTime.read(rs, "first_seen"),
                        UtcTime.read(rs, "last_seen"),
                        nodeName(rs.getString("last_node_name")),
                        macAddress(rs.getString("last_mac")),
                        ipAddress(rs.getString("last_ip")),
                        rs.getLong("recent_errors")))
                .findOne());
    }

    private static AgentRow row(AgentIdentity agent, SequenceState state, LocalDateTime at) {
        // A fresh row starts at a random version, so a row deleted by reset and registered again
        // cannot be mistaken for the one a slow CAS read before the reset.
        long ver = ThreadLocalRandom.current().nextLong(Long.MAX_VALUE / 2);
        return new AgentRow(agent.guid().toString(), state.last(), state.ringBytes(), ver, at,
                agent.nodeName() == null ? null : agent.nodeName().value(),
                agent.macAddress() == null ? null : agent.macAddress().value(),
                agent.ipAddress() == null ? null : agent.ipAddress().value());
    }

    static NodeName nodeName(String value) {
        return value == null ? null : new NodeName(value);
    }

    static MacAddress macAddress(String value) {
        return value == null ? null : new MacAddress(value);
    }

    static IpAddress ipAddress(String value) {
        return value == null ? null : new IpAddress(value);
    }
}
