package io.seqguard.storage.sqlite;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.config.ConfigReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The embedded store's settings, namespace {@code seqguard.sqlite}; every key is explained in this
 * module's {@code reference.conf}. Immutable and thread safe.
 *
 * @param path the database file, absolute
 * @param synchronous {@code PRAGMA synchronous} of the write connection
 * @param busyTimeout how long a connection waits for a lock held by another connection or process
 * @param maxGroupSize the most requests applied in one transaction (group commit)
 * @param commitTimeout how long a caller waits for its group to commit before it gets a transient failure
 * @param agentCacheSize the most agents' states the writer keeps in memory
 * @param pageCacheBytes SQLite's page cache per connection, in bytes (native memory, not heap)
 * @param readConnections connections used by queries, apart from the single writer
 * @param checkpointPages the WAL's size, in pages, at which a commit copies it into the database
 *     file ({@code PRAGMA wal_autocheckpoint} of the writer), at least 1
 * @param journalSize check-ins appended to the journal before the writer starts folding them into
 *     the agents table; 0 turns the journal off (every group updates the agents table in place)
 */
public record SqliteConfig(
        Path path,
        SynchronousMode synchronous,
        Duration busyTimeout,
        int maxGroupSize,
        Duration commitTimeout,
        int agentCacheSize,
        long pageCacheBytes,
        int readConnections,
        int checkpointPages,
        int journalSize) {
    /** The namespace this record reads. */
    public static final String NAMESPACE = "seqguard.sqlite";

    public SqliteConfig {
        requireNonNull(path, "path");
        requireNonNull(synchronous, "synchronous");
        requireNonNull(busyTimeout, "busyTimeout");
        requireNonNull(commitTimeout, "commitTimeout");
        if (maxGroupSize < 1 || agentCacheSize < 0 || pageCacheBytes < 0 || readConnections < 1 || checkpointPages < 1
                || journalSize < 0) {
            throw new IllegalArgumentException("invalid SQLite settings");
        }
    }

    /** The defaults of {@code reference.conf} with another file; for tests and embedding. */
    public static SqliteConfig defaults(Path path) {
        return new SqliteConfig(path.toAbsolutePath().normalize(), SynchronousMode.FULL, Duration.ofSeconds(5), 1024,
                Duration.ofSeconds(30), 1_000_000, 16L << 20, 2, 1000, 100_000);
    }

    /** The same settings with another file. */
    public SqliteConfig withPath(Path other) {
        return new SqliteConfig(other.toAbsolutePath().normalize(), synchronous, busyTimeout, maxGroupSize, commitTimeout,
                agentCacheSize, pageCacheBytes, readConnections, checkpointPages, journalSize);
    }

    /** The same settings with another synchronous mode. */
    public SqliteConfig withSynchronous(SynchronousMode mode) {
        return new SqliteConfig(path, mode, busyTimeout, maxGroupSize, commitTimeout, agentCacheSize, pageCacheBytes, readConnections,
                checkpointPages, journalSize);
    }

    /** The same settings with another agent cache size (0: no cache). */
    public SqliteConfig withAgentCacheSize(int size) {
        return new SqliteConfig(path, synchronous, busyTimeout, maxGroupSize, commitTimeout, size, pageCacheBytes, readConnections,
                checkpointPages, journalSize);
    }

    /** The same settings with another journal size (0: no journal). */
    public SqliteConfig withJournalSize(int size) {
        return new SqliteConfig(path, synchronous, busyTimeout, maxGroupSize, commitTimeout, agentCacheSize, pageCacheBytes, readConnections,
                checkpointPages, size);
    }

    /**
     * Reads {@value #NAMESPACE}; problems are collected by {@code root}, and placeholders returned.
     *
     * @param root a reader positioned at the configuration's root
     */
    public static SqliteConfig read(ConfigReader root) {
        ConfigReader c = root.at(NAMESPACE);
        Path path = c.path("path");
        SynchronousMode synchronous = synchronous(c);
        Duration busyTimeout = c.duration("busy-timeout", Duration.ZERO, Duration.ofMinutes(10));
        int maxGroupSize = c.intBetween("max-group-size", 1, 100_000);
        Duration commitTimeout = c.duration("commit-timeout", Duration.ofMillis(100), Duration.ofHours(1));
        int agentCacheSize = c.intBetween("agent-cache-size", 0, 100_000_000);
        long pageCache = c.bytes("page-cache", 0, 1L << 40);
        int readConnections = c.intBetween("read-connections", 1, 64);
        int checkpointPages = c.intBetween("checkpoint-pages", 1, 1_000_000);
        int journalSize = c.intBetween("journal-size", 0, 10_000_000);
        return new SqliteConfig(path, synchronous, busyTimeout, maxGroupSize, commitTimeout, agentCacheSize, pageCache, readConnections,
                checkpointPages, journalSize);
    }

    // Accepts the SQLite spelling in any case (FULL, full), unlike ConfigReader.oneOf.
    private static SynchronousMode synchronous(ConfigReader c) {
        String value = c.string("synchronous");
        for (SynchronousMode mode : SynchronousMode.values()) {
            if (mode.name().equals(value.toUpperCase(Locale.ROOT))) {
                return mode;
            }
        }
        if (c.config().hasPath(c.absolute("synchronous"))) {
            c.problem("synchronous", "must be one of off, normal, full, extra");
        }
        return SynchronousMode.FULL;
    }
}
