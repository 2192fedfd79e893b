package io.seqguard.transport.jetty;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.InvalidValueException;
import io.seqguard.spi.IpAddress;
import io.seqguard.spi.config.ConfigProblem;
import io.seqguard.spi.config.ConfigReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration of the HTTP transport, namespace {@value #PATH}; every key is described in
 * this module's {@code reference.conf}.
 *
 * <p>Immutable and thread safe.
 *
 * @param agentHost interface of the agent listener, never null
 * @param agentPort port of the agent listener; 0 picks a free one
 * @param maxBody largest accepted payload in bytes
 * @param adminHost interface of the admin listener, never null
 * @param adminPort port of the admin listener; 0 picks a free one
 * @param adminToken the configured admin bearer token, or null to use (or generate) {@code adminTokenFile}
 * @param adminTokenFile where a generated token is kept, absolute, never null
 * @param metricsRequireToken whether {@code /metrics} needs the admin token
 * @param trustedProxies peers whose {@code X-Forwarded-For} is believed, never null
 * @param minThreads smallest request thread pool
 * @param maxThreads largest request thread pool
 * @param idleTimeout how long an idle connection stays open, never null
 * @param shutdownGrace how long in-flight requests may take to finish on stop, never null
 */
public record HttpConfig(
        String agentHost,
        int agentPort,
        int maxBody,
        String adminHost,
        int adminPort,
        String adminToken,
        Path adminTokenFile,
        boolean metricsRequireToken,
        List<IpAddress> trustedProxies,
        int minThreads,
        int maxThreads,
        Duration idleTimeout,
        Duration shutdownGrace) {
    /** The configuration namespace. */
    public static final String PATH = "seqguard.http";
    /** The largest accepted {@code agent.max-body}. */
    public static final int MAX_BODY_LIMIT = 64 * 1024 * 1024;
    /** The shortest accepted admin token. */
    public static final int MIN_TOKEN_LENGTH = 16;
    // Two connectors need an acceptor and a selector each, and Jetty reserves a few more threads.
    private static final int MIN_MAX_THREADS = 16;

    public HttpConfig {
        requireNonNull(agentHost, "agentHost");
        requireNonNull(adminHost, "adminHost");
        requireNonNull(adminTokenFile, "adminTokenFile");
        trustedProxies = List.copyOf(trustedProxies);
        requireNonNull(idleTimeout, "idleTimeout");
        requireNonNull(shutdownGrace, "shutdownGrace");
    }

    /**
     * Reads {@value #PATH}; problems are collected in {@code root}, and the record then holds
     * harmless placeholders.
     *
     * @param root a reader positioned at the root of the configuration
     */
    public static HttpConfig read(ConfigReader root) {
        ConfigReader r = root.at(PATH);
        String agentHost = host(r, "agent.host");
        int agentPort = r.intBetween("agent.port", 0, 65535);
        int maxBody = (int) r.bytes("agent.max-body", 0, MAX_BODY_LIMIT);
        String adminHost = host(r, "admin.host");
        int adminPort = r.intBetween("admin.port", 0, 65535);
        if (agentPort != 0 && agentPort == adminPort) {
            r.problem("admin.port", "must differ from " + r.absolute("agent.port") + " (" + agentPort + "); admin calls are never served on the agent listener");
        }
        String token = r.optionalString("admin.token").orElse(null);
        if (token != null && !validToken(token)) {
            // The value is a secret, even a bad one: the problem names the key and the source, never the value.
            String key = r.absolute("admin.token");
            r.problem(new ConfigProblem(key, r.originOf(key), "(hidden)",
                    "must be at least " + MIN_TOKEN_LENGTH + " printable ASCII characters without spaces, or empty to generate one"));
        }
        Path tokenFile = r.path("admin.token-file");
        // Checked here too, so that "seqguard config" says it, not a start that already opened the store. A file this
        // user cannot read is left to the start: "config" may run as another user than the service.
        if (token == null && Files.isRegularFile(tokenFile) && Files.isReadable(tokenFile)) {
            try {
                if (Files.readString(tokenFile, StandardCharsets.UTF_8).isBlank()) {
                    r.problem("admin.token-file", "names an empty file (" + tokenFile + "): delete it to have a new token generated,"
                            + " or set " + r.absolute("admin.token"));
                }
            } catch (IOException | RuntimeException e) {
                // unreadable after all: the start reports it
            }
        }
        boolean metricsRequireToken = r.bool("metrics.require-token");
        List<IpAddress> proxies = new ArrayList<>();
        for (String proxy : r.stringList("trusted-proxies")) {
            try {
                proxies.add(IpAddress.parse("trusted-proxies", proxy));
            } catch (InvalidValueException e) {
                r.problem("trusted-proxies", "must list IP address literals (IPv4 or IPv6, no names, no ranges); "
                        + InvalidValueException.quote(proxy) + " is not one");
            }
        }
        int minThreads = r.intBetween("threads.min", 1, 10_000);
        int maxThreads = r.intBetween("threads.max", MIN_MAX_THREADS, 10_000);
        if (minThreads > maxThreads) {
            r.problem("threads.min", "must not exceed " + r.absolute("threads.max") + " (" + maxThreads + ")");
        }
        Duration idleTimeout = r.duration("idle-timeout", Duration.ofSeconds(1), Duration.ofHours(1));
        Duration shutdownGrace = r.duration("shutdown-grace", Duration.ZERO, Duration.ofMinutes(10));
        return new HttpConfig(agentHost, agentPort, maxBody, adminHost, adminPort, token, tokenFile, metricsRequireToken, proxies,
                minThreads, maxThreads, idleTimeout, shutdownGrace);
    }

    private static String host(ConfigReader r, String key) {
        String host = r.string(key);
        if (host.isBlank() && r.config().hasPath(r.absolute(key))) {
            r.problem(key, "must be a host name or IP address to listen on, e.g. 0.0.0.0 or 127.0.0.1");
        } else if (!host.isBlank()) {
            try {
                // The name the listener will bind: resolved now, so that "seqguard config" finds a typo too.
                InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                r.problem(key, "cannot be resolved to an address; use an IP address, e.g. 0.0.0.0 or 127.0.0.1");
            }
        }
        return host;
    }

    private static boolean validToken(String token) {
        if (token.length() < MIN_TOKEN_LENGTH) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /** Hides the admin token, which must never reach a log. */
    @Override
    public String toString() {
        return "HttpConfig[agent=" + agentHost + ":" + agentPort + ", maxBody=" + maxBody + ", admin=" + adminHost + ":" + adminPort
                + ", adminToken=" + (adminToken == null ? "(file " + adminTokenFile + ")" : "***") + ", metricsRequireToken="
                + metricsRequireToken + ", trustedProxies=" + trustedProxies + ", threads=" + minThreads + ".." + maxThreads
                + ", idleTimeout=" + idleTimeout + ", shutdownGrace=" + shutdownGrace + "]";
    }
}
