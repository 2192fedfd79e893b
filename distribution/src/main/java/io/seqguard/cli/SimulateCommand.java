package io.seqguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.seqguard.cli.simulate.FleetPlan;
import io.seqguard.cli.simulate.FleetSpec;
import io.seqguard.cli.simulate.HttpAgentEndpoint;
import io.seqguard.cli.simulate.SimulatedGuid;
import io.seqguard.cli.simulate.Simulation;
import io.seqguard.cli.simulate.SuspectComparison;
import io.seqguard.cli.simulate.Tally;
import io.seqguard.spi.AgentGuid;
import io.seqguard.spi.SuspectKind;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code seqguard simulate}: a fleet of agents against a running server, with injected faults,
 * checked request by request against a model of the sequence check.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        header = "Drive a simulated fleet, with cloned, restored and frozen machines.",
        description = {
            "Drive a fleet of simulated agents against a running server's agent endpoint: honest agents, cloned images",
            "(several machines sharing one GUID, each with its own counter), snapshot restores (counter rolled back once)",
            "and frozen machines (counter reset on every boot). Every answer is checked against a model of the server's",
            "sequence check; at the end the server's suspects report is compared with the faults injected.",
            "Exit code 1 when an injected replay was accepted, an honest request was rejected, or any answer was unexpected.",
            "Use a test server: the fleet's GUIDs and error rows stay in its store."})
