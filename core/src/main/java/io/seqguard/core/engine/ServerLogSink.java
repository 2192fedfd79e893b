package io.seqguard.core.engine;

import io.seqguard.spi.ErrorSink;
import io.seqguard.spi.SequenceError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Writes every sequence error to server.log in the format of the original ePO server:
 *
 * <pre>
 * 20090101010101 E #7148 EPOServer Agent with GUID {GUID} sequence number invalid, expected 113 > 3716
 * 20090101010101 E #7148 mod_epo Failed to process agent request
 * </pre>
 *
 * The text after the logger name is the message; the rest comes from the distribution's Logback
 * pattern {@code %d{yyyyMMddHHmmss,UTC} %.-1level #%X{tid} %logger %msg%n}, which is why the two
 * loggers are named {@value #SERVER_LOGGER} and {@value #MOD_LOGGER} and the thread id travels in
 * the MDC key {@value #THREAD_ID_KEY}. The second line is written only when the request was
 * rejected (enforce mode).
 *
 * <p>Every value that came from the agent is escaped, so no input can forge or split a line.
 * Thread safe; never throws for a well-formed error.
 */
public final class ServerLogSink implements ErrorSink {
    /** The sink's id in {@code seqguard.errors.sinks}. */
    public static final String ID = "server-log";
    /** Logger of the first line. */
    public static final String SERVER_LOGGER = "EPOServer";
    /** Logger of the second line. */
    public static final String MOD_LOGGER = "mod_epo";
    /** MDC key holding the numeric id of the thread that saw the error. */
    public static final String THREAD_ID_KEY = "tid";
    /** The second line's text. */
    public static final String FAILED_REQUEST = "Failed to process agent request";

    private static final Logger SERVER = LoggerFactory.getLogger(SERVER_LOGGER);
    private static final Logger MOD = LoggerFactory.getLogger(MOD_LOGGER);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public void accept(SequenceError error) {
        MDC.put(THREAD_ID_KEY, Long.toString(Thread.currentThread().getId()));
        try {
            SERVER.error(message(error));
            if (error.enforced()) {
                MOD.error(FAILED_REQUEST);
            }
        } finally {
            MDC.remove(THREAD_ID_KEY);
        }
    }

    /**
     * The first line's message (also the {@code detail} of the agent's 409): "Agent with GUID
     * {GUID} sequence number invalid, expected received &gt; last".
     */
    public static String message(SequenceError error) {
        return "Agent with GUID " + escape(error.guid().toString()) + " sequence number invalid, expected "
                + error.received() + " > " + error.last();
    }

    /**
     * Escapes a value for a single log line: backslash, control characters (CR and LF
     * included), DEL and the Unicode line and paragraph separators become {@code \\uXXXX}.
     */
    public static String escape(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean unsafe = c < 0x20 || c == 0x7f || c == '\\' || c == '\u2028' || c == '\u2029' || (c >= 0x80 && c <= 0x9f);
            if (unsafe && out == null) {
                out = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            if (out != null) {
                if (unsafe) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? value : out.toString();
    }
}
