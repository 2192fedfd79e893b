package io.seqguard.core.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of rendered configuration and messages: values of keys whose last segment
 * names a password, secret or token, and credentials embedded in URLs.
 *
 * <p>Stateless and thread safe.
 */
final class Secrets {
    static final String REDACTED = "<redacted>";

    private static final Pattern SENSITIVE_SEGMENT = Pattern.compile("password|secret|token");
    // user:password@ in URLs, and password=... (also secret/token) in query strings and JDBC URLs.
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/@:\\s]*):[^/@\\s]*@");
    private static final Pattern URL_PARAMETER = Pattern.compile("(?i)((?:password|secret|token)[a-z_-]*=)[^&;,\\s\"]*");

    private Secrets() {}

    /** Whether a key's value is secret, judged by its last segment. */
    static boolean sensitive(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return SENSITIVE_SEGMENT.matcher(last).find();
    }

    /** Masks credentials embedded in a textual value, such as a JDBC URL. */
    static String maskEmbedded(String text) {
        return URL_PARAMETER.matcher(URL_USER_INFO.matcher(text).replaceAll("$1:" + REDACTED + "@")).replaceAll("$1" + REDACTED);
    }
}
