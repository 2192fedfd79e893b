package io.seqguard.transport.jetty;

import io.seqguard.spi.StorageException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * An {@code application/problem+json} response (RFC 9457) being built: type, title, status and
 * detail, plus extension members. The JSON is written by hand, without a tree, because the 409
 * of an error storm is a hot path too.
 *
 * <p>Not thread safe; build and send on one request thread. Untrusted text is escaped.
 */
final class Problem {
    static final HttpField CONTENT_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/problem+json");
    private static final HttpField NO_STORE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final HttpField CLOSE = new PreEncodedHttpField(HttpHeader.CONNECTION, "close");
    private static final HttpField RETRY_AFTER = new PreEncodedHttpField(HttpHeader.RETRY_AFTER, "5");

    private final int status;
    private final StringBuilder json;
    private boolean close;

    private Problem(int status, String head, String detail) {
        this.status = status;
        this.json = new StringBuilder(256).append(head);
        if (detail != null) {
            string("detail", detail);
        }
    }

    /**
     * A problem of {@code type}.
     *
     * @param detail the occurrence's explanation, safe for the client; null for none
     */
    static Problem of(ProblemType type, String detail) {
        return new Problem(type.status(), type.head(), detail);
    }

    /**
     * A problem for an HTTP status no {@link ProblemType} stands for (Jetty's own 431, 414 ...):
     * type {@code about:blank} and the status's reason phrase as title, as RFC 9457 §4.2.1 says.
     */
    static Problem ofStatus(int status, String detail) {
        StringBuilder head = new StringBuilder("{\"type\":\"about:blank\",\"title\":");
        Json.quote(head, HttpStatus.getMessage(status));
        head.append(",\"status\":").append(status);
        return new Problem(status, head.toString(), detail);
    }

    /**
     * The problem for a store failure. Every kind means the store did not do what was asked, so
     * an agent never sees an acceptance: all kinds are 503 but {@code UNSUPPORTED} (admin calls
     * a backend lacks), which is 501.
     */
    static Problem storage(StorageException e) {
        return e.kind() == StorageException.Kind.UNSUPPORTED ? of(ProblemType.UNSUPPORTED, e.getMessage()) : storeUnavailable();
    }

    /**
     * The problem for a store failure on the agent endpoint: always 503, whatever the kind, because
     * an agent can only retry; the kind goes to the log.
     */
    static Problem storeUnavailable() {
        return of(ProblemType.STORE_UNAVAILABLE, "the sequence store cannot answer now; the request was not accepted, retry later");
    }

    /** Adds a string member; null is written as JSON null. */
    Problem string(String name, String value) {
        json.append(",\"").append(name).append("\":");
        if (value == null) {
            json.append("null");
        } else {
            Json.quote(json, value);
        }
        return this;
    }

    /** Adds a number member. */
    Problem number(String name, long value) {
        json.append(",\"").append(name).append("\":").append(value);
        return this;
    }

    /** Asks the client to close the connection, e.g. when an unread body remains. */
    Problem closeConnection() {
        close = true;
        return this;
    }

    /** The JSON text, for tests and logs. */
    String json() {
        return json + "}";
    }

    /** Sends the problem as the whole response; completes {@code callback}. */
    void send(Response response, Callback callback) {
        send(response, callback, null);
    }

    /** Sends the problem with one extra header, such as {@code Allow} or {@code WWW-Authenticate}. */
    void send(Response response, Callback callback, HttpField extra) {
        byte[] body = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(CONTENT_TYPE);
        headers.put(NO_STORE);
        if (status == 503) {
            headers.put(RETRY_AFTER);
        }
        if (close) {
            headers.put(CLOSE);
        }
        if (extra != null) {
            headers.put(extra);
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
