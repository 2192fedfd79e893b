package io.seqguard.storage.jdbc;

import io.seqguard.spi.CheckResult;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * What differs between PostgreSQL and MariaDB/MySQL: the URL scheme, driver settings, the
 * migrations folder, and the few statements whose SQL or result reading is vendor specific (the
 * one-round-trip strict upsert, insert-if-absent, chunked deletes). Everything else is portable SQL
 * in {@link JdbcSequenceStore}.
 *
 * <p>Thread safe, one instance per store. Methods run on the caller's handle and let JDBI
 * exceptions through; the store translates them.
 */
abstract sealed class Dialect permits PostgresDialect, MariaDbDialect {
    /** The URL prefixes a dialect exists for. */
    static final List<String> SUPPORTED_PREFIXES = List.of("jdbc:postgresql:", "jdbc:mariadb:", "jdbc:mysql:");

    /** The dialect for a JDBC URL, or empty when no dialect supports it. */
    static Optional<Dialect> forUrl(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:postgresql:")) {
            return Optional.of(new PostgresDialect());
        }
        if (u.startsWith("jdbc:mariadb:") || u.startsWith("jdbc:mysql:")) {
            return Optional.of(new MariaDbDialect());
        }
        return Optional.empty();
    }

    /** A short name for logs, e.g. {@code postgresql}. */
    abstract String name();

    /** The Flyway location of this dialect's versioned migrations. */
    final String migrationLocation() {
        return "classpath:db/seqguard/" + name();
    }

    /** The URL to hand to the driver (the one we ship may need a different scheme). */
    String driverUrl(String url) {
        return url;
    }

    /**
     * Driver properties that bound every wait, so an unreachable database yields a quick failure
     * instead of threads stuck in socket reads.
     */
    abstract void driverProperties(JdbcConfig config, Properties out);

    /**
     * The statement Hikari runs on every new connection: it bounds each statement on the server
     * ({@link #serverStatementBound}), so that a statement the node gave up on (its socket timed
     * out, the caller was answered 503, "nothing stored") is aborted by the server too, instead of
     * committing later, once the row lock it waited for is released.
     */
    abstract Optional<String> connectionInitSql(JdbcConfig config);

    /**
     * Driver properties whose value the store relies on for correct answers; an operator's
     * {@code seqguard.jdbc.properties} may repeat them but not change them (by name, any case).
     */
    Map<String, String> requiredProperties() {
        return Map.of();
    }

    /**
     * How long the server lets one statement run: below {@code query-timeout} (the client's
     * socket timeout) by a tenth of it, at least 200 ms and at most half, so that the server's
     * abort reaches the node before the node gives up on the connection.
     */
    static java.time.Duration serverStatementBound(java.time.Duration queryTimeout) {
        long ms = queryTimeout.toMillis();
        long margin = Math.min(Math.max(ms / 10, 200), ms / 2);
        return java.time.Duration.ofMillis(ms - margin);
    }

    /**
     * Strict mode in one statement: registers the GUID, or advances {@code last} when
     * {@code row.last()} is higher than the stored one, atomically.
     *
     * @return the verdict with the previous {@code last}; or null when the number was stale and
     *     this dialect could not learn the stored value in the same round trip
     */
    abstract CheckResult strictUpsert(Handle h, AgentRow row);

    /** Whether {@link #strictUpsertBatch} can be used on this server; asked once, when the store starts. */
    boolean batchesStrictUpserts(Handle h) {
        return false;
    }

    /**
     * The strict upsert for several distinct GUIDs in one transaction and one commit, each row with
     * the same outcome as {@link #strictUpsert} would have given it.
     *
     * @param rows distinct GUIDs
     * @return each GUID's verdict with its previous {@code last}. Every registered or advanced GUID
     *     is in the map; a stale one is in it when the dialect learned the stored value in the same
     *     transaction, and left out otherwise (the caller then reads it)
     */
    Map<String, CheckResult> strictUpsertBatch(Handle h, List<AgentRow> rows) throws SQLException {
        throw new UnsupportedOperationException(name() + " has no batched upsert");
    }

    /**
     * The first statement of a transaction that locks a batch's rows with one
     * {@code SELECT ... WHERE guid IN (...) FOR UPDATE}: whatever this server needs for that read to
     * be a cheap, deadlock-free index lookup.
     */
    abstract void beginLockingBatch(Handle tx);

    /**
     * In a batch's transaction, before its locking read: inserts the rows whose GUIDs are absent and
     * locks the others, in GUID order, in one statement, so that the batch takes every lock in one
     * ordered pass. Returns false (doing nothing) when this dialect has no such statement; the
     * batch then registers absent GUIDs after its locking read.
     *
     * @param rows the registration rows, one per GUID, in binary GUID order
     */
    boolean insertOrLockInOrder(Handle tx, List<AgentRow> rows) throws SQLException {
        return false;
    }

    /**
     * Whether {@code failure} is this server refusing a batch's transaction for a reason that does
     * not touch single statements, so that its rows should be sent one by one instead. None here.
     */
    boolean refusedBatch(RuntimeException failure) {
        return false;
    }

    /** Inserts the agent row unless the GUID exists. @return true when inserted */
    abstract boolean insertAgentIfAbsent(Handle h, AgentRow row);

    /**
     * Inserts each row whose GUID does not exist, leaving the others as they are, with as few
     * round trips as this server allows. One statement per row here.
     */
    void insertAgentsIfAbsent(Handle h, List<AgentRow> rows) {
        for (AgentRow row : rows) {
            insertAgentIfAbsent(h, row);
        }
    }

    /**
     * In a batch's transaction, registers the check-ins whose GUIDs its locking read did not find,
     * putting each answer into {@code results}. Several are inserted together
     * ({@link #insertAgentsIfAbsent}) and read back locked; the version each row was inserted with
     * tells this transaction's rows from those another node registered meanwhile (or that a reset
     * removed again), which are decided by {@code alone}, as is a single check-in.
     *
     * @param registration the row that registers an item's agent
     * @param alone decides one item by itself in {@code tx} (an upsert, or a lock and a decision)
     */
    final <T> void registerAbsent(Handle tx, List<T> absent, Function<T, AgentRow> registration,
            Function<T, CheckResult> alone, Map<String, CheckResult> results) {
        if (absent.size() < 2) {
            for (T item : absent) {
                results.put(registration.apply(item).guid(), alone.apply(item));
            }
            return;
        }
        List<AgentRow> rows = absent.stream().map(registration).toList();
        insertAgentsIfAbsent(tx, rows);
        Map<String, Long> versions = new HashMap<>();
        for (AgentRow row : rows) {
            versions.put(row.guid(), row.ver());
        }
        Set<String> inserted = new HashSet<>();
        tx.createQuery("SELECT guid, ver FROM seqguard_agents WHERE guid IN (<guids>) ORDER BY guid" + binaryCollation() + " FOR UPDATE")
                .bindList("guids", rows.stream().map(AgentRow::guid).toList())
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> {
                    if (e.getValue().equals(versions.get(e.getKey()))) {
                        inserted.add(e.getKey());
                    }
                });
        for (int i = 0; i < absent.size(); i++) {
            String guid = rows.get(i).guid();
            results.put(guid, inserted.contains(guid) ? CheckResult.registered() : alone.apply(absent.get(i)));
        }
    }

    /** Inserts the hour's counter row at zero unless it exists. @return true when inserted */
    abstract boolean insertHourIfAbsent(Handle h, LocalDateTime hour);

    /** Deletes at most {@code chunk} error rows older than {@code cutoff}. @return rows deleted */
    abstract int deleteErrorsBefore(Handle h, LocalDateTime cutoff, int chunk);

    /** A collation clause that makes GUID ordering byte-wise, as in Java; may be empty. */
    abstract String binaryCollation();

    static int seconds(java.time.Duration d) {
        // Drivers that count in whole seconds get at least one, never 0 (which means "forever").
        return (int) Math.max(1, (d.toMillis() + 999) / 1000);
    }
}
