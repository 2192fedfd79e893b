package io.seqguard.transport.jetty;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.SequenceStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /healthz} (the process is up) and {@code GET /readyz} (the store is reachable), served
 * on both listeners for load balancers. Thread safe.
 */
final class Probes {
    static final String HEALTHZ = "/healthz";
    static final String READYZ = "/readyz";
    static final HttpField JSON = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");
    static final HttpField ALLOW_GET = new PreEncodedHttpField(HttpHeader.ALLOW, "GET, HEAD");
    private static final HttpField NO_STORE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final byte[] UP = "{\"status\":\"up\"}".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] READY = "{\"status\":\"ready\"}".getBytes(StandardCharsets.US_ASCII);

    private final SequenceStore store;

    Probes(SequenceStore store) {
        this.store = requireNonNull(store, "store");
    }

    /**
     * Serves a probe when {@code path} names one.
     *
     * @return false when {@code path} is not a probe (nothing was sent)
     */
    boolean handle(String path, Request request, Response response, Callback callback) {
        boolean health = HEALTHZ.equals(path);
        if (!health && !READYZ.equals(path)) {
            return false;
        }
        if (!isGet(request)) {
            methodNotAllowed(request, response, callback, ALLOW_GET);
        } else if (health) {
            send(response, callback, 200, JSON, UP);
        } else if (store.isReachable()) {
            send(response, callback, 200, JSON, READY);
        } else {
            Problem.of(ProblemType.NOT_READY, "the sequence store is not reachable").send(response, callback);
        }
        return true;
    }

    static boolean isGet(Request request) {
        String method = request.getMethod();
        return HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method);
    }

    /** Sends a complete response whose body is {@code body}. */
    static void send(Response response, Callback callback, int status, HttpField contentType, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(contentType);
        response.getHeaders().put(NO_STORE);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Answers 405 with the allowed methods. */
    static void methodNotAllowed(Request request, Response response, Callback callback, HttpField allow) {
        Problem.of(ProblemType.METHOD_NOT_ALLOWED, request.getMethod() + " is not allowed here; use " + allow.getValue())
                .send(response, callback, allow);
    }

    /** Answers 404. */
    static void notFound(String path, Response response, Callback callback) {
        Problem.of(ProblemType.NOT_FOUND, "no resource at this path").send(response, callback);
    }
}
