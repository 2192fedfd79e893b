package io.seqguard.storage.sqlite;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.StorageException;
import io.seqguard.spi.StorageException.Kind;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.migration.JavaMigration;
import org.sqlite.SQLiteConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteDataSource;

/**
 * One database file: claims it for this process, migrates its schema and opens connections.
 *
 * <p>The claim is an OS lock on {@code <path>.lock}: SQLite's own locks only serialize single
 * transactions, so without it a second seqguard on the same file would run with its own in-memory
 * view of the agents and break the exactly-once guarantee. The lock is released when this
 * process exits, even by SIGKILL, so a crash never leaves a stale claim behind.
 *
 * <p>Not thread safe: {@link #open()} and {@link #close()} are called by the store's lifecycle;
 * {@link #connect(boolean)} may be called from any thread after {@code open()}.
 */
final class SqliteDatabase implements AutoCloseable {
    /** Where the versioned migrations live on the class path. */
    static final String MIGRATIONS = "classpath:db/seqguard-sqlite";
    /** Flyway's history table in our file. */
    static final String HISTORY_TABLE = "seqguard_schema_history";
    /** The Java migrations, after the scripts in {@link #MIGRATIONS}. */
    static final JavaMigration[] JAVA_MIGRATIONS = {new V4__Compact_agent_rows()};
    /** The highest migration version shipped ({@link #MIGRATIONS} and {@link #JAVA_MIGRATIONS}); a test keeps them in step. */
    static final int SCHEMA_VERSION = 4;

    private static final Logger log = LoggerFactory.getLogger(SqliteDatabase.class);

    private final SqliteConfig config;
    private FileChannel lockChannel;
    private FileLock lock;

    SqliteDatabase(SqliteConfig config) {
        this.config = requireNonNull(config, "config");
    }

    Path path() {
        return config.path();
    }

    /**
     * Creates the folder, claims the file and migrates the schema.
     *
     * @throws StorageException naming the path when the folder or file is not writable, another
     *     process holds the file, or the migration fails
     */
    void open() {
        Path path = config.path();
        Path folder = path.getParent();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new StorageException(Kind.INTERNAL, "SQLite store " + path + ": cannot create the folder " + folder + ": " + describe(e), e);
        }
        if (!Files.isWritable(folder)) {
            throw new StorageException(Kind.INTERNAL, "SQLite store " + path + ": the folder " + folder + " is not writable by this user");
        }
        if (Files.exists(path) && !Files.isWritable(path)) {
            throw new StorageException(Kind.INTERNAL, "SQLite store " + path + ": the file is not writable by this user");
        }
        claim(path);
        try {
            migrate();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void claim(Path path) {
        Path lockFile = path.resolveSibling(path.getFileName() + ".lock");
        try {
            lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            close();
            throw new StorageException(Kind.INTERNAL, "SQLite store " + path + ": cannot create the lock file " + lockFile + ": " + describe(e), e);
        }
        if (lock == null) {
            close();
            throw new StorageException(Kind.INTERNAL, "SQLite store " + path + " is in use by another process (is another seqguard "
                    + "running on it?): the lock on " + lockFile + " is held");
        }
    }

    /**
     * Runs Flyway only when the file is not at {@link #SCHEMA_VERSION} yet. Loading Flyway costs
     * about a second of a cold start on a small machine (most of the store's start-up), while one
     * query tells whether there is anything to do; a file that is already current skips it.
     */
    private void migrate() {
        int current = appliedVersion();
        if (current == SCHEMA_VERSION) {
            return;
        }
        if (current > SCHEMA_VERSION) {
            log.warn("SQLite store {} has schema version {}, newer than this seqguard's {}; running on it unchanged",
                    config.path(), current, SCHEMA_VERSION);
            return;
        }
        try {
            Flyway.configure(SqliteDatabase.class.getClassLoader())
                    .dataSource(dataSource(false))
                    .locations(MIGRATIONS)
                    .javaMigrations(JAVA_MIGRATIONS)
                    .table(HISTORY_TABLE)
                    .validateMigrationNaming(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof SQLException)) {
                cause = cause.getCause();
            }
            Kind kind = cause instanceof SQLException sql ? SqliteErrors.kind(sql) : Kind.INTERNAL;
            String reason = cause instanceof SQLException ? cause.getMessage() : e.getMessage();
            throw new StorageException(kind, "SQLite store " + config.path() + ": schema migration failed"
                    + (kind == Kind.TRANSIENT ? " (is the file locked by another process?)" : "") + ": " + reason, e);
        }
    }

    /** The highest successfully applied migration, 0 for a new file, -1 when it cannot be told. */
    private int appliedVersion() {
        try (Connection c = dataSource(false).getConnection(); Statement s = c.createStatement()) {
            try (ResultSet tables = s.executeQuery("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '" + HISTORY_TABLE + "'")) {
                if (tables.getInt(1) == 0) {
                    return 0;
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT MAX(CAST(version AS INTEGER)) FROM " + HISTORY_TABLE + " WHERE success = 1")) {
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            // Let Flyway look at it and report the problem in its own words.
            return -1;
        }
    }

    /**
     * Opens a connection in WAL mode with the configured busy timeout and page cache.
     *
     * @param reader true for a query connection ({@code query_only}), false for the writer
     */
    Connection connect(boolean reader) {
        try {
            Connection connection = dataSource(reader).getConnection();
            try (Statement s = connection.createStatement()) {
                // WAL: readers never block the writer and a commit is one sequential log append.
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=" + config.synchronous().name());
                s.execute("PRAGMA cache_size=" + (-Math.max(1, config.pageCacheBytes() / 1024)));
                if (reader) {
                    s.execute("PRAGMA query_only=1");
                } else {
                    // The writer's commits are the ones that checkpoint (readers never write).
                    s.execute("PRAGMA wal_autocheckpoint=" + config.checkpointPages());
                }
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            return connection;
        } catch (SQLException e) {
            throw SqliteErrors.translate(config.path(), "opening a connection", e);
        }
    }

    private SQLiteDataSource dataSource(boolean reader) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, config.busyTimeout().toMillis()));
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(config.synchronous() == SynchronousMode.EXTRA ? "FULL" : config.synchronous().name()));
        SQLiteDataSource ds = new SQLiteDataSource(sqlite);
        ds.setUrl("jdbc:sqlite:" + config.path());
        return ds;
    }

    /** Releases the claim. Idempotent. */
    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
        } catch (IOException ignored) {
            // closing the channel below releases it as well
        } finally {
            lock = null;
        }
        try {
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException ignored) {
            // nothing else holds the channel
        } finally {
            lockChannel = null;
        }
    }

    private static String describe(IOException e) {
        return e instanceof AccessDeniedException ? "permission denied" : e.toString();
    }
}
