package io.seqguard.storage.sqlite;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import io.seqguard.spi.StorageException.Kind;
import io.seqguard.spi.Suspect;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default store: one SQLite file in WAL mode, claimed by this process.
 *
 * <p>All changes (check-ins, error rows, resets, purges) go through one {@link GroupCommitWriter}
 * that commits them in groups (a caller that finds the writer free leads each group); a caller
 * returns, or an asynchronous check-in completes, only after its group committed, so every
 * acceptance is durable (with {@code synchronous = full}, also across power loss) and one sync
 * serves all concurrent callers. Queries run on separate connections and see committed data.
 * Agents' states are kept in a bounded cache that a thread fills from the file once the store
 * is started, while it serves (up to {@code agent-cache-size} agents, a second or two per
 * million); past that, and until the fill has passed them, they are read from the file on demand.
 *
 * <p>Thread safe: every {@link SequenceStore} method may be called concurrently after
 * {@link #start()}. Failures are {@link StorageException}s that name the file; a failed group
 * acknowledges none of its requests. {@link #stop()} is idempotent.
 */
public final class SqliteSequenceStore implements SequenceStore, Managed {
    private static final Logger log = LoggerFactory.getLogger(SqliteSequenceStore.class);
    /** Agents read into the agent cache per hold of the write lock after start-up: a few milliseconds each. */
    private static final int CACHE_FILL_CHUNK = 2_000;

    private final SqliteConfig config;
    private final int cacheFillChunk;
    private final WriterMetrics metrics;
    private final Object lifecycle = new Object();
    private volatile GroupCommitWriter writer;
    private volatile CompletableFuture<Integer> cacheFill;
    private volatile SqliteReads reads;
    private AgentJournal journal;
    private SqliteDatabase database;
    private boolean started;

    /** A store whose writer metrics go nowhere (tests, tools). */
    public SqliteSequenceStore(SqliteConfig config) {
        this(config, new SimpleMeterRegistry());
    }

    /** A store that registers its writer's meters ({@code seqguard.sqlite.*}) in {@code registry}. */
    @Inject
    public SqliteSequenceStore(SqliteConfig config, MeterRegistry registry) {
        this(config, registry, CACHE_FILL_CHUNK);
    }

    /** With the agent cache filled {@code cacheFillChunk} agents at a time; tests make it small, to interleave it with groups. */
    SqliteSequenceStore(SqliteConfig config, MeterRegistry registry, int cacheFillChunk) {
        this.config = requireNonNull(config, "config");
        this.metrics = new WriterMetrics(registry);
        if (cacheFillChunk < 1) {
            throw new IllegalArgumentException("cacheFillChunk must be positive: " + cacheFillChunk);
        }
        this.cacheFillChunk = cacheFillChunk;
    }

    @Override
    public Phase phase() {
        return Phase.STORAGE;
    }

    /**
     * Claims the file, migrates its schema and opens the connections.
     *
     * @throws StorageException naming the file when it cannot be created, written or claimed,
     *     another process holds it, or its schema cannot be migrated
     * @throws IllegalStateException when called a second time
     */
    @Override
    public void start() {
        synchronized (lifecycle) {
            if (started) {
                throw new IllegalStateException("SQLite store " + config.path() + " was already started");
            }
            started = true;
            long begin = System.nanoTime();
            SqliteDatabase db = new SqliteDatabase(config);
            db.open();
            database = db;
            Connection writerConnection = null;
            GroupCommitWriter w = null;
            try {
                writerConnection = db.connect(false);
                journal = new AgentJournal(config.journalSize());
                metrics.watch(journal);
                w = new GroupCommitWriter(config, writerConnection, metrics, journal);
                reads = new SqliteReads(db, config, journal);
                writer = w;
            } catch (SQLException | RuntimeException e) {
                if (w != null) {
                    w.close();
                } else {
                    closeQuietly(writerConnection);
                }
                release();
                throw e instanceof SQLException sql ? SqliteErrors.translate(config.path(), "start", sql) : (RuntimeException) e;
            }
            log.info("SQLite store {} ready (synchronous={}) in {} ms", config.path(), config.synchronous(),
                    (System.nanoTime() - begin) / 1_000_000);
            // After "ready": a large fleet's fill takes seconds, which start-up no longer waits for.
            cacheFill = w.startCacheFill(cacheFillChunk);
        }
    }

    /** How many agents the agent cache's fill after start-up kept, once it is done; for tests. */
    CompletableFuture<Integer> cacheFill() {
        CompletableFuture<Integer> f = cacheFill;
        if (f == null) {
            throw notRunning();
        }
        return f;
    }

    /** Waits for the group in flight, then closes the file and releases the claim. Idempotent. */
    @Override
    public void stop() {
        synchronized (lifecycle) {
            GroupCommitWriter w = writer;
            writer = null;
            if (w != null) {
                // Waits for the group in flight; requests still queued fail as transient.
                w.close();
            }
            release();
        }
    }

    private void release() {
        metrics.unwatch();
        SqliteReads r = reads;
        reads = null;
        if (r != null) {
            r.close();
        }
        if (journal != null) {
            journal.close();
            journal = null;
        }
        if (database != null) {
            database.close();
            database = null;
        }
    }

    @Override
    public CheckResult checkAndAdvance(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
        requireNonNull(agent, "agent");
        requireNonNull(policy, "policy");
        requireNonNull(now, "now");
        if (received < 0) {
            throw new IllegalArgumentException("sequence number must not be negative: " + received);
        }
        return writer().execute(new WriteRequest.CheckIn(agent, received, policy.window(), now));
    }

    /** Queues the check-in and returns at once; the stage completes once its group committed (see {@link GroupCommitWriter#submit}). */
    @Override
    public CompletionStage<CheckResult> checkAndAdvanceAsync(AgentIdentity agent, long received, SequencePolicy policy, Instant now) {
        requireNonNull(agent, "agent");
        requireNonNull(policy, "policy");
        requireNonNull(now, "now");
        if (received < 0) {
            throw new IllegalArgumentException("sequence number must not be negative: " + received);
        }
        GroupCommitWriter w = writer;
        if (w == null) {
            return CompletableFuture.failedFuture(notRunning());
        }
        return w.submit(new WriteRequest.CheckIn(agent, received, policy.window(), now));
    }

    @Override
    public boolean reset(AgentGuid guid) {
        requireNonNull(guid, "guid");
        return writer().execute(new WriteRequest.Reset(guid));
    }

    @Override
    public Optional<AgentInfo> agentInfo(AgentGuid guid, Instant errorsSince) {
        requireNonNull(guid, "guid");
        requireNonNull(errorsSince, "errorsSince");
        return reads().agentInfo(guid, errorsSince);
    }

    @Override
    public boolean recordError(SequenceError error, int maxPerHour) {
        requireNonNull(error, "error");
        if (maxPerHour < 0) {
            throw new IllegalArgumentException("maxPerHour must not be negative: " + maxPerHour);
        }
        if (maxPerHour == 0) {
            return false;
        }
        // A full hour stays full: drop without queueing, reading or writing anything.
        HourTally tally = writer().tally();
        if (tally != null && tally.count() >= maxPerHour && tally.hour() == HourTally.hourOf(error.time())) {
            return false;
        }
        return writer().execute(new WriteRequest.RecordError(error, maxPerHour));
    }

    @Override
    public long purgeErrorsBefore(Instant cutoff) {
        requireNonNull(cutoff, "cutoff");
        return writer().execute(new WriteRequest.Purge(cutoff));
    }

    @Override
    public List<ErrorRow> findErrors(ErrorQuery query) {
        requireNonNull(query, "query");
        return reads().findErrors(query);
    }

    @Override
    public List<Suspect> findSuspects(Instant since, int limit) {
        requireNonNull(since, "since");
        return reads().findSuspects(since, limit);
    }

    @Override
    public boolean isReachable() {
        SqliteReads r = reads;
        GroupCommitWriter w = writer;
        return r != null && w != null && r.ping();
    }

    /** The settings this store runs with. */
    public SqliteConfig config() {
        return config;
    }

    private GroupCommitWriter writer() {
        GroupCommitWriter w = writer;
        if (w == null) {
            throw notRunning();
        }
        return w;
    }

    private StorageException notRunning() {
        return new StorageException(Kind.TRANSIENT, "SQLite store " + config.path() + " is not running");
    }

    private SqliteReads reads() {
        SqliteReads r = reads;
        if (r == null) {
            throw new StorageException(Kind.TRANSIENT, "SQLite store " + config.path() + " is not running");
        }
        return r;
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the start failed already; that failure is the one reported
            }
        }
    }
}
