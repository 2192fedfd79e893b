package io.seqguard.storage.jdbc;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.seqguard.spi.config.ConfigReader;
import io.seqguard.spi.config.Secrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code seqguard.jdbc} namespace: where the shared database is and how the pool talks to it.
 *
 * <p>Immutable and thread safe. {@link #toString()} never shows the password, nor a password
 * embedded in the URL or the extra driver properties, so the record may be logged or printed.
 *
 * @param url the JDBC URL; {@code jdbc:postgresql:}, {@code jdbc:mariadb:} or {@code jdbc:mysql:}
 * @param user the database user; empty for none (e.g. trust or certificate authentication)
 * @param password the password; empty for none
 * @param poolSize connections per node, the most statements this node runs at once
 * @param connectionTimeout the longest a caller waits for a connection (from the pool or a new
 *     one) before the store answers with a transient failure; with batching, also the longest a
 *     strict check-in waits for a batch writer to take it before it fails, unsent
 * @param queryTimeout the longest one round trip may take before the connection is considered dead
 * @param maxLifetime how long a pooled connection lives before it is replaced
 * @param migrate whether start-up applies pending schema migrations; when false it only checks
 *     that the schema is current
 * @param batchSize the most strict-mode check-ins sent as one statement and one commit when
 *     requests queue up (PostgreSQL); 1 sends each alone
 * @param properties extra driver properties (e.g. {@code sslmode}), passed as given
 */
public record JdbcConfig(
        String url,
        String user,
        String password,
        int poolSize,
        Duration connectionTimeout,
        Duration queryTimeout,
        Duration maxLifetime,
        boolean migrate,
        int batchSize,
        Map<String, String> properties) {
    /** The configuration namespace this record reads. */
    public static final String NAMESPACE = "seqguard.jdbc";

    public JdbcConfig {
        requireNonNull(url, "url");
        requireNonNull(user, "user");
        requireNonNull(password, "password");
        requireNonNull(connectionTimeout, "connectionTimeout");
        requireNonNull(queryTimeout, "queryTimeout");
        requireNonNull(maxLifetime, "maxLifetime");
        properties = Map.copyOf(properties);
    }

    /**
     * Reads {@code seqguard.jdbc.*}, recording every problem in {@code root}.
     *
     * @param root a reader positioned at the configuration root
     * @return the record; when problems were recorded, a record holding placeholders
     */
    public static JdbcConfig read(ConfigReader root) {
        ConfigReader c = root.at(NAMESPACE);
        String url = c.string("url");
        if (!url.isEmpty() && Dialect.forUrl(url).isEmpty()) {
            c.problem("url", "must be a JDBC URL starting with " + String.join(", ", Dialect.SUPPORTED_PREFIXES));
        } else if (url.isEmpty() && root.config().hasPath(c.absolute("url"))) {
            c.problem("url", "must not be empty");
        }
        String user = c.string("user");
        String password = c.string("password");
        // Two at least: the schema migration holds one connection for its lock while it works on another.
        int poolSize = c.intBetween("pool-size", 2, 1000);
        // Hikari refuses waits under 250 ms; above a minute a caller would hang an agent request.
        Duration connectionTimeout = c.duration("connection-timeout", Duration.ofMillis(250), Duration.ofMinutes(1));
        Duration queryTimeout = c.duration("query-timeout", Duration.ofSeconds(1), Duration.ofHours(1));
        Duration maxLifetime = c.duration("max-lifetime", Duration.ofSeconds(30), Duration.ofDays(1));
        boolean migrate = c.bool("migrate");
        int batchSize = c.intBetween("batch-size", 1, 1000);
        Map<String, String> properties = properties(c);
        Dialect.forUrl(url).ifPresent(dialect -> dialect.requiredProperties().forEach((key, required) -> {
            properties.forEach((given, value) -> {
                if (given.equalsIgnoreCase(key) && !value.equalsIgnoreCase(required)) {
                    c.problem("properties." + given, "must be " + required + " (or left out): the store relies on it to tell a stale number from a new one");
                }
            });
            // The driver lets a parameter in the URL override the properties it is given, ours included.
            urlParameters(url).forEach(parameter -> {
                if (parameter.getKey().equalsIgnoreCase(key) && !parameter.getValue().equalsIgnoreCase(required)) {
                    c.problem("url", "sets " + parameter.getKey() + "=" + parameter.getValue() + "; it must be " + required
                            + " (or left out): the store relies on it to tell a stale number from a new one");
                }
            });
        }));
        return new JdbcConfig(url, user, password, poolSize, connectionTimeout, queryTimeout, maxLifetime, migrate, batchSize, properties);
    }

    /** The parameters after the URL's {@code ?} as the drivers read them: {@code name=value} pairs joined by {@code &}, not decoded. */
    static List<Map.Entry<String, String>> urlParameters(String url) {
        int query = url.indexOf('?');
        if (query < 0) {
            return List.of();
        }
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String parameter : url.substring(query + 1).split("&")) {
            int eq = parameter.indexOf('=');
            if (!parameter.isEmpty()) {
                out.add(eq < 0 ? Map.entry(parameter, "") : Map.entry(parameter.substring(0, eq), parameter.substring(eq + 1)));
            }
        }
        return out;
    }

    private static Map<String, String> properties(ConfigReader c) {
        String abs = c.absolute("properties");
        Config root = c.config();
        Map<String, String> out = new TreeMap<>();
        if (!root.hasPath(abs)) {
            return out;
        }
        if (root.getValue(abs).valueType() != ConfigValueType.OBJECT) {
            c.problem("properties", "must be an object of driver properties, e.g. { sslmode = require }");
            return out;
        }
        // The object's own entries, not Config.entrySet(), which would flatten nested objects.
        for (Map.Entry<String, ConfigValue> e : root.getObject(abs).entrySet()) {
            ConfigValue v = e.getValue();
            if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
                c.problem("properties." + e.getKey(), "must be a plain value (string, number or boolean)");
                continue;
            }
            out.put(e.getKey(), String.valueOf(v.unwrapped()));
        }
        return out;
    }

    /** The dialect the URL selects. */
    public Dialect dialect() {
        return Dialect.forUrl(url).orElseThrow(() -> new IllegalStateException("unsupported JDBC URL: " + redactedUrl()));
    }

    /** The URL with any embedded password replaced, for logs and messages. */
    public String redactedUrl() {
        return Secrets.maskEmbedded(url);
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        properties.forEach((k, v) -> shown.put(k, Secrets.sensitive(k) ? Secrets.REDACTED : v));
        return "JdbcConfig[url=" + redactedUrl()
                + ", user=" + user
                + ", password=" + (password.isEmpty() ? "(none)" : Secrets.REDACTED)
                + ", poolSize=" + poolSize
                + ", connectionTimeout=" + connectionTimeout
                + ", queryTimeout=" + queryTimeout
                + ", maxLifetime=" + maxLifetime
                + ", migrate=" + migrate
                + ", batchSize=" + batchSize
                + ", properties=" + shown + "]";
    }
}
