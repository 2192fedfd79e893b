package io.seqguard.transport.jetty;

import static java.util.Objects.requireNonNull;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.seqguard.core.engine.ErrorPurge;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentInfo;
import io.seqguard.spi.ErrorCursor;
import io.seqguard.spi.ErrorQuery;
import io.seqguard.spi.ErrorRow;
import io.seqguard.spi.InvalidValueException;
import io.seqguard.spi.IpAddress;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.StorageException;
import io.seqguard.spi.Suspect;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.http.QuotedQualityCSV;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener (SPEC §8): the {@code /admin/v1} calls behind the bearer token, {@code /metrics}
 * in Prometheus text format, and the probes. Every {@code /admin/} path needs the token before
 * anything else is revealed, even whether the path exists.
 *
 * <p>Thread safe. Store calls block the pool thread, which is fine on this low-traffic listener.
 */
final class AdminHandler extends Handler.Abstract {
    static final String PREFIX = "/admin/";
    static final String ERRORS = "/admin/v1/sequence-errors";
    static final String AGENTS = "/admin/v1/agents/";
    static final String SUSPECTS = "/admin/v1/suspects";
    static final String PURGE = "/admin/v1/purge";
    static final String METRICS = "/metrics";
    static final String RESET_SUFFIX = "/reset";

    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final HttpField CHALLENGE = new PreEncodedHttpField(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"seqguard-admin\"");
    private static final HttpField INVALID_TOKEN = new PreEncodedHttpField(HttpHeader.WWW_AUTHENTICATE,
            "Bearer realm=\"seqguard-admin\", error=\"invalid_token\"");
    private static final HttpField ALLOW_POST = new PreEncodedHttpField(HttpHeader.ALLOW, "POST");
    private static final HttpField CSV = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "text/csv; charset=utf-8; header=present");
    private static final HttpField PROMETHEUS = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    private static final Set<String> ERROR_PARAMETERS = Set.of("agentGuid", "since", "until", "before", "limit");
    private static final Set<String> SUSPECT_PARAMETERS = Set.of("hours", "limit");
    private static final Duration RECENT = Duration.ofHours(24);

    private final SequenceStore store;
    private final ErrorPurge purge;
    private final PrometheusMeterRegistry metrics;
    private final AdminToken token;
    private final boolean metricsRequireToken;
    private final Probes probes;
    private final ClientAddresses addresses;
    private final Clock clock;
    private final AdminJson json = new AdminJson();

    AdminHandler(SequenceStore store, ErrorPurge purge, PrometheusMeterRegistry metrics, AdminToken token, boolean metricsRequireToken,
            Probes probes, ClientAddresses addresses, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.purge = requireNonNull(purge, "purge");
        this.metrics = requireNonNull(metrics, "metrics");
        this.token = requireNonNull(token, "token");
        this.metricsRequireToken = metricsRequireToken;
        this.probes = requireNonNull(probes, "probes");
        this.addresses = requireNonNull(addresses, "addresses");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (probes.handle(path, request, response, callback)) {
            return true;
        }
        boolean admin = path.startsWith(PREFIX);
        boolean scrape = METRICS.equals(path);
        if (!admin && !scrape) {
            Probes.notFound(path, response, callback);
            return true;
        }
        if ((admin || metricsRequireToken) && !authorized(request, response, callback)) {
            return true;
        }
        try {
            if (scrape) {
                metrics(request, response, callback);
            } else {
                route(path, request, response, callback);
            }
        } catch (InvalidValueException e) {
            Problem.of(ProblemType.INVALID_VALUE, e.field() + " " + e.rule()).string("field", e.field()).send(response, callback);
        } catch (StorageException e) {
            LOG.warn("admin call {} {} failed in the store ({})", request.getMethod(), path, e.kind(), e);
            Problem.storage(e).send(response, callback);
        } catch (RuntimeException e) {
            LOG.error("admin call {} {} failed", request.getMethod(), path, e);
            Problem.of(ProblemType.INTERNAL_ERROR, null).send(response, callback);
        }
        return true;
    }

    private boolean authorized(Request request, Response response, Callback callback) {
        List<String> given = request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION);
        // Two credentials are ambiguous (which one did a proxy check?): refused, as a repeated Agent-* header is.
        String authorization = given.size() == 1 ? given.get(0) : null;
        if (token.matches(authorization)) {
            return true;
        }
        Problem.of(ProblemType.UNAUTHORIZED, "send Authorization: Bearer <token>; the token is seqguard.http.admin.token or the "
                + "content of the admin token file named in the server log").send(response, callback, authorization == null ? CHALLENGE : INVALID_TOKEN);
        return false;
    }

    private void route(String path, Request request, Response response, Callback callback) {
        if (ERRORS.equals(path)) {
            ifGet(request, response, callback, () -> errors(request, response, callback));
        } else if (SUSPECTS.equals(path)) {
            ifGet(request, response, callback, () -> suspects(request, response, callback));
        } else if (PURGE.equals(path)) {
            // No parameters: "?days=0" must not read as "purge everything older than 0 days" and purge the usual.
            ifPost(request, response, callback, () -> {
                QueryParameters.of(request, Set.of());
                Probes.send(response, callback, 200, Probes.JSON, json.purged(purge.purgeNow()));
            });
        } else if (path.startsWith(AGENTS) && path.length() > AGENTS.length()) {
            String rest = path.substring(AGENTS.length());
            if (rest.endsWith(RESET_SUFFIX)) {
                String guid = rest.substring(0, rest.length() - RESET_SUFFIX.length());
                ifPost(request, response, callback, () -> {
                    QueryParameters.of(request, Set.of());
                    reset(guid(guid), request, response, callback);
                });
            } else if (rest.indexOf('/') < 0) {
                ifGet(request, response, callback, () -> {
                    QueryParameters.of(request, Set.of());
                    agent(guid(rest), response, callback);
                });
            } else {
                Probes.notFound(path, response, callback);
            }
        } else {
            Probes.notFound(path, response, callback);
        }
    }

    private void errors(Request request, Response response, Callback callback) {
        QueryParameters parameters = QueryParameters.of(request, ERROR_PARAMETERS);
        String before = parameters.value("before");
        ErrorQuery query = new ErrorQuery(parameters.guid("agentGuid"), parameters.instant("since"), parameters.instant("until"),
                before == null ? null : ErrorCursor.parse("before", before),
                parameters.integer("limit", 1, ErrorQuery.MAX_LIMIT, ErrorQuery.DEFAULT_LIMIT));
        List<ErrorRow> rows = store.findErrors(query);
        // A full page may have more after it: the cursor of its last row, as a member and as a Link (RFC 8288) for CSV too.
        ErrorCursor next = rows.size() == query.limit() ? ErrorCursor.of(rows.get(rows.size() - 1)) : null;
        if (next != null) {
            // Relative to this call's own path, so that a prefix a reverse proxy added is kept.
            String rest = parameters.queryWithout("before");
            response.getHeaders().put(HttpHeader.LINK, "<" + ERRORS.substring(ERRORS.lastIndexOf('/') + 1) + "?before=" + next
                    + (rest.isEmpty() ? "" : "&" + rest) + ">; rel=\"next\"");
        }
        if (wantsCsv(request)) {
            Probes.send(response, callback, 200, CSV, ErrorCsv.render(rows));
        } else {
            Probes.send(response, callback, 200, Probes.JSON, json.errors(rows, query.limit(), next));
        }
    }

    private void agent(AgentGuid guid, Response response, Callback callback) {
        Instant since = clock.instant().minus(RECENT);
        Optional<AgentInfo> info = store.agentInfo(guid, since);
        if (info.isEmpty()) {
            Problem.of(ProblemType.NOT_FOUND, "the agent " + guid + " is not registered (never seen, or reset)")
                    .string("agentGuid", guid.toString()).send(response, callback);
            return;
        }
        Probes.send(response, callback, 200, Probes.JSON, json.agent(info.get(), since));
    }

    private void reset(AgentGuid guid, Request request, Response response, Callback callback) {
        boolean known = store.reset(guid);
        IpAddress caller = addresses.resolve(request);
        // SPEC §5: a reset goes to server.log with the caller's address.
        LOG.info("admin reset of agent {} requested from {}: {}", guid, caller == null ? "unknown address" : caller,
                known ? "stored sequence forgotten; its next request will be accepted" : "it had no stored sequence");
        Probes.send(response, callback, 200, Probes.JSON, json.reset(guid, known));
    }

    private void suspects(Request request, Response response, Callback callback) {
        QueryParameters parameters = QueryParameters.of(request, SUSPECT_PARAMETERS);
        int hours = parameters.integer("hours", 1, Suspect.MAX_LOOK_BACK_HOURS, 24);
        int limit = parameters.integer("limit", 1, ErrorQuery.MAX_LIMIT, ErrorQuery.DEFAULT_LIMIT);
        Instant since = clock.instant().minus(Duration.ofHours(hours));
        List<Suspect> suspects = store.findSuspects(since, limit);
        Probes.send(response, callback, 200, Probes.JSON, json.suspects(suspects, since, hours));
    }

    private void metrics(Request request, Response response, Callback callback) {
        if (!Probes.isGet(request)) {
            Probes.methodNotAllowed(request, response, callback, Probes.ALLOW_GET);
            return;
        }
        Probes.send(response, callback, 200, PROMETHEUS, metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    // Jetty hands over the path still percent-encoded, and a GUID's braces must be encoded in a URL.
    private static AgentGuid guid(String segment) {
        String text;
        try {
            text = URIUtil.decodePath(segment);
        } catch (RuntimeException e) {
            throw new InvalidValueException("guid", "is not a valid percent-encoded path segment");
        }
        return AgentGuid.parse("guid", text);
    }

    /**
     * Whether the client prefers CSV: the media ranges of {@code Accept} in the order of their
     * quality (the most specific first among equals; {@code q=0} means "not this"), and the first
     * that names CSV ({@code text/csv}, {@code text/*}) or JSON ({@code application/json},
     * {@code application/*}, {@code *}{@code /*}) decides. JSON otherwise.
     */
    static boolean wantsCsv(Request request) {
        List<String> accept = request.getHeaders().getValuesList(HttpHeader.ACCEPT);
        if (accept.isEmpty()) {
            return false;
        }
        QuotedQualityCSV ranges = new QuotedQualityCSV(QuotedQualityCSV.MOST_SPECIFIC_MIME_ORDERING);
        accept.forEach(ranges::addValue);
        for (String range : ranges) {
            int parameters = range.indexOf(';');
            String type = (parameters < 0 ? range : range.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
            switch (type) {
                case "text/csv", "text/*" -> {
                    return true;
                }
                case "application/json", "application/*", "*/*" -> {
                    return false;
                }
                default -> {
                    // neither: the next range decides
                }
            }
        }
        return false;
    }

    private static void ifGet(Request request, Response response, Callback callback, Runnable action) {
        if (Probes.isGet(request)) {
            action.run();
        } else {
            Probes.methodNotAllowed(request, response, callback, Probes.ALLOW_GET);
        }
    }

    private static void ifPost(Request request, Response response, Callback callback, Runnable action) {
        if (HttpMethod.POST.is(request.getMethod())) {
            action.run();
        } else {
            Probes.methodNotAllowed(request, response, callback, ALLOW_POST);
        }
    }
}
