package io.seqguard.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Calls a running server's admin API with the bearer token. Every failure becomes a
 * {@link CliException} whose message tells the operator what to check.
 *
 * <p>Thread safe.
 */
final class AdminClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final AdminEndpoint endpoint;
    private final HttpClient http;

    AdminClient(AdminEndpoint endpoint) {
        this.endpoint = requireNonNull(endpoint, "endpoint");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    AdminEndpoint endpoint() {
        return endpoint;
    }

    /**
     * A response the server answered with a 2xx status.
     *
     * @param next the {@code before} cursor of the next page, from a {@code Link: <…?before=…>; rel="next"}
     *     header, or null
     */
    record Answer(int status, String body, String next) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new CliException("the admin API answered something that is not JSON: " + abbreviate(body));
            }
        }
    }

    Answer get(String path, Map<String, String> query) {
        return send(HttpRequest.newBuilder(uri(path, query)).GET());
    }

    /** A GET asking for CSV ({@code Accept: text/csv}). */
    Answer getCsv(String path, Map<String, String> query) {
        return send(HttpRequest.newBuilder(uri(path, query)).GET().header("Accept", "text/csv"), false);
    }

    Answer post(String path) {
        return send(HttpRequest.newBuilder(uri(path, Map.of())).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** Sends, and returns 404 answers too (the caller decides what "not found" means). */
    Answer getAllowingNotFound(String path) {
        return send(HttpRequest.newBuilder(uri(path, Map.of())).GET(), true);
    }

    private Answer send(HttpRequest.Builder request) {
        return send(request, false);
    }

    private Answer send(HttpRequest.Builder request, boolean allowNotFound) {
        request.timeout(TIMEOUT).header("Authorization", "Bearer " + endpoint.token());
        HttpRequest probe = request.copy().build();
        if (probe.headers().firstValue("Accept").isEmpty()) {
            request.header("Accept", "application/json");
        }
        HttpRequest built = request.build();
        HttpResponse<String> response;
        try {
            response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw new CliException("cannot reach the admin API at " + endpoint.baseUri() + " (connection refused)."
                    + " Is the server running (bin/seqguard run), and do seqguard.http.admin.host/port match?");
        } catch (HttpTimeoutException e) {
            throw new CliException("the admin API at " + endpoint.baseUri() + " did not answer within " + TIMEOUT.toSeconds() + "s");
        } catch (IOException e) {
            throw new CliException("cannot talk to the admin API at " + endpoint.baseUri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        int status = response.statusCode();
        if (status / 100 == 2 || (allowNotFound && status == 404)) {
            return new Answer(status, response.body(), response.headers().firstValue("Link").map(AdminClient::nextCursor).orElse(null));
        }
        if (status == 401 || status == 403) {
            throw new CliException("the admin API at " + endpoint.baseUri() + " refused the token from " + endpoint.tokenSource()
                    + " (" + status + "). Use the token the server uses: seqguard.http.admin.token, or the file it generated.");
        }
        throw new CliException(built.method() + " " + built.uri().getPath() + " failed: " + status + " " + detail(response.body()));
    }

    private URI uri(String path, Map<String, String> query) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        new LinkedHashMap<>(query).forEach((k, v) -> {
            if (v != null) {
                q.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return URI.create(endpoint.baseUri() + path + q);
    }

    /** The {@code before} parameter of a {@code rel="next"} link, or null. */
    static String nextCursor(String link) {
        int at = link.indexOf("?before=");
        if (at < 0) {
            at = link.indexOf("&before=");
        }
        if (!link.contains("rel=\"next\"") || at < 0) {
            return null;
        }
        int start = at + "?before=".length();
        int end = start;
        while (end < link.length() && link.charAt(end) != '&' && link.charAt(end) != '>') {
            end++;
        }
        return link.substring(start, end);
    }

    /** The {@code detail} of a problem+json body, else the body itself, shortened. */
    static String detail(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.hasNonNull("detail")) {
                return node.get("detail").asText();
            }
            if (node != null && node.hasNonNull("title")) {
                return node.get("title").asText();
            }
        } catch (IOException e) {
            // not JSON: show it as it came
        }
        return abbreviate(body);
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }
}
