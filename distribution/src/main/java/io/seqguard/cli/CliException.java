package io.seqguard.cli;

/**
 * A failure the command line reports as one message on stderr, without a stack trace, and exit
 * code 1: the server is unreachable, a GUID is unknown, a file is missing.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
