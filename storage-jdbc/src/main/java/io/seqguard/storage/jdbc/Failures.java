package io.seqguard.storage.jdbc;

import io.seqguard.spi.StorageException;
import io.seqguard.spi.StorageException.Kind;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Turns whatever JDBI, HikariCP or a driver threw into the one {@link StorageException} the SPI
 * allows. Stateless and thread safe.
 *
 * <p>Transient means "the database could not answer now, nothing was acknowledged": no connection
 * within the timeout, a broken or killed connection, a timed-out statement or lock wait, a deadlock
 * or serialization failure, a server shutting down, out of resources or read-only (failing over). Everything else (bad SQL, a
 * missing table, a constraint we did not expect) is internal: retrying will not help.
 */
final class Failures {
    /** MariaDB/MySQL: innodb_lock_wait_timeout ran out. */
    private static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    /** MariaDB/MySQL: the server runs with --read-only (a replica, or a primary being failed over). */
    private static final int ER_OPTION_PREVENTS_STATEMENT = 1290;

    private Failures() {
    }

    static StorageException translate(String operation, Throwable failure) {
        if (failure instanceof StorageException storage) {
            return storage;
        }
        Kind kind = isTransient(failure) ? Kind.TRANSIENT : Kind.INTERNAL;
        String message = (kind == Kind.TRANSIENT ? "database unavailable during " : "database failure during ") + operation + ": " + describe(failure);
        return new StorageException(kind, message, failure);
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException || t instanceof IOException) {
                return true;
            }
            // Interrupted while waiting for a pool connection (Hikari's "Interrupted during connection
            // acquisition", which has no SQLState): nothing was sent. A writer stopped with the store sees it.
            if (t instanceof InterruptedException) {
                return true;
            }
            if (t instanceof SQLException sql && isTransientState(sql)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the database rolled the statement or transaction back to break a deadlock or a
     * serialization conflict (SQLState 40001, 40P01): nothing of it was stored, and sending it
     * again is what the database asks for.
     */
    static boolean isRollbackConflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().equals("40P01") || sql.getSQLState().equals("40001"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTransientState(SQLException e) {
        // MariaDB/MySQL report these with the catch-all state HY000.
        if (e.getErrorCode() == ER_LOCK_WAIT_TIMEOUT || e.getErrorCode() == ER_OPTION_PREVENTS_STATEMENT) {
            return true;
        }
        String state = e.getSQLState();
        if (state == null) {
            return false;
        }
        return state.startsWith("08")         // connection exception
                || state.equals("25006")       // read-only transaction: a standby, or a primary being failed over
                || state.equals("55P03")       // PostgreSQL: lock_timeout ran out
                || state.startsWith("40")      // serialization failure, deadlock
                || state.startsWith("53")      // PostgreSQL: insufficient resources (too many connections)
                || state.startsWith("57")      // PostgreSQL: admin shutdown, query canceled, cannot connect now
                || state.equals("70100")       // MariaDB: connection/query was killed
                || state.equals("HYT00")       // timeout
                || state.equals("HY008");      // operation canceled
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException) {
                root = t;
            }
        }
        String state = root instanceof SQLException sql && sql.getSQLState() != null ? " [SQLState " + sql.getSQLState() + "]" : "";
        return root.getClass().getSimpleName() + ": " + root.getMessage() + state;
    }
}
