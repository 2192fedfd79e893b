package io.seqguard.storage.jdbc;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.Machine;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.Suspect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * The error table {@code EPOAgentSequenceErrorLog}, its exact hourly limit, purge and queries.
 * Thread safe; methods let JDBI exceptions through and {@link JdbcSequenceStore} translates them.
 *
 * <p>The limit is a counter row per clock hour in {@code seqguard_error_hours}. A writer claims a
 * slot with {@code UPDATE ... SET row_count = row_count + 1 WHERE row_count < max} and inserts its
 * error row in the same transaction, so a claim is never lost to a failed insert and the count can
 * never pass the limit: the UPDATE re-checks the condition on the latest committed version on both
 * PostgreSQL (READ COMMITTED) and InnoDB (locking read). The counter row is created outside that
 * transaction, so concurrent creators never hold gap locks against each other. Once an hour is full
 * this node remembers it and drops further errors for that hour without touching the database.
 */
final class ErrorLog {
    private static final int PURGE_CHUNK = 10_000;
    private static final String COLUMNS = "AutoID, AgentGUID, NodeName, IPAddress, MACAddress, TheTimestamp, Received, Last, Enforced";

    private final Jdbi jdbi;
    private final Dialect dialect;
    private final AtomicReference<FullHour> fullHour = new AtomicReference<>();

    /** An hour known to be full for limits up to {@code max}. */
    private record FullHour(LocalDateTime hour, int max) {
    }

    ErrorLog(Jdbi jdbi, Dialect dialect) {
        this.jdbi = requireNonNull(jdbi, "jdbi");
        this.dialect = requireNonNull(dialect, "dialect");
    }

    boolean record(SequenceError error, int maxPerHour) {
        if (maxPerHour < 0) {
            throw new IllegalArgumentException("maxPerHour must not be negative: " + maxPerHour);
        }
        if (maxPerHour == 0) {
            return false;
        }
        LocalDateTime time = UtcTime.of(error.time());
        LocalDateTime hour = time.truncatedTo(ChronoUnit.HOURS);
        FullHour full = fullHour.get();
        if (full != null && full.hour().equals(hour) && maxPerHour <= full.max()) {
            return false;
        }
        if (claimAndInsert(hour, maxPerHour, error, time)) {
            return true;
        }
        // No slot: either the hour has no counter row yet, or it is full. Make sure the row exists
        // and try once more; if that fails too, the row existed and was full.
        jdbi.useHandle(h -> dialect.insertHourIfAbsent(h, hour));
        if (claimAndInsert(hour, maxPerHour, error, time)) {
            return true;
        }
        fullHour.set(new FullHour(hour, maxPerHour));
        return false;
    }

    private boolean claimAndInsert(LocalDateTime hour, int maxPerHour, SequenceError error, LocalDateTime time) {
        return jdbi.inTransaction(h -> {
            int claimed = h.createUpdate("UPDATE seqguard_error_hours SET row_count = row_count + 1 WHERE hour_start = :hour AND row_count < :max")
                    .bind("hour", UtcTime.argument(hour))
                    .bind("max", maxPerHour)
                    .execute();
            if (claimed == 0) {
                return false;
            }
            insert(h, error, time);
            return true;
        });
    }

    private static void insert(Handle h, SequenceError error, LocalDateTime time) {
        AgentIdentity a = error.agent();
        h.createUpdate("""
                        INSERT INTO EPOAgentSequenceErrorLog
                            (AgentGUID, NodeName, IPAddress, MACAddress, TheTimestamp, Received, Last, Enforced)
                        VALUES (:guid, :node, :ip, :mac, :time, :received, :last, :enforced)""")
                .bind("guid", a.guid().toString())
                .bind("node", a.nodeName() == null ? null : a.nodeName().value())
                .bind("ip", a.ipAddress() == null ? null : a.ipAddress().value())
                .bind("mac", a.macAddress() == null ? null : a.macAddress().value())
                .bind("time", UtcTime.argument(time))
                .bind("received", error.received())
                .bind("last", error.last())
                .bind("enforced", error.enforced())
                .execute();
    }

