package io.seqguard.transport.jetty;

/**
 * The kinds of problem the HTTP transport answers with (RFC 9457). Each has a stable
 * {@link #uri() type URI} that clients may switch on; titles are for humans and may change.
 * The mapping from failures to statuses lives here and in {@link Problem}, nowhere else.
 */
enum ProblemType {
    /** A stale sequence number was rejected (SPEC §3). Members: agentGuid, received, last. */
    STALE_SEQUENCE(409, "stale-sequence", "Stale agent sequence number"),
    /** A header or parameter broke its rule. Member: field. */
    INVALID_VALUE(400, "invalid-value", "Malformed header or parameter"),
    /** The request could not be parsed as HTTP, or its body could not be read. */
    BAD_REQUEST(400, "bad-request", "Bad request"),
    /** The payload is over {@code seqguard.http.agent.max-body}. Member: limit. */
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "Payload too large"),
    /** The store could not answer; the request was not accepted. */
    STORE_UNAVAILABLE(503, "store-unavailable", "Sequence store unavailable"),
    /** The store does not offer what an admin call needs. */
    UNSUPPORTED(501, "unsupported", "Not supported by the configured store"),
    /** The integrator's handler failed after the sequence was accepted (the number stays consumed). */
    HANDLER_FAILED(500, "handler-failed", "Agent request handler failed"),
    /** The request authenticator refused the agent request. */
    UNAUTHENTICATED(401, "unauthenticated", "Agent request not authenticated"),
    /** An admin call without a valid bearer token. */
    UNAUTHORIZED(401, "unauthorized", "Bearer token missing or invalid"),
    /** No such resource (or agent). */
    NOT_FOUND(404, "not-found", "Not found"),
    /** Wrong method for the resource; the response carries Allow. */
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
    /** The store is not reachable (readiness probe). */
    NOT_READY(503, "not-ready", "Not ready"),
    /** As many request bodies as the server reads at once are being read; retry shortly. */
    TOO_MANY_UPLOADS(503, "too-many-uploads", "Too many request bodies in progress"),
    /** The server is stopping and takes no new requests. */
    SHUTTING_DOWN(503, "shutting-down", "Server shutting down"),
    /** Anything else; details are only in the log. */
    INTERNAL_ERROR(500, "internal-error", "Internal server error");

    /** The common prefix of every type URI. */
    static final String URI_PREFIX = "urn:seqguard:problem:";

    private final int status;
    private final String uri;
    private final String title;
    // The constant head of the JSON object, built once: {"type":"...","title":"...","status":N
    private final String head;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.uri = URI_PREFIX + slug;
        this.title = title;
        this.head = "{\"type\":\"" + uri + "\",\"title\":\"" + title + "\",\"status\":" + status;
    }

    int status() {
        return status;
    }

    String uri() {
        return uri;
    }

    String title() {
        return title;
    }

    String head() {
        return head;
    }

    /** The type for a status Jetty produced itself, or null when none stands for it. */
    static ProblemType forStatus(int status) {
        return switch (status) {
            case 400 -> BAD_REQUEST;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 500 -> INTERNAL_ERROR;
            case 503 -> SHUTTING_DOWN;
            default -> null;
        };
    }
}