final class SimulateCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin = new AdminOptions();

    @Option(names = "--agent-url", paramLabel = "URL",
            description = "The agent endpoint (default: http://127.0.0.1:<seqguard.http.agent.port>/agent/v1/requests).")
    String agentUrl;

    @Option(names = "--honest", paramLabel = "N", defaultValue = "20", description = "Honest agents (default ${DEFAULT-VALUE}).")
    int honest;

    @Option(names = "--cloned", paramLabel = "N", defaultValue = "3", description = "Cloned images, each a GUID shared by several machines (default ${DEFAULT-VALUE}).")
    int cloned;

    @Option(names = "--clones-per-image", paramLabel = "N", defaultValue = "3", description = "Machines per cloned image, at least 2 (default ${DEFAULT-VALUE}).")
    int clonesPerImage;

    @Option(names = "--snapshots", paramLabel = "N", defaultValue = "3", description = "Machines restored from a snapshot (default ${DEFAULT-VALUE}).")
    int snapshots;

    @Option(names = "--frozen", paramLabel = "N", defaultValue = "3", description = "Frozen machines (default ${DEFAULT-VALUE}).")
    int frozen;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "40", description = "Requests per GUID, at least 4 (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "0",
            description = "Requests per second for the whole fleet; 0 = as fast as possible (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8", description = "Requests in flight at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--max-time", paramLabel = "DURATION", defaultValue = "5m",
            description = "Stop sending after this long, e.g. 30s, 5m (default ${DEFAULT-VALUE}).")
    String maxTime;

    @Option(names = "--seed", paramLabel = "N", description = "Makes GUIDs and the clones' order repeatable (default: random); repeat a seed only against a fresh store.")
    Long seed;

    @Option(names = "--allow-remote", description = "Allow an agent endpoint that is not on this machine (loopback only by default).")
    boolean allowRemote;

    @Option(names = "--no-suspects", description = "Do not ask the admin API for the suspects report.")
    boolean noSuspects;

    @Spec
    CommandSpec spec;

    static final long MAX_TOTAL_REQUESTS = 10_000_000;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FleetSpec fleetSpec = fleetSpec();
        Duration limit = duration(maxTime);
        if (concurrency < 1 || concurrency > 1024) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be from 1 to 1024");
        }
        if (rate < 0) {
            throw new ParameterException(spec.commandLine(), "--rate must not be negative");
        }
        ServerConfiguration configuration = ServerConfiguration.load(admin.installation.home(), admin.installation.configFile(),
                System.getProperties());
        Config config = configuration.config();
        URI target = agentUrl != null ? agentUri() : URI.create(
                "http://" + AdminEndpoint.connectHost(string(config, "seqguard.http.agent.host", "0.0.0.0")) + ":"
                        + (config.hasPath("seqguard.http.agent.port") ? config.getInt("seqguard.http.agent.port") : 8080)
                        + "/agent/v1/requests");
        requireLoopback(target);
        int window = config.hasPath("seqguard.sequence.window") ? config.getInt("seqguard.sequence.window") : 0;
        boolean audit = "audit".equals(string(config, "seqguard.sequence.enforcement", "enforce"));

        List<SimulatedGuid> fleet = FleetPlan.build(fleetSpec);
        err.println("simulate: " + describe(fleetSpec) + " -> " + target + (window > 0 ? " (window " + window + ")" : "")
                + (audit ? " (audit mode: stale requests are expected to be accepted)" : ""));
        ExecutorService httpThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "simulate-http");
            t.setDaemon(true);
            return t;
        });
        Simulation simulation = new Simulation(fleet, new HttpAgentEndpoint(target, Duration.ofSeconds(30), httpThreads), concurrency, rate,
                limit, window, audit);
        long started = System.nanoTime();
        Tally tally;
        try (Progress progress = Progress.start(System.console() != null, err, simulation.tally(), fleetSpec.totalRequests())) {
            tally = simulation.run();
        } finally {
            httpThreads.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        out.printf(Locale.ROOT, "%d requests in %.1f s (%.0f per second)%s%n", tally.requests(), seconds, tally.requests() / Math.max(seconds, 1e-9),
                simulation.timedOut() ? ", stopped by --max-time before the plan was done" : "");
        Table summary = new Table("outcome", "requests>");
        summary.row("accepted", tally.accepted());
        summary.row("rejected, expected (injected faults)", tally.rejectedExpected());
        if (audit) {
            summary.row("stale but tolerated (audit mode)", tally.tolerated());
        }
        summary.row("rejected, unexpected", tally.rejectedUnexpected());
        summary.row("  of them honest agents", tally.honestRejected());
        summary.row("injected replays accepted", tally.replaysAccepted());
        summary.row("other answers / no answer", tally.otherAnswers() + tally.failures());
        summary.print(out);
        tally.otherByKind().forEach((kind, count) -> out.println("  " + kind + ": " + count));
        out.printf(Locale.ROOT, "latency p50 %s, p99 %s%n", millis(tally.latencyNanos(0.50)), millis(tally.latencyNanos(0.99)));

        if (!noSuspects) {
            compareSuspects(fleet, out, err);
        }

        boolean replayOk = tally.replaysAccepted() == 0;
        boolean honestOk = tally.honestRejected() == 0;
        boolean modelOk = tally.rejectedUnexpected() == 0 && tally.otherAnswers() == 0 && tally.failures() == 0;
        out.println("invariant: no injected replay accepted ....... " + (replayOk ? "OK" : "FAILED (" + tally.replaysAccepted() + ")"));
        out.println("invariant: no honest request rejected ........ " + (honestOk ? "OK" : "FAILED (" + tally.honestRejected() + ")"));
        out.println("invariant: every answer as the model predicts  " + (modelOk ? "OK" : "FAILED"));
        out.flush();
        return replayOk && honestOk && modelOk ? 0 : 1;
    }

    private void compareSuspects(List<SimulatedGuid> fleet, PrintWriter out, PrintWriter err) {
        JsonNode report;
        try {
            report = admin.client().get("/admin/v1/suspects", Map.of("hours", "1", "limit", "10000")).json();
        } catch (CliException e) {
            err.println("simulate: suspects not compared: " + e.getMessage());
            return;
        }
        Map<AgentGuid, SuspectKind> reported = new HashMap<>();
        for (JsonNode suspect : report.path("suspects")) {
            String kind = Output.text(suspect, "kind");
            String guid = Output.text(suspect, "agentGuid");
            if (kind != null && guid != null) {
                reported.put(AgentGuid.parse(guid), SuspectKind.valueOf(kind.toUpperCase(Locale.ROOT).replace('-', '_')));
            }
        }
        List<SuspectComparison.Line> lines = SuspectComparison.compare(fleet, reported);
        long matching = lines.stream().filter(SuspectComparison.Line::matches).count();
        out.println("suspects reported by the server (last hour) vs faults injected: " + matching + " of " + lines.size() + " match");
        Table table = new Table("agent GUID", "injected", "expected report", "server reported", "");
        for (SuspectComparison.Line line : lines) {
            table.row(line.guid(), line.injected().label(), kind(line.expected()), kind(line.reported()), line.matches() ? "ok" : "MISMATCH");
        }
        table.print(out);
        if (matching < lines.size()) {
            out.println("(a fault can go unreported when the error table's hourly limit, seqguard.errors.table.max-per-hour, was reached)");
        }
    }

    private FleetSpec fleetSpec() {
        try {
            FleetSpec fleetSpec = new FleetSpec(honest, cloned, clonesPerImage, snapshots, frozen, requests,
                    seed != null ? seed : new java.security.SecureRandom().nextLong());
            if (fleetSpec.totalRequests() > MAX_TOTAL_REQUESTS) {
                throw new IllegalArgumentException("the fleet would send " + fleetSpec.totalRequests() + " requests; at most " + MAX_TOTAL_REQUESTS);
            }
            return fleetSpec;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private Duration duration(String text) {
        try {
            Duration d = com.typesafe.config.ConfigFactory.parseString("d = " + text).getDuration("d");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException();
            }
            return d;
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "--max-time must be a positive duration such as 30s or 5m, not '" + text + "'");
        }
    }

    private URI agentUri() {
        try {
            return new URI(agentUrl);
        } catch (URISyntaxException e) {
            throw new ParameterException(spec.commandLine(), "--agent-url must be an http(s) URL, not '" + agentUrl + "': " + e.getMessage());
        }
    }

    private void requireLoopback(URI target) {
        if (target.getHost() == null || !"http".equalsIgnoreCase(target.getScheme()) && !"https".equalsIgnoreCase(target.getScheme())) {
            throw new ParameterException(spec.commandLine(), "--agent-url must be an http(s) URL, not '" + target + "'");
        }
        if (allowRemote) {
            return;
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(target.getHost())) {
                if (!address.isLoopbackAddress()) {
                    throw new ParameterException(spec.commandLine(), target.getHost() + " is not this machine; simulate talks to loopback"
                            + " servers unless --allow-remote is given (it floods the target with requests and error rows)");
                }
            }
        } catch (UnknownHostException e) {
            throw new CliException("cannot resolve " + target.getHost());
        }
    }

    private static String describe(FleetSpec s) {
        return s.guids() + " GUIDs (" + s.honest() + " honest, " + s.clonedImages() + " cloned images x " + s.clonesPerImage() + " machines, "
                + s.snapshotRestores() + " snapshot restores, " + s.frozenMachines() + " frozen machines), " + s.requestsPerGuid()
                + " requests each, " + s.totalRequests() + " in all, seed " + s.seed();
    }

    private static String kind(SuspectKind kind) {
        return kind == null ? "-" : kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    private static String string(Config config, String key, String fallback) {
        return config.hasPath(key) ? config.getString(key) : fallback;
    }
}
