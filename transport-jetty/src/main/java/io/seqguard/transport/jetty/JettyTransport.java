package io.seqguard.transport.jetty;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.seqguard.core.engine.ErrorPurge;
import io.seqguard.spi.SequenceGuard;
import io.seqguard.spi.SequenceStore;
import io.seqguard.spi.Transport;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP transport: one Jetty server with two listeners, the agent endpoint and the admin API
 * (SPEC §8), sharing one request thread pool. Requests are routed by the listener they arrived
 * on, so admin routes never answer on the agent port.
 *
 * <p>{@link #stop()} is graceful: the listeners stop accepting, requests that arrive on open
 * connections get 503, and in-flight requests get up to {@code shutdown-grace} to finish before
 * it returns; the store, in an earlier phase, stops only after that.
 *
 * <p>Thread safe: {@link #start()} and {@link #stop()} are called once each by the lifecycle;
 * {@link #stop()} is idempotent and safe without a start.
 */
@Singleton
public final class JettyTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(JettyTransport.class);

    private final HttpConfig config;
    private final SequenceGuard guard;
    private final SequenceStore store;
    private final ErrorPurge purge;
    private final PrometheusMeterRegistry metrics;
    private final Clock clock;

    private Server server;
    private HttpConfiguration http;
    private JvmGcMetrics gcMetrics;
    private List<Meter> uploadMeters = List.of();
    private volatile List<URI> endpoints = List.of();

    @Inject
    public JettyTransport(HttpConfig config, SequenceGuard guard, SequenceStore store, ErrorPurge purge, PrometheusMeterRegistry metrics,
            Clock clock) {
        this.config = requireNonNull(config, "config");
        this.guard = requireNonNull(guard, "guard");
        this.store = requireNonNull(store, "store");
        this.purge = requireNonNull(purge, "purge");
        this.metrics = requireNonNull(metrics, "metrics");
        this.clock = requireNonNull(clock, "clock");
    }

    @Override
    public synchronized void start() throws Exception {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        AdminToken token = AdminToken.load(config);
        bindJvmMeters();

        QueuedThreadPool threads = new QueuedThreadPool(config.maxThreads(), config.minThreads());
        threads.setName("seqguard-http");
        Server jetty = new Server(threads);
        http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector agent = connector(jetty, http, ListenerRouter.AGENT, config.agentHost(), config.agentPort());
        ServerConnector admin = connector(jetty, http, ListenerRouter.ADMIN, config.adminHost(), config.adminPort());

        Probes probes = new Probes(store);
        ClientAddresses addresses = new ClientAddresses(config.trustedProxies());
        AgentHandler agentHandler = new AgentHandler(guard, probes, addresses, config.maxBody(), config.maxThreads());
        RequestBody bodies = agentHandler.bodies();
        uploadMeters = List.of(
                Gauge.builder("seqguard.http.uploads.in.progress", bodies, RequestBody::reading)
                        .description("Agent request bodies being waited for now; at most seqguard.http.threads.max").register(metrics),
                FunctionCounter.builder("seqguard.http.uploads.refused", bodies, RequestBody::refused)
                        .description("Agent requests answered 503 too-many-uploads: threads.max bodies were being waited for").register(metrics));
        AdminHandler adminHandler = new AdminHandler(store, purge, metrics, token, config.metricsRequireToken(), probes, addresses, clock);
        jetty.setHandler(new ShutdownAwareHandler(new ListenerRouter(agentHandler, adminHandler)));
        jetty.setErrorHandler(new ProblemErrorHandler());
        jetty.setStopTimeout(config.shutdownGrace().toMillis());
        // The server's own lifecycle stops Jetty, in order; a JVM hook would race with the store's stop.
        jetty.setStopAtShutdown(false);

        server = jetty;
        try {
            // Bound here, one by one, so that a failure names the listener's keys, not only Jetty's address.
            listen(agent, "agent");
            listen(admin, "admin");
            jetty.start();
        } catch (Exception e) {
            // A connector opened but never started is not closed by Jetty's stop.
            agent.close();
            admin.close();
            stop();
            throw e;
        }
        endpoints = List.of(uri(agent), uri(admin));
        LOG.info("agent endpoint listening on {}{}{}; admin API on {}/admin/v1, metrics on {}/metrics{}", endpoints.get(0),
                AgentHandler.PATH, allInterfaces(agent), endpoints.get(1), endpoints.get(1), allInterfaces(admin));
    }

    @Override
    public synchronized void stop() throws Exception {
        Server jetty = server;
        server = null;
        endpoints = List.of();
        try {
            if (jetty != null) {
                LOG.info("HTTP transport stopping: refusing new requests, waiting up to {} for in-flight ones", config.shutdownGrace());
                jetty.stop();
                LOG.info("HTTP transport stopped");
            }
        } finally {
            // Also after a start that failed before Jetty was made.
            uploadMeters.forEach(metrics::remove);
            uploadMeters = List.of();
            if (gcMetrics != null) {
                gcMetrics.close();
                gcMetrics = null;
            }
        }
    }

    /** The agent listener's URI, then the admin listener's; empty when not running. */
    @Override
    public List<URI> endpoints() {
        return endpoints;
    }

    /** Requests being handled now (counted by the handler a stop waits for); 0 when not running. For tests. */
    synchronized long requestsInFlight() {
        return server != null && server.getHandler() instanceof ShutdownAwareHandler graceful ? graceful.getCurrentRequestCount() : 0;
    }

    /**
     * Adds an in-memory connector to the running server that behaves exactly like the named
     * listener, for tests with raw HTTP and no sockets.
     *
     * @param listener {@link ListenerRouter#AGENT} or {@link ListenerRouter#ADMIN}
     */
    synchronized LocalConnector addLocalConnector(String listener) throws Exception {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        LocalConnector local = new LocalConnector(server, new HttpConnectionFactory(http));
        local.setName(listener);
        server.addConnector(local);
        local.start();
        return local;
    }

    private void bindJvmMeters() {
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        // The GC binder registers notification listeners that must be removed again on stop.
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(metrics);
    }

    private ServerConnector connector(Server jetty, HttpConfiguration http, String name, String host, int port) {
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setName(name);
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(config.idleTimeout().toMillis());
        jetty.addConnector(connector);
        return connector;
    }

    private static void listen(ServerConnector connector, String listener) throws IOException {
        try {
            connector.open();
        } catch (IOException e) {
            Throwable reason = e.getCause() != null ? e.getCause() : e;
            String address = (connector.getHost() == null ? "0.0.0.0" : connector.getHost()) + ":" + connector.getPort();
            throw new IOException("the " + listener + " listener cannot listen on " + address + " (" + HttpConfig.PATH + "." + listener
                    + ".host and ." + listener + ".port): " + (reason.getMessage() != null ? reason.getMessage() : reason.getClass().getSimpleName()), e);
        }
    }

    /** What the log adds to a listener's loopback URI when it listens on every interface. */
    private static String allInterfaces(ServerConnector connector) {
        String host = connector.getHost();
        return host == null || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? " (all interfaces)" : "";
    }

    private static URI uri(Connector connector) {
        ServerConnector server = (ServerConnector) connector;
        // Every interface is reached through loopback: IPv4's for 0.0.0.0, IPv6's for :: (an IPv6-only host has no other).
        String host = allInterfaces(server).isEmpty() ? server.getHost()
                : server.getHost() != null && server.getHost().contains(":") ? "::1" : "127.0.0.1";
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + server.getLocalPort());
    }
}
