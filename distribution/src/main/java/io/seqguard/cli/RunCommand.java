package io.seqguard.cli;

import io.seqguard.core.bootstrap.SeqguardServer;
import io.seqguard.core.bootstrap.StartupException;
import io.seqguard.spi.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code seqguard run}: the server in the foreground. SIGTERM and SIGINT (Ctrl-C) stop it in
 * order: transports first, the store last, then the logs are flushed, and the command exits 0, a
 * clean stop (SPEC §9: 0 success, 1 failure). The signals are handled here rather than left to the
 * JVM, which would run its shutdown hooks and exit with the signal's status (143 for SIGTERM, 130
 * for SIGINT). A shutdown hook still stops the server in order when the JVM ends another way (a
 * SIGHUP, say, or a signal this JVM does not let us handle).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Run the server in the foreground until SIGTERM or Ctrl-C.",
            "A bad configuration is printed as one numbered list of problems, and nothing starts (exit 1)."})
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    InstallationOptions installation = new InstallationOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        Path home = installation.home();
        try {
            // data/ and logs/ appear on first run; the store and Logback would create them too,
            // but an unwritable home should fail here, with its name, rather than deep inside them.
            Files.createDirectories(home.resolve("data"));
            Files.createDirectories(home.resolve("logs"));
        } catch (IOException e) {
            throw new CliException("cannot create data/ and logs/ under " + home + ": " + e);
        }
        SeqguardServer.Builder builder = SeqguardServer.builder().home(home);
        if (installation.configFile() != null) {
            builder.configFile(installation.configFile());
        }
        SeqguardServer server;
        try {
            server = builder.start();
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            // Also where an operator reading only the log file looks.
            LOG.error("start-up refused, nothing started: {}", e.getMessage());
            Logging.flush();
            return 1;
        } catch (StartupException e) {
            spec.commandLine().getErr().println("seqguard: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopRequested = new CountDownLatch(1);
        Thread hook = new Thread(() -> stop(server), "seqguard-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Signals.onTermOrInt(stopRequested::countDown);
        stopRequested.await();
        // A shutdown already under way (the hook runs) cannot be left: the hook stops the server and the JVM exits.
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            return 0;
        }
        stop(server);
        return 0;
    }

    private static void stop(SeqguardServer server) {
        try {
            server.stop();
        } finally {
            Logging.flush();
        }
    }
}
