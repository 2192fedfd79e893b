package io.seqguard.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/** Where the command line's own log goes, and flushing it before the JVM ends. */
final class Logging {
    /** The Logback configuration of every command but {@code run}: warnings to stderr, no files. */
    static final String CLI_CONFIGURATION = "io/seqguard/cli/logback-cli.xml";

    private Logging() {
    }

    /**
     * Points Logback at the quiet configuration unless the command is {@code run}, which uses
     * the one bin/seqguard names (conf/logback.xml), or, with {@code --home DIR}, DIR's own and its
     * logs/ folder. Must be called before the first logger is created, so it reads the arguments
     * itself rather than through picocli.
     */
    static void configureFor(String[] args) {
        boolean run = args.length > 0 && args[0].equals("run");
        if (!run) {
            System.setProperty("logback.configurationFile", CLI_CONFIGURATION);
            return;
        }
        // "run --home DIR" logs to DIR/logs, with DIR/conf/logback.xml when it has one, like the installation it runs.
        String home = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--home") && i + 1 < args.length) {
                home = args[i + 1];
            } else if (args[i].startsWith("--home=")) {
                home = args[i].substring("--home=".length());
            }
        }
        if (home != null && !home.isEmpty()) {
            Path dir = Path.of(home).toAbsolutePath().normalize();
            System.setProperty("seqguard.home", dir.toString());
            Path own = dir.resolve("conf/logback.xml");
            if (Files.isRegularFile(own)) {
                System.setProperty("logback.configurationFile", own.toString());
            }
        }
    }

    /** Stops Logback so the async appenders write what they hold. Safe to call more than once. */
    static void flush() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof ch.qos.logback.classic.LoggerContext context) {
            context.stop();
        }
    }
}
