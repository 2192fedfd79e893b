package io.seqguard.transport.jetty;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's {@link GracefulHandler}, which counts in-flight requests so that a stop waits for them,
 * with the refusal of requests that arrive during the stop answered as a problem (503, connection
 * closed) instead of an empty page. Thread safe.
 */
final class ShutdownAwareHandler extends GracefulHandler {
    ShutdownAwareHandler(Handler handler) {
        super(handler);
    }

    @Override
    protected void handleShutdownRejection(Request request, Response response, Callback callback) {
        Problem.of(ProblemType.SHUTTING_DOWN, "the server is stopping; retry against another node or later")
                .closeConnection()
                .send(response, callback);
    }
}