    long purgeBefore(Instant cutoff) {
        LocalDateTime at = UtcTime.ceil(cutoff);
        long total = 0;
        // Chunks keep each transaction short on a large table; a short chunk means we are done (or
        // another node is purging the rest, and counts its own rows).
        while (true) {
            int deleted = jdbi.withHandle(h -> dialect.deleteErrorsBefore(h, at, PURGE_CHUNK));
            total += deleted;
            if (deleted < PURGE_CHUNK) {
                break;
            }
        }
        // Counter rows of hours that ended before the cutoff; later hours may still receive errors.
        LocalDateTime hourCutoff = at.truncatedTo(ChronoUnit.HOURS);
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM seqguard_error_hours WHERE hour_start < :hour")
                .bind("hour", UtcTime.argument(hourCutoff))
                .execute());
        return total;
    }

    List<ErrorRow> find(ErrorQuery query) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM EPOAgentSequenceErrorLog WHERE 1 = 1");
        if (query.guid() != null) {
            sql.append(" AND AgentGUID = :guid");
        }
        if (query.since() != null) {
            sql.append(" AND TheTimestamp >= :since");
        }
        if (query.until() != null) {
            sql.append(" AND TheTimestamp < :until");
        }
        if (query.before() != null) {
            // After the previous page's last row in the order below: older, or as old with a lower AutoID.
            // The first bound alone is a range the time index can seek to; the second breaks the tie.
            sql.append(" AND TheTimestamp <= :beforeTime AND (TheTimestamp < :beforeTime OR AutoID < :beforeId)");
        }
        sql.append(" ORDER BY TheTimestamp DESC, AutoID DESC LIMIT :limit");
        return jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString()).bind("limit", query.limit());
            if (query.guid() != null) {
                q.bind("guid", query.guid().toString());
            }
            if (query.since() != null) {
                q.bind("since", UtcTime.argument(UtcTime.ceil(query.since())));
            }
            if (query.until() != null) {
                q.bind("until", UtcTime.argument(UtcTime.ceil(query.until())));
            }
            if (query.before() != null) {
                q.bind("beforeTime", UtcTime.argument(query.before().time()));
                q.bind("beforeId", query.before().autoId());
            }
            return q.map((rs, ctx) -> row(rs)).list();
        });
    }

    private static ErrorRow row(ResultSet rs) throws SQLException {
        AgentIdentity agent = new AgentIdentity(
                AgentGuid.parse(rs.getString("AgentGUID")),
                AgentStates.nodeName(rs.getString("NodeName")),
                AgentStates.macAddress(rs.getString("MACAddress")),
                AgentStates.ipAddress(rs.getString("IPAddress")));
        SequenceError error = new SequenceError(agent, UtcTime.read(rs, "TheTimestamp"),
                rs.getLong("Received"), rs.getLong("Last"), rs.getBoolean("Enforced"));
        return new ErrorRow(rs.getLong("AutoID"), error);
    }

    private record Summary(String guid, long count, Instant first, Instant last) {
    }

    List<Suspect> suspects(Instant since, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        LocalDateTime from = UtcTime.ceil(since);
        return jdbi.withHandle(h -> {
            List<Summary> summaries = h.createQuery("SELECT AgentGUID, COUNT(*) AS n, MIN(TheTimestamp) AS first_error, MAX(TheTimestamp) AS last_error"
                            + " FROM EPOAgentSequenceErrorLog WHERE TheTimestamp >= :since GROUP BY AgentGUID"
                            + " ORDER BY n DESC, AgentGUID" + dialect.binaryCollation() + " LIMIT :limit")
                    .bind("since", UtcTime.argument(from))
                    .bind("limit", limit)
                    .map((rs, ctx) -> new Summary(rs.getString("AgentGUID"), rs.getLong("n"),
                            UtcTime.read(rs, "first_error"), UtcTime.read(rs, "last_error")))
                    .list();
            if (summaries.isEmpty()) {
                return List.of();
            }
            List<String> guids = summaries.stream().map(Summary::guid).toList();
            Map<String, List<Machine>> machines = new HashMap<>();
            h.createQuery("SELECT DISTINCT AgentGUID, NodeName, MACAddress FROM EPOAgentSequenceErrorLog"
                            + " WHERE TheTimestamp >= :since AND AgentGUID IN (<guids>)")
                    .bind("since", UtcTime.argument(from))
                    .bindList("guids", guids)
                    .map((rs, ctx) -> Map.entry(rs.getString("AgentGUID"),
                            new Machine(AgentStates.nodeName(rs.getString("NodeName")), AgentStates.macAddress(rs.getString("MACAddress")))))
                    .forEach(e -> machines.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
            // The last accepted request counts as one more sighting of a machine.
            h.createQuery("SELECT guid, last_node_name, last_mac FROM seqguard_agents WHERE guid IN (<guids>)")
                    .bindList("guids", guids)
                    .map((rs, ctx) -> Map.entry(rs.getString("guid"),
                            new Machine(AgentStates.nodeName(rs.getString("last_node_name")), AgentStates.macAddress(rs.getString("last_mac")))))
                    .forEach(e -> machines.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
            Map<String, Suspect> out = new LinkedHashMap<>();
            for (Summary s : summaries) {
                out.put(s.guid(), Suspect.classify(AgentGuid.parse(s.guid()), machines.getOrDefault(s.guid(), List.of()),
                        s.count(), s.first(), s.last()));
            }
            return List.copyOf(out.values());
        });
    }
}
