package io.seqguard.transport.jetty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Turns the errors Jetty produces on its own (an unparsable request, oversized headers, an
 * exception that escaped a handler) into {@code application/problem+json} like every other error,
 * without stack traces or Jetty's HTML page. Server errors never show Jetty's message; it goes
 * to the log through Jetty. Thread safe.
 */
final class ProblemErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String message = request.getAttribute(ERROR_MESSAGE) instanceof String text && status < 500 ? text : null;
        problem(status, message).send(response, callback);
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(Problem.CONTENT_TYPE);
        return ByteBuffer.wrap(problem(status, status < 500 ? reason : null).json().getBytes(StandardCharsets.UTF_8));
    }

    private static Problem problem(int status, String message) {
        ProblemType type = ProblemType.forStatus(status);
        return type == null ? Problem.ofStatus(status, message) : Problem.of(type, message);
    }
}
