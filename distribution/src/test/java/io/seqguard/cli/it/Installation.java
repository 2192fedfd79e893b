package io.seqguard.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private copy of the unpacked distribution (so runs never share data/ or logs/), with two free
 * ports, and the child processes started from its bin/seqguard. Every process started here is
 * killed by PID in {@link #close()}, whatever happened. Not thread safe.
 */
final class Installation implements AutoCloseable {
    /** Bounds every wait, so a broken build fails instead of hanging; no assertion depends on it. */
    static final Duration PATIENCE = Duration.ofSeconds(90);

    private final Path home;
    private final int agentPort;
    private final int adminPort;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process server;
    private int runs;

    private Installation(Path home, int agentPort, int adminPort) {
        this.home = home;
        this.agentPort = agentPort;
        this.adminPort = adminPort;
    }

    /** Copies the distribution built by this module's package phase into {@code parent}. */
    static Installation copy(Path parent) throws IOException {
        String dist = System.getProperty("distribution.home");
        // The pom sets it for the integration-test phase only; "-Dtest=...IT" also selects the class in the earlier test phase.
        org.junit.jupiter.api.Assumptions.assumeTrue(dist != null,
                "system property distribution.home is unset: the integration tests run in the integration-test phase (mvn verify)");
        Path source = Path.of(dist);
        assertThat(source.resolve("bin/seqguard")).as("run 'mvn package' first").isExecutable();
        Path home = parent.resolve("seqguard");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = home.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        int[] ports = freePorts();
        return new Installation(home, ports[0], ports[1]);
    }

    private static int[] freePorts() throws IOException {
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }

    Path home() {
        return home;
    }

    Path serverLog() {
        return home.resolve("logs/server.log");
    }

    Path database() {
        return home.resolve("data/seqguard.db");
    }

    /** The JAVA_OPTS every child gets: this installation's ports, loopback only. */
    String javaOpts(String... extra) {
        StringBuilder opts = new StringBuilder("-Dseqguard.http.agent.host=127.0.0.1 -Dseqguard.http.agent.port=" + agentPort
                + " -Dseqguard.http.admin.port=" + adminPort);
        for (String e : extra) {
            opts.append(' ').append(e);
        }
        return opts.toString();
    }

    /** Starts {@code bin/seqguard run} and waits until the agent listener is ready. */
    void start(String... extraJavaOpts) throws IOException, InterruptedException {
        server = launch(javaOpts(extraJavaOpts), "run");
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            if (!server.isAlive()) {
                throw new AssertionError("the server exited with " + server.exitValue() + " before it was ready:\n" + console(server));
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentPort + "/readyz"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server was not ready within " + PATIENCE + ":\n" + console(server));
            }
            Thread.sleep(200);
        }
    }

    /** Sends SIGTERM to the server and returns its exit code. */
    int stop() throws InterruptedException {
        server.destroy(); // SIGTERM: bin/seqguard execs the JVM, so this PID is the JVM's
        assertThat(server.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).as("the server stopped after SIGTERM").isTrue();
        return server.exitValue();
    }

    /** Stops the server with SIGINT (Ctrl-C) instead and returns its exit status. */
    int interrupt() throws Exception {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).inheritIO().start();
        assertThat(kill.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(server.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).as("the server stopped after SIGINT").isTrue();
        return server.exitValue();
    }

    Process server() {
        return server;
    }

    int agentPort() {
        return agentPort;
    }

    /** GET on the admin listener (no token: /metrics is open by default). */
    HttpResponse<String> adminGet(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs {@code bin/seqguard args...} to the end and returns what it did. */
    Result cliWith(String javaOpts, String... args) throws IOException, InterruptedException {
        Process process = launch(javaOpts, args);
        assertThat(process.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).as("bin/seqguard %s ended", String.join(" ", args)).isTrue();
        return new Result(process.exitValue(), read(out(process)), read(err(process)));
    }

    Result cli(String... args) throws IOException, InterruptedException {
        return cliWith(javaOpts(), args);
    }

    /** What a finished command printed. */
    record Result(int exitCode, String out, String err) {
    }

    /** One check-in. */
    HttpResponse<String> checkIn(String guid, long sequence, String nodeName, String mac) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agentPort + "/agent/v1/requests"))
                .timeout(Duration.ofSeconds(30))
                .header("Agent-Guid", guid)
                .header("Agent-Sequence", Long.toString(sequence))
                .header("Agent-Node-Name", nodeName)
                .header("Agent-Mac-Address", mac)
                .POST(HttpRequest.BodyPublishers.ofString("payload"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The lines of server.log, once {@code condition} holds for them (the log is written asynchronously). */
    List<String> serverLogWhen(java.util.function.Predicate<List<String>> condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            List<String> lines = Files.exists(serverLog()) ? Files.readAllLines(serverLog(), StandardCharsets.UTF_8) : List.of();
            if (condition.test(lines) || System.nanoTime() > deadline) {
                return lines;
            }
            Thread.sleep(100);
        }
    }

    private Process launch(String javaOpts, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/seqguard").toString());
        command.addAll(List.of(args));
        int run = ++runs;
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.getParent().toFile()) // not the home: relative paths must resolve against the home anyway
                .redirectOutput(home.getParent().resolve("run-" + run + ".out").toFile())
                .redirectError(home.getParent().resolve("run-" + run + ".err").toFile());
        builder.environment().put("JAVA_OPTS", javaOpts);
        Process process = builder.start();
        processes.add(process);
        outputs.put(process, run);
        return process;
    }

    private final java.util.Map<Process, Integer> outputs = new java.util.HashMap<>();

    private Path out(Process process) {
        return home.getParent().resolve("run-" + outputs.get(process) + ".out");
    }

    private Path err(Process process) {
        return home.getParent().resolve("run-" + outputs.get(process) + ".err");
    }

    String console(Process process) {
        return "--- stdout\n" + read(out(process)) + "--- stderr\n" + read(err(process));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : processes) {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
