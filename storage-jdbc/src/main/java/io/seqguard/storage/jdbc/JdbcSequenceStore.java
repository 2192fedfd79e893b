package io.seqguard.storage.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.CheckResult;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.Managed;
import io.seqguard.spi.Phase;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequencePolicy;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.StorageException;
import io.seqguard.spi.Suspect;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SequenceStore} on PostgreSQL or MariaDB/MySQL that several seqguard nodes share. Each
 * node has its own HikariCP pool; all coordination happens in the database (conditional upserts,
 * compare-and-set updates, a per-hour counter row), so nodes need no knowledge of each other.
 * On PostgreSQL, strict-mode check-ins that queue up are sent as one multi-row upsert and one
 * commit by {@code pool-size / 2} writer threads ({@link JdbcConfig#batchSize()}); each caller
 * still returns only after its own row is committed, and {@link #checkAndAdvanceAsync} hands the
 * check-in to those writers without holding the caller's thread.
 *
 * <p><b>Thread safety:</b> every method may be called from many threads at once. <b>Failures:</b>
 * a database that cannot be reached within {@link JdbcConfig#connectionTimeout()} (or stops
 * answering for {@link JdbcConfig#queryTimeout()}) yields {@link StorageException.Kind#TRANSIENT}
 * promptly; threads wait for at most those bounds, never pile up behind a dead socket, and the
 * pool reconnects by itself when the database is back. The connection timeout also bounds how long
 * a batched check-in, blocking or asynchronous, waits for a writer to take it; one that waited
 * longer fails transient, unsent. Calls before {@link #start()} or after {@link #stop()} fail with
 * a transient error.
 *
 * <p>{@link #start()} opens the pool and applies (or, with {@code migrate = false}, validates) the
 * versioned schema migrations with Flyway; Flyway takes a database lock, so several nodes may start
 * at once.
 */
public final class JdbcSequenceStore implements SequenceStore, Managed {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSequenceStore.class);

    private final JdbcConfig config;
    private final Dialect dialect;
    private final Object lifecycle = new Object();
    private volatile Running running;
    private boolean stopped;

    /** Everything that exists only between start and stop, swapped in and out in one write. */
    private record Running(HikariDataSource pool, AgentStates agents, ErrorLog errors) {
    }

    @Inject
    public JdbcSequenceStore(JdbcConfig config) {
        this.config = requireNonNull(config, "config");
        this.dialect = config.dialect();
    }

    @Override
    public Phase phase() {
        return Phase.STORAGE;
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (running != null || stopped) {
                throw new IllegalStateException("store already started or stopped");
            }
            LOG.info("Opening {} store at {} as user '{}' (pool of {})", dialect.name(), config.redactedUrl(), config.user(), config.poolSize());
            HikariDataSource pool;
            try {
                pool = new HikariDataSource(hikari());
            } catch (RuntimeException e) {
                throw Failures.translate("start-up: connecting to " + config.redactedUrl(), e);
            }
            try {
                migrate(pool);
                Jdbi jdbi = Jdbi.create(pool);
                AgentStates agents = new AgentStates(jdbi, dialect, config.batchSize(), Math.max(1, config.poolSize() / 2), config.connectionTimeout());
                agents.start();
                running = new Running(pool, agents, new ErrorLog(jdbi, dialect));
            } catch (RuntimeException e) {
                pool.close();
                throw e instanceof StorageException ? e : Failures.translate("start-up: schema migration", e);
            }
        }
    }

    private HikariConfig hikari() {
        HikariConfig h = new HikariConfig();
        h.setPoolName("seqguard-jdbc");
        h.setJdbcUrl(dialect.driverUrl(config.url()));
        // Naming the driver class makes Hikari load it from our class loader; DriverManager alone
        // would not find a driver that lives in a plugin's own class loader.
        h.setDriverClassName(dialect instanceof PostgresDialect ? "org.postgresql.Driver" : "org.mariadb.jdbc.Driver");
        if (!config.user().isEmpty()) {
            h.setUsername(config.user());
        }
        if (!config.password().isEmpty()) {
            h.setPassword(config.password());
        }
        Properties properties = new Properties();
        dialect.driverProperties(config, properties);
        properties.putAll(config.properties());
        h.setDataSourceProperties(properties);
        dialect.connectionInitSql(config).ifPresent(h::setConnectionInitSql);
        h.setMaximumPoolSize(config.poolSize());
        h.setMinimumIdle(config.poolSize());
        long timeout = config.connectionTimeout().toMillis();
        h.setConnectionTimeout(timeout);
        h.setValidationTimeout(timeout);
        h.setInitializationFailTimeout(timeout);
        h.setMaxLifetime(config.maxLifetime().toMillis());
        h.setAutoCommit(true);
        return h;
    }

    private void migrate(HikariDataSource pool) {
        Flyway flyway = Flyway.configure(JdbcSequenceStore.class.getClassLoader())
                .dataSource(pool)
                .locations(dialect.migrationLocation())
                .table("seqguard_schema_history")
                // A database that already holds other tables still gets our V1 and later.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .failOnMissingLocations(true)
                .load();
        if (config.migrate()) {
            var result = flyway.migrate();
            LOG.info("Schema at version {} ({} migrations applied now)", result.targetSchemaVersion == null ? "current" : result.targetSchemaVersion,
                    result.migrationsExecuted);
        } else {
            flyway.validate();
        }
    }

    /** Closes the pool. Idempotent; a stopped store cannot be started again. */
    @Override
    public void stop() {
        Running r;
        synchronized (lifecycle) {
            stopped = true;
            r = running;
            running = null;
        }
        if (r != null) {
            r.agents().stop();
            r.pool().close();
            LOG.info("Closed {} store at {}", dialect.name(), config.redactedUrl());
        }
    }

    @Override
    public CheckResult checkAndAdvance(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
        checkArguments(agent, received, policy, now);
        Running r = running();
        return call("check-in", () -> r.agents().checkAndAdvance(agent, received, policy.window(), now));
    }

    /**
     * Strict mode with batching ({@code batch-size} above 1): queues the check-in for
     * the batch writers and returns at once; the stage completes on a writer thread after the
     * batch committed, once that writer has returned its connection to the pool, so dependent
     * stages may call the store again. A check-in that no writer took within
     * {@link JdbcConfig#connectionTimeout()} fails transient and is never sent. Window mode, and
     * strict mode without batching ({@code batch-size = 1}, or MariaDB/MySQL with a statement-based
     * binary log), run the blocking call
     * on the caller's thread and return a completed stage.
     *
     * <p>Argument errors are thrown; every storage failure, including a store that is not
     * running, fails the stage with a {@link StorageException}.
     */
    @Override
    public CompletionStage<CheckResult> checkAndAdvanceAsync(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
        checkArguments(agent, received, policy, now);
        Running r = running;
        if (r == null) {
            return CompletableFuture.failedFuture(notRunning());
        }
        try {
            return r.agents().checkAndAdvanceAsync(agent, received, policy.window(), now);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(Failures.translate("check-in", e));
        }
    }

    private static void checkArguments(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
        requireNonNull(agent, "agent");
        requireNonNull(policy, "policy");
        requireNonNull(now, "now");
        if (received < 0) {
            throw new IllegalArgumentException("sequence number must not be negative: " + received);
        }
    }

    @Override
    public boolean reset(AgentGuid guid) {
        requireNonNull(guid, "guid");
        Running r = running();
        return call("reset", () -> r.agents().reset(guid));
    }

    @Override
    public Optional<AgentInfo> agentInfo(AgentGuid guid, Instant errorsSince) {
        requireNonNull(guid, "guid");
        requireNonNull(errorsSince, "errorsSince");
        Running r = running();
        return call("agent lookup", () -> r.agents().agentInfo(guid, errorsSince));
    }

    @Override
    public boolean recordError(SequenceError error, int maxPerHour) {
        requireNonNull(error, "error");
        if (maxPerHour < 0) {
            throw new IllegalArgumentException("maxPerHour must not be negative: " + maxPerHour);
        }
        Running r = running();
        return call("error recording", () -> r.errors().record(error, maxPerHour));
    }

    @Override
    public long purgeErrorsBefore(Instant cutoff) {
        requireNonNull(cutoff, "cutoff");
        Running r = running();
        return call("purge", () -> r.errors().purgeBefore(cutoff));
    }

    @Override
    public List<ErrorRow> findErrors(ErrorQuery query) {
        requireNonNull(query, "query");
        Running r = running();
        return call("error query", () -> r.errors().find(query));
    }

    @Override
    public List<Suspect> findSuspects(Instant since, int limit) {
        requireNonNull(since, "since");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        Running r = running();
        return call("suspects report", () -> r.errors().suspects(since, limit));
    }

    @Override
    public boolean isReachable() {
        Running r = running;
        if (r == null) {
            return false;
        }
        // getConnection waits at most connection-timeout; isValid at most as long again.
        try (Connection c = r.pool().getConnection()) {
            return c.isValid(Dialect.seconds(config.connectionTimeout()));
        } catch (Exception e) {
            LOG.debug("Store not reachable: {}", e.toString());
            return false;
        }
    }

    @Override
    public String toString() {
        return "JdbcSequenceStore[" + dialect.name() + " " + config.redactedUrl() + "]";
    }

    private Running running() {
        Running r = running;
        if (r == null) {
            throw notRunning();
        }
        return r;
    }

    private static StorageException notRunning() {
        return new StorageException(StorageException.Kind.TRANSIENT, "the JDBC store is not running");
    }

    private static <T> T call(String operation, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw Failures.translate(operation, e);
        }
    }
}
