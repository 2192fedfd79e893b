package io.seqguard.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The top of the command line: {@code seqguard <command>}. */
@Command(name = "seqguard",
        mixinStandardHelpOptions = true,
        versionProvider = SeqguardCommand.VersionProvider.class,
        description = {
            "seqguard: an agent sequence guard.",
            "Rejects replayed agent requests, shows cloned and rolled-back machines, and helps fix them."},
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
            RunCommand.class,
            ConfigCommand.class,
            ErrorsCommand.class,
            AgentsCommand.class,
            SuspectsCommand.class,
            PurgeCommand.class,
            SimulateCommand.class,
            VersionCommand.class},
        footer = {
            "",
            "Exit codes: 0 success, 1 failure, 2 usage error. Messages go to stderr.",
            "The admin commands (errors, agents, suspects, purge) talk to a running",
            "server's admin API, found through the same configuration the server reads.",
            "Run 'seqguard COMMAND --help' for a command's options."})
final class SeqguardCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // "seqguard" alone: a usage error, with the list of commands.
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** The version for {@code --version}. */
    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"seqguard " + Version.current()};
        }
    }
}
