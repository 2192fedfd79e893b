package io.seqguard.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The physical limit for the HTTP load benchmark: a bare Jetty 12 core handler that answers the
 * agent check-in with a small 200, doing nothing else. {@code bench/load-http.sh} drives it with
 * the same wrk settings as seqguard.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.seqguard.benchmarks.BareJetty PORT}
 */
public final class BareJetty {
    private BareJetty() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        serve("bare jetty", port, new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                answer(response, answerBody(request), callback);
                return true;
            }
        });
    }

    /** The check-in's answer: the agent's GUID and sequence number as sent, in a small JSON object. */
    static byte[] answerBody(Request request) {
        String guid = request.getHeaders().get("Agent-Guid");
        String sequence = request.getHeaders().get("Agent-Sequence");
        return ("{\"agentGuid\":\"" + guid + "\",\"sequence\":" + sequence + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** Sends {@code body} as a 200 JSON answer. */
    static void answer(Response response, byte[] body, Callback callback) {
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** Runs {@code handler} on 127.0.0.1:{@code port} (0: any free port), says so on stdout, and returns when the server stops. */
    static void serve(String name, int port, Handler handler) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        System.out.println(name + " listening on 127.0.0.1:" + connector.getLocalPort());
        server.join();
    }
}
