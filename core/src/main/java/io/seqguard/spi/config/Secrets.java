package io.seqguard.spi.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for keeping secrets out of rendered configuration, problem messages and logs:
 * values of keys whose last segment names a password, secret, token or credential are never
 * shown, and credentials embedded in a value (a URL's {@code user:password@}, a
 * {@code password=...} parameter) are masked. Plugins use it for their own log lines too.
 *
 * <p>Stateless and thread safe.
 */
public final class Secrets {
    /** What is shown instead of a secret. */
    public static final String REDACTED = "<redacted>";

    private static final String WORDS = "password|passwd|pwd|secret|token|credential|api-?key|private-?key";
    private static final Pattern SENSITIVE_SEGMENT = Pattern.compile(WORDS);
    // user:password@ in URLs, and password=... (and the other words) in query strings and JDBC URLs.
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/@:\\s]*):[^/@\\s]*@");
    private static final Pattern URL_PARAMETER = Pattern.compile("(?i)((?:" + WORDS + ")[a-z_-]*=)[^&;,\\s\"]*");

    private Secrets() {
    }

    /**
     * Whether a key's value is secret, judged by its last segment (case-insensitive). A key that
     * names where a secret is kept ({@code token-file}, {@code password-path}) is not secret.
     */
    public static boolean sensitive(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return SENSITIVE_SEGMENT.matcher(last).find() && !last.endsWith("-file") && !last.endsWith("-path");
    }

    /** Masks credentials embedded in a textual value, such as a JDBC URL. */
    public static String maskEmbedded(String text) {
        return URL_PARAMETER.matcher(URL_USER_INFO.matcher(text).replaceAll("$1:" + REDACTED + "@")).replaceAll("$1" + REDACTED);
    }

    /** How a value given for {@code key} may be shown: redacted for a secret key, else with embedded credentials masked. */
    public static String display(String key, String value) {
        if (value == null) {
            return null;
        }
        return sensitive(key) ? "\"" + REDACTED + "\"" : maskEmbedded(value);
    }
}
