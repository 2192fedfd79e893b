package io.seqguard.cli;

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
     * the one bin/seqguard names (conf/logback.xml). Must be called before the first logger is
     * created, so it only looks at the first argument.
     */
    static void configureFor(String[] args) {
        boolean run = args.length > 0 && args[0].equals("run");
        if (!run) {
            System.setProperty("logback.configurationFile", CLI_CONFIGURATION);
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
