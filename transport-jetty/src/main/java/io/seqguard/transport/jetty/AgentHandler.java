package io.seqguard.transport.jetty;

import static java.util.Objects.requireNonNull;

import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.AgentIdentity;
import io.seqguard.spi.AgentRequest;
import io.seqguard.spi.AgentResponse;
import io.seqguard.spi.CheckInOutcome;
import io.seqguard.spi.HandlerException;
import io.seqguard.spi.InvalidValueException;
import io.seqguard.spi.MacAddress;
import io.seqguard.spi.NodeName;
import io.seqguard.spi.SequenceError;
import io.seqguard.spi.SequenceGuard;
import io.seqguard.spi.SequenceNumber;
import io.seqguard.spi.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent listener (SPEC §8): {@code POST /agent/v1/requests} plus the probes; every other path
 * is 404, the admin API included.
 *
 * <p>A check-in parses the {@code Agent-*} headers with the SPI value types (a bad one is a 400
 * naming the header), reads the payload within {@code max-body} (413 otherwise), and hands the
 * request to {@link SequenceGuard#checkInAsync}. The handler then returns without waiting: the
 * response is written, and Jetty's callback completed, by whichever thread completes the check-in,
 * usually the one that committed the store's group (which holds no store lock then), so a request
 * waiting for its commit holds no thread. A blocking integrator handler runs on Jetty's executor
 * (see {@link io.seqguard.spi.AgentRequestHandler#isBlocking()}). The handler keeps Jetty's default
 * blocking invocation type, so Jetty runs it on a pool thread and never on a selector (reading the
 * body, the authenticator and a store without an asynchronous path may block). This is the hot
 * path: headers are scanned once, constant header fields are pre-encoded, and the 200 path writes
 * the integrator's bytes as they are.
 *
 * <p>Thread safe; holds no per-request state.
 */
final class AgentHandler extends Handler.Abstract {
    static final String PATH = "/agent/v1/requests";
    static final String GUID = "Agent-Guid";
    static final String SEQUENCE = "Agent-Sequence";
    static final String NODE_NAME = "Agent-Node-Name";
    static final String MAC_ADDRESS = "Agent-Mac-Address";

    private static final Logger LOG = LoggerFactory.getLogger(AgentHandler.class);
    private static final HttpField ALLOW_POST = new PreEncodedHttpField(HttpHeader.ALLOW, "POST");
    private static final String APPLICATION_JSON = "application/json";
    private static final String AGENT_PREFIX = "Agent-";

    private final SequenceGuard guard;
    private final Probes probes;
    private final ClientAddresses addresses;
    private final RequestBody body;

    /**
     * @param maxBody the largest request body, in bytes
     * @param maxUploads the most request bodies read at once
     */
    AgentHandler(SequenceGuard guard, Probes probes, ClientAddresses addresses, int maxBody, int maxUploads) {
        this.guard = requireNonNull(guard, "guard");
        this.probes = requireNonNull(probes, "probes");
        this.addresses = requireNonNull(addresses, "addresses");
        this.body = new RequestBody(maxBody, maxUploads);
    }

    /** The reader of request bodies, for its meters. */
    RequestBody bodies() {
        return body;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (PATH.equals(path)) {
            if (HttpMethod.POST.is(request.getMethod())) {
                checkIn(request, response, callback);
            } else {
                Probes.methodNotAllowed(request, response, callback, ALLOW_POST);
            }
        } else if (!probes.handle(path, request, response, callback)) {
            Probes.notFound(path, response, callback);
        }
        return true;
    }

    private void checkIn(Request request, Response response, Callback callback) {
        long length = request.getLength();
        if (length > body.limit()) {
            tooLarge(response, callback);
            return;
        }

        AgentRequest agentRequest;
        try {
            agentRequest = parse(request);
        } catch (InvalidValueException e) {
            // The unread body, if any, is Jetty's business: it drains a little or closes the connection.
            Problem.of(ProblemType.INVALID_VALUE, e.field() + " " + e.rule()).string("field", e.field()).send(response, callback);
            return;
        }

        if (length == 0) {
            // The common check-in: no body to wait for, and no callback to allocate for it.
            checkIn(request, agentRequest, response, callback);
            return;
        }
        AgentRequest parsed = agentRequest;
        body.read(request, length, new Promise<>() {
            @Override
            public void succeeded(byte[] payload) {
                if (payload == null) {
                    tooLarge(response, callback);
                } else {
                    checkIn(request, payload.length == 0 ? parsed
                            : new AgentRequest(parsed.agent(), parsed.sequence(), parsed.contentType(), payload), response, callback);
                }
            }

            @Override
            public void failed(Throwable failure) {
                if (failure instanceof RequestBody.TooManyUploadsException) {
                    // The body stays unread, so the connection cannot carry another request.
                    Problem.of(ProblemType.TOO_MANY_UPLOADS, "as many request bodies as the server reads at once (seqguard.http.threads.max)"
                            + " are being read; the request was not accepted, retry later").closeConnection().send(response, callback);
                    return;
                }
                if (!(failure instanceof IOException)) {
                    // Not the client's doing: the server's own failure, said as such.
                    LOG.error("reading the body of an agent request failed", failure);
                    Problem.of(ProblemType.INTERNAL_ERROR, null).closeConnection().send(response, callback);
                    return;
                }
                LOG.debug("cannot read the body of an agent request", failure);
                if (request.getConnectionMetaData().getConnector() instanceof AbstractConnector connector && connector.isShutdown()) {
                    // A stop gives bodies still arriving Jetty's shutdown idle time (1 s), not the grace that would hold
                    // every idle keep-alive connection as long: not the agent's fault, so retry elsewhere, not "malformed".
                    Problem.of(ProblemType.SHUTTING_DOWN, "the server stopped before the request body arrived; the request was not"
                            + " accepted, retry against another node or later").closeConnection().send(response, callback);
                } else {
                    Problem.of(ProblemType.BAD_REQUEST, "the request body could not be read").closeConnection().send(response, callback);
                }
            }
        });
    }

    /** The check-in of a request whose body has been read. */
    private void checkIn(Request request, AgentRequest checked, Response response, Callback callback) {
        CompletionStage<CheckInOutcome> stage;
        try {
            stage = guard.checkInAsync(checked, request.getComponents().getExecutor());
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            stage = CompletableFuture.failedFuture(e);
        }
        // Usually completes on the thread that committed the store's group; this thread returns now.
        stage.whenComplete((outcome, failure) -> {
            try {
                if (failure != null) {
                    failed(checked, failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure,
                            response, callback);
                    return;
                }
                switch (outcome.status()) {
                    case ACCEPTED -> accepted(outcome.response(), response, callback);
                    case STALE -> stale(outcome, response, callback);
                    case UNAUTHENTICATED -> Problem.of(ProblemType.UNAUTHENTICATED, outcome.detail()).send(response, callback,
                            new HttpField(HttpHeader.WWW_AUTHENTICATE, outcome.challenge()));
                }
            } catch (RuntimeException | Error e) {
                // The stage would swallow it and the request would hang until the idle timeout.
                LOG.error("answering the check-in of {} failed", checked.agent().guid(), e);
                if (!response.isCommitted()) {
                    Problem.of(ProblemType.INTERNAL_ERROR, null).send(response, callback);
                }
            }
        });
    }

    private static void failed(AgentRequest agentRequest, Throwable failure, Response response, Callback callback) {
        if (failure instanceof StorageException e) {
            if (e.kind() == StorageException.Kind.TRANSIENT || e.kind() == StorageException.Kind.CONFLICT) {
                // Both say a retry may succeed: a line, not a stack trace.
                LOG.warn("check-in of {} answered 503, store {}: {}", agentRequest.agent().guid(),
                        e.kind() == StorageException.Kind.CONFLICT ? "lost a race it retried" : "unavailable", e.getMessage());
            } else {
                LOG.error("check-in of {} answered 503, store failed ({})", agentRequest.agent().guid(), e.kind(), e);
            }
            Problem.storeUnavailable().send(response, callback);
        } else if (failure instanceof HandlerException e) {
            LOG.error("agent request handler failed for {} (sequence {} stays consumed)", agentRequest.agent().guid(),
                    agentRequest.sequence(), e.getCause());
            Problem.of(ProblemType.HANDLER_FAILED, "the sequence number was accepted, but processing the request failed")
                    .send(response, callback);
        } else {
            LOG.error("check-in of {} failed", agentRequest.agent().guid(), failure);
            Problem.of(ProblemType.INTERNAL_ERROR, null).send(response, callback);
        }
    }

    /** The identity and sequence from the headers, in a single pass over them; the payload comes later. */
    private AgentRequest parse(Request request) {
        String guid = null;
        String sequence = null;
        String nodeName = null;
        String macAddress = null;
        String contentType = null;
        for (HttpField field : request.getHeaders()) {
            // Agent-* are not headers Jetty knows, so every standard header is skipped with one comparison.
            HttpHeader known = field.getHeader();
            if (known != null) {
                if (known == HttpHeader.CONTENT_TYPE) {
                    contentType = field.getValue();
                }
                continue;
            }
            String name = field.getName();
            if (!name.regionMatches(true, 0, AGENT_PREFIX, 0, AGENT_PREFIX.length())) {
                continue;
            }
            if (name.equalsIgnoreCase(GUID)) {
                guid = once(GUID, guid, field);
            } else if (name.equalsIgnoreCase(SEQUENCE)) {
                sequence = once(SEQUENCE, sequence, field);
            } else if (name.equalsIgnoreCase(NODE_NAME)) {
                nodeName = once(NODE_NAME, nodeName, field);
            } else if (name.equalsIgnoreCase(MAC_ADDRESS)) {
                macAddress = once(MAC_ADDRESS, macAddress, field);
            }
        }
        AgentGuid agentGuid = AgentGuid.parse(GUID, guid);
        long number = SequenceNumber.parse(SEQUENCE, sequence);
        NodeName node = nodeName == null ? null : NodeName.parse(NODE_NAME, utf8(nodeName));
        MacAddress mac = macAddress == null ? null : MacAddress.parse(MAC_ADDRESS, macAddress);
        AgentIdentity identity = new AgentIdentity(agentGuid, node, mac, addresses.resolve(request));
        return new AgentRequest(identity, number, contentType, null);
    }

    /**
     * A header value as the agent meant it. Jetty hands header values over as ISO-8859-1, one
     * character per byte; agents send a node name that is not ASCII (a Japanese computer name,
     * say) as UTF-8. Bytes that are not valid UTF-8 keep their ISO-8859-1 reading.
     */
    static String utf8(String value) {
        boolean ascii = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF) {
                return value; // not one character per byte: decoded already
            }
            ascii &= c < 0x80;
        }
        if (ascii) {
            return value;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (CharacterCodingException e) {
            return value;
        }
    }

    // Two values of one identity header are ambiguous, and a way to smuggle a number past a proxy.
    private static String once(String header, String previous, HttpField field) {
        if (previous != null) {
            throw new InvalidValueException(header, "must be given once");
        }
        return field.getValue();
    }

    private static void accepted(AgentResponse answer, Response response, Callback callback) {
        response.setStatus(answer.status());
        HttpFields.Mutable headers = response.getHeaders();
        String contentType = answer.contentType();
        if (APPLICATION_JSON.equals(contentType)) {
            headers.put(Probes.JSON);
        } else {
            headers.put(HttpHeader.CONTENT_TYPE, contentType);
        }
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }

    private static void stale(CheckInOutcome outcome, Response response, Callback callback) {
        SequenceError error = outcome.error();
        Problem.of(ProblemType.STALE_SEQUENCE, outcome.detail())
                .string("agentGuid", error.guid().toString())
                .number("received", error.received())
                .number("last", error.last())
                .send(response, callback);
    }

    private void tooLarge(Response response, Callback callback) {
        Problem.of(ProblemType.PAYLOAD_TOO_LARGE, "the payload exceeds the limit of " + body.limit() + " bytes")
                .number("limit", body.limit())
                .closeConnection()
                .send(response, callback);
    }
}
