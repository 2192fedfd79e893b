package io.seqguard.storage.sqlite;

/**
 * SQLite's {@code PRAGMA synchronous} setting for the store's write connection (WAL mode).
 *
 * <p>{@link #FULL} (the default) syncs the write-ahead log on every commit, so an acknowledged
 * check-in survives a power failure. {@link #NORMAL} syncs only at checkpoints: a crash of the
 * process loses nothing, but a power failure may lose the last commits — acknowledged numbers
 * could then be accepted again. {@link #OFF} never syncs. {@link #EXTRA} also syncs the folder
 * after the log is reset.
 */
public enum SynchronousMode {
    OFF,
    NORMAL,
    FULL,
    EXTRA
}
