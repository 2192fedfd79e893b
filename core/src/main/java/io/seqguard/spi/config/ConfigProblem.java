package io.seqguard.spi.config;

import static java.util.Objects.requireNonNull;

/**
 * One configuration problem.
 *
 * @param key the absolute key, e.g. {@code seqguard.sequence.window} (or a Server.ini key), never null
 * @param origin where the value came from ("conf/application.conf: 12", "Server.ini line 3",
 *     "system property"), never null
 * @param value the value given, rendered for display, or null when the key is missing; a secret
 *     key's value is replaced and credentials embedded in any value are masked ({@link Secrets}),
 *     so a problem is always safe to print
 * @param problem what is wrong and what is allowed, never null
 */
public record ConfigProblem(String key, String origin, String value, String problem) {
    public ConfigProblem {
        requireNonNull(key, "key");
        requireNonNull(origin, "origin");
        requireNonNull(problem, "problem");
        value = Secrets.display(key, value);
    }

    /** One line: {@code key = value (origin): problem}. */
    public String describe() {
        return key + (value == null ? "" : " = " + value) + " (" + origin + "): " + problem;
    }
}
