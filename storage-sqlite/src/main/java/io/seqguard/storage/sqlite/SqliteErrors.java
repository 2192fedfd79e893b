package io.seqguard.storage.sqlite;

import io.seqguard.spi.StorageException;
import io.seqguard.spi.StorageException.Kind;
import java.nio.file.Path;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Turns SQLite driver failures into {@link StorageException}s that name the database file, so no
 * driver type crosses the SPI. Stateless and thread safe.
 */
final class SqliteErrors {
    private SqliteErrors() {
    }

    static StorageException translate(Path path, String action, SQLException e) {
        return new StorageException(kind(e), "SQLite store " + path + ": " + action + " failed: " + e.getMessage(), e);
    }

    /**
     * Locks, timeouts, I/O errors and a full disk may clear up, so they are transient (503, retry);
     * corruption, schema problems and bugs are internal.
     */
    static Kind kind(SQLException e) {
        if (e instanceof SQLiteException s) {
            SQLiteErrorCode code = s.getResultCode();
            int primary = code.code & 0xFF;
            if (primary == SQLiteErrorCode.SQLITE_BUSY.code
                    || primary == SQLiteErrorCode.SQLITE_LOCKED.code
                    || primary == SQLiteErrorCode.SQLITE_IOERR.code
                    || primary == SQLiteErrorCode.SQLITE_FULL.code
                    || primary == SQLiteErrorCode.SQLITE_CANTOPEN.code
                    || primary == SQLiteErrorCode.SQLITE_READONLY.code
                    || primary == SQLiteErrorCode.SQLITE_INTERRUPT.code) {
                return Kind.TRANSIENT;
            }
            return Kind.INTERNAL;
        }
        return Kind.INTERNAL;
    }
}
