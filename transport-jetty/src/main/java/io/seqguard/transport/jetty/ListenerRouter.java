package io.seqguard.transport.jetty;

import static java.util.Objects.requireNonNull;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * Sends each request to the handler of the listener it arrived on, decided by the connector's
 * name: {@value #ADMIN} goes to the admin handler, anything else to the agent handler. So the
 * admin API can never be reached through the agent port, whatever the path. Thread safe.
 */
final class ListenerRouter extends Handler.Abstract {
    /** Name of the agent listener's connectors. */
    static final String AGENT = "agent";
    /** Name of the admin listener's connectors. */
    static final String ADMIN = "admin";

    private final Handler agent;
    private final Handler admin;

    ListenerRouter(Handler agent, Handler admin) {
        this.agent = requireNonNull(agent, "agent");
        this.admin = requireNonNull(admin, "admin");
        addBean(agent, true);
        addBean(admin, true);
    }

    @Override
    public void setServer(Server server) {
        super.setServer(server);
        agent.setServer(server);
        admin.setServer(server);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Connector connector = request.getConnectionMetaData().getConnector();
        // The constant is the very string the connector was named with, so equals() returns on identity.
        Handler target = ADMIN.equals(connector.getName()) ? admin : agent;
        return target.handle(request, response, callback);
    }
}
