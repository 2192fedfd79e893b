package io.seqguard.spi;

import static java.util.Objects.requireNonNull;

/**
 * The one exception a {@link SequenceStore} throws. Backends translate their vendor exceptions
 * into it, so no driver type crosses the SPI; the transport maps {@link #kind()} to a status in
 * one place (transient: 503).
 */
public final class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure this is. */
    public enum Kind {
        /** The store cannot answer now (unreachable, timed out, pool exhausted); retrying later may work. */
        TRANSIENT,
        /** A concurrent change won; the operation had no effect. */
        CONFLICT,
        /** The backend does not offer this capability. */
        UNSUPPORTED,
        /** Anything else: a bug, corruption, a schema problem. */
        INTERNAL
    }

    private final Kind kind;

    public StorageException(Kind kind, String message) {
        super(message);
        this.kind = requireNonNull(kind, "kind");
    }

    public StorageException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = requireNonNull(kind, "kind");
    }

    /** A failure for a capability the backend does not offer. */
    public static StorageException unsupported(String capability) {
        return new StorageException(Kind.UNSUPPORTED, "unsupported by this store: " + capability);
    }

    public Kind kind() {
        return kind;
    }
}
