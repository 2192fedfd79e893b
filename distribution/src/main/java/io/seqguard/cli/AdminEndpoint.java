package io.seqguard.cli;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a server's admin API listens and the token it wants, worked out from the configuration
 * the server reads. A wildcard listen address ({@code 0.0.0.0}, {@code ::}) is reached through
 * loopback.
 *
 * @param baseUri e.g. {@code http://127.0.0.1:8081}, without a trailing slash; never null
 * @param token the bearer token, never null
 * @param tokenSource where the token came from, for messages (never the token itself); never null
 */
record AdminEndpoint(URI baseUri, String token, String tokenSource) {
    static final String HOST = "seqguard.http.admin.host";
    static final String PORT = "seqguard.http.admin.port";
    static final String TOKEN = "seqguard.http.admin.token";
    static final String TOKEN_FILE = "seqguard.http.admin.token-file";

    AdminEndpoint {
        requireNonNull(baseUri, "baseUri");
        requireNonNull(token, "token");
        requireNonNull(tokenSource, "tokenSource");
    }

    /**
     * @param urlOverride {@code --admin-url} (an http or https URL without a trailing slash), or null
     * @param tokenFileOverride {@code --token-file}, or null
     * @throws CliException when no token can be found
     */
    static AdminEndpoint from(Config config, Path home, URI urlOverride, Path tokenFileOverride) {
        URI base = urlOverride != null ? urlOverride : uri(config);
        if (tokenFileOverride != null) {
            return new AdminEndpoint(base, readToken(tokenFileOverride.toAbsolutePath(), "--token-file"), tokenFileOverride.toString());
        }
        String configured = config.hasPath(TOKEN) ? config.getString(TOKEN).trim() : "";
        if (!configured.isEmpty()) {
            return new AdminEndpoint(base, configured, TOKEN);
        }
        String file = config.hasPath(TOKEN_FILE) ? config.getString(TOKEN_FILE) : "data/admin.token";
        Path tokenFile = home.resolve(file).normalize();
        return new AdminEndpoint(base, readToken(tokenFile, TOKEN_FILE), tokenFile.toString());
    }

    static URI uri(Config config) {
        String host = config.hasPath(HOST) ? config.getString(HOST) : "127.0.0.1";
        int port = config.hasPath(PORT) ? config.getInt(PORT) : 8081;
        return URI.create("http://" + connectHost(host) + ":" + port);
    }

    /** The address a client on this machine uses to reach a listener bound to {@code host}. */
    static String connectHost(String host) {
        String h = host.trim();
        if (h.isEmpty() || h.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (h.equals("::") || h.equals("[::]")) {
            return "[::1]";
        }
        return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    private static String readToken(Path file, String key) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.isEmpty()) {
                throw new CliException("the admin token file " + file + " is empty");
            }
            return token;
        } catch (NoSuchFileException e) {
            throw new CliException("no admin token: " + TOKEN + " is not set and " + file + " (" + key + ") does not exist."
                    + " The server writes it on its first start; has it run from this home?");
        } catch (IOException e) {
            throw new CliException("cannot read the admin token from " + file + ": " + e.getMessage(), e);
        }
    }
}
