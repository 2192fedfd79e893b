package io.seqguard.cli;

import io.seqguard.spi.config.ConfigException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The {@code seqguard} command line, started by {@code bin/seqguard}. Exit codes: 0 success,
 * 1 failure, 2 usage error; messages go to stderr, results to stdout.
 */
public final class Main {
    /** Exit code of a failed command. */
    public static final int FAILURE = 1;
    /** Exit code of a usage error (unknown command or option, bad option value). */
    public static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        Logging.configureFor(args);
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = execute(args, out, err);
        out.flush();
        err.flush();
        Logging.flush();
        System.exit(code);
    }

    /** Runs one command with the given streams and returns its exit code; never calls {@code System.exit}. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return commandLine(out, err).execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new SeqguardCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            PrintWriter stderr = cmd.getErr();
            if (e instanceof CliException) {
                stderr.println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            } else if (e instanceof ConfigException) {
                stderr.println(e.getMessage());
            } else {
                stderr.println(cmd.getCommandSpec().qualifiedName() + ": unexpected failure: " + e);
                e.printStackTrace(stderr);
            }
            stderr.flush();
            return FAILURE;
        });
        commandLine.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            PrintWriter stderr = cmd.getErr();
            stderr.println("seqguard: " + e.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, stderr)) {
                stderr.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
            }
            stderr.flush();
            return USAGE;
        });
        return commandLine;
    }
}
